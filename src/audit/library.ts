// What the libraries a route handler calls do for an anonymous caller: Clerk (auth() signed out,
// auth.protect() denying), Next's navigation throws and responses, signature verifiers (svix,
// standardwebhooks, Stripe, Octokit, QStash, Sanity, Twilio…), node:crypto's HMAC and timingSafeEqual,
// and the frameworks that answer for a handler (tRPC, hono, …: their checks are elsewhere).
// Read from each package's documented behaviour; anything else is an unknown call.
import {
  native,
  obj,
  prim,
  tainted,
  UNKNOWN,
  UNDEFINED,
  union,
  type NativeOutcome,
  type Source,
  type Value,
} from "./values.js";

export interface LibraryContext {
  /** The installed (else declared) @clerk/nextjs major: 5 has a sync auth(), 6+ an async one. */
  clerkMajor: number;
  /** A Clerk call that needs clerkMiddleware() on the route ran. */
  needsClerk(): void;
  /** A call to Clerk (auth, currentUser…) ran: its result may or may not be tested. */
  clerkCalled(): void;
  /** has({ … }) / auth.protect({ … }) arguments, as written. */
  check(text: string): void;
  /** auth.protect() whose promise is not awaited (Clerk ≥ 6): it blocks nothing. */
  protectNotAwaited(): void;
}

const CLERK_SERVER_SOURCES = new Set(["@clerk/nextjs/server", "@clerk/nextjs", "@clerk/nextjs/app-beta"]);
const NAVIGATION = new Set(["redirect", "permanentRedirect", "notFound", "forbidden", "unauthorized"]);

/** Frameworks whose handler answers for the route: the checks live in their own code. */
export const FRAMEWORKS: Record<string, { names: string[]; kind: string }> = {
  "@trpc/server/adapters/fetch": { names: ["fetchRequestHandler"], kind: "tRPC: the checks live in your procedures" },
  "@trpc/server/adapters/next-app-dir": {
    names: ["nextAppDirCaller"],
    kind: "tRPC: the checks live in your procedures",
  },
  "@trpc/server/adapters/next": { names: ["createNextApiHandler"], kind: "tRPC: the checks live in your procedures" },
  "hono/vercel": { names: ["handle"], kind: "hono: the checks live in your hono app's middleware and routes" },
  "hono/nextjs": { names: ["handle"], kind: "hono: the checks live in your hono app's middleware and routes" },
  "inngest/next": { names: ["serve"], kind: "Inngest: requests are verified with the Inngest signing key" },
  "uploadthing/next": {
    names: ["createRouteHandler", "createNextRouteHandler"],
    kind: "UploadThing: the checks live in your file routes' .middleware()",
  },
  "uploadthing/next-legacy": {
    names: ["createRouteHandler", "createNextPageApiHandler"],
    kind: "UploadThing: the checks live in your file routes' .middleware()",
  },
  "better-auth/next-js": { names: ["toNextJsHandler"], kind: "Better Auth's own endpoints" },
  "next-auth": { names: ["default"], kind: "Auth.js's own endpoints" },
  "@auth/nextjs": { names: ["default"], kind: "Auth.js's own endpoints" },
  "@orpc/server/fetch": { names: ["RPCHandler"], kind: "oRPC: the checks live in your procedures" },
  "@copilotkit/runtime": { names: ["copilotRuntimeNextJSAppRouterEndpoint"], kind: "CopilotKit's runtime endpoint" },
  "@upstash/workflow/nextjs": {
    names: ["serve"],
    kind: "Upstash Workflow: requests are verified with QStash signing keys",
  },
  "@vercel/flags/next": {
    names: ["createFlagsDiscoveryEndpoint"],
    kind: "Vercel Flags discovery: verified with FLAGS_SECRET",
  },
};

/** Wrappers that verify a signature before calling the handler they are given. */
const VERIFYING_WRAPPERS: Record<string, string[]> = {
  "@upstash/qstash/nextjs": ["verifySignatureAppRouter", "verifySignatureEdge", "verifySignature"],
  "@upstash/qstash/dist/nextjs": ["verifySignatureAppRouter"],
};

