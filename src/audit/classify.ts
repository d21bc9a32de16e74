import type { Node } from "@babel/types";
import { CLERK_SERVER } from "../clerk/names.js";
import { calleeName } from "../js/nodes.js";
import { visit, Interpreter, TooComplex, type InterpreterContext, type State } from "./interpret.js";
import { LoadedModule, Modules, type ModuleSource } from "./modules.js";
import { lineOf, obj, tainted, UNKNOWN, union, type ModuleScope, type Source, type Value } from "./values.js";

// How each exported HTTP method of a route file (or a Pages Router API route's default export) is
// protected: the handler is run by interpret.ts for an anonymous caller, and every way it can end
// is sorted into a check, a refusal, an answer or an unknown. Pure: text in, facts out (other
// modules come through the ModuleSource scan.ts gives). What cannot be decided is "unknown", with why.

export const HANDLER_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export type Protection =
  /** auth.protect() (or redirectToSignIn()) on every path an anonymous caller takes. */
  | "protect"
  /** auth() / getAuth(): isAuthenticated or userId tested, and the handler exits when signed out. */
  | "auth-check"
  /** auth({ acceptsToken }), tested. */
  | "machine"
  /** A verified signature: verifyWebhook, svix, Stripe, standardwebhooks, an HMAC compared. Public on purpose. */
  | "webhook"
  /** currentUser() whose result is tested. */
  | "currentUser"
  /** A shared secret from the environment compared with the request (cron jobs, internal calls). */
  | "secret"
  /** auth() or currentUser() called, but some path answers a signed-out caller. */
  | "unchecked"
  /** No check at all: public. */
  | "none"
  /** What the handler does cannot be read: a framework's handler, a module that cannot be read, too many paths. */
  | "unknown";

export interface HandlerFacts {
  method: string;
  protection: Protection;
  /** has({ … }) / auth.protect({ … }) arguments, as written, e.g. `{ role: "org:admin" }`. */
  checks: string[];
  /** Calls that need clerkMiddleware() on the route (auth(), auth.protect(), currentUser(), getAuth()). */
  needsMiddleware: boolean;
  /** Why it is unknown, or through which helper it was decided, or what it gets wrong. */
  note?: string;
  /** The handler's line in the route file. */
  line: number;
}

export interface RouteFileFacts {
  handlers: HandlerFacts[];
  /** `// clerk-audit: public`: the team says the route is public on purpose. */
  markedPublic: boolean;
  /** A syntax error, or a file that cannot be read: no handler could be read (the audit reports it as UNKNOWN). */
  parseError?: string;
}

export interface ClassifyOptions {
  /** The installed (else declared) @clerk/nextjs major; 0 when unknown (read as the newest). */
  clerkMajor: number;
  resolve: ModuleSource;
}

const PUBLIC_MARKER = /\/\/\s*clerk-audit:\s*public\b/;
const PROTECT_NOT_AWAITED =
  "auth.protect() is not awaited: with @clerk/nextjs 6 and later it returns a promise, and a rejection nobody awaits blocks nothing";

type End =
  { kind: "guard"; sources: Source[] } | { kind: "refusal" } | { kind: "answer" } | { kind: "unknown"; why: string };

/** Which kind of check a set of guards is. */
function kindOf(sources: Source[]): Protection {
  if (sources.includes("webhook")) return "webhook";
  if (sources.includes("machine")) return "machine";
  if (sources.includes("protect")) return "protect";
  if (sources.includes("session")) return "auth-check";
  if (sources.includes("user")) return "currentUser";
  return "secret";
}

/** A classifier for one project: helper modules are parsed once for all its route files. */
export function createClassifier(
  options: ClassifyOptions,
): (code: string, path: string, router?: "app" | "pages") => RouteFileFacts {
  const modules = new Modules(options.resolve);
  const clerkMajor = options.clerkMajor || 7;
  let ctx = newContext(clerkMajor);
  const interpreter = new Interpreter(ctx);
  modules.interpreter = () => interpreter;

  return (code, path, router = "app") => {
    const markedPublic = PUBLIC_MARKER.test(code);
    const module = modules.load(path, code);
    if (!(module instanceof LoadedModule)) return { handlers: [], markedPublic, parseError: module };
    const names =
      router === "pages"
        ? ["default"]
        : HANDLER_METHODS.filter(
            (method) => module.exports.some((e) => e.name === method) || module.exports.some((e) => e.name === "*"),
          );
    const handlers: HandlerFacts[] = [];
    for (const name of names) {
      ctx = newContext(clerkMajor);
      interpreter.ctx = ctx;
      const exp = module.exports.find((e) => e.name === name);
      const line = exp ? lineOf(exp.node) : 1;
      let value: Value | undefined;
      try {
        value = module.exportValue(name);
      } catch (error) {
        if (!(error instanceof TooComplex)) throw error;
        value = { k: "opaque", why: "too many paths to follow", taint: [] };
      }
      if (value === undefined) continue; // `export *` from a project module that has no such method
      const method = router === "pages" ? "*" : name;
      handlers.push({ method, line, ...judge(value, exp?.node, module, router, interpreter, () => ctx) });
    }
    modules.drop(path);
    return { handlers, markedPublic };
  };
}

