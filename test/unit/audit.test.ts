import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { evaluateAudit, type AuditOptions, type AuditResult } from "../../src/audit/evaluate.js";
import { scanRoutes } from "../../src/audit/scan.js";
import { detectProject } from "../../src/project/detect.js";
import { auditJson, auditTable, describeFinding } from "../../src/report/audit.js";
import { STYLES } from "../../src/styles/index.js";
import { copyFixture, runCli, treeHash } from "../support/project.js";

// `create-clerk-route audit` over a fixture project holding every protection class and every
// finding, the CLI's own generated routes, and a patch-then-audit round trip.

const plain = pc.createColors(false);

async function audit(project: string, options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const detected = await detectProject(project, { existingRoutes: true });
  return evaluateAudit(detected, scanRoutes(detected), { strict: false, allowPublic: [], ...options });
}

function byRoute(result: AuditResult, route: string) {
  const found = result.routes.find((r) => r.route === route);
  if (!found) throw new Error(`no route ${route} in ${result.routes.map((r) => r.route).join(", ")}`);
  return found;
}

function codes(result: AuditResult, route: string): string[] {
  return byRoute(result, route).findings.map((f) => f.code);
}

describe("audit of a project with every class and finding", async () => {
  const project = copyFixture("audit-app");
  const result = await audit(project);

  it("matches the reviewed table and JSON", async () => {
    await expect(auditTable(result, plain)).toMatchFileSnapshot("../snapshots/audit/audit-app.txt");
    await expect(JSON.stringify(JSON.parse(auditJson(result)), null, 2)).toMatchFileSnapshot(
      "../snapshots/audit/audit-app.json",
    );
  });

  it.each([
    ["/api/protect", "protect"],
    ["/api/members", "GET auth-check, POST none"], // a route group: (team) is not in the URL
    ["/api/docs/[...slug]", "auth-check"], // a catch-all
    ["/api/legacy", "unchecked"], // a .js route
    ["/api/helper", "protect"], // a local helper (@/lib/auth) that calls auth.protect()
    ["/api/helper-check", "auth-check"], // a local helper that checks auth(); the handler tests its result
    ["/api/health", "none"],
    ["/api/status", "none"],
    ["/api/hooks/clerk", "webhook"],
    ["/api/machine", "machine"],
    ["/api/admin/reports", "middleware-rule"],
    ["/internal/report", "auth-check"],
    ["/api/me", "currentUser"],
    ["/api/wrapped", "none"], // withLogging (a project wrapper) is followed: it only passes the handler on
  ])("%s is %s", (route, protection) => {
    expect(byRoute(result, route).protection).toBe(protection);
  });

  it("lists route files only: no page, no private _folder", () => {
    expect(result.routes.map((r) => r.file)).not.toContain("app/_private/tool/route.ts");
    expect(result.routes).toHaveLength(15);
  });

  it("records has() checks and the helper a verdict came through", () => {
    expect(byRoute(result, "/api/docs/[...slug]").handlers[0]?.checks).toEqual(['{ plan: "pro" }']);
    expect(byRoute(result, "/api/helper").handlers[0]?.note).toBe("via requireUser() in lib/auth.ts");
  });

  it("finds each problem once, on its route", () => {
    expect(codes(result, "/internal/report")).toEqual(["NOT_COVERED"]);
    expect(codes(result, "/api/legacy")).toEqual(["UNCHECKED"]);
    expect(codes(result, "/api/health")).toEqual(["PUBLIC"]);
    expect(codes(result, "/api/members")).toEqual(["PUBLIC"]);
    expect(codes(result, "/api/hooks/clerk")).toEqual(["WEBHOOK_PROTECTED"]);
    expect(codes(result, "/api/status")).toEqual([]); // // clerk-audit: public
    expect(codes(result, "/api/webhooks/stripe")).toEqual([]);
    expect(codes(result, "/api/admin/reports")).toEqual(["MIDDLEWARE_ONLY"]); // protected by the middleware's (deprecated) rule only
    expect(codes(result, "/api/wrapped")).toEqual(["PUBLIC"]); // the wrapper is followed: no check anywhere
    expect(result.findings).toEqual({
      PUBLIC: 3,
      WEBHOOK_PROTECTED: 1,
      UNCHECKED: 1,
      NOT_COVERED: 1,
      MIDDLEWARE_ONLY: 1,
    });
  });

  it("says how to fix a route the matcher misses", () => {
    expect(describeFinding(byRoute(result, "/internal/report").findings[0]!).fix).toBe(
      'Add "/internal/report" to config.matcher in proxy.ts.',
    );
  });

  it("fails on NOT_COVERED and WEBHOOK_PROTECTED by default; --allow-public and --strict do what they say", async () => {
    expect(result.ok).toBe(false);
    const allowed = await audit(project, { allowPublic: ["/api/health", "/api/mem*"] });
    expect(codes(allowed, "/api/health")).toEqual([]);
    expect(codes(allowed, "/api/members")).toEqual([]);
    expect(allowed.findings.PUBLIC).toBe(1); // /api/wrapped only
  });

  it("is read-only and answers with exit codes, as a CI step runs it", () => {
    const before = treeHash(project);
    const json = runCli(["audit", "--json", "--cwd", project]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, findings: { NOT_COVERED: 1 } });
    expect(runCli(["audit", "--cwd", project]).stdout).toContain("✖ NOT_COVERED app/internal/report/route.ts");
    expect(treeHash(project)).toBe(before);
  });
});

