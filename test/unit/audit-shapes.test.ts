import path from "node:path";
import { describe, expect, it } from "vitest";
import { createClassifier, type HandlerFacts } from "../../src/audit/classify.js";
import type { ModuleSource } from "../../src/audit/modules.js";

// The handler reader on the shapes real code writes, and on the hostile ones: a check is a guard
// that is true whenever the caller is signed out and exits on every path of it. Pure: the files
// live in a map, imports resolve inside it.

const ROUTE = "app/api/x/route.ts";

function resolverFor(files: Record<string, string>): ModuleSource {
  return (specifier, fromFile) => {
    const base = specifier.startsWith(".")
      ? path.posix.join(path.posix.dirname(fromFile), specifier)
      : specifier.startsWith("@/")
        ? specifier.slice(2)
        : undefined;
    if (base === undefined) return undefined;
    for (const suffix of ["", ".ts", ".tsx", ".js", "/index.ts"]) {
      const code = files[base + suffix];
      if (code !== undefined) return { kind: "project", path: base + suffix, code };
    }
    return { kind: "unreadable", why: `imports ${specifier}, which is not a file in the project` };
  };
}

function classify(
  files: Record<string, string> | string,
  options: { clerkMajor?: number; router?: "app" | "pages"; file?: string } = {},
): HandlerFacts[] {
  const all = typeof files === "string" ? { [options.file ?? ROUTE]: files } : files;
  const file = options.file ?? ROUTE;
  const classifier = createClassifier({ clerkMajor: options.clerkMajor ?? 7, resolve: resolverFor(all) });
  return classifier(all[file]!, file, options.router).handlers;
}

const protectionOf = (files: Record<string, string> | string, options: Parameters<typeof classify>[1] = {}) =>
  classify(files, options)[0]?.protection;

const AUTH = 'import { auth } from "@clerk/nextjs/server";\nimport { NextResponse } from "next/server";\n';
const get = (body: string, head = AUTH) => `${head}\nexport async function GET(req: Request) {\n${body}\n}\n`;
const DENY = 'return NextResponse.json({ error: "Unauthorized" }, { status: 401 });';
const DATA = "return NextResponse.json({ secret: 42 });";

describe("never a false clean: a test that lets some signed-out callers through is not a check", () => {
  it.each([
    [
      "a test true only for signed-in callers",
      `const { userId, orgId } = await auth();\nif (userId && !orgId) return NextResponse.json({}, { status: 400 });\n${DATA}`,
    ],
    [
      "a guard that also needs a flag",
      `const { isAuthenticated } = await auth();\nconst flag = req.headers.get("x-flag");\nif (!isAuthenticated && flag) ${DENY}\n${DATA}`,
    ],
    [
      "(!signedIn && x) || y",
      `const { isAuthenticated } = await auth();\nconst x = req.headers.get("x"); const y = req.headers.get("y");\nif ((!isAuthenticated && x) || y) ${DENY}\n${DATA}`,
    ],
    [
      "userId === undefined (signed out, it is null)",
      `const { userId } = await auth();\nif (userId === undefined) ${DENY}\n${DATA}`,
    ],
    [
      "an exit inside a nested condition",
      `const { userId } = await auth();\nif (!userId) {\n  if (req.headers.get("x")) ${DENY}\n}\n${DATA}`,
    ],
    ["auth.protect() after a return", `if (req.headers.get("x")) ${DATA}\nawait auth.protect();\n${DATA}`],
    [
      "userId replaced from a header",
      `let { userId } = await auth();\nconst header = req.headers.get("x-user-id");\nif (header) userId = header;\nif (!userId) ${DENY}\n${DATA}`,
    ],
    [
      "userId taken from a header first",
      `const userId = req.headers.get("x-user-id") ?? (await auth()).userId;\nif (!userId) ${DENY}\n${DATA}`,
    ],
    ["auth.protect() without await (Clerk 6+)", `auth.protect();\n${DATA}`],
    ["a test that answers nothing", `const { userId } = await auth();\nif (userId) console.log(userId);\n${DATA}`],
    [
      "a default value",
      `const { userId } = await auth();\nconst who = userId ?? "anon";\nreturn NextResponse.json({ who });`,
    ],
    ["a try that swallows auth.protect()", `try {\n  await auth.protect();\n} catch {}\n${DATA}`],
  ])("%s: unchecked", (_name, body) => {
    expect(protectionOf(get(body))).toBe("unchecked");
  });

  it("says why an un-awaited auth.protect() protects nothing", () => {
    expect(classify(get(`auth.protect();\n${DATA}`))[0]?.note).toMatch(/not awaited/);
  });

  it("a helper whose check the handler ignores protects nothing", () => {
    const files = {
      [ROUTE]: get(`await isSignedIn();\n${DATA}`, `${AUTH}import { isSignedIn } from "@/lib/auth";\n`),
      "lib/auth.ts": `${AUTH}export async function isSignedIn() {\n  const { userId } = await auth();\n  return !!userId;\n}\n`,
    };
    expect(protectionOf(files)).toBe("unchecked");
  });
});

