import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATE_FIXTURES } from "../support/migrate-fixtures.js";
import { runCli, treeHash } from "../support/project.js";
import { startInPty } from "../support/pty.js";

// `create-clerk-route migrate` as a user runs it: the built bin, without a terminal (as CI runs
// it) and with one (the diff first, then "Write these files?").

const ENTER = "\r";
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function copy(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ccr-migrate-cli-${name}-`));
  cpSync(path.join(MIGRATE_FIXTURES, name, "input"), dir, { recursive: true });
  copies.push(dir);
  return dir;
}

describe("migrate (built CLI)", () => {
  it("--help lists its flags", () => {
    const result = runCli(["migrate", "--help"]);
    expect(result.status).toBe(0);
    for (const flag of ["--cwd", "--dry-run", "--json", "--yes", "--keep-rules"]) expect(result.stdout).toContain(flag);
    expect(runCli(["--help"]).stdout).toContain("migrate");
  });

  it("an unknown flag: exit 1, pointing to migrate --help", () => {
    const result = runCli(["migrate", "--nope"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("unknown option '--nope'");
    expect(result.stderr).toContain("create-clerk-route migrate --help");
  });

  it("without a terminal: CONFIRMATION_REQUIRED naming --yes, nothing written; --yes --json writes", () => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const refused = runCli(["migrate", "--cwd", dir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Pass --yes");
    expect(treeHash(dir)).toBe(hash);
    const done = runCli(["migrate", "--cwd", dir, "--yes", "--json"]);
    expect(done.status).toBe(0);
    const report = JSON.parse(done.stdout) as { ok: boolean; changes: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.changes).toHaveLength(6);
    expect(readFileSync(path.join(dir, "proxy.ts"), "utf8")).toContain('createRouteMatcher(["/dashboard(.*)"])');
  });

  it("in a terminal: shows the diff first, asks, and a no writes nothing", async () => {
    const dir = copy("positive");
    const hash = treeHash(dir);
    const session = startInPty(["migrate", "--cwd", dir]);
    await session.waitFor(/Write these files\?/);
    const screen = session.output();
    expect(screen.indexOf("+++ b/proxy.ts")).toBeGreaterThan(-1);
    expect(screen.indexOf("+++ b/proxy.ts")).toBeLessThan(screen.indexOf("Write these files?"));
    expect(screen).toContain("Behaviour change for the routes out of the rules");
    session.type("n");
    session.type(ENTER);
    expect(await session.exit).toBe(130);
    expect(session.output()).toContain("Cancelled: nothing was written.");
    expect(treeHash(dir)).toBe(hash);
  });

  it("in a terminal: a yes writes, and the report ends the frame", async () => {
    const dir = copy("positive");
    const session = startInPty(["migrate", "--cwd", dir]);
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    expect(await session.exit).toBe(0);
    expect(session.output()).toContain("5 Route Handlers now check for themselves");
    expect(session.output()).toContain("Done.");
    expect(readFileSync(path.join(dir, "app/api/private/items/route.ts"), "utf8")).toContain("if (!isAuthenticated) {");
  });
});
