import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { evaluateAudit, type AuditOptions, type AuditResult } from "../../src/audit/evaluate.js";
import { scanRoutes } from "../../src/audit/scan.js";
import { runAudit } from "../../src/commands/audit.js";
import { detectProject } from "../../src/project/detect.js";
import { auditJson, auditTable } from "../../src/report/audit.js";
import { auditSarif, githubAnnotations } from "../../src/report/audit-ci.js";
import { copyFixture, copyWorkspace, repoRoot, runCli, treeHash } from "../support/project.js";
import { PassThrough } from "node:stream";

// The audit on whole projects written the way real apps are: Next 16 + Clerk 7 with loaders,
// limiters, tRPC and hono catch-alls, Stripe/svix/HMAC webhooks, cron and API-key secrets, a
// catch-all partly public, Pages Router API routes (audit-shapes); Next 14 + Clerk 5 with
// src/middleware.ts and a sync auth() (audit-next14). Reviewed table/JSON/SARIF snapshots; the
// SARIF validated against the official 2.1.0 schema; and the hostile file system: FIFOs, files
// over 1 MB, unreadable folders, symbolic links in and out of the project, control characters.

const plain = pc.createColors(false);
const require = createRequire(import.meta.url);

async function audit(project: string, options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const detected = await detectProject(project, { existingRoutes: true });
  return evaluateAudit(detected, scanRoutes(detected), { strict: false, allowPublic: [], ...options });
}

function byRoute(result: AuditResult, route: string) {
  const found = result.routes.find((r) => r.route === route);
  if (!found) throw new Error(`no route ${route} in ${result.routes.map((r) => r.route).join(", ")}`);
  return found;
}

const codes = (result: AuditResult, route: string) => byRoute(result, route).findings.map((f) => f.code);

function validateSarif(text: string): string[] {
  const Ajv = require("ajv-draft-04") as new (options: object) => {
    compile(
      schema: object,
    ): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> };
  };
  const schema = require(path.join(repoRoot, "test/fixtures/sarif/sarif-2.1.0-rtm.5.json")) as object;
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(
    schema,
  );
  return validate(JSON.parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe.each(["audit-app", "audit-shapes", "audit-next14"])("%s: reviewed snapshots", (fixture) => {
  it("table, JSON and SARIF match the reviewed snapshots, and the SARIF is valid 2.1.0", async () => {
    const result = await audit(copyFixture(fixture));
    await expect(auditTable(result, plain)).toMatchFileSnapshot(`../snapshots/audit/${fixture}.txt`);
    await expect(JSON.stringify(JSON.parse(auditJson(result)), null, 2)).toMatchFileSnapshot(
      `../snapshots/audit/${fixture}.json`,
    );
    const sarif = auditSarif([{ prefix: "", result }], "0.0.0-test");
    await expect(sarif).toMatchFileSnapshot(`../snapshots/audit/${fixture}.sarif`);
    expect(validateSarif(sarif)).toEqual([]);
    for (const finding of JSON.parse(auditJson(result)).routes.flatMap((r: { findings: unknown[] }) => r.findings))
      expect(finding).toHaveProperty("line");
  });
});

describe("the schema check can fail", () => {
  it("a SARIF log without a version, or a result without a message, is refused", () => {
    expect(validateSarif(JSON.stringify({ runs: [] }))).not.toEqual([]);
    expect(
      validateSarif(
        JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ ruleId: "X" }] }] }),
      ),
    ).not.toEqual([]);
  });
});