export function isVerifyingWrapper(source: string, path: string[]): boolean {
  return path.length === 1 && (VERIFYING_WRAPPERS[source]?.includes(path[0]!) ?? false);
}

/** The framework a library export belongs to, when calling it makes a handler that answers for the route. */
export function frameworkKind(source: string, path: string[]): string | undefined {
  const framework = FRAMEWORKS[source];
  if (!framework || path.length === 0) return undefined;
  return framework.names.includes(path[0]!) ? framework.kind : undefined;
}

const rejects = (sources: Source[]): Value => ({ k: "promise", rejects: sources, taint: [] });
const resolves = (value: Value): Value => ({ k: "promise", value, taint: [] });
const throwing = (sources: Source[]) => native("throws", () => ({ throws: sources }));

/** Clerk's auth object for a signed-out caller (or, with acceptsToken, a caller without a token). */
function authObject(source: "session" | "machine", ctx: LibraryContext): Value {
  const none = prim(null, [source]);
  return obj(
    {
      userId: none,
      sessionId: none,
      sessionClaims: none,
      orgId: none,
      orgRole: none,
      orgSlug: none,
      orgPermissions: none,
      actor: none,
      subject: none,
      id: none,
      scopes: none,
      claims: none,
      machineId: none,
      clientId: none,
      isAuthenticated: prim(false, [source]),
      tokenType: source === "session" ? prim("session_token") : tainted(UNKNOWN, [source]),
      has: native("has", () => ({ value: prim(false, [source]) })),
      getToken: native("getToken", () => ({ value: resolves(prim(null, [source])) })),
      protect: native("protect", () => {
        ctx.needsClerk();
        return { throws: ["protect"] };
      }),
      // A throw (Next answers 307); a check when the caller decided to call it.
      redirectToSignIn: throwing([]),
      redirectToSignUp: throwing([]),
    },
    [],
    tainted(UNKNOWN, [source]),
  );
}

/** An HMAC/hash object: digest() gives a secret when the key (or the hashed data) is one. */
function hmacObject(secret: boolean): Value {
  const self: Value = obj({}, [], UNKNOWN);
  const digest: Value = secret ? { k: "secret", hmac: true, taint: [] } : UNKNOWN;
  (self as Extract<Value, { k: "obj" }>).props.set(
    "update",
    native("update", () => ({ value: self })),
  );
  (self as Extract<Value, { k: "obj" }>).props.set(
    "digest",
    native("digest", () => ({ value: digest })),
  );
  return self;
}

/** A value derived from others by a string/byte operation: secret in, secret out; request in, request out. */
export function derived(values: Value[]): Value {
  const taint = values.reduce<Source[]>((acc, v) => union(acc, v.taint), []);
  const secret = values.find((v) => v.k === "secret");
  if (secret) return { ...secret, taint: union(secret.taint, taint) };
  if (values.some((v) => v.k === "request")) return { k: "request", taint };
  return { ...UNKNOWN, taint };
}

/** timingSafeEqual(a, b), subtle.verify(…): false when one side is a secret and the other the caller's. */
function compareSecret(a: Value | undefined, b: Value | undefined): Value {
  const secret = [a, b].find((v) => v?.k === "secret") as Extract<Value, { k: "secret" }> | undefined;
  const caller = [a, b].some((v) => v?.k === "request");
  if (secret && caller) return prim(false, [secret.hmac ? "webhook" : "secret"]);
  return UNKNOWN;
}

/** A Response, status when it is written as a number (default 200). */
export function response(init: Value | undefined, fallbackStatus: number | undefined = 200): Value {
  let status: number | undefined = fallbackStatus;
  if (init && init.k === "obj") {
    const given = init.props.get("status");
    status =
      given === undefined ? fallbackStatus : given.k === "prim" && typeof given.v === "number" ? given.v : undefined;
  } else if (init && init.k === "prim" && typeof init.v === "number") {
    status = init.v;
  } else if (init && init.k !== "prim") {
    status = undefined;
  }
  return { k: "obj", props: new Map(), fallback: UNKNOWN, response: { status }, taint: [] };
}

