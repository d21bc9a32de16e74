// The app's entry (dist/app.cjs, loaded by boot.ts through the code cache). `--help` and
// `--version` alone are answered by fast-answers.ts (boot.ts asks it first, without loading this
// file; main() asks it again for in-process callers of dist/cli.js), anything else by commander.
import { isatty } from "node:tty";
import { fastAnswer } from "./fast-answers.js";

/**
 * A closed pipe (`| head`, `| true`) or a full disk (`> /dev/full`) on stdout or stderr is not the
 * run's failure: by then the files are written (or nothing was). One line on stderr when it is
 * still writable, never a stack trace, and the exit code stays the run's own.
 */
function survivesOutputErrors(): void {
  let told = false;
  const onError = (name: string) => (error: NodeJS.ErrnoException) => {
    if (told || name === "stderr") return;
    told = true;
    try {
      process.stderr.write(
        `create-clerk-route: could not write to ${name} (${error.code ?? error.message}); the run itself is unaffected.\n`,
      );
    } catch {
      // stderr is gone too: nothing left to tell
    }
  };
  process.stdout.on("error", onError("stdout"));
  process.stderr.on("error", onError("stderr"));
}

export async function main(argv: string[]): Promise<number> {
  survivesOutputErrors();
  const answer = fastAnswer(argv);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return 0;
  }
  const { parseArgs } = await import("./cli.js");
  const parsed = parseArgs(argv);
  if (parsed.kind === "exit") return parsed.code;
  if (parsed.kind === "error") {
    if (argv.includes("--json")) {
      process.stdout.write(
        `${JSON.stringify({ ok: false, error: { code: "INVALID_ARGUMENTS", message: parsed.message } })}\n`,
      );
    } else {
      const { colorsFor } = await import("../ui/colors.js");
      const colors = colorsFor(process.stderr, process.env);
      const help =
        argv[0] === "audit" || argv[0] === "migrate"
          ? `create-clerk-route ${argv[0]} --help`
          : "create-clerk-route --help";
      process.stderr.write(`${colors.red("✖")} ${parsed.message}\n  Run ${help} to see every flag.\n`);
    }
    // The audit's 1 means "findings": a flag it cannot parse means it could not run (2).
    return argv[0] === "audit" ? 2 : 1;
  }
  if (parsed.kind === "audit") {
    const { runAudit } = await import("../commands/audit.js");
    return runAudit(parsed.flags, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
    });
  }
  const runDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    // isatty(0), not process.stdin.isTTY: reading that getter creates the stdin stream (about 1 ms).
    stdinIsTTY: isatty(0),
    env: process.env,
    cwd: process.cwd(),
  };
  if (parsed.kind === "migrate") {
    const { runMigrate } = await import("../commands/migrate.js");
    return runMigrate(parsed.flags, runDeps);
  }
  const { run } = await import("../commands/add.js");
  return run(parsed.flags, runDeps);
}