function newContext(
  clerkMajor: number,
): InterpreterContext & { needs: boolean; called: boolean; checks: string[]; notAwaited: boolean } {
  const ctx = {
    clerkMajor,
    steps: 0,
    stack: [] as InterpreterContext["stack"],
    needs: false,
    called: false,
    checks: [] as string[],
    notAwaited: false,
    needsClerk: () => void (ctx.needs = true),
    clerkCalled: () => void (ctx.called = true),
    check: (text: string) => void (ctx.checks.includes(text) || ctx.checks.push(text)),
    protectNotAwaited: () => void (ctx.notAwaited = true),
    text: (node: Node, module: ModuleScope) => module.code.slice(node.start ?? 0, node.end ?? 0),
    mentionsClerk: (fn: Node, module: ModuleScope) => mentionsClerk(fn, module),
  };
  return ctx;
}

/** Whether a function's code calls something imported from Clerk (for callbacks handed to unknown libraries). */
function mentionsClerk(fn: Node, module: ModuleScope): boolean {
  if (!(module instanceof LoadedModule)) return false;
  let found = false;
  const body = (fn as { body?: Node }).body;
  if (!body) return false;
  visitAll(body, (node) => {
    if (node.type === "Identifier" && !found) {
      const imported = module.bindings.imports.get(node.name);
      if (imported && (imported.source === CLERK_SERVER || imported.source === "@clerk/nextjs")) found = true;
    }
  });
  return found;
}

function visitAll(node: Node, fn: (node: Node) => void): void {
  fn(node);
  const record = node as unknown as Record<string, unknown>;
  for (const key in record) {
    if (
      key === "loc" ||
      key === "extra" ||
      key === "leadingComments" ||
      key === "trailingComments" ||
      key === "innerComments"
    )
      continue;
    const value = record[key];
    if (!value || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (const child of value)
        if (child && typeof child === "object" && typeof (child as Node).type === "string") visitAll(child as Node, fn);
    } else if (typeof (value as Node).type === "string") {
      visitAll(value as Node, fn);
    }
  }
}

type Judged = Omit<HandlerFacts, "method" | "line">;

function judge(
  value: Value,
  node: Node | undefined,
  module: LoadedModule,
  router: "app" | "pages",
  interpreter: Interpreter,
  context: () => ReturnType<typeof newContext>,
): Judged {
  const unknown = (why: string): Judged => ({ protection: "unknown", checks: [], needsMiddleware: true, note: why });
  if (value.k === "native" && value.name === "verified")
    return { protection: "webhook", checks: [], needsMiddleware: false };
  if (value.k === "opaque") return unknown(value.why);
  if (value.k !== "fn") return unknown(describeTarget(value, node, module));
  const ctx = context();
  const st: State = { store: new Map(), forced: [] };
  const args: Value[] =
    router === "pages"
      ? [obj({}, [], { k: "request", taint: [] }), pagesResponse(undefined)]
      : [{ k: "request", taint: [] }, obj({ params: { k: "request", taint: [] } }, [], UNKNOWN)];
  let ends: End[];
  try {
    ends = interpreter.runFunction(value, args, st).map((end) => endOf(end, router));
  } catch (error) {
    if (error instanceof TooComplex) return unknown("too many paths to follow");
    return unknown(`this reader failed on it (${(error as Error).message})`);
  }
  const base = {
    checks: [...new Set([...writtenChecks(value.fn, module), ...ctx.checks])],
    needsMiddleware: ctx.needs,
  };
  const answers = ends.some((end) => end.kind === "answer");
  const via = ctx.via ? `via ${ctx.via}` : undefined;
  if (answers) {
    const protection: Protection = ctx.called ? "unchecked" : "none";
    return { ...base, protection, ...(ctx.notAwaited ? { note: PROTECT_NOT_AWAITED } : {}) };
  }
  const doubt = ends.find((end): end is Extract<End, { kind: "unknown" }> => end.kind === "unknown");
  if (doubt) return { ...base, protection: "unknown", needsMiddleware: true, note: doubt.why };
  const guards = ends.filter((end): end is Extract<End, { kind: "guard" }> => end.kind === "guard");
  if (guards.length > 0) {
    const protection = kindOf(guards.reduce<Source[]>((acc, g) => union(acc, g.sources), []));
    return { ...base, protection, ...(via ? { note: via } : {}) };
  }
  return {
    ...base,
    protection: ctx.called ? "unchecked" : "none",
    ...(ctx.notAwaited ? { note: PROTECT_NOT_AWAITED } : {}),
  };
}

