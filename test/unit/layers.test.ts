import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/project.js";

// Layers import downwards only. Each folder of src/ is a room named after its domain; the shared
// readers (js/, next/, clerk/) sit below both the planners (plan/) and the audit (audit/), which
// never import each other:
//
//   core ← js ← next ← clerk ← styles ← project ← plan, audit ← report ← ui ← commands ← entry
//   (render/ loads templates, below plan/; apply/ writes plans, below commands/)
//
// Checked on every relative import (types included) of every file below src/.

const SRC = path.join(repoRoot, "src");

/** What each layer may import (besides itself). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  js: ["core"],
  next: ["core", "js"],
  clerk: ["core", "js", "next"],
  render: ["core"],
  styles: ["core", "next", "clerk"],
  project: ["core", "js", "next", "clerk"],
  plan: ["core", "js", "next", "clerk", "render", "styles", "project"],
  audit: ["core", "js", "next", "clerk", "styles", "project"],
  migrate: ["core", "js", "next", "clerk", "render", "styles", "project", "audit"],
  report: ["core", "next", "clerk", "styles", "project", "plan", "audit", "migrate"],
  apply: ["core", "next", "project", "plan"],
  ui: ["core", "next", "clerk", "styles", "project", "plan", "audit", "migrate", "report"],
  commands: [
    "core",
    "js",
    "next",
    "clerk",
    "render",
    "styles",
    "project",
    "plan",
    "audit",
    "migrate",
    "report",
    "apply",
    "ui",
  ],
  entry: [
    "core",
    "js",
    "next",
    "clerk",
    "render",
    "styles",
    "project",
    "plan",
    "audit",
    "migrate",
    "report",
    "apply",
    "ui",
    "commands",
  ],
};

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** The layer of a file: its first folder below src/. */
function layer(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

function imports(file: string): string[] {
  const code = readFileSync(file, "utf8");
  return [
    ...code.matchAll(/(?:import|export)[^"']*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g),
  ].map((m) => path.resolve(path.dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, ".ts")));
}

/** Every upward or sideways import among `sources`, as "file imports target". */
export function violations(sources: string[], read: (file: string) => string[] = imports): string[] {
  const found: string[] = [];
  for (const file of sources) {
    const own = layer(file);
    const allowed = ALLOWED[own];
    for (const target of read(file)) {
      const theirs = layer(target);
      if (theirs !== own && !allowed?.includes(theirs))
        found.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
    }
  }
  return found;
}

describe("layers", () => {
  const sources = files(SRC);

  it("every file of src/ is in a named layer (no loose files at the top)", () => {
    expect(sources.filter((file) => !(layer(file) in ALLOWED)).map((file) => path.relative(SRC, file))).toEqual([]);
  });

  it("every layer imports only the layers below it", () => {
    expect(violations(sources)).toEqual([]);
  });

  it("the check sees imports at all, and fails on an upward one", () => {
    expect(imports(path.join(SRC, "plan/index.ts")).some((target) => layer(target) === "core")).toBe(true);
    const audit = path.join(SRC, "audit/evaluate.ts");
    expect(violations([audit], () => [path.join(SRC, "plan/middleware/plan.ts")])).toEqual([
      "audit/evaluate.ts imports plan/middleware/plan.ts",
    ]);
    expect(violations([path.join(SRC, "next/matcher.ts")], () => [path.join(SRC, "clerk/rules.ts")])).toHaveLength(1);
  });
});
