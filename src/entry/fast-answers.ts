// `--help` and `--version` alone, answered from text rendered at build time: the one place both
// entries ask (boot.ts before loading anything, main.ts for in-process callers of dist/cli.js).
// Anything else, or a run from source (nothing inlined), goes to commander (entry/cli.ts), which
// prints the same text (test/cli/lazy-load.test.ts compares them).

declare const __HELP__: string;
declare const __VERSION__: string;

/** The text to print for `argv`, or undefined when it is not `--help`/`-h` or `--version`/`-V` alone. */
export function fastAnswer(argv: readonly string[]): string | undefined {
  if (argv.length !== 1 || typeof __HELP__ !== "string") return undefined;
  if (argv[0] === "--help" || argv[0] === "-h") return __HELP__;
  if (argv[0] === "--version" || argv[0] === "-V") return `${__VERSION__}\n`;
  return undefined;
}
