// What bin/create-clerk-route.js runs (built to dist/boot.cjs, CommonJS: no ES module loader
// starts for --help). `--help` and `--version` alone print text rendered at build time and load
// nothing else (fast-answers.ts); every other run loads the app through the code cache (loader.ts).
import { fastAnswer } from "./fast-answers.js";

export function start(argv: string[]): void {
  const answer = fastAnswer(argv);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return;
  }
  // The audit parses thousands of files whose syntax trees die young: a young generation that never
  // grows past its first size keeps the peak memory down (5,000 routes: about 108 → 83 MiB), and
  // its more frequent scavenges cost no measurable time (they find almost nothing alive).
  if (argv[0] === "audit")
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--semi-space-growth-factor=1");
  // A separate file, so that the two answers above load neither it nor node:crypto and node:vm.
  const { loadApp } = require("./loader.cjs") as typeof import("./loader.js");
  void loadApp()
    .main(argv)
    .then((code) => {
      process.exitCode = code;
    });
}