describe("audit-shapes: every class read the way real code writes it", async () => {
  const result = await audit(copyFixture("audit-shapes"));

  it.each([
    ["/api/projects", "auth-check"], // a loader two modules down throws when signed out
    ["/api/reports", "GET auth-check, POST middleware-rule"], // a limiter, a helper returning a 401 Response
    ["/api/webhooks/stripe", "webhook"],
    ["/api/webhooks/resend", "webhook"],
    ["/api/webhooks/github", "webhook"],
    ["/api/cron/daily", "secret"],
    ["/api/internal/sync", "secret"],
    ["/api/me", "auth-check"], // getAuth(request)
    ["/api/legacy", "auth-check"], // pages/api with getAuth(req)
    ["/api/trpc/[trpc]", "unknown"],
    ["/api/hono/[[...route]]", "unknown"],
    ["/api/orders", "GET auth-check, POST middleware-rule"], // redirect() without return; a test true only when signed in
    ["/api/admin/stats", "middleware-rule"], // auth.protect() without await is no check
  ])("%s is %s", (route, protection) => {
    expect(byRoute(result, route).protection).toBe(protection);
  });

  it("route and handler protection never disagree", () => {
    for (const route of result.routes) {
      const words = new Set(route.handlers.map((h) => h.protection));
      if (words.size === 1) expect(route.protection).toBe([...words][0]);
      else for (const h of route.handlers) expect(route.protection).toContain(`${h.method} ${h.protection}`);
    }
  });

  it("a catch-all the public list partly lets through is not middleware-rule", () => {
    expect(byRoute(result, "/api/files/[...path]")).toMatchObject({ protection: "none", middlewareRule: "unknown" });
    expect(codes(result, "/api/files/[...path]")).toEqual(["UNKNOWN"]);
  });

  it("names the framework of each unknown", () => {
    expect(byRoute(result, "/api/trpc/[trpc]").findings[0]).toMatchObject({
      code: "UNKNOWN",
      why: "tRPC: the checks live in your procedures",
    });
    expect(byRoute(result, "/api/hono/[[...route]]").findings[0]).toMatchObject({
      code: "UNKNOWN",
      why: expect.stringMatching(/^hono/),
    });
  });

  it("MIDDLEWARE_ONLY warns by default and fails with --strict; the Pages Router route is marked", async () => {
    expect(codes(result, "/api/ping")).toEqual(["MIDDLEWARE_ONLY"]);
    expect(byRoute(result, "/api/ping")).toMatchObject({ router: "pages", methods: ["*"] });
    expect(result.ok).toBe(true);
    expect((await audit(copyFixture("audit-shapes"), { strict: true })).ok).toBe(false);
  });

  it("// clerk-audit: public silences UNCHECKED too", () => {
    expect(byRoute(result, "/api/feed")).toMatchObject({ protection: "unchecked", findings: [] });
  });
});

describe("audit-next14: Next 14, Clerk 5, src/middleware.ts", async () => {
  const project = copyFixture("audit-next14");
  const result = await audit(project);

  it("runs (no UNSUPPORTED_NEXT) and reads Clerk 5's sync auth()", () => {
    expect(result.middleware).toBe("src/middleware.ts");
    expect(byRoute(result, "/api/profile").protection).toBe("GET auth-check, PATCH protect");
    expect(byRoute(result, "/api/billing").protection).toBe("auth-check");
    expect(byRoute(result, "/api/user")).toMatchObject({ router: "pages", protection: "auth-check" });
    expect(byRoute(result, "/api/settings").protection).toBe("middleware-rule");
  });

  it("names the check for Clerk 5 (auth() without await)", () => {
    const fix = JSON.parse(auditJson(result)).routes.find((r: { route: string }) => r.route === "/api/settings")
      .findings[0].fix as string;
    expect(fix).toContain("const { userId } = auth();");
  });

  it("the CLI exits 0 on it (only warnings)", () => {
    expect(runCli(["audit", "--cwd", project]).status).toBe(0);
  });
});