describe("checks as real code writes them", () => {
  it.each([
    ["userId tested", `const { userId } = await auth();\nif (!userId) ${DENY}\n${DATA}`, "auth-check"],
    [
      "isAuthenticated tested",
      `const { isAuthenticated } = await auth();\nif (!isAuthenticated) {\n  ${DENY}\n}\n${DATA}`,
      "auth-check",
    ],
    [
      "the auth object destructured later",
      `const a = await auth();\nconst { userId: id } = a;\nif (!id) ${DENY}\n${DATA}`,
      "auth-check",
    ],
    ["a member test", `const session = await auth();\nif (!session.userId) ${DENY}\n${DATA}`, "auth-check"],
    [
      "validation first, then the check",
      `if (!req.headers.get("x")) return NextResponse.json({}, { status: 400 });\nconst { userId } = await auth();\nif (!userId) ${DENY}\n${DATA}`,
      "auth-check",
    ],
    [
      "a ternary answer",
      `const { userId } = await auth();\nreturn userId ? NextResponse.json({ userId }) : NextResponse.json({}, { status: 401 });`,
      "auth-check",
    ],
    [
      "a throw",
      `const { userId } = await auth();\nif (!userId) throw new Error("Unauthorized");\n${DATA}`,
      "auth-check",
    ],
    ["await auth.protect()", `await auth.protect();\n${DATA}`, "protect"],
    [
      "return auth.protect()'s promise",
      `const { userId } = await auth();\nif (!userId) return auth.protect();\n${DATA}`,
      "auth-check",
    ],
    [
      "redirectToSignIn() from auth() without return",
      `const { userId, redirectToSignIn } = await auth();\nif (!userId) redirectToSignIn();\n${DATA}`,
      "auth-check",
    ],
    [
      "has() with the check",
      `const { userId, has } = await auth();\nif (!userId || !has({ role: "org:admin" })) return NextResponse.json({}, { status: 403 });\n${DATA}`,
      "auth-check",
    ],
    [
      "a flag set in the guard",
      `const { userId } = await auth();\nlet ok = false;\nif (userId) ok = true;\nif (!ok) ${DENY}\n${DATA}`,
      "auth-check",
    ],
  ])("%s: %s", (_name, body, expected) => {
    expect(protectionOf(get(body))).toBe(expected);
  });

  it.each([
    ["redirect()", 'import { redirect } from "next/navigation";'],
    ["notFound()", 'import { notFound } from "next/navigation";'],
  ])("%s without return is an exit", (call, head) => {
    const name = call.slice(0, -2);
    expect(
      protectionOf(
        get(
          `const { userId } = await auth();\nif (!userId) ${name}(${name === "redirect" ? '"/sign-in"' : ""});\n${DATA}`,
          `${AUTH}${head}\n`,
        ),
      ),
    ).toBe("auth-check");
  });

  it("currentUser() tested", () => {
    expect(
      protectionOf(
        get(
          `const user = await currentUser();\nif (!user) ${DENY}\n${DATA}`,
          'import { currentUser } from "@clerk/nextjs/server";\nimport { NextResponse } from "next/server";\n',
        ),
      ),
    ).toBe("currentUser");
  });

  it("getAuth(request), and it needs the middleware", () => {
    const [handler] = classify(
      get(
        `const { userId } = getAuth(req as never);\nif (!userId) ${DENY}\n${DATA}`,
        'import { getAuth } from "@clerk/nextjs/server";\nimport { NextResponse } from "next/server";\n',
      ),
    );
    expect(handler).toMatchObject({ protection: "auth-check", needsMiddleware: true });
  });

  it("machine tokens", () => {
    expect(
      protectionOf(
        get(
          `const token = await auth({ acceptsToken: "api_key" });\nif (!token.isAuthenticated) ${DENY}\nreturn NextResponse.json({ subject: token.subject });`,
        ),
      ),
    ).toBe("machine");
  });

  it("Clerk 5: a sync auth(), auth().protect(), auth().userId", () => {
    expect(protectionOf(get(`const { userId } = auth();\nif (!userId) ${DENY}\n${DATA}`), { clerkMajor: 5 })).toBe(
      "auth-check",
    );
    expect(protectionOf(get(`auth().protect();\n${DATA}`), { clerkMajor: 5 })).toBe("protect");
    expect(protectionOf(get(`if (!auth().userId) ${DENY}\n${DATA}`), { clerkMajor: 5 })).toBe("auth-check");
    expect(protectionOf(get(`auth.protect();\n${DATA}`), { clerkMajor: 5 })).toBe("protect");
  });
});

