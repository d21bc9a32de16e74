import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// The reviewed snapshots are real files: type-check all of them (TS strictly, JS with checkJs)
// against the real next and @clerk/nextjs packages, with unused-code checks on top of strict.

it("every route snapshot type-checks against next and @clerk/nextjs", () => {
  const project = fileURLToPath(new URL("../snapshots/tsconfig.json", import.meta.url));
  const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
  const result = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8", timeout: 120_000 });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
}, 120_000);
