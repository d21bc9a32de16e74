import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { renderRoute } from "../../src/plan/route-file.js";
import { flagName } from "../../src/styles/declaration.js";
import { STYLES, allStyleFlags } from "../../src/styles/index.js";
import { reservedNames } from "../../src/styles/methods.js";
import { copyFixture, mtimes, read, runCli, treeHash } from "../support/project.js";

// The built bin, spawned the way CI runs it: flags only, no TTY, CI=true.

describe("generating into fixture projects", () => {
  it("TypeScript app/: writes the route, creates proxy.ts, adds the keys to .env.local", () => {
    const project = copyFixture("app-ts");
    const result = runCli([
      "/api/projects/[id]",
      "--style",
      "userId",
      "--methods",
      "GET,PATCH",
      "--yes",
      "--cwd",
      project,
    ]);
    expect(result.status, result.output).toBe(0);
    expect(read(project, "app/api/projects/[id]/route.ts")).toBe(
      renderRoute(normalizeOptions({ style: "userId", route: "/api/projects/[id]", methods: "GET,PATCH" }), "ts"),
    );
    expect(read(project, "proxy.ts")).toContain("export default clerkMiddleware();");
    const env = read(project, ".env.local");
    expect(env.startsWith('# Local settings\nDATABASE_URL="postgres://localhost/app"\n')).toBe(true);
    expect(env).toMatch(/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=$/m);
    expect(env).toMatch(/^CLERK_SECRET_KEY=$/m);
    expect(result.stdout).toContain("created  app/api/projects/[id]/route.ts");
  });

  it("JavaScript app/: writes route.js and proxy.js, and says how to install @clerk/nextjs with pnpm", () => {
    const project = copyFixture("app-js");
    const result = runCli(["reports", "--style", "currentUser", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(read(project, "app/api/reports/route.js")).toBe(
      renderRoute(normalizeOptions({ style: "currentUser", route: "reports" }), "js"),
    );
    expect(existsSync(path.join(project, "proxy.js"))).toBe(true);
    expect(result.stdout).toContain("pnpm add @clerk/nextjs");
  });

  it("src/app on Next 15: writes under src/app and patches the existing src/middleware.ts", () => {
    const project = copyFixture("src-app");
    const before = read(project, "src/middleware.ts");
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(existsSync(path.join(project, "src/app/api/me/route.ts"))).toBe(true);
    const after = read(project, "src/middleware.ts");
    expect(after).not.toBe(before);
    expect(after).toContain('from "@clerk/nextjs/server"');
    expect(after).toContain('response.headers.set("x-request-id", crypto.randomUUID());');
    expect(existsSync(path.join(project, "src/proxy.ts"))).toBe(false);
    expect(existsSync(path.join(project, "middleware.ts"))).toBe(false);
  });

  it("every style generates in every fixture", () => {
    for (const fixture of ["app-ts", "app-js", "src-app"]) {
      const project = copyFixture(fixture);
      for (const declaration of STYLES) {
        const style = declaration.name;
        // A dynamic segment the style's handler does not declare as a local (a webhook reads evt.data.id).
        const param = reservedNames(declaration).has("id") ? "ref" : "id";
        const result = runCli([`/api/${style}/[${param}]`, "--style", style, "--yes", "--cwd", project]);
        expect(result.status, `${fixture} ${style}: ${result.output}`).toBe(0);
      }
    }
  });

  it("a second webhook route gets its own signing-secret variable: the first keeps working", () => {
    const project = copyFixture("app-ts");
    const first = "whsec_Zmlyc3Q=";
    const second = "whsec_c2Vjb25k";
    const a = runCli(["--style", "webhook", "--webhook-secret", first, "--yes", "--cwd", project]);
    expect(a.status, a.output).toBe(0);
    const b = runCli([
      "/api/webhooks/billing",
      "--style",
      "webhook",
      "--webhook-secret",
      second,
      "--yes",
      "--cwd",
      project,
    ]);
    expect(b.status, b.output).toBe(0);
    const env = read(project, ".env.local");
    expect(env).toContain(`\nCLERK_WEBHOOK_SIGNING_SECRET=${first}\n`);
    expect(env).toContain(`\nCLERK_WEBHOOK_SIGNING_SECRET_BILLING=${second}\n`);
    expect(read(project, "app/api/webhooks/clerk/route.ts")).toContain("await verifyWebhook(request);");
    expect(read(project, "app/api/webhooks/billing/route.ts")).toContain(
      "signingSecret: process.env.CLERK_WEBHOOK_SIGNING_SECRET_BILLING,",
    );
    expect(b.stdout.replace(/\s+/g, " ")).toContain("put its Signing Secret in CLERK_WEBHOOK_SIGNING_SECRET_BILLING.");
  });

  it("a webhook route's secret comes from its own variable in the environment, never another route's", () => {
    const project = copyFixture("app-ts");
    const env = {
      CLERK_WEBHOOK_SIGNING_SECRET: "whsec_Zmlyc3Q=",
      CLERK_WEBHOOK_SIGNING_SECRET_ORDERS: "whsec_b3JkZXJz",
    };
    const a = runCli(["/api/webhooks/billing", "--style", "webhook", "--yes", "--cwd", project], { env });
    expect(a.status, a.output).toBe(0);
    const b = runCli(["/api/webhooks/orders", "--style", "webhook", "--yes", "--cwd", project], { env });
    expect(b.status, b.output).toBe(0);
    const lines = read(project, ".env.local").split("\n");
    expect(lines).toContain("CLERK_WEBHOOK_SIGNING_SECRET_BILLING=");
    expect(lines).toContain("CLERK_WEBHOOK_SIGNING_SECRET_ORDERS=whsec_b3JkZXJz");
    expect(lines.join("\n")).not.toContain("whsec_Zmlyc3Q=");
  });

  it("a second run with the same answers changes nothing and touches no file", () => {
    const project = copyFixture("app-ts");
    const args = ["/api/things", "--style", "token", "--methods", "GET,POST", "--yes", "--cwd", project];
    expect(runCli(args).status).toBe(0);
    const hash = treeHash(project);
    const times = mtimes(project);
    const second = runCli(args);
    expect(second.status, second.output).toBe(0);
    expect(second.stdout).toContain("Nothing to change");
    expect(treeHash(project)).toBe(hash);
    expect(mtimes(project)).toEqual(times);
  });

  it("--dry-run prints a diff of every change and writes nothing", () => {
    const project = copyFixture("src-app");
    const hash = treeHash(project);
    const result = runCli(["/api/me", "--style", "userId", "--dry-run", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(result.stdout).toContain("--- /dev/null");
    expect(result.stdout).toContain("+++ b/src/app/api/me/route.ts");
    expect(result.stdout).toContain("--- a/src/middleware.ts");
    expect(result.stdout).not.toContain("\u001b[");
    expect(treeHash(project)).toBe(hash);
  });

  it("--dry-run masks env values, new and old, so secrets stay out of terminals and CI logs", () => {
    const project = copyFixture("app-ts");
    const result = runCli([
      "/api/me",
      "--style",
      "userId",
      "--dry-run",
      "--cwd",
      project,
      "--secret-key",
      "sk_live_0123456789abcdef",
    ]);
    expect(result.status, result.output).toBe(0);
    expect(result.stdout).toContain("+CLERK_SECRET_KEY=sk_live_…");
    expect(result.stdout).not.toContain("0123456789abcdef");
    expect(result.stdout).not.toContain("postgres://localhost/app");
  });

  it("--force overwrites an existing route; without it the run refuses and writes nothing", () => {
    const project = copyFixture("app-ts");
    expect(runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]).status).toBe(0);
    const hash = treeHash(project);
    const refused = runCli(["/api/me", "--style", "protect", "--yes", "--cwd", project]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("already exists");
    expect(refused.stderr).toContain("--force");
    expect(treeHash(project)).toBe(hash);
    const forced = runCli(["/api/me", "--style", "protect", "--yes", "--force", "--cwd", project]);
    expect(forced.status, forced.output).toBe(0);
    expect(read(project, "app/api/me/route.ts")).toContain("auth.protect()");
  });

  it("--json prints exactly one JSON object on stdout", () => {
    const project = copyFixture("app-ts");
    const result = runCli(["/api/me", "--style", "userId", "--json", "--cwd", project]);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      ok: true,
      dryRun: false,
      changes: [
        { path: "app/api/me/route.ts", action: "create" },
        { path: "proxy.ts", action: "create" },
        { path: ".env.local", action: "modify" },
      ],
      warnings: [],
      nextSteps: expect.any(Array),
      notes: [
        { kind: "fillKeys", keys: ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY"], file: ".env.local" },
        { kind: "installClerk", command: "npm install", declared: true },
      ],
    });
    const again = JSON.parse(runCli(["/api/me", "--style", "userId", "--json", "--cwd", project]).stdout);
    expect(again.changes.map((c: { action: string }) => c.action)).toEqual(["unchanged", "unchanged", "unchanged"]);
    const failed = runCli(["/api/../x", "--style", "userId", "--json", "--cwd", project]);
    expect(failed.status).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, error: { code: "INVALID_ROUTE" } });
  });

  it("keys from flags or the environment land in the env file; bad keys are refused", () => {
    const project = copyFixture("app-ts");
    const result = runCli(
      ["/api/me", "--style", "userId", "--yes", "--cwd", project, "--secret-key", "sk_test_abc123"],
      {
        env: { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k" },
      },
    );
    expect(result.status, result.output).toBe(0);
    const env = read(project, ".env.local");
    expect(env).toMatch(/^CLERK_SECRET_KEY=sk_test_abc123$/m);
    expect(env).toMatch(/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k$/m);
    const other = copyFixture("app-ts");
    const hash = treeHash(other);
    const bad = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", other, "--secret-key", "pk_test_oops"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("not a secret key");
    expect(treeHash(other)).toBe(hash);
  });

  it("a non-UTF-8 env file the run does not write is no obstacle", () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".env.production"), Buffer.from("TITLE=caf\xe9\n", "latin1"));
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
  });

  it("--no-middleware and --no-env write only the route", () => {
    const project = copyFixture("app-ts");
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--no-middleware", "--no-env", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(existsSync(path.join(project, "proxy.ts"))).toBe(false);
    expect(read(project, ".env.local")).toBe('# Local settings\nDATABASE_URL="postgres://localhost/app"\n');
  });
});

