// Makes a named export of a module available in a file the migration edits, without duplicates:
// an existing import is reused (a namespace import too); else a specifier joins an existing value
// import of that module, or a new import goes after the last one.
import type { ImportDeclaration } from "@babel/types";
import type MagicString from "magic-string";
import { uniqueName } from "../js/bindings.js";
import type { SourceFile } from "../js/parse.js";
import { endOfStatementLine, quoteString } from "../js/text.js";

/** The expression that names `imported` of `source` in this file, if it is imported already. */
export function importedLocal(src: SourceFile, source: string, imported: string): string | undefined {
  for (const [local, binding] of src.bindings.imports) {
    if (binding.source === source && binding.imported === imported) return local;
  }
  for (const [local, binding] of src.bindings.imports) {
    if (binding.source === source && binding.imported === "*") return `${local}.${imported}`;
  }
  return undefined;
}

export interface ImportEdit {
  /** The expression to use in code. */
  local: string;
  /** A new import statement, when the import is neither there nor joined to an existing one. */
  statement?: string;
}

/**
 * Makes `imported` from `source` available: the existing local, or a specifier joined to an
 * existing value import of `source` (through `ms`), or a new statement for the caller to insert
 * with `insertImports`. `taken` holds the names the new local must not clash with, and gets it.
 */
export function ensureImport(
  ms: MagicString | undefined,
  src: SourceFile,
  source: string,
  imported: string,
  taken: Set<string>,
): ImportEdit {
  const existing = importedLocal(src, source, imported);
  if (existing) return { local: existing };
  const local = uniqueName(imported, taken);
  taken.add(local);
  const specifier = local === imported ? imported : `${imported} as ${local}`;
  const { quote, semi } = src.style;
  const statement = `import { ${specifier} } from ${quoteString(source, quote)}${semi ? ";" : ""}`;
  const imports = src.ast.program.body.filter((n): n is ImportDeclaration => n.type === "ImportDeclaration");
  const named = imports.find(
    (n) =>
      n.source.value === source &&
      n.importKind !== "type" &&
      n.importKind !== "typeof" &&
      n.specifiers.at(-1)?.type === "ImportSpecifier",
  );
  const last = named?.specifiers.at(-1);
  if (!ms || !last) return { local, statement };
  ms.appendLeft(last.end ?? 0, `, ${specifier}`);
  return { local };
}

/** New import statements, after the last import (or before the first statement, then a blank line). */
export function insertImports(ms: MagicString, src: SourceFile, statements: string[]): void {
  if (statements.length === 0) return;
  const { eol } = src.style;
  const lastImport = src.ast.program.body.filter((n) => n.type === "ImportDeclaration").at(-1);
  if (lastImport) {
    ms.appendLeft(
      endOfStatementLine(src.code, src.tokens, lastImport.end ?? 0),
      statements.map((s) => `${eol}${s}`).join(""),
    );
    return;
  }
  // Above the first statement and the comments attached to it (a JSDoc stays with its function).
  const first = src.ast.program.body[0];
  const at = Math.min(first?.start ?? 0, ...(first?.leadingComments ?? []).map((c) => c.start ?? Infinity));
  ms.prependLeft(at, `${statements.join(eol)}${eol}${eol}`);
}
