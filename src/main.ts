import { parseArgs } from "./cli.js";

// Entry point of the bin: parse flags, then load the rest only when there is work to do,
// so --help and --version never load prompts, templates or the parser.

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "exit") return parsed.code;
  if (parsed.kind === "error") {
    if (argv.includes("--json")) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: { code: "INVALID_ARGUMENTS", message: parsed.message } })}\n`);
    } else {
      const { colorsFor } = await import("./colors.js");
      const colors = colorsFor(process.stderr, process.env);
      process.stderr.write(`${colors.red("✖")} ${parsed.message}\n  Run create-clerk-route --help to see every flag.\n`);
    }
    return 1;
  }
  const { run } = await import("./run.js");
  return run(parsed.flags, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  });
}
