// What bin/create-clerk-route.js runs (built to dist/boot.cjs, CommonJS: no ES module loader
// starts for --help). `--help` and `--version` alone print text rendered at build time and load
// nothing else; every other run loads the app through the code cache (loader.ts).

declare const __HELP__: string;
declare const __VERSION__: string;

export function start(argv: string[]): void {
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
    process.stdout.write(__HELP__);
    return;
  }
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    process.stdout.write(`${__VERSION__}\n`);
    return;
  }
  // A separate file, so that the two answers above load neither it nor node:crypto and node:vm.
  const { loadApp } = require("./loader.cjs") as typeof import("./loader.js");
  void loadApp()
    .main(argv)
    .then((code) => {
      process.exitCode = code;
    });
}
