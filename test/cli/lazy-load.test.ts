import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../support/project.js";

// Start-up cost is what a user of `npx create-clerk-route` waits for: check the built bundle's
// static import graph, so --help never loads the prompts, the templates or the parser, and a run
// that only creates files never loads the parser. The wrapping code (wrap-ansi, string-width)
// loads with the prompts, or when plain output goes to a terminal.

const dist = path.join(repoRoot, "dist");

/** Every file a module loads before its first line runs (static imports, transitively). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(file, "utf8");
  for (const match of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["'](\.[^"']+)["']/g)) {
    staticClosure(path.resolve(path.dirname(file), match[1]!), seen);
  }
  return seen;
}

function chunk(prefix: string): string {
  const name = readdirSync(path.join(dist, "chunks")).find((file) => file.startsWith(`${prefix}-`));
  if (!name) throw new Error(`no ${prefix} chunk in dist/chunks`);
  return path.join(dist, "chunks", name);
}

const MARKERS = {
  commander: "commander.unknownOption",
  prompts: "How should the route be protected",
  templates: "registerPartial",
  parser: "Unexpected token",
  wrapping: "countAnsiEscapeCodes",
};

function loaded(files: Set<string>): string[] {
  const code = [...files].map((file) => readFileSync(file, "utf8")).join("\n");
  return Object.entries(MARKERS)
    .filter(([, marker]) => code.includes(marker))
    .map(([name]) => name);
}

describe("what each path loads", () => {
  it("the markers are real: each heavy part is found in the bundle", () => {
    expect(loaded(staticClosure(chunk("wrap")))).toEqual(["wrapping"]);
    expect(loaded(new Set([chunk("cli"), chunk("prompts"), chunk("run"), ...staticClosure(chunk("plan")), ...staticClosure(chunk("wrap"))]))).toEqual([
      "commander",
      "prompts",
      "templates",
      "parser",
      "wrapping",
    ]);
  });

  it("--help and --version load none of commander, the prompts, the templates, the parser or the wrapping code", () => {
    expect(loaded(staticClosure(path.join(dist, "cli.js")))).toEqual([]);
  });

  it("the inlined --help text is exactly what commander prints", () => {
    const fast = runCli(["--help"]);
    const viaCommander = runCli(["--help", "--yes"]);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toContain("Examples:");
    expect(fast.stdout).toBe(viaCommander.stdout);
    expect(runCli(["-V"]).stdout).toBe(runCli(["--version", "--yes"]).stdout);
  });

  it("a run loads the templates but not the prompts, the parser or the wrapping code until needed", () => {
    expect(loaded(staticClosure(chunk("run")))).toEqual(["templates"]);
  });

  it("the prompts load the wrapping code: nothing in their frame is printed unwrapped", () => {
    expect(loaded(staticClosure(chunk("prompts")))).toContain("wrapping");
  });
});
