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

it("created and patched outputs type-check against next and @clerk/nextjs", () => {
  const files = readdirSync(FIXTURES)
    .flatMap((name) => ["output.ts", "output.js"].map((file) => join(FIXTURES, name, file)))
    .filter((file) => existsSync(file));
  expect(files.length).toBeGreaterThan(10);
  const program = ts.createProgram(files, {
    strict: true,
    noImplicitReturns: true,
    noUnusedParameters: true,
    noUnusedLocals: true,
    allowJs: true,
    checkJs: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.dom.d.ts", "lib.es2022.d.ts"],
    skipLibCheck: true,
    noEmit: true,
  });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(problems).toEqual([]);
});
