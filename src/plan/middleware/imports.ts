import type { ImportDeclaration } from "@babel/types";
import type MagicString from "magic-string";
import { CLERK_SERVER, uniqueName } from "./bindings.js";
import type { SourceFile } from "./source.js";
import { endOfStatementLine, quoteString } from "./text.js";

/**
 * Makes `clerkMiddleware` from @clerk/nextjs/server available and returns the local name to call:
 * an existing import is reused; else a specifier joins an existing `@clerk/nextjs/server` import,
 * or a new import goes after the last import.
 */
export function ensureClerkMiddlewareImport(ms: MagicString, input: SourceFile): string {
  for (const [local, binding] of input.bindings.imports) {
    if (binding.source === CLERK_SERVER && binding.imported === "clerkMiddleware") return local;
    if (binding.source === CLERK_SERVER && binding.imported === "*") return `${local}.clerkMiddleware`;
  }
  const local = uniqueName("clerkMiddleware", input.bindings.taken);
  const specifier = local === "clerkMiddleware" ? local : `clerkMiddleware as ${local}`;
  const imports = input.ast.program.body.filter((n): n is ImportDeclaration => n.type === "ImportDeclaration");
  const named = imports.find(
    (n) => n.source.value === CLERK_SERVER && n.importKind !== "type" && n.specifiers.at(-1)?.type === "ImportSpecifier",
  );
  const lastSpecifier = named?.specifiers.at(-1);
  if (lastSpecifier) {
    ms.appendLeft(lastSpecifier.end ?? 0, `, ${specifier}`);
    return local;
  }
  const { quote, semi, eol } = input.style;
  const statement = `import { ${specifier} } from ${quoteString(CLERK_SERVER, quote)}${semi ? ";" : ""}`;
  const lastImport = imports.at(-1);
  if (lastImport) {
    ms.appendLeft(endOfStatementLine(input.code, input.tokens, lastImport.end ?? 0), `${eol}${statement}`);
  } else {
    ms.prependLeft(0, `${statement}${eol}${eol}`);
  }
  return local;
}
