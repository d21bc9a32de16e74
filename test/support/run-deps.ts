import { PassThrough } from "node:stream";
import type { RunDeps } from "../../src/commands/add.js";

/** RunDeps for run() in-process, as CI runs it (no TTY, CI=true), with what it printed. */
export function deps(cwd: string, extra: Partial<RunDeps> = {}): RunDeps & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  return { stdout, stderr, stdinIsTTY: false, env: { CI: "true" }, cwd, ...extra, out: () => out, err: () => err };
}