describe("helpers followed across the project", () => {
  const HELPER_IMPORT = `${AUTH}import { requireUser } from "@/lib/guard";\n`;

  it("a helper that returns a 401 Response the handler returns", () => {
    const files = {
      [ROUTE]: get(`const denied = await requireUser();\nif (denied) return denied;\n${DATA}`, HELPER_IMPORT),
      "lib/guard.ts": `${AUTH}export async function requireUser() {\n  const { userId } = await auth();\n  if (!userId) ${DENY}\n  return null;\n}\n`,
    };
    expect(classify(files)[0]).toMatchObject({ protection: "auth-check", note: "via requireUser() in lib/guard.ts" });
  });

  it("several levels down, through an arrow const and a same-file loader, cycles guarded", () => {
    const files = {
      [ROUTE]: get(
        `const data = await load();\nreturn NextResponse.json(data);`,
        `${AUTH}import { requireUser } from "@/lib/guard";\nconst load = async () => {\n  await requireUser();\n  return { secret: 1 };\n};\n`,
      ),
      "lib/guard.ts": `import { check } from "./check";\nexport const requireUser = async () => check(0);\n`,
      "lib/check.ts": `${AUTH}import { requireUser } from "./guard";\nexport async function check(depth: number): Promise<string> {\n  if (depth > 3) await requireUser();\n  const { userId } = await auth();\n  if (!userId) throw new Error("Unauthorized");\n  return userId;\n}\n`,
    };
    expect(protectionOf(files)).toBe("auth-check");
  });

  it("a rate limiter and a data loader without checks: none, not unknown", () => {
    const files = {
      [ROUTE]: get(
        `await limit(req);\nconst rows = await getRows();\nreturn NextResponse.json(rows);`,
        `${AUTH}import { limit } from "@/lib/limit";\nimport { getRows } from "../../../lib/db";\n`,
      ),
      "lib/limit.ts":
        'import { Ratelimit } from "@upstash/ratelimit";\nconst limiter = new Ratelimit({} as never);\nexport async function limit(req: Request) {\n  const { success } = await limiter.limit(req.headers.get("x-forwarded-for") ?? "ip");\n  if (!success) return new Response("Too many", { status: 429 });\n}\n',
      "lib/db.ts": "export async function getRows() {\n  return [{ id: 1 }];\n}\n",
    };
    expect(protectionOf(files)).toBe("none");
  });

  it("a project wrapper: export const GET = withAuth(async (req) => …)", () => {
    const files = {
      [ROUTE]: `import { withAuth } from "@/lib/with-auth";\nexport const GET = withAuth(async () => Response.json({ secret: 1 }));\n`,
      "lib/with-auth.ts": `${AUTH}export function withAuth(handler: (req: Request) => Promise<Response>) {\n  return async (req: Request) => {\n    const { userId } = await auth();\n    if (!userId) ${DENY}\n    return handler(req);\n  };\n}\n`,
    };
    expect(protectionOf(files)).toBe("auth-check");
  });

  it("a wrapper that only logs: none", () => {
    const files = {
      [ROUTE]: `import { withLogging } from "@/lib/log";\nexport const GET = withLogging(async () => Response.json({ secret: 1 }));\n`,
      "lib/log.ts":
        "export const withLogging = (handler: () => Promise<Response>) => async () => {\n  console.log('in');\n  return handler();\n};\n",
    };
    expect(protectionOf(files)).toBe("none");
  });

  it("a project module that cannot be read: unknown, naming it", () => {
    const [handler] = classify(
      get(`await requireUser();\n${DATA}`, `${AUTH}import { requireUser } from "./missing";\n`),
    );
    expect(handler).toMatchObject({ protection: "unknown", note: expect.stringContaining("./missing") });
  });
});