describe("hostile file systems: one UNKNOWN per file or folder, never a hang or a crash", () => {
  const ROUTE =
    'import { auth } from "@clerk/nextjs/server";\nexport async function GET() {\n  await auth.protect();\n  return Response.json({});\n}\n';
  const withRoutes = (routes: Record<string, string>) => {
    const project = copyFixture("audit-app");
    for (const [folder, code] of Object.entries(routes)) {
      mkdirSync(path.join(project, "app", folder), { recursive: true });
      writeFileSync(path.join(project, "app", folder, "route.ts"), code);
    }
    return project;
  };

  it("a FIFO as a route file and as node_modules/next/package.json; a route file over 1 MB", async () => {
    const project = withRoutes({ "api/big": `${ROUTE}//${"x".repeat(1024 * 1024)}\n` });
    mkdirSync(path.join(project, "app/api/fifo"), { recursive: true });
    execFileSync("mkfifo", [path.join(project, "app/api/fifo/route.ts")]);
    mkdirSync(path.join(project, "node_modules/next"), { recursive: true });
    execFileSync("mkfifo", [path.join(project, "node_modules/next/package.json")]);
    const cli = runCli(["audit", "--json", "--cwd", project], { timeout: 15_000 });
    expect(cli.stderr).toBe("");
    const json = JSON.parse(cli.stdout);
    const route = (r: string) => json.routes.find((x: { route: string }) => x.route === r);
    expect(route("/api/big")).toMatchObject({
      protection: "unknown",
      findings: [{ code: "UNKNOWN", message: expect.stringContaining("over 1 MB") }],
    });
    expect(route("/api/fifo")).toMatchObject({
      protection: "unknown",
      findings: [{ code: "UNKNOWN", message: expect.stringContaining("not a regular file") }],
    });
    expect(cli.status).toBe(1); // the fixture's own NOT_COVERED
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable folder and an unreadable route file", async () => {
    const project = withRoutes({ "api/locked/inner": ROUTE, "api/secret": ROUTE });
    chmodSync(path.join(project, "app/api/locked"), 0o000);
    chmodSync(path.join(project, "app/api/secret/route.ts"), 0o000);
    try {
      const result = await audit(project);
      expect(codes(result, "/api/locked/**")).toEqual(["UNKNOWN"]);
      expect(codes(result, "/api/secret")).toEqual(["UNKNOWN"]);
    } finally {
      chmodSync(path.join(project, "app/api/locked"), 0o755);
    }
  });

  it("a symbolic link to a folder inside the project is audited; one out of the project is said", async () => {
    const project = copyFixture("audit-app");
    mkdirSync(path.join(project, "shared/reports"), { recursive: true });
    writeFileSync(
      path.join(project, "shared/reports/route.ts"),
      "export async function GET() {\n  return Response.json({ all: 1 });\n}\n",
    );
    symlinkSync(path.join(project, "shared"), path.join(project, "app/api/linked"));
    const outside = path.join(os.tmpdir(), `ccr-outside-${process.pid}`);
    mkdirSync(path.join(outside, "x"), { recursive: true });
    writeFileSync(path.join(outside, "x/route.ts"), ROUTE);
    symlinkSync(outside, path.join(project, "app/api/out"));
    const result = await audit(project);
    expect(byRoute(result, "/api/linked/reports")).toMatchObject({
      protection: "none",
      findings: [{ code: "PUBLIC" }],
    });
    expect(byRoute(result, "/api/out/**").findings[0]).toMatchObject({
      code: "UNKNOWN",
      why: expect.stringContaining("outside the project"),
    });
  });

  it("control characters in a folder name are printed escaped, even with colours off", async () => {
    const project = withRoutes({ "api/evil\r\u001b[2Kname": ROUTE });
    const table = auditTable(await audit(project), plain);
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(table).toContain("/api/evil\\r\\x1b[2Kname");
  });

  it("pageExtensions from next.config: route.page.ts files are read; one that cannot be read is said", async () => {
    const project = withRoutes({});
    mkdirSync(path.join(project, "app/api/paged"), { recursive: true });
    writeFileSync(
      path.join(project, "app/api/paged/route.page.ts"),
      "export async function GET() {\n  return Response.json({});\n}\n",
    );
    writeFileSync(
      path.join(project, "next.config.mjs"),
      'export default { pageExtensions: ["page.tsx", "page.ts"] };\n',
    );
    const result = await audit(project);
    expect(result.routes.map((r) => r.route)).toEqual(["/api/paged"]);
    writeFileSync(
      path.join(project, "next.config.mjs"),
      'const extensions = ["page.ts"];\nexport default { pageExtensions: extensions };\n',
    );
    const unreadable = await audit(project);
    expect(unreadable.problems).toMatchObject([{ code: "UNKNOWN", file: "next.config.mjs" }]);
    expect((await audit(project, { strict: true })).ok).toBe(false);
  });

  it("coverage that cannot be decided is a finding, and its rule is not trusted", async () => {
    const project = copyFixture("audit-app");
    writeFileSync(
      path.join(project, "proxy.ts"),
      'import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";\nconst isProtectedRoute = createRouteMatcher(["/api(.*)"]);\nexport default clerkMiddleware(async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect();\n});\nexport const config = { matcher: ["/((?!api/admin/reports/skip).*)"] };\n',
    );
    mkdirSync(path.join(project, "app/api/admin/reports/[id]"), { recursive: true });
    writeFileSync(
      path.join(project, "app/api/admin/reports/[id]/route.ts"),
      "export async function GET() {\n  return Response.json({ report: 1 });\n}\n",
    );
    const result = await audit(project);
    const route = byRoute(result, "/api/admin/reports/[id]");
    expect(route.covered).toBe("unknown");
    expect(route.protection).not.toBe("middleware-rule");
    expect(route.findings.map((f) => f.code)).toContain("UNKNOWN");
  });
});

