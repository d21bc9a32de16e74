import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/project.js";

// Layers import downwards only: core ← styles ← project ← plan ← apply/format ← report ← run.
// Checked on every relative import (types included) of every file below src/.

const SRC = path.join(repoRoot, "src");

/** What each lower layer may import (besides itself). Files at the top of src/ are the run level. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  styles: ["core"],
  project: ["core"],
  plan: ["core", "styles", "project", "render"],
};

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

/** The layer of a file: its first folder below src/, or its own name for files at the top. */
function layer(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

function imports(file: string): string[] {
  const code = readFileSync(file, "utf8");
  return [...code.matchAll(/(?:import|export)[^"']*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) =>
    path.resolve(path.dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, ".ts")),
  );
}

describe("layers", () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const own = layer(file);
    const allowed = ALLOWED[own];
    if (!allowed) continue;
    for (const target of imports(file)) {
      const theirs = layer(target);
      if (theirs !== own && !allowed.includes(theirs)) violations.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, target)}`);
    }
  }

  it("core, styles, project and plan import only the layers below them", () => {
    expect(violations).toEqual([]);
  });

  it("the check sees imports at all (a file known to import core)", () => {
    expect(imports(path.join(SRC, "plan/index.ts")).some((target) => layer(target) === "core")).toBe(true);
  });
});