describe("webhooks and shared secrets", () => {
  it.each([
    [
      "svix",
      'import { Webhook } from "svix";\n',
      `const body = await req.text();\nconst wh = new Webhook(process.env.SVIX_SECRET!);\nwh.verify(body, Object.fromEntries(req.headers) as never);\n${DATA}`,
    ],
    [
      "standardwebhooks",
      'import { Webhook } from "standardwebhooks";\n',
      `const wh = new Webhook(process.env.SECRET!);\ntry {\n  wh.verify(await req.text(), {} as never);\n} catch {\n  return new Response("bad", { status: 400 });\n}\n${DATA}`,
    ],
    [
      "Stripe constructEvent",
      'import Stripe from "stripe";\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);\n',
      `let event;\ntry {\n  event = stripe.webhooks.constructEvent(await req.text(), req.headers.get("stripe-signature")!, process.env.STRIPE_WEBHOOK_SECRET!);\n} catch (err) {\n  return NextResponse.json({ error: String(err) }, { status: 400 });\n}\nreturn NextResponse.json({ received: event.type });`,
    ],
    [
      "Stripe constructEventAsync",
      'import Stripe from "stripe";\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);\n',
      `const event = await stripe.webhooks.constructEventAsync(await req.text(), req.headers.get("stripe-signature")!, process.env.WH!);\nreturn NextResponse.json({ type: event.type });`,
    ],
    [
      "an HMAC with timingSafeEqual",
      'import crypto from "node:crypto";\n',
      `const body = await req.text();\nconst signature = req.headers.get("x-signature") ?? "";\nconst expected = crypto.createHmac("sha256", process.env.WEBHOOK_SECRET!).update(body).digest("hex");\nif (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {\n  return new Response("Invalid signature", { status: 401 });\n}\n${DATA}`,
    ],
    [
      "verifyWebhook",
      'import { verifyWebhook } from "@clerk/nextjs/webhooks";\n',
      `try {\n  const evt = await verifyWebhook(req as never);\n  return NextResponse.json({ type: evt.type });\n} catch {\n  return NextResponse.json({}, { status: 400 });\n}`,
    ],
  ])("%s: webhook", (_name, head, body) => {
    expect(protectionOf(get(body, `${AUTH}${head}`))).toBe("webhook");
  });

  it.each([
    [
      "a cron secret",
      `if (req.headers.get("authorization") !== \`Bearer \${process.env.CRON_SECRET}\`) {\n  return new Response("Unauthorized", { status: 401 });\n}\n${DATA}`,
    ],
    [
      "an API-key header",
      `const key = req.headers.get("x-api-key");\nif (!key || key !== process.env.INTERNAL_API_KEY) ${DENY}\n${DATA}`,
    ],
  ])("%s: secret", (_name, body) => {
    expect(protectionOf(get(body))).toBe("secret");
  });

  it("comparing an env variable with a literal is not a check", () => {
    expect(protectionOf(get(`if (process.env.NODE_ENV === "production") ${DENY}\n${DATA}`))).toBe("none");
  });
});

