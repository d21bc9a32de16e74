import { existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { MIDDLEWARE_FIXTURES, middlewareFixtures } from "../support/middleware-fixtures.js";

/**
 * Every created/patched fixture output must type-check against the real next@16 and
 * @clerk/nextjs types, under a strict tsconfig that also rejects unused parameters and
 * implicit returns (so the generated wrapper is clean in strict user projects) — or, where the
 * user's own input already has errors (a module that only exists in their project, an unused
 * parameter), the output may have those and no others: the patched project type-checks if it did.
 */
/** Every fixture's output.<ext> (test/support/middleware-fixtures.ts loads them). */
function outputs(file: string): string[] {
  return middlewareFixtures()
    .map((fixture) => join(fixture.dir, file))
    .filter((path) => existsSync(path));
}

/** Error messages per file (positions left out, so an input and its output compare). */
function typeErrors(files: string[], options: ts.CompilerOptions): Map<string, string[]> {
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
  const errors = new Map<string, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? "";
    errors.set(file, [...(errors.get(file) ?? []), ts.flattenDiagnosticMessageText(d.messageText, "\n")]);
  }
  return errors;
}

/** The output's (or applied edit's) errors that its input doesn't have. */
function newErrors(ext: "ts" | "js", options: ts.CompilerOptions, result = "output"): string[] {
  const files = outputs(`${result}.${ext}`);
  const inputs = files
    .map((file) => file.replace(/(output|applied)\.(ts|js)$/, `input.${ext}`))
    .filter((file) => existsSync(file));
  const errors = typeErrors([...files, ...inputs], options);
  return files.flatMap((file) => {
    const before = [...(errors.get(file.replace(/(output|applied)\.(ts|js)$/, `input.${ext}`)) ?? [])];
    return (errors.get(file) ?? []).flatMap((message) => {
      const i = before.indexOf(message);
      if (i === -1) return [`${file}: ${message}`];
      before.splice(i, 1);
      return [];
    });
  });
}

it("TypeScript outputs type-check against next and @clerk/nextjs", () => {
  expect(outputs("output.ts").length).toBeGreaterThan(10);
  expect(newErrors("ts", {})).toEqual([]);
}, 120_000);

it("JavaScript outputs pass checkJs (argument counts, imports)", () => {
  expect(outputs("output.js").length).toBeGreaterThan(1);
  expect(newErrors("js", { allowJs: true, checkJs: true, noImplicitAny: false })).toEqual([]);
}, 120_000);

it("a refusal's printed edit, made by hand (applied.ts), type-checks too", () => {
  expect(outputs("applied.ts").length).toBeGreaterThanOrEqual(4);
  expect(newErrors("ts", {}, "applied")).toEqual([]);
}, 120_000);

it("the typed-parameter input is clean, so its output is checked in full", () => {
  const errors = typeErrors([join(MIDDLEWARE_FIXTURES, "wrap-typed-param", "input.ts")], {});
  expect([...errors.values()].flat()).toEqual([]);
}, 120_000);
