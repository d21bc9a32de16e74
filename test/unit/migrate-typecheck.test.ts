import path from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { migrateFixtures, treeFiles } from "../support/migrate-fixtures.js";

/**
 * Every Route Handler and middleware file `migrate` wrote (the fixtures' output trees) type-checks
 * against the real next and @clerk/nextjs, strictly, with unused-code checks: the output may have
 * the errors its input already had (a module only the user's project has) and no others.
 */
const fixtures = migrateFixtures();

function files(ext: RegExp): Array<{ input: string; output: string }> {
  return fixtures.flatMap((fixture) =>
    treeFiles(fixture.output)
      .filter(
        (file) => ext.test(file) && (/(^|\/)route\.\w+$/.test(file) || /^(src\/)?(proxy|middleware)\.\w+$/.test(file)),
      )
      .map((file) => ({ input: path.join(fixture.input, file), output: path.join(fixture.output, file) })),
  );
}

/** Error messages per file (positions left out, so an input and its output compare). */
function typeErrors(list: string[], options: ts.CompilerOptions): Map<string, string[]> {
  const program = ts.createProgram(list, {
    ...options,
    strict: true,
    noImplicitReturns: true,
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

function newErrors(pairs: Array<{ input: string; output: string }>, options: ts.CompilerOptions): string[] {
  // Each program holds one side: the inputs and outputs share file names.
  const before = typeErrors(
    pairs.map((p) => p.input),
    options,
  );
  const after = typeErrors(
    pairs.map((p) => p.output),
    options,
  );
  return pairs.flatMap(({ input, output }) => {
    const old = [...(before.get(input) ?? [])];
    return (after.get(output) ?? []).flatMap((message) => {
      const i = old.indexOf(message);
      if (i === -1) return [`${output}: ${message}`];
      old.splice(i, 1);
      return [];
    });
  });
}

it("TypeScript outputs type-check against next and @clerk/nextjs", () => {
  const pairs = files(/\.ts$/);
  expect(pairs.length).toBeGreaterThan(20);
  expect(newErrors(pairs, {})).toEqual([]);
}, 120_000);

it("JavaScript outputs pass checkJs", () => {
  const pairs = files(/\.js$/);
  expect(pairs.length).toBeGreaterThan(2);
  expect(newErrors(pairs, { allowJs: true, checkJs: true, noImplicitAny: false })).toEqual([]);
}, 120_000);