describe("audit of what the CLI generates", () => {
  it("every style's generated route audits clean, even with --strict", async () => {
    const project = copyFixture("app-ts");
    for (const style of STYLES) {
      const result = runCli([
        `/api/generated/${style.name.toLowerCase()}`,
        "--style",
        style.name,
        "--yes",
        "--no-install",
        "--cwd",
        project,
      ]);
      expect(result.status, result.stderr).toBe(0);
    }
    const audited = await audit(project, { strict: true });
    expect(audited.routes.map((r) => [r.route, r.findings])).toEqual(
      STYLES.map((s) => [`/api/generated/${s.name.toLowerCase()}`, []]).sort(),
    );
    expect(audited.ok).toBe(true);
    expect(runCli(["audit", "--strict", "--cwd", project]).status).toBe(0);
  });

  it("a route the matcher misses: NOT_COVERED, then clean once the CLI patched the proxy", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(
      path.join(project, "proxy.ts"),
      'import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n\nexport const config = { matcher: ["/dashboard(.*)"] };\n',
    );
    mkdirSync(path.join(project, "app/api/reports"), { recursive: true });
    writeFileSync(
      path.join(project, "app/api/reports/route.ts"),
      'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  const { userId } = await auth();\n  if (!userId) return Response.json({ error: "Unauthorized" }, { status: 401 });\n  return Response.json({ userId });\n}\n',
    );
    const before = await audit(project);
    expect(codes(before, "/api/reports")).toEqual(["NOT_COVERED"]);
    expect(runCli(["/api/me", "--style", "userId", "--yes", "--no-install", "--cwd", project]).status).toBe(0);
    const after = await audit(project, { strict: true });
    expect(after.routes.map((r) => [r.route, r.covered, r.findings.length])).toEqual([
      ["/api/me", true, 0],
      ["/api/reports", true, 0],
    ]);
  });

  it("no middleware at all: every route that calls Clerk is NO_MIDDLEWARE", async () => {
    const project = copyFixture("app-ts");
    mkdirSync(path.join(project, "app/api/x"), { recursive: true });
    writeFileSync(
      path.join(project, "app/api/x/route.ts"),
      'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  await auth.protect();\n  return Response.json({});\n}\n',
    );
    const result = await audit(project);
    expect(codes(result, "/api/x")).toEqual(["NO_MIDDLEWARE"]);
    expect(result.ok).toBe(false);
  });
});