describe("help, version and colour", () => {
  it("--help lists every flag and an example for each style", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    const common = [
      "--style",
      "--methods",
      "--cwd",
      "--yes",
      "--force",
      "--dry-run",
      "--json",
      "--no-middleware",
      "--no-env",
      "--env-file",
      "--env-path",
      "--publishable-key",
      "--secret-key",
      "--install",
      "--no-install",
    ];
    for (const flag of [...common, ...allStyleFlags().map(flagName)]) {
      expect(result.stdout).toContain(flag);
    }
    for (const style of STYLES) {
      expect(result.stdout).toMatch(new RegExp(`--style ${style.name}\\b`));
    }
  });

  it("--version prints the package version", () => {
    const result = runCli(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("no colour codes into a pipe, even with CI set; FORCE_COLOR turns them on; NO_COLOR off", () => {
    const project = copyFixture("app-ts");
    expect(runCli(["/api/me", "--style", "userId", "--dry-run", "--cwd", project]).stdout).not.toContain("\u001b[");
    expect(
      runCli(["/api/me", "--style", "userId", "--dry-run", "--cwd", project], { env: { FORCE_COLOR: "1" } }).stdout,
    ).toContain("\u001b[");
    expect(
      runCli(["/api/me", "--style", "userId", "--dry-run", "--cwd", project], {
        env: { FORCE_COLOR: "0", NO_COLOR: "1" },
      }).stdout,
    ).not.toContain("\u001b[");
  });
});

describe("keeping secrets out of git", () => {
  const git = (cwd: string, ...args: string[]) => spawnSync("git", args, { cwd, encoding: "utf8" });

  it("adds an env file that git does not ignore to .gitignore, and says so", () => {
    const project = copyFixture("app-ts");
    git(project, "init", "-q");
    writeFileSync(path.join(project, ".gitignore"), "node_modules\n.next\n");
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(read(project, ".gitignore").startsWith("node_modules\n.next\n")).toBe(true);
    expect(read(project, ".gitignore")).toMatch(/^\/\.env\.local$/m);
    expect(result.stdout).toContain("adding it to .gitignore");
    expect(git(project, "check-ignore", "-q", ".env.local").status).toBe(0);
  });

  it("warns loudly when the env file is already tracked", () => {
    const project = copyFixture("app-ts");
    git(project, "init", "-q");
    git(project, "add", ".env.local");
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(result.stdout).toContain("tracked by git");
    expect(result.stdout).toContain("git rm --cached .env.local");
  });

  it("keeps secrets out of a committed .env: the keys go to a new, ignored .env.local", () => {
    const project = copyFixture("app-ts");
    rmSync(path.join(project, ".env.local"));
    writeFileSync(path.join(project, ".env"), "NEXT_PUBLIC_SITE_NAME=Example\n");
    git(project, "init", "-q");
    git(project, "add", ".env");
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(read(project, ".env")).toBe("NEXT_PUBLIC_SITE_NAME=Example\n");
    expect(read(project, ".env.local")).toMatch(/^CLERK_SECRET_KEY=$/m);
    expect(git(project, "check-ignore", "-q", ".env.local").status).toBe(0);
    expect(result.stdout).not.toContain("tracked by git");
  });

  it("leaves .gitignore alone when it already covers the env file", () => {
    const project = copyFixture("app-ts");
    git(project, "init", "-q");
    writeFileSync(path.join(project, ".gitignore"), ".env*\n");
    expect(runCli(["/api/me", "--style", "userId", "--yes", "--cwd", project]).status).toBe(0);
    expect(read(project, ".gitignore")).toBe(".env*\n");
  });
});