describe("handlers made by a framework are unknown, naming the kind", () => {
  it.each([
    [
      "tRPC",
      'import { fetchRequestHandler } from "@trpc/server/adapters/fetch";\nimport { appRouter } from "./router";\nconst handler = (req: Request) => fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext: () => ({}) });\nexport { handler as GET, handler as POST };\n',
      /tRPC/,
    ],
    [
      "hono",
      'import { Hono } from "hono";\nimport { handle } from "hono/vercel";\nconst app = new Hono().basePath("/api");\napp.get("/hello", (c) => c.json({}));\nexport const GET = handle(app);\nexport const POST = handle(app);\n',
      /hono/,
    ],
    [
      "Inngest",
      'import { serve } from "inngest/next";\nexport const { GET, POST, PUT } = serve({ client: {} as never, functions: [] });\n',
      /Inngest/,
    ],
    [
      "UploadThing",
      'import { createRouteHandler } from "uploadthing/next";\nexport const { GET, POST } = createRouteHandler({ router: {} as never });\n',
      /UploadThing/,
    ],
    [
      "Better Auth",
      'import { toNextJsHandler } from "better-auth/next-js";\nexport const { GET, POST } = toNextJsHandler({} as never);\n',
      /Better Auth/,
    ],
  ])("%s", (_name, code, why) => {
    const files: Record<string, string> = { [ROUTE]: code, "app/api/x/router.ts": "export const appRouter = {};\n" };
    const handlers = classify(files);
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers)
      expect(handler).toMatchObject({ protection: "unknown", note: expect.stringMatching(why) });
  });

  it("a handler made by an unknown library names the call", () => {
    expect(classify('import { makeHandler } from "some-lib";\nexport const GET = makeHandler();\n')[0]).toMatchObject({
      protection: "unknown",
      note: expect.stringContaining("makeHandler"),
    });
  });
});

describe("Pages Router API routes", () => {
  const PAGES = "pages/api/x.ts";
  it("getAuth(req) + 401 is a check", () => {
    const code =
      'import { getAuth } from "@clerk/nextjs/server";\nimport type { NextApiRequest, NextApiResponse } from "next";\nexport default function handler(req: NextApiRequest, res: NextApiResponse) {\n  const { userId } = getAuth(req);\n  if (!userId) return res.status(401).json({ error: "Unauthorized" });\n  res.status(200).json({ userId });\n}\n';
    expect(classify(code, { router: "pages", file: PAGES })[0]).toMatchObject({
      method: "*",
      protection: "auth-check",
      needsMiddleware: true,
    });
  });
  it("a check that sends 401 but does not return is not one", () => {
    const code =
      'import { getAuth } from "@clerk/nextjs/server";\nexport default function handler(req: any, res: any) {\n  const { userId } = getAuth(req);\n  if (!userId) res.status(401).json({ error: "Unauthorized" });\n  res.json({ secret: 1 });\n}\n';
    expect(protectionOf(code, { router: "pages", file: PAGES })).toBe("unchecked");
  });
  it("no check: none", () => {
    expect(
      protectionOf("export default function handler(req: any, res: any) {\n  res.json({ ok: true });\n}\n", {
        router: "pages",
        file: PAGES,
      }),
    ).toBe("none");
  });
});

