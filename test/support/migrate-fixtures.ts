import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runMigrate, type MigrateFlags } from "../../src/commands/migrate.js";
import { deps } from "./run-deps.js";
import { repoRoot } from "./project.js";

// The migrate fixture projects: test/fixtures/migrate/<name>/{input,output}/ (whole project trees,
// before and after `migrate --yes`), expected.json (the --json report) and an optional ctx.json
// with the flags of the run. Shared by the fixture, behaviour and type-check tests.

export const MIGRATE_FIXTURES = path.join(repoRoot, "test/fixtures/migrate");

export interface MigrateFixture {
  name: string;
  dir: string;
  input: string;
  output: string;
  flags: MigrateFlags;
}

export function migrateFixtures(): MigrateFixture[] {
  return readdirSync(MIGRATE_FIXTURES)
    .sort()
    .filter((name) => existsSync(path.join(MIGRATE_FIXTURES, name, "input")))
    .map((name) => {
      const dir = path.join(MIGRATE_FIXTURES, name);
      const ctx = path.join(dir, "ctx.json");
      const flags = existsSync(ctx)
        ? ((JSON.parse(readFileSync(ctx, "utf8")) as { flags?: MigrateFlags }).flags ?? {})
        : {};
      return { name, dir, input: path.join(dir, "input"), output: path.join(dir, "output"), flags };
    });
}

/** Every file below `root`, relative, posix, sorted. */
export function treeFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(root, dir)).sort()) {
      const relative = dir ? `${dir}/${name}` : name;
      if (statSync(path.join(root, relative)).isDirectory()) walk(relative);
      else files.push(relative);
    }
  };
  walk("");
  return files;
}

/** Runs `migrate --yes --json` (and the fixture's flags) in-process on a copy of the input. */
export async function runOnCopy(
  fixture: MigrateFixture,
  extra: MigrateFlags = {},
): Promise<{ dir: string; code: number; report: Record<string, unknown>; out: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ccr-migrate-${fixture.name}-`));
  cpSync(fixture.input, dir, { recursive: true });
  const run = deps(dir);
  const code = await runMigrate({ yes: true, json: true, ...fixture.flags, ...extra }, run);
  const out = run.out();
  return { dir, code, report: JSON.parse(out) as Record<string, unknown>, out };
}
