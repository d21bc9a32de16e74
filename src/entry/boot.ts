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
  // A separate file, so that the two answers above load neither it nor node:crypto and node:vm.
  const { loadApp } = require("./loader.cjs") as typeof import("./loader.js");
  void loadApp()
    .main(argv)
    .then((code) => {
      process.exitCode = code;
    });
}