describe("audit of shapes that look protected but are not, or cannot be read", () => {
  /** A copy of app-ts with a Clerk proxy (matcher: `matcher`, handler: `handler`) and these route files. */
  function projectWith(routes: Record<string, string>, proxy?: { matcher: string[]; handler?: string }): string {
    const project = copyFixture("app-ts");
    if (proxy) {
      writeFileSync(
        path.join(project, "proxy.ts"),
        'import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";\n\n' +
          'const isProtectedRoute = createRouteMatcher(["/api(.*)"]);\n\n' +
          `export default clerkMiddleware(${proxy.handler ?? ""});\n\nexport const config = { matcher: ${JSON.stringify(proxy.matcher)} };\n`,
      );
    }
    for (const [folder, code] of Object.entries(routes)) {
      mkdirSync(path.join(project, "app", folder), { recursive: true });
      writeFileSync(path.join(project, "app", folder, "route.ts"), code);
    }
    return project;
  }
  const AUTH = 'import { auth } from "@clerk/nextjs/server";\n\n';
  const everywhere = { matcher: ["/(api|trpc)(.*)"] };

  it.each([
    [
      "a default value",
      'const { userId } = await auth();\n  const who = userId ?? "anon";\n  return Response.json({ who });',
    ],
    [
      "a log line",
      'const { userId } = await auth();\n  console.log(userId ? "in" : "out");\n  return Response.json({ secret: 1 });',
    ],
    [
      "a test that answers nothing",
      "const { userId } = await auth();\n  if (userId) console.log(userId);\n  return Response.json({ secret: 1 });",
    ],
  ])("using the auth() result in %s is not a check: UNCHECKED", async (_name, body) => {
    const project = projectWith({ "api/x": `${AUTH}export async function GET() {\n  ${body}\n}\n` }, everywhere);
    const result = await audit(project);
    expect(byRoute(result, "/api/x").protection).toBe("unchecked");
    expect(codes(result, "/api/x")).toEqual(["UNCHECKED"]);
    expect(result.ok).toBe(true); // a warning: only --strict fails on it
    expect((await audit(project, { strict: true })).ok).toBe(false);
  });

  it("a ternary that answers 401 is a check", async () => {
    const project = projectWith(
      {
        "api/x": `${AUTH}export async function GET() {\n  const { userId } = await auth();\n  return userId ? Response.json({ userId }) : Response.json({}, { status: 401 });\n}\n`,
      },
      everywhere,
    );
    expect(byRoute(await audit(project), "/api/x").protection).toBe("auth-check");
  });

  it("a file that does not parse is UNKNOWN, and --strict fails on it", async () => {
    const project = projectWith({ "api/broken": "export async function GET( {\n" }, everywhere);
    const result = await audit(project);
    expect(byRoute(result, "/api/broken")).toMatchObject({
      protection: "unknown",
      parseError: expect.stringContaining("app/api/broken/route.ts"),
    });
    expect(codes(result, "/api/broken")).toEqual(["UNKNOWN"]);
    expect((await audit(project, { strict: true })).ok).toBe(false);
  });

  it("Auth.js's export const { GET, POST } = handlers, and export *, are unknown, never public", async () => {
    const project = projectWith(
      {
        "api/auth/[...nextauth]": 'import { handlers } from "@/auth";\n\nexport const { GET, POST } = handlers;\n',
        "api/all": 'export * from "./handlers";\n',
      },
      everywhere,
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/auth/[...nextauth]")).toMatchObject({
      methods: ["GET", "POST"],
      protection: "unknown",
    });
    expect(codes(result, "/api/auth/[...nextauth]")).toEqual(["UNKNOWN"]);
    expect(byRoute(result, "/api/all").protection).toBe("unknown");
  });

  it("a namespace import of @clerk/nextjs/server is Clerk too (and needs the middleware)", async () => {
    const project = projectWith(
      {
        "api/ns":
          'import * as clerk from "@clerk/nextjs/server";\n\nexport async function GET() {\n  const { isAuthenticated } = await clerk.auth();\n  if (!isAuthenticated) return Response.json({}, { status: 401 });\n  return Response.json({});\n}\n',
        "api/ns-protect":
          'import * as clerk from "@clerk/nextjs/server";\n\nexport async function GET() {\n  await clerk.auth.protect();\n  return Response.json({});\n}\n',
      },
      { matcher: ["/dashboard(.*)"] },
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/ns").protection).toBe("auth-check");
    expect(byRoute(result, "/api/ns-protect").protection).toBe("protect");
    expect(codes(result, "/api/ns")).toEqual(["NOT_COVERED"]);
  });

  it("a createRouteMatcher rule protects nothing where the matcher does not run the middleware", async () => {
    const project = projectWith(
      {
        "api/open": "export async function GET() {\n  return Response.json({ secret: 1 });\n}\n",
        "api/hooks/clerk":
          'import { verifyWebhook } from "@clerk/nextjs/webhooks";\nimport type { NextRequest } from "next/server";\n\nexport async function POST(req: NextRequest) {\n  await verifyWebhook(req);\n  return Response.json({ ok: true });\n}\n',
      },
      {
        matcher: ["/dashboard(.*)"],
        handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}",
      },
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/open")).toMatchObject({
      covered: false,
      middlewareRule: "public",
      protection: "none",
    });
    expect(codes(result, "/api/open")).toEqual(["PUBLIC"]);
    expect(codes(result, "/api/hooks/clerk")).toEqual([]);
  });

  it("a rule whose auth.protect() is not awaited protects nothing: RULE_FLAW at its line, and its routes are judged by their own code", async () => {
    const open = "export async function GET() {\n  return Response.json({ secret: 1 });\n}\n";
    const project = projectWith(
      { "api/open": open },
      {
        matcher: ["/(api|trpc)(.*)"],
        handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) auth.protect();\n}",
      },
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/open")).toMatchObject({ middlewareRule: "public", protection: "none" });
    expect(codes(result, "/api/open")).toEqual(["PUBLIC"]);
    expect(result.problems.map((f) => f.code)).toEqual(["RULE_FLAW"]);
    expect(result.ok).toBe(false);
    const [flaw] = result.problems;
    expect(describeFinding(flaw!).message).toMatch(/auth\.protect\(\) is neither awaited nor returned/);
    expect(flaw!.line).toBeGreaterThan(1);
  });

  it("next.config rewrites: the middleware sees the path before the rewrite, so a rule is no protection to vouch for (UNKNOWN, why)", async () => {
    const open = "export async function GET() {\n  return Response.json({ secret: 1 });\n}\n";
    const rule = {
      matcher: ["/(api|trpc)(.*)"],
      handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}",
    };
    const project = projectWith({ "api/private": open }, rule);
    expect(byRoute(await audit(project), "/api/private")).toMatchObject({ protection: "middleware-rule" });
    writeFileSync(
      path.join(project, "next.config.ts"),
      'export default { async rewrites() { return [{ source: "/feed/:id", destination: "/api/private" }]; } };\n',
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/private")).toMatchObject({ middlewareRule: "unknown", protection: "none" });
    const [finding] = byRoute(result, "/api/private").findings;
    expect(finding).toMatchObject({ code: "UNKNOWN" });
    expect(describeFinding(finding!).message).toContain("next.config.ts declares rewrites");
    expect((await audit(project, { strict: true })).ok).toBe(false);
    for (const config of [
      'export default { "rewrites": async () => [{ source: "/feed/:id", destination: "/api/private" }] };\n',
      'const nextConfig = {};\nnextConfig.rewrites = async () => [{ source: "/feed/:id", destination: "/api/private" }];\nexport default nextConfig;\n',
    ]) {
      writeFileSync(path.join(project, "next.config.ts"), config);
      expect(byRoute(await audit(project), "/api/private"), config).toMatchObject({ middlewareRule: "unknown" });
    }
  });

  it("coverage a lookahead leaves open does not matter where no rule could stop anyone: a route without a check is PUBLIC, not UNKNOWN", async () => {
    const open = "export async function GET() {\n  return Response.json({ town: 1 });\n}\n";
    const lookahead = ["/((?!_next/static|.*\\.(?:svg|png)$).*)"];
    const plain = projectWith({ "api/towns/[slug]": open }, { matcher: lookahead });
    expect(byRoute(await audit(plain), "/api/towns/[slug]")).toMatchObject({
      covered: "unknown",
      middlewareRule: "public",
      protection: "none",
    });
    expect(codes(await audit(plain), "/api/towns/[slug]")).toEqual(["PUBLIC"]);
    const ruled = projectWith(
      { "api/towns/[slug]": open },
      { matcher: lookahead, handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}" },
    );
    expect(codes(await audit(ruled), "/api/towns/[slug]")).toContain("UNKNOWN");
  });

  it("a proxy of the user's own that calls Clerk on some paths: covered where it does, NOT_COVERED where it does not", async () => {
    const checked =
      'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  const { userId } = await auth();\n  if (!userId) return Response.json({ error: "Unauthorized" }, { status: 401 });\n  return Response.json({ userId });\n}\n';
    const project = projectWith({ "api/me": checked, "internal/me": checked });
    writeFileSync(
      path.join(project, "proxy.ts"),
      [
        'import { clerkMiddleware } from "@clerk/nextjs/server";',
        'import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";',
        "",
        "const clerk = clerkMiddleware();",
        "",
        "export default function proxy(req: NextRequest) {",
        '  if (req.nextUrl.pathname.startsWith("/api/")) return clerk(req, {} as NextFetchEvent);',
        "  return NextResponse.next();",
        "}",
        "",
        'export const config = { matcher: ["/((?!_next).*)"] };',
        "",
      ].join("\n"),
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/me")).toMatchObject({ covered: true, protection: "auth-check" });
    expect(codes(result, "/api/me")).toEqual([]);
    expect(byRoute(result, "/internal/me")).toMatchObject({ covered: false });
    expect(codes(result, "/internal/me")).toEqual(["NOT_COVERED"]);
  });

  it("a user's proxy that skips Clerk on some paths of a dynamic route: never called covered by its sample paths", async () => {
    const open = "export async function GET() {\n  return Response.json({ item: 1 });\n}\n";
    const project = projectWith({ "api/items/[id]": open });
    writeFileSync(
      path.join(project, "proxy.ts"),
      [
        'import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";',
        'import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";',
        "",
        'const isProtectedRoute = createRouteMatcher(["/api/items(.*)"]);',
        "const clerk = clerkMiddleware(async (auth, req) => {",
        "  if (isProtectedRoute(req)) await auth.protect();",
        "});",
        "",
        "export default function proxy(req: NextRequest, ev: NextFetchEvent) {",
        '  if (req.nextUrl.pathname.endsWith("/export")) return NextResponse.next();',
        "  return clerk(req, ev);",
        "}",
        "",
        'export const config = { matcher: ["/((?!_next).*)"] };',
        "",
      ].join("\n"),
    );
    const result = await audit(project, { strict: true });
    expect(byRoute(result, "/api/items/[id]").covered).not.toBe(true);
    expect(byRoute(result, "/api/items/[id]").protection).not.toBe("middleware-rule");
    expect(result.ok).toBe(false);
  });

  it("a webhook under a rule that depends on something the reader cannot decide (an env flag): UNKNOWN, never silence", async () => {
    const hook =
      'import { verifyWebhook } from "@clerk/nextjs/webhooks";\nimport type { NextRequest } from "next/server";\n\nexport async function POST(req: NextRequest) {\n  await verifyWebhook(req);\n  return Response.json({ ok: true });\n}\n';
    const project = projectWith(
      { "api/hooks/clerk": hook },
      {
        matcher: ["/(api|trpc)(.*)"],
        handler:
          'async (auth, req) => {\n  if (process.env.LOCK_DOWN === "1" && isProtectedRoute(req)) await auth.protect();\n}',
      },
    );
    const result = await audit(project);
    expect(codes(result, "/api/hooks/clerk")).toEqual(["UNKNOWN"]);
    expect(describeFinding(byRoute(result, "/api/hooks/clerk").findings[0]!).message).toContain("carry no session");
  });

  it("a shared-secret route under a session rule is SECRET_PROTECTED: the cron job never reaches its check", async () => {
    const cron =
      'export async function GET(req: Request) {\n  if (req.headers.get("authorization") !== `Bearer ${process.env.CRON_SECRET}`) {\n    return new Response("Unauthorized", { status: 401 });\n  }\n  return Response.json({ ran: true });\n}\n';
    const project = projectWith(
      { "api/cron/digest": cron },
      {
        matcher: ["/(api|trpc)(.*)"],
        handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}",
      },
    );
    const result = await audit(project);
    expect(byRoute(result, "/api/cron/digest")).toMatchObject({ protection: "secret" });
    expect(codes(result, "/api/cron/digest")).toEqual(["SECRET_PROTECTED"]);
    expect(result.ok).toBe(false);
    expect(describeFinding(byRoute(result, "/api/cron/digest").findings[0]!).fix).toContain('"/api/cron/digest"');
  });

  it("a machine-token route under a session-only auth.protect() rule is MACHINE_PROTECTED, until the CLI exempts it", async () => {
    const machine =
      'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  const token = await auth({ acceptsToken: "api_key" });\n  if (!token.isAuthenticated) return Response.json({}, { status: 401 });\n  return Response.json({ subject: token.subject });\n}\n';
    const project = projectWith(
      { "api/machine": machine },
      {
        matcher: ["/(api|trpc)(.*)"],
        handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}",
      },
    );
    const before = await audit(project);
    expect(codes(before, "/api/machine")).toEqual(["MACHINE_PROTECTED"]);
    expect(before.ok).toBe(false);
    expect(runCli(["/api/tokens", "--style", "machine", "--yes", "--no-install", "--cwd", project]).status).toBe(0);
    const after = await audit(project, { strict: true });
    expect(codes(after, "/api/tokens")).toEqual([]);
    expect(codes(after, "/api/machine")).toEqual(["MACHINE_PROTECTED"]); // the CLI exempts only the route it adds
  });

  const WEBHOOK =
    'import { verifyWebhook } from "@clerk/nextjs/webhooks";\nimport type { NextRequest } from "next/server";\n\nexport async function POST(req: NextRequest) {\n  await verifyWebhook(req);\n  return Response.json({ ok: true });\n}\n';
  const MACHINE =
    'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  const token = await auth({ acceptsToken: "api_key" });\n  if (!token.isAuthenticated) return Response.json({}, { status: 401 });\n  return Response.json({ subject: token.subject });\n}\n';
  const OPEN = "export async function GET() {\n  return Response.json({ secret: 1 });\n}\n";
  const protectApi = {
    matcher: ["/(api|trpc)(.*)"],
    handler: "async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n}",
  };

  it("suggests each route's exact pattern, never (.*) (which also matches /api/hooks/clerk-admin)", async () => {
    const project = projectWith(
      {
        "api/hooks/clerk": WEBHOOK,
        "api/tokens/[id]": MACHINE,
        "api/events/[...rest]": WEBHOOK,
        "api/hooks/clerk-admin": OPEN,
      },
      protectApi,
    );
    const result = await audit(project);
    const fix = (route: string) =>
      describeFinding(byRoute(result, route).findings.find((f) => f.code.endsWith("_PROTECTED"))!).fix;
    expect(fix("/api/hooks/clerk")).toBe(
      'Make /api/hooks/clerk public in proxy.ts: add "/api/hooks/clerk" to a createRouteMatcher list of public routes that rule skips.',
    );
    expect(fix("/api/tokens/[id]")).toBe(
      'Exempt /api/tokens/[id] from that rule in proxy.ts: add "/api/tokens/:id" to a createRouteMatcher list of public routes that rule skips; the handler checks the token itself.',
    );
    expect(fix("/api/events/[...rest]")).toContain('add "/api/events/:rest+" to');
    for (const finding of result.routes.flatMap((r) => r.findings))
      expect(describeFinding(finding).fix).not.toContain("(.*)");
  });

  it("says when the route's pattern would also unprotect other routes, and how to exempt only the route", async () => {
    const project = projectWith({ "api/[[...hook]]": WEBHOOK, "api/v1/admin/users": OPEN, "api/me": OPEN }, protectApi);
    const result = await audit(project);
    const [finding] = byRoute(result, "/api/[[...hook]]").findings;
    expect(finding).toMatchObject({
      code: "WEBHOOK_PROTECTED",
      exemption: {
        pattern: "/api/:hook*",
        exposes: [
          { file: "app/api/me/route.ts", path: "/api/me", caseOnly: false },
          { file: "app/api/v1/admin/users/route.ts", path: "/api/v1/admin/users", caseOnly: false },
        ],
      },
    });
    expect(describeFinding(finding!).fix).toBe(
      'Make /api/[[...hook]] public in proxy.ts, but not with "/api/:hook*" alone: it also matches app/api/me/route.ts (/api/me), app/api/v1/admin/users/route.ts (/api/v1/admin/users), which that rule protects today. ' +
        'Exempt only /api/[[...hook]]\'s own paths: put that rule inside if (!isNewRoute(req) || isOtherRoute(req)), with isNewRoute = createRouteMatcher(["/api/:hook*"]) and isOtherRoute = createRouteMatcher(["/api/me", "/api/v1/admin/users"]) (they keep your current protection).',
    );
  });

  it("a flag the audit does not know: exit 2 (it could not run), not 1 (findings)", () => {
    expect(runCli(["audit", "--bogus"]).status).toBe(2);
  });
});
