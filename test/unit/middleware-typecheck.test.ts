import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";

/**
 * Every created/patched fixture output must type-check against the real next@16 and
 * @clerk/nextjs types, under a strict tsconfig that also rejects unused parameters and
 * implicit returns (so the generated wrapper is clean in strict user projects).
 */
const FIXTURES = join(import.meta.dirname, "../fixtures/middleware");

function outputs(file: string): string[] {
  return readdirSync(FIXTURES)
    .map((name) => join(FIXTURES, name, file))
    .filter((path) => existsSync(path));
}

function typeErrors(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, {
    ...options,
    strict: true,
    noImplicitReturns: true,
    noUnusedParameters: true,
    noUnusedLocals: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.dom.d.ts", "lib.es2022.d.ts"],
    skipLibCheck: true,
    noEmit: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

it("TypeScript outputs type-check against next and @clerk/nextjs", () => {
  const files = outputs("output.ts");
  expect(files.length).toBeGreaterThan(10);
  expect(typeErrors(files, {})).toEqual([]);
}, 120_000);

it("JavaScript outputs pass checkJs (argument counts, imports)", () => {
  const files = outputs("output.js");
  expect(files.length).toBeGreaterThan(1);
  expect(typeErrors(files, { allowJs: true, checkJs: true, noImplicitAny: false })).toEqual([]);
}, 120_000);
