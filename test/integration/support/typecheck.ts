// Type-checks a fixture the way its owner would: `next typegen` for the route types, then the
// project's own strict tsconfig with `tsc --noEmit`. JavaScript projects get tsc's checkJs pass.
import path from "node:path";
import { run, type RunResult } from "./cache.js";
import { nextCommand } from "./next-server.js";

function tscBin(dir: string): string {
  return path.join(dir, "node_modules", "typescript", "bin", "tsc");
}

export interface CheckResult extends RunResult {
  /** tsc's "error TS…" lines. */
  errors: string[];
}

function errorsOf(result: RunResult): string[] {
  return `${result.stdout}\n${result.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
}

/** `next typegen` then `tsc --noEmit -p tsconfig.json`. */
export async function typecheckTs(dir: string): Promise<CheckResult> {
  const typegen = await nextCommand(dir, ["typegen"], { timeoutMs: 3 * 60_000 });
  if (typegen.code !== 0) {
    throw new Error(`next typegen failed in ${dir}:\n${typegen.stdout}\n${typegen.stderr}`);
  }
  const result = await run(process.execPath, [tscBin(dir), "--noEmit", "-p", "tsconfig.json"], {
    cwd: dir,
    timeoutMs: 5 * 60_000,
  });
  return { ...result, errors: errorsOf(result) };
}

/**
 * JavaScript files, checked by tsc with checkJs: a missing export, a wrong call shape or a
 * syntax error shows up; JavaScript's own looseness (implicit any) does not.
 */
export async function typecheckJs(dir: string, files: string[]): Promise<CheckResult> {
  const args = [
    tscBin(dir),
    "--noEmit",
    "--allowJs",
    "--checkJs",
    "--skipLibCheck",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--lib",
    "dom,dom.iterable,esnext",
    "--jsx",
    "preserve",
    "--types",
    "node",
    ...files,
  ];
  const result = await run(process.execPath, args, { cwd: dir, timeoutMs: 5 * 60_000 });
  return { ...result, errors: errorsOf(result) };
}