// Clerk's own require-auth-protection rule (clerk/javascript, packages/eslint-plugin): its
// Route Handler cases and its cases about the shape of a check, written here as route handlers.
// Where this reader differs (it is looser only about position, and follows what Clerk's rule
// calls unverifiable) the case says so.
describe("agrees with Clerk's require-auth-protection on check shapes", () => {
  const NAV = `${AUTH}import { redirect, notFound } from "next/navigation";\n`;
  it.each([
    ["await auth.protect()", "await auth.protect();\nreturn new Response('ok');", "protect"],
    ["(await auth()).protect()", "await (await auth()).protect();\nreturn new Response('ok');", "protect"],
    [
      "auth.protect()'s result destructured",
      "const { sessionId } = await auth.protect();\nreturn Response.json({ sessionId });",
      "protect",
    ],
    [
      "userId === null with redirect()",
      "const { userId } = await auth();\nif (userId === null) redirect('/sign-in');\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "userId === null in a block with notFound()",
      "const { userId } = await auth();\nif (userId === null) {\n  notFound();\n}\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "userId == null returning null",
      "const { userId } = await auth();\nif (userId == null) return null;\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "work before the exit inside the guard",
      "const { userId } = await auth();\nif (userId === null) {\n  console.log('unauth-access', userId);\n  return null;\n}\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "!sessionId with redirect()",
      "const { sessionId } = await auth();\nif (!sessionId) redirect('/sign-in');\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "isAuthenticated === false with throw",
      "const { isAuthenticated } = await auth();\nif (isAuthenticated === false) throw new Error('unauth');\nreturn new Response('ok');",
      "auth-check",
    ],
    [
      "null === userId (flipped)",
      "const { userId } = await auth();\nif (null === userId) return null;\nreturn new Response('ok');",
      "auth-check",
    ],
    ["protect after a return", "return new Response('ok');\nawait auth.protect();", "none"],
    // Clerk's rule refuses any await before protect; here the signed-out caller still gets no answer.
    [
      "(looser about position) work before protect",
      "const data = await fetch('https://example.com');\nawait auth.protect();\nreturn Response.json({ ok: data.ok });",
      "protect",
    ],
  ])("%s", (_name, body, expected) => {
    expect(protectionOf(get(body, NAV))).toBe(expected);
  });

  it("exports: a const arrow, `export { handlePost as POST }`, and one method of two missing its check", () => {
    expect(
      protectionOf(
        `${AUTH}export const GET = async () => {\n  await auth.protect();\n  return new Response("ok");\n};\n`,
      ),
    ).toBe("protect");
    expect(
      classify(
        `${AUTH}async function handlePost() {\n  await auth.protect();\n  return new Response("ok");\n}\nexport { handlePost as POST };\n`,
      )[0],
    ).toMatchObject({ method: "POST", protection: "protect" });
    const both = classify(
      `${AUTH}export async function GET() {\n  await auth.protect();\n  return new Response("ok");\n}\nexport async function POST() {\n  return new Response("ok");\n}\n`,
    );
    expect(both.map((h) => [h.method, h.protection])).toEqual([
      ["GET", "protect"],
      ["POST", "none"],
    ]);
  });

  it("(follows what Clerk's rule calls unverifiable) a handler re-exported from a project module, and one made by a project HOF", () => {
    const files = {
      [ROUTE]: 'export { POST } from "./handlers";\n',
      "app/api/x/handlers.ts": `${AUTH}export async function POST() {\n  await auth.protect();\n  return new Response("ok");\n}\n`,
    };
    expect(protectionOf(files)).toBe("protect");
    const hof = {
      [ROUTE]:
        'import { withAuth } from "@/lib/with-auth";\nasync function _POST() {\n  return new Response("ok");\n}\nconst POST = withAuth(_POST);\nexport { POST };\n',
      "lib/with-auth.ts": `${AUTH}export function withAuth(handler: () => Promise<Response>) {\n  return async () => {\n    await auth.protect();\n    return handler();\n  };\n}\n`,
    };
    expect(protectionOf(hof)).toBe("protect");
  });
});

describe("handlers made by a factory at module load", () => {
  it("export const GET = makeGET(): its default deps are the ones the handler calls", () => {
    const files = {
      "lib/auth.ts": `import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";
export async function requireUser() {
  const { userId } = await auth();
  if (!userId) return { res: NextResponse.json({ error: "Unauthorized" }, { status: 401 }) };
  return { userId };
}`,
      "lib/handlers.ts": `import { requireUser } from "./auth";
import { NextResponse } from "next/server";
const defaults = { requireUser };
export function makeGET(deps = defaults) {
  return async () => {
    const { res } = await deps.requireUser();
    if (res) return res;
    return NextResponse.json({ data: 1 });
  };
}`,
      [ROUTE]: 'import { makeGET } from "@/lib/handlers";\nexport const GET = makeGET();\n',
    };
    expect(protectionOf(files)).toBe("auth-check");
  });

  it("a factory whose deps are replaced after it is made is not trusted with them", () => {
    const files = {
      "lib/handlers.ts": `import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";
export function makeGET(check = auth) {
  const handler = async () => {
    const { userId } = await check();
    if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
    return NextResponse.json({ data: 1 });
  };
  check = async () => ({ userId: "anyone" });
  return handler;
}`,
      [ROUTE]: 'import { makeGET } from "@/lib/handlers";\nexport const GET = makeGET();\n',
    };
    expect(protectionOf(files)).not.toBe("auth-check");
  });
});

describe("Twilio's request validation", () => {
  it.each([
    ['import twilio from "twilio";', "twilio.validateRequest"],
    ['import { validateRequest } from "twilio";', "validateRequest"],
  ])("%s: a verified webhook", (head, call) => {
    const body = `const params = Object.fromEntries(await req.formData());\nif (!${call}(process.env.TWILIO_AUTH_TOKEN!, req.headers.get("x-twilio-signature") ?? "", req.url, params as Record<string, string>)) {\n  return new Response("", { status: 403 });\n}\n${DATA}`;
    expect(protectionOf(get(body, `${head}\n${AUTH}`))).toBe("webhook");
  });
});