const responseStatics = (): Value =>
  obj(
    {
      json: native("json", (args) => ({ value: response(args[1]) })),
      redirect: native("redirect", () => ({ value: response(undefined, 307) })),
      rewrite: native("rewrite", () => ({ value: response(undefined, undefined) })),
      next: native("next", () => ({ value: response(undefined, undefined) })),
      error: native("error", () => ({ value: response(undefined, 500) })),
    },
    [],
    UNKNOWN,
  );

/** `process`, `Response`, `crypto`, `Buffer`…: globals with a meaning for the audit. */
export function globalValue(name: string): Value | undefined {
  switch (name) {
    case "undefined":
      return UNDEFINED;
    case "process":
      return obj(
        {
          env: obj(
            { NODE_ENV: UNKNOWN, VERCEL_ENV: UNKNOWN, NEXT_PUBLIC_VERCEL_ENV: UNKNOWN, VERCEL_URL: UNKNOWN },
            [],
            { k: "secret", hmac: false, taint: [] },
          ),
        },
        [],
        UNKNOWN,
      );
    case "Response":
      return { k: "lib", source: "global", path: ["Response"], taint: [] };
    case "crypto":
      return { k: "lib", source: "crypto", path: [], taint: [] };
    case "Buffer":
    case "String":
    case "TextEncoder":
      return { k: "lib", source: "global", path: [name], taint: [] };
    default:
      return undefined;
  }
}

/** A member of a library value: `NextResponse.json`, `stripe.webhooks`, `clerk.auth` (namespace). */
export function libraryMember(lib: Extract<Value, { k: "lib" }>, name: string): Value {
  return { k: "lib", source: lib.source, path: [...lib.path, name], taint: lib.taint };
}

/**
 * What calling (or constructing) a library export does. undefined: an unknown call (its result is
 * unknown, it is assumed not to throw).
 */
