import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { evaluateAudit, type AuditOptions, type AuditResult } from "../../src/audit/evaluate.js";
import { scanRoutes } from "../../src/audit/scan.js";
import { detectProject } from "../../src/project/detect.js";
import { auditTable } from "../../src/report/audit.js";
import { STYLES } from "../../src/styles/index.js";
import { copyFixture, runCli, treeHash } from "../support/project.js";

// `create-clerk-route audit` over a fixture project holding every protection class and every
// finding, the CLI's own generated routes, and a patch-then-audit round trip.

const plain = pc.createColors(false);

async function audit(project: string, options: Partial<AuditOptions> = {}): Promise<AuditResult> {
  const detected = await detectProject(project);
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
    await expect(JSON.stringify(result, null, 2)).toMatchFileSnapshot("../snapshots/audit/audit-app.json");
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
    ["/api/wrapped", "unknown"],
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
    expect(codes(result, "/api/admin/reports")).toEqual([]); // protected by the middleware's rule
    expect(result.findings).toEqual({ PUBLIC: 2, WEBHOOK_PROTECTED: 1, UNCHECKED: 1, NOT_COVERED: 1 });
  });

  it("says how to fix a route the matcher misses", () => {
    expect(byRoute(result, "/internal/report").findings[0]?.fix).toBe('Add "/internal/report" to config.matcher in proxy.ts.');
  });

  it("fails on NOT_COVERED and WEBHOOK_PROTECTED by default; --allow-public and --strict do what they say", async () => {
    expect(result.ok).toBe(false);
    const allowed = await audit(project, { allowPublic: ["/api/health", "/api/mem*"] });
    expect(codes(allowed, "/api/health")).toEqual([]);
    expect(codes(allowed, "/api/members")).toEqual([]);
    expect(allowed.findings.PUBLIC).toBeUndefined();
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
      const result = runCli([`/api/generated/${style.name.toLowerCase()}`, "--style", style.name, "--yes", "--no-install", "--cwd", project]);
      expect(result.status, result.stderr).toBe(0);
    }
    const audited = await audit(project, { strict: true });
    expect(audited.routes.map((r) => [r.route, r.findings])).toEqual(STYLES.map((s) => [`/api/generated/${s.name.toLowerCase()}`, []]).sort());
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
    writeFileSync(path.join(project, "app/api/x/route.ts"), 'import { auth } from "@clerk/nextjs/server";\n\nexport async function GET() {\n  await auth.protect();\n  return Response.json({});\n}\n');
    const result = await audit(project);
    expect(codes(result, "/api/x")).toEqual(["NO_MIDDLEWARE"]);
    expect(result.ok).toBe(false);
  });
});