describe("CI: SARIF from the CLI, GitHub annotations, a monorepo root", () => {
  it("--format sarif prints valid SARIF with the same exit code", () => {
    const project = copyFixture("audit-app");
    const cli = runCli(["audit", "--format", "sarif", "--cwd", project]);
    expect(cli.status).toBe(1);
    expect(validateSarif(cli.stdout)).toEqual([]);
    expect(JSON.parse(cli.stdout).runs[0].results.length).toBeGreaterThan(0);
  });

  it("GITHUB_ACTIONS=true adds one workflow annotation per finding, paths from the checkout", async () => {
    const project = copyFixture("audit-app");
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (chunk) => (out += chunk));
    const code = await runAudit(
      { cwd: project },
      {
        stdout,
        stderr: new PassThrough(),
        env: { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: path.dirname(project) },
        cwd: project,
      },
    );
    expect(code).toBe(1);
    const lines = out.split("\n").filter((line) => line.startsWith("::"));
    expect(lines).toContain(
      `::error file=${path.basename(project)}/app/internal/report/route.ts,line=4,title=NOT_COVERED /internal/report::/internal/report calls Clerk, but the matcher in proxy.ts does not run clerkMiddleware() on it%3A auth() fails at runtime. Fix: Add "/internal/report" to config.matcher in proxy.ts.`.replace(
        "%3A",
        ":",
      ),
    );
    expect(lines.length).toBe(
      Object.values(JSON.parse(auditJson(await audit(project))).findings as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      ),
    );
  });

  it("escapes what GitHub's workflow commands reserve", async () => {
    const result = await audit(copyFixture("audit-app"));
    const finding = result.routes.flatMap((r) => r.findings)[0]!;
    const [line] = githubAnnotations([
      {
        prefix: "a,b:",
        result: {
          ...result,
          routes: [{ ...result.routes[0]!, findings: [{ ...finding, file: "x\ny%" }] }],
          problems: [],
        },
      },
    ]);
    expect(line).toMatch(/^::warning file=a%2Cb%3Ax%0Ay%25,line=/);
  });

  it("in a monorepo app, a helper in a shared package reached through tsconfig paths is read", () => {
    const root = copyWorkspace("pnpm");
    const web = path.join(root, "apps/web");
    writeFileSync(
      path.join(web, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, paths: { "@pkg/auth": ["../../packages/auth/src/index.ts"] } },
      }),
    );
    mkdirSync(path.join(root, "packages/auth/src"), { recursive: true });
    writeFileSync(
      path.join(root, "packages/auth/src/index.ts"),
      'import { auth } from "@clerk/nextjs/server";\nexport async function requireUser() {\n  const { userId } = await auth();\n  if (!userId) throw new Response("Unauthorized", { status: 401 });\n  return userId;\n}\n',
    );
    mkdirSync(path.join(web, "app/api/shared"), { recursive: true });
    writeFileSync(
      path.join(web, "app/api/shared/route.ts"),
      'import { requireUser } from "@pkg/auth";\nexport async function GET() {\n  const userId = await requireUser();\n  return Response.json({ userId });\n}\n',
    );
    const json = JSON.parse(runCli(["audit", "--json", "--cwd", web]).stdout);
    const route = json.routes.find((r: { route: string }) => r.route === "/api/shared");
    expect(route.protection).not.toBe("none");
    expect(route.protection).not.toBe("unknown");
  });

  it("at a monorepo root, every Next.js app is audited and named", () => {
    const root = copyWorkspace("pnpm");
    const before = treeHash(root);
    const cli = runCli(["audit", "--json", "--cwd", root]);
    const json = JSON.parse(cli.stdout);
    expect(json.apps.map((a: { app: string }) => a.app)).toEqual(["apps/docs", "apps/web"]);
    expect(runCli(["audit", "--cwd", root]).stdout).toMatch(/^apps\/docs:\n/);
    expect(treeHash(root)).toBe(before);
  });
});