export function callLibrary(
  source: string,
  path: string[],
  args: Value[],
  argTexts: string[],
  ctx: LibraryContext,
  construct: boolean,
): NativeOutcome | undefined {
  const [first, second] = path;
  const name = path.join(".");
  if (CLERK_SERVER_SOURCES.has(source)) {
    if (name === "auth" || name === "getAuth") {
      ctx.needsClerk();
      ctx.clerkCalled();
      const options = args[name === "getAuth" ? 1 : 0];
      const machine = options?.k === "obj" && options.props.has("acceptsToken");
      const result = authObject(machine ? "machine" : "session", ctx);
      return { value: name === "auth" && ctx.clerkMajor >= 6 ? resolves(result) : result };
    }
    if (name === "auth.protect") {
      ctx.needsClerk();
      ctx.clerkCalled();
      if (argTexts[0] !== undefined && !argTexts[0].includes("=>")) ctx.check(argTexts[0]);
      return ctx.clerkMajor >= 6 ? { value: rejects(["protect"]) } : { throws: ["protect"] };
    }
    if (name === "currentUser") {
      ctx.needsClerk();
      ctx.clerkCalled();
      return { value: resolves(prim(null, ["user"])) };
    }
    if (name === "redirectToSignIn" || name === "redirectToSignUp") return { throws: [] };
    return undefined;
  }
  if (source === "@clerk/nextjs/webhooks" || source === "@clerk/backend/webhooks") {
    if (name === "verifyWebhook") return { value: rejects(["webhook"]) };
    return undefined;
  }
  if (
    (source === "next/navigation" || source === "next/dist/client/components/navigation") &&
    first &&
    NAVIGATION.has(first)
  )
    return { throws: [] };
  if (source === "next/server" || (source === "global" && first === "Response")) {
    if ((first === "NextResponse" || first === "Response") && second === undefined && construct)
      return { value: response(args[1]) };
    if ((first === "NextResponse" || first === "Response") && second !== undefined) {
      const statics = responseStatics();
      const method = statics.k === "obj" ? statics.props.get(second) : undefined;
      if (method?.k === "native") return method.call(args, undefined);
    }
    return undefined;
  }
  if (source === "next/headers" && (first === "headers" || first === "cookies" || first === "draftMode")) {
    return { value: { k: "request", taint: [] } };
  }
  if (source === "global" && (first === "Buffer" || first === "String" || first === "TextEncoder"))
    return { value: derived(args) };
  if ((source === "svix" || source === "standardwebhooks") && first === "Webhook" && construct) {
    return { value: obj({ verify: throwing(["webhook"]) }, [], UNKNOWN) };
  }
  if (source === "stripe" && (first === "default" || first === "Stripe")) {
    const webhooks = obj(
      {
        constructEvent: throwing(["webhook"]),
        constructEventAsync: native("constructEventAsync", () => ({ value: rejects(["webhook"]) })),
      },
      [],
      UNKNOWN,
    );
    if (construct && second === undefined) return { value: obj({ webhooks }, [], UNKNOWN) };
    if (second === "webhooks" && path[2] === "constructEvent") return { throws: ["webhook"] };
    if (second === "webhooks" && path[2] === "constructEventAsync") return { value: rejects(["webhook"]) };
    return undefined;
  }
  if (source === "@octokit/webhooks" && first === "Webhooks" && construct) {
    return {
      value: obj(
        {
          verify: native("verify", () => ({ value: resolves(prim(false, ["webhook"])) })),
          verifyAndReceive: native("verifyAndReceive", () => ({ value: rejects(["webhook"]) })),
        },
        [],
        UNKNOWN,
      ),
    };
  }
  if (source === "@octokit/webhooks-methods" && first === "verify")
    return { value: resolves(prim(false, ["webhook"])) };
  if (source === "@upstash/qstash" && first === "Receiver" && construct)
    return { value: obj({ verify: native("verify", () => ({ value: rejects(["webhook"]) })) }, [], UNKNOWN) };
  if (source === "@sanity/webhook" && (first === "isValidSignature" || first === "isValidRequest"))
    return { value: resolves(prim(false, ["webhook"])) };
  if (source === "@line/bot-sdk" && first === "validateSignature") return { value: prim(false, ["webhook"]) };
  if (source === "@polar-sh/sdk/webhooks" && first === "validateEvent") return { throws: ["webhook"] };
  if (source === "@liveblocks/node" && first === "WebhookHandler" && construct)
    return { value: obj({ verifyRequest: throwing(["webhook"]) }, [], UNKNOWN) };
  if (source === "replicate" && first === "validateWebhook") return { value: resolves(prim(false, ["webhook"])) };
  // twilio.validateRequest(authToken, signature, url, params) and its body variant: false for a caller without Twilio's signature.
  if (source === "twilio") {
    const fn = first === "default" ? second : first;
    if (fn === "validateRequest" || fn === "validateRequestWithBody") return { value: prim(false, ["webhook"]) };
  }
  if (source === "crypto" || source === "node:crypto") {
    const fn = first === "default" || first === "webcrypto" ? path.slice(1) : path;
    const [head, next] = fn;
    if (head === "createHmac") return { value: hmacObject(args[1]?.k === "secret") };
    if (head === "createHash") return { value: hmacObject(false) };
    if (head === "timingSafeEqual") return { value: compareSecret(args[0], args[1]) };
    if (head === "subtle" && next === "importKey") return { value: resolves(derived([args[1] ?? UNKNOWN])) };
    if (head === "subtle" && next === "sign")
      return { value: resolves(args[1]?.k === "secret" ? { k: "secret", hmac: true, taint: [] } : UNKNOWN) };
    if (head === "subtle" && next === "verify")
      return { value: resolves(args[1]?.k === "secret" ? prim(false, ["webhook"]) : UNKNOWN) };
    return undefined;
  }
  return undefined;
}
