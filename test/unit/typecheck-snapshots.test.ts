import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The reviewed snapshots are real files: type-check all of them against the real next and
// @clerk/nextjs packages. tsc drops x.js when x.ts sits beside it, so each language has its own
// program: TS strictly (with unused-code checks), JS with checkJs as create-next-app's JavaScript
// projects are checked (test/integration/support/typecheck.ts), and JS strictly too.

const snapshots = fileURLToPath(new URL("../snapshots/", import.meta.url));
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

const onDisk = (extension: string): string[] =>
  readdirSync(path.join(snapshots, "routes"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(extension))
    .map((file) => path.join(snapshots, "routes", file))
    .sort();

const tscRun = (args: string[]) => spawnSync(process.execPath, [tsc, ...args], { encoding: "utf8", timeout: 120_000 });

describe.each([
  { config: "tsconfig.json", extension: ".ts" },
  { config: "tsconfig.js.json", extension: ".js" },
  { config: "tsconfig.js-strict.json", extension: ".js" },
])("$config", ({ config, extension }) => {
  const project = path.join(snapshots, config);

  it(`checks every ${extension} snapshot`, () => {
    const listed = tscRun(["-p", project, "--listFilesOnly"])
      .stdout.split("\n")
      .map((line) => path.resolve(line.trim()))
      .filter((file) => file.startsWith(path.join(snapshots, "routes") + path.sep));
    expect(onDisk(extension).length).toBeGreaterThan(0);
    expect(listed.sort()).toEqual(onDisk(extension));
  }, 120_000);

  it("type-checks against next and @clerk/nextjs", () => {
    const result = tscRun(["-p", project]);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 120_000);
});