describe("secrets read through an env schema", () => {
  const cron = (envImport: string) =>
    `${envImport}\nexport async function GET(req: Request) {\n  if (req.headers.get("authorization") !== \`Bearer \${env.CRON_SECRET}\`) {\n    return new Response("Unauthorized", { status: 401 });\n  }\n  return Response.json({ ran: true });\n}\n`;
  it.each([
    [
      "zod: schema.parse(process.env)",
      'import { z } from "zod";\nexport const env = z.object({ CRON_SECRET: z.string() }).parse(process.env);\n',
    ],
    [
      "t3: createEnv({ runtimeEnv })",
      'import { createEnv } from "@t3-oss/env-nextjs";\nimport { z } from "zod";\nexport const env = createEnv({ server: { CRON_SECRET: z.string() }, runtimeEnv: { CRON_SECRET: process.env.CRON_SECRET } });\n',
    ],
  ])("%s: a shared-secret check", (_name, envModule) => {
    const files = { "lib/env.ts": envModule, [ROUTE]: cron('import { env } from "@/lib/env";') };
    expect(protectionOf(files)).toBe("secret");
  });

  it('a schema that lets a variable default (to "" when unset) is no secret check', () => {
    const files = {
      "lib/env.ts":
        'import { z } from "zod";\nexport const env = z.object({ CRON_SECRET: z.string().default("") }).parse(process.env);\n',
      [ROUTE]: cron('import { env } from "@/lib/env";'),
    };
    expect(protectionOf(files)).not.toBe("secret");
  });

  it("a schema handed something else is no secret", () => {
    const files = {
      "lib/env.ts":
        'import { z } from "zod";\nexport const env = z.object({ CRON_SECRET: z.string() }).parse({ CRON_SECRET: "public" });\n',
      [ROUTE]: cron('import { env } from "@/lib/env";'),
    };
    expect(protectionOf(files)).not.toBe("secret");
  });
});

describe("never a false check: values a closure cannot know (review of the factory fallback)", () => {
  const open = (check: string) => `import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";
const openCheck = async () => ({ userId: "anyone" });
${check}`;
  const handlerUsing = (name: string) => `async () => {
    const { userId } = await ${name}();
    if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
    return NextResponse.json({ data: 1 });
  }`;
  it.each([
    [
      "declared on two paths",
      `function pickCheck() { return process.env.AUTH_MODE === "open" ? openCheck : auth; }
export function makeGET() {
  const check = pickCheck();
  return ${handlerUsing("check")};
}`,
    ],
    [
      "assigned in a callback that has not run yet",
      `export function makeGET() {
  let check = auth;
  setTimeout(() => { check = openCheck; }, 0);
  return ${handlerUsing("check")};
}`,
    ],
  ])("%s: not an auth-check", (_name, factory) => {
    const files = {
      "lib/handlers.ts": open(factory),
      [ROUTE]: 'import { makeGET } from "@/lib/handlers";\nexport const GET = makeGET();\n',
    };
    expect(protectionOf(files)).not.toBe("auth-check");
  });

  it("a module-level let a handler changes (checked once, then open to everyone): not an auth-check", () => {
    const body = `import { auth } from "@clerk/nextjs/server";
import { NextResponse } from "next/server";
let verified = false;
export async function GET() {
  if (!verified) {
    const { userId } = await auth();
    if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
    verified = true;
  }
  return NextResponse.json({ data: 1 });
}
`;
    expect(protectionOf(body)).not.toBe("auth-check");
  });
});

describe("NEXT_PUBLIC_ variables are no secret: they ship to every browser", () => {
  it.each([
    ["process.env", "const expected = process.env.NEXT_PUBLIC_APP_KEY;"],
    [
      "an env schema",
      'import { z } from "zod";\nconst env = z.object({ NEXT_PUBLIC_APP_KEY: z.string() }).parse(process.env);\nconst expected = env.NEXT_PUBLIC_APP_KEY;',
    ],
  ])("compared through %s: not a secret check", (_name, head) => {
    const body = `${head}\nexport async function GET(req: Request) {\n  if (req.headers.get("x-key") !== expected) return new Response("no", { status: 401 });\n  return Response.json({ data: 1 });\n}\n`;
    expect(protectionOf(body)).not.toBe("secret");
  });
});
