import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, lstatSync, readlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fse from "fs-extra";

// Shared by the CLI tests: temporary copies of the fixture projects, the built bin run the way
// CI runs it (no TTY, stdin closed), and a fingerprint of a whole tree to prove "nothing written".

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const binPath = path.join(repoRoot, "bin/create-clerk-route.js");
const fixturesRoot = path.join(repoRoot, "test/fixtures/projects");

export function copyFixture(name: string): string {
  const target = mkdtempSync(path.join(os.tmpdir(), `ccr-${name}-`));
  fse.copySync(path.join(fixturesRoot, name), target);
  return target;
}

/** A temporary copy of a fixture monorepo, test/fixtures/workspaces/<pm> (npm, pnpm, yarn, bun). */
export function copyWorkspace(pm: string): string {
  const target = mkdtempSync(path.join(os.tmpdir(), `ccr-ws-${pm}-`));
  fse.copySync(path.join(repoRoot, "test/fixtures/workspaces", pm), target);
  return target;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): CliResult {
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeout ?? 20_000,
    // A run stuck in a blocking call may ignore SIGTERM (its handler never gets to run): SIGKILL,
    // or spawnSync would wait for it for good.
    killSignal: "SIGKILL",
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: "true",
      ...options.env,
    },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

/** sha256 over every path, file mode, regular file content and symlink target below root. */
export function treeHash(root: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      hash.update(`${path.relative(root, full)}\0${stat.mode}\0`);
      if (stat.isSymbolicLink()) hash.update(readlinkSync(full));
      else if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) hash.update(readFileSync(full)); // a FIFO or socket: its path and mode only, never opened
    }
  };
  walk(root);
  return hash.digest("hex");
}

/** Modification times of every file below root, to prove a run touched nothing. */
export function mtimes(root: string): Record<string, number> {
  const times: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else times[path.relative(root, full)] = stat.mtimeMs;
    }
  };
  walk(root);
  return times;
}

export function read(root: string, file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}
