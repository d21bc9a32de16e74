import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/project.js";

// Start-up cost is what a user of `npx create-clerk-route` waits for. The bin is CommonJS and loads
// dist/boot.cjs, which answers --help and --version from build-time text; any other run loads
// dist/loader.cjs and the app (dist/app.cjs) through the code cache, and the parser
// (dist/babel-parser.cjs) only when a middleware file is patched or a project audited (checked by
// running the CLI in code-cache.test.ts: a file's cache is only written when it was loaded).

const dist = path.join(repoRoot, "dist");
const read = (file: string) => readFileSync(path.join(dist, file), "utf8");

const MARKERS = {
  commander: "commander.unknownOption",
  prompts: "How should the route be protected",
  templates: "registerPartial",
  parser: "Unexpected token",
  wrapping: "countAnsiEscapeCodes",
};

function loaded(code: string): string[] {
  return Object.entries(MARKERS)
    .filter(([, marker]) => code.includes(marker))
    .map(([name]) => name);
}

/** Every require("…") of a file. */
const requires = (code: string) => [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]!);

describe("what each path loads", () => {
  it("the markers are real: the app holds everything but the parser, which is a file of its own", () => {
    expect(loaded(read("app.cjs"))).toEqual(["commander", "prompts", "templates", "wrapping"]);
    expect(loaded(read("babel-parser.cjs"))).toEqual(["parser"]);
    expect(requires(read("app.cjs"))).toContain("./babel-parser.cjs");
  });

  it("the bin loads only boot.cjs, and boot.cjs nothing but the loader (after --help and --version)", () => {
    const bin = readFileSync(path.join(repoRoot, "bin/create-clerk-route.js"), "utf8");
    expect(requires(bin)).toEqual(["../dist/boot.cjs"]);
    expect(JSON.parse(readFileSync(path.join(repoRoot, "bin/package.json"), "utf8"))).toEqual({ type: "commonjs" });
    const boot = read("boot.cjs");
    // node:v8 (a builtin) only for the audit, to tune its young generation: after --help and --version.
    expect(requires(boot)).toEqual(["node:v8", "./loader.cjs"]);
    expect(boot.indexOf('require("./loader.cjs")')).toBeGreaterThan(boot.indexOf("--version"));
    expect(boot.indexOf('require("node:v8")')).toBeGreaterThan(boot.indexOf("--version"));
    expect(loaded(boot)).toEqual([]);
    expect(loaded(read("loader.cjs"))).toEqual([]);
  });

  it("the inlined --help text is exactly what commander prints", () => {
    const fast = runCli(["--help"]);
    const viaCommander = runCli(["--help", "--yes"]);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toContain("Examples:");
    expect(fast.stdout).toBe(viaCommander.stdout);
    expect(runCli(["-V"]).stdout).toBe(runCli(["--version", "--yes"]).stdout);
  });

  it("child_process loads on first use (outside a git work tree, a run never spawns)", () => {
    expect(requires(read("app.cjs")).filter((id) => /child_process/.test(id))).toEqual(["node:child_process"]);
    expect(read("app.cjs")).toMatch(/\?\?=\s*require\("node:child_process"\)/);
  });

  it("the app has no import() (vm-compiled code cannot run it on Node 20): the project's prettier goes through the loader", () => {
    // A call, not text: `import("next/server").NextRequest` in a generated JSDoc type is inside a string.
    expect(read("app.cjs")).not.toMatch(/(?<![`"'\w.$])import\(/);
    expect(read("app.cjs")).toContain("__ccrImport(");
  });
});
