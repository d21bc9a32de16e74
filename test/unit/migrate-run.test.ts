import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { EventEmitter } from "node:events";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/apply/write-plan.js";
import { runMigrate, type MigrateFlags } from "../../src/commands/migrate.js";
import { MIGRATE_FIXTURES } from "../support/migrate-fixtures.js";
import { repoRoot, treeHash } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// runMigrate() in-process: the seams a spawned CLI cannot offer (signals mid-write, a write
// failure, the project's own prettier), and the runs that follow one another.

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copy(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ccr-migrate-run-${name}-`));
  cpSync(path.join(MIGRATE_FIXTURES, name, "input"), dir, { recursive: true });
  copies.push(dir);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), "utf8");

async function migrate(dir: string, flags: MigrateFlags, extra: Parameters<typeof deps>[1] = {}) {
  const d = deps(dir, extra);
  const code = await runMigrate(flags, d);
  return { code, out: d.out(), err: d.err() };
}

describe("migrate, run in-process", () => {
  it("without a terminal and without --yes, refuses to write and names the flag", async () => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const result = await migrate(dir, {});
    expect(result.code).toBe(1);
    expect(result.err).toContain('there is no terminal to ask "Write these files?" on');
    expect(result.err).toContain("Pass --yes");
    expect(treeHash(dir)).toBe(hash);
    const json = await migrate(dir, { json: true });
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { code: "CONFIRMATION_REQUIRED" } });
  });

  it("--dry-run prints the diff and the report, writes nothing", async () => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const result = await migrate(dir, { dryRun: true });
    expect(result.code).toBe(0);
    expect(result.out).toContain("Dry run: nothing was written.");
    expect(result.out).toContain(
      '-const isProtectedRoute = createRouteMatcher(["/api/private(.*)", "/dashboard(.*)"]);',
    );
    expect(result.out).toContain("Behaviour change for the routes out of the rules");
    expect(result.out).toContain("page /dashboard (app/dashboard/page.tsx): still protected by isProtectedRoute(req).");
    expect(treeHash(dir)).toBe(hash);
  });

  it("--yes writes and reports; a second run has nothing to change", async () => {
    const dir = copy("positive");
    const first = await migrate(dir, { yes: true });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^✔ 5 Route Handlers now check for themselves; 5 out of the rules in proxy\.ts/);
    expect(first.out).toContain("  modified proxy.ts");
    const second = await migrate(dir, { yes: true });
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/^✔ Nothing to change\./);
  });

  it("--keep-rules first, then a plain run takes the routes (now checking for themselves) out of the rules", async () => {
    const dir = copy("positive");
    const proxy = read(dir, "proxy.ts");
    expect((await migrate(dir, { yes: true, keepRules: true })).code).toBe(0);
    expect(read(dir, "proxy.ts")).toBe(proxy);
    const handler = read(dir, "app/api/private/items/route.ts");
    const second = await migrate(dir, { yes: true, json: true });
    const report = JSON.parse(second.out) as {
      changes: Array<{ path: string }>;
      routes: Array<{ file: string; migrated: string[]; outOfRules: boolean }>;
    };
    expect(report.changes).toEqual([{ path: "proxy.ts", action: "modify" }]);
    expect(report.routes.find((r) => r.file === "app/api/private/items/route.ts")).toMatchObject({
      migrated: [],
      outOfRules: true,
    });
    expect(read(dir, "app/api/private/items/route.ts")).toBe(handler);
    expect(read(dir, "proxy.ts")).toContain('createRouteMatcher(["/dashboard(.*)"])');
  });

  it("a next.config with rewrites: a warning when patterns leave the rules", async () => {
    const dir = copy("positive");
    writeFileSync(
      path.join(dir, "next.config.ts"),
      'export default { async rewrites() { return [{ source: "/api/private/old", destination: "https://example.test" }]; } };\n',
    );
    const result = await migrate(dir, { dryRun: true, json: true });
    expect((JSON.parse(result.out) as { warnings: string[] }).warnings).toEqual([
      "next.config.ts declares rewrites: a pattern taken out of the rules may have protected a rewritten path this tool cannot see; check them.",
    ]);
  });

  it("a @clerk/nextjs without isAuthenticated (before 6.22.0): CLERK_TOO_OLD, nothing written", async () => {
    const dir = copy("positive");
    const manifest = JSON.parse(read(dir, "package.json")) as { dependencies: Record<string, string> };
    manifest.dependencies["@clerk/nextjs"] = "^6.9.9";
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    const hash = treeHash(dir);
    const result = await migrate(dir, { yes: true });
    expect(result.code).toBe(1);
    expect(result.err).toContain("which came in @clerk/nextjs 6.22.0; this project has 6.9.9");
    expect(treeHash(dir)).toBe(hash);
  });

  it("Next.js 14 (Route Handlers, middleware.ts): migrated like 16, never UNSUPPORTED_NEXT", async () => {
    const dir = copy("positive");
    const manifest = JSON.parse(read(dir, "package.json")) as { dependencies: Record<string, string> };
    manifest.dependencies.next = "^14.2.0";
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    cpSync(path.join(dir, "proxy.ts"), path.join(dir, "middleware.ts"));
    rmSync(path.join(dir, "proxy.ts"));
    const result = await migrate(dir, { yes: true });
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^✔ 5 Route Handlers now check for themselves; 5 out of the rules in middleware\.ts/);
  });

  it("a middleware it cannot read: nothing moved, and it says so (never a silent 'nothing to change')", async () => {
    const dir = copy("positive");
    writeFileSync(
      path.join(dir, "proxy.ts"),
      'import { clerkMiddleware } from "@clerk/nextjs/server";\nimport { handler } from "./lib/auth-handler";\n\nexport default clerkMiddleware(handler);\n\nexport const config = { matcher: ["/(api|trpc)(.*)"] };\n',
    );
    const hash = treeHash(dir);
    const result = await migrate(dir, { yes: true });
    expect(result.code).toBe(0);
    expect(result.out).toContain("The rules in proxy.ts cannot be read");
    expect(treeHash(dir)).toBe(hash);
  });

  it("nothing to migrate without rules: exit 0, says so", async () => {
    const dir = copy("positive");
    writeFileSync(
      path.join(dir, "proxy.ts"),
      'import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n',
    );
    const result = await migrate(dir, {});
    expect(result.code).toBe(0);
    expect(result.out).toContain("proxy.ts has no createRouteMatcher + auth.protect() rules: nothing to migrate.");
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s while writing: every file restored, exit %i", async (signal, exitCode) => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const signals = new EventEmitter();
    const result = await migrate(
      dir,
      { yes: true },
      {
        signals,
        applyHooks: {
          beforeCommit: (change) => {
            if (change.path === "proxy.ts") signals.emit(signal);
          },
        },
      },
    );
    expect(result.code).toBe(exitCode);
    expect(result.err).toContain("Cancelled: nothing was written.");
    expect(treeHash(dir)).toBe(hash);
    expect(signals.listenerCount(signal)).toBe(0);
  });

  it("a failed write restores every file (WRITE_FAILED)", async () => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const result = await migrate(
      dir,
      { yes: true, json: true },
      {
        applyHooks: {
          beforeCommit: (change) => {
            if (change.path === "proxy.ts") throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
          },
        },
      },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: { code: "WRITE_FAILED" } });
    expect(treeHash(dir)).toBe(hash);
  });

  it("another run holding the project lock: PROJECT_LOCKED, nothing written", async () => {
    const dir = copy("positive");
    writeFileSync(path.join(dir, LOCK_FILE), `${process.pid}\n`);
    const hash = treeHash(dir);
    const result = await migrate(dir, { yes: true, json: true });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ ok: false, error: { code: "PROJECT_LOCKED" } });
    expect(treeHash(dir)).toBe(hash);
  });
});

describe("the project's own prettier", () => {
  function withPrettier(dir: string, prettierrc: string): void {
    mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    symlinkSync(path.join(repoRoot, "node_modules/prettier"), path.join(dir, "node_modules/prettier"));
    writeFileSync(path.join(dir, ".prettierrc"), prettierrc);
  }

  it("formats an edited file that was prettier-formatted before; keeps every byte of one that was not", async () => {
    const dir = copy("positive");
    withPrettier(dir, '{ "singleQuote": true, "printWidth": 100 }\n');
    // Formatted by that config before the run:
    writeFileSync(
      path.join(dir, "app/api/private/items/route.ts"),
      "import { NextResponse } from 'next/server';\n\nexport async function GET() {\n  return NextResponse.json({ items: [] });\n}\n",
    );
    const result = await migrate(dir, { yes: true });
    expect(result.code, result.err).toBe(0);
    const formatted = read(dir, "app/api/private/items/route.ts");
    expect(formatted).toContain("import { auth } from '@clerk/nextjs/server';");
    expect(formatted).toContain("return NextResponse.json({ error: 'Unauthorized' }, { status: 401 });");
    // Not formatted by that config (double quotes): only the inserted code, in the file's own style.
    const kept = read(dir, "app/api/private/me/route.ts");
    expect(kept).toContain('import { NextResponse } from "next/server";');
    expect(kept).toContain('return NextResponse.json({ error: "Unauthorized" }, { status: 401 });');
  });
});