/** has({ … }) and auth.protect({ … }) arguments as written in the handler (also where a signed-out caller never gets to them). */
function writtenChecks(fn: Node, module: LoadedModule): string[] {
  const found: string[] = [];
  // Most handlers write neither: skip the walk (the text of the module says so).
  if (!module.code.includes("has(") && !module.code.includes("protect(")) return found;
  visitAll(fn, (node) => {
    if (node.type !== "CallExpression" || !node.arguments[0] || node.arguments[0].type === "ArrowFunctionExpression")
      return;
    const callee = node.callee;
    const name = calleeName(node);
    if (name === "has" || (name === "protect" && callee.type === "MemberExpression")) {
      const argument = node.arguments[0];
      found.push(module.code.slice(argument.start ?? 0, argument.end ?? 0));
    }
  });
  return found;
}

/** Why an exported value is not a handler this reader can run. */
function describeTarget(value: Value, node: Node | undefined, module: LoadedModule): string {
  if (value.k === "lib")
    return `the handler is ${value.path.join(".") || "the module"} from ${value.source}: its checks are not in this project`;
  const init = node?.type === "VariableDeclarator" ? node.init : node;
  let call: Node | undefined;
  if (init) visit(init, (n) => void (call ??= n.type === "CallExpression" ? n : undefined));
  if (call && call.type === "CallExpression") {
    const callee = module.code.slice(call.callee.start ?? 0, call.callee.end ?? 0);
    return `the handler is made by ${callee}(), which this reader cannot follow`;
  }
  return "not a function this reader can follow";
}

/** The Pages Router's res: status(…) then json()/send()/end() sends; redirect() sends a 307. */
function pagesResponse(status: number | undefined): Value {
  const sends = (code: number | undefined): Value => ({
    k: "native",
    name: "send",
    call: () => ({ sends: code, value: UNKNOWN }),
    taint: [],
  });
  // A status that is not a number written in place is unknown (undefined): an answer.
  return obj(
    {
      status: {
        k: "native",
        name: "status",
        call: (args) => ({
          value: pagesResponse(args[0]?.k === "prim" && typeof args[0].v === "number" ? args[0].v : undefined),
        }),
        taint: [],
      },
      json: sends(status),
      send: sends(status),
      end: sends(status),
      redirect: sends(307),
    },
    [],
    UNKNOWN,
  );
}

/** A Response whose status is written as a number below 300 (Pages Router: sent so). */
function answersSuccess(value: Value | undefined, st: State, router: "app" | "pages"): boolean {
  if (router === "pages") return typeof st.sent === "number" && st.sent < 300;
  const inner = value?.k === "promise" && value.value ? value.value : value;
  const status = inner?.k === "obj" && inner.response ? inner.response.status : undefined;
  return status !== undefined && status < 300;
}

function endOf(
  end: { t: "normal" | "return" | "throw"; st: State; v?: Value; src?: Source[] },
  router: "app" | "pages",
): End {
  const { st } = end;
  if (end.t === "throw")
    return end.src && end.src.length > 0 ? { kind: "guard", sources: end.src } : { kind: "refusal" };
  const returned = end.t === "return" ? end.v : undefined;
  // `return POST(request)`: what the other handler's promise holds.
  const value =
    returned?.k === "promise" && returned.value && !returned.rejects
      ? tainted(returned.value, returned.taint)
      : returned;
  // An exit the caller decided is a check, unless it answers with a success: then the signed-out
  // caller gets an answer (a route public on purpose says so with --allow-public).
  if (st.forced.length > 0 && !answersSuccess(value, st, router)) return { kind: "guard", sources: st.forced };
  if (returned?.k === "promise" && returned.rejects)
    return returned.rejects.length > 0 ? { kind: "guard", sources: returned.rejects } : { kind: "refusal" };
  if (value?.k === "obj" && value.response && value.taint.length > 0 && !answersSuccess(value, st, router))
    return { kind: "guard", sources: value.taint };
  const answer = (): End => (st.doubt ? { kind: "unknown", why: st.doubt } : { kind: "answer" });
  if (router === "pages") {
    if (value?.k === "opaque") return { kind: "unknown", why: value.why };
    if (st.sent === undefined || (typeof st.sent === "number" && st.sent >= 300)) return { kind: "refusal" }; // nothing sent, or an error

    return answer();
  }
  if (!value || (value.k === "prim" && value.v === undefined)) return { kind: "refusal" }; // no response: Next answers 500
  if (value.k === "opaque") return { kind: "unknown", why: value.why };
  const status = value.k === "obj" && value.response ? value.response.status : undefined;
  if (status !== undefined && status >= 300) return { kind: "refusal" };
  if (value.k === "promise" && value.value) {
    const inner = value.value;
    if (inner.k === "opaque") return { kind: "unknown", why: inner.why };
    const innerStatus = inner.k === "obj" && inner.response ? inner.response.status : undefined;
    if (innerStatus !== undefined && innerStatus >= 300) return { kind: "refusal" };
  }
  return answer();
}
