import type {
  ArrowFunctionExpression,
  CallExpression,
  File,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  Statement,
} from "@babel/types";
import { type Bindings, isClerkMiddlewareCallee } from "./bindings.js";
import { unwrapTs } from "./literal.js";

export type UserFn = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

/**
 * How the function Next.js runs is written:
 *  - "declaration": `export [default] function f() {}` or `export const f = () => {}`: drop the export;
 *  - "expression": `export default (req) => {}`: becomes `const name = (req) => {}`;
 *  - "statement": `export default f;` / `export { f as middleware }` for a local f: replace the statement.
 */
export type UserSite = "declaration" | "expression" | "statement";

export type Handler =
  | { kind: "clerk"; call: CallExpression }
  | { kind: "user"; fn: UserFn; name?: string; site: UserSite; exportNode: Statement }
  | { kind: "call"; call: CallExpression; exportNode: Statement }
  | { kind: "imported"; local: string; source: string; imported: string }
  | { kind: "reexport"; source: string; imported: string }
  | { kind: "unknown"; what: string };

interface Candidate {
  exported: string;
  handler: Handler;
}

/** Every export the middleware/proxy file could be run through: `<kind>` by name, and default. */
export function findHandlers(ast: File, bindings: Bindings, kind: "proxy" | "middleware"): Candidate[] {
  const found: Candidate[] = [];
  const wanted = (name: string) => name === kind || name === "default";
  for (const node of ast.program.body) {
    if (node.type === "ExportDefaultDeclaration") {
      found.push({ exported: "default", handler: fromDefault(node, bindings) });
    } else if (node.type === "ExportNamedDeclaration") {
      const decl = node.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id && wanted(decl.id.name)) {
        found.push({ exported: decl.id.name, handler: { kind: "user", fn: decl, name: decl.id.name, site: "declaration", exportNode: node } });
      }
      if (decl?.type === "VariableDeclaration") {
        for (const d of decl.declarations) {
          if (d.id.type !== "Identifier" || !wanted(d.id.name)) continue;
          const handler = fromValue(d.init ?? undefined, bindings, node, d.id.name);
          found.push({ exported: d.id.name, handler: decl.declarations.length > 1 ? { kind: "unknown", what: "several variables in one `export const`" } : handler });
        }
      }
      for (const spec of node.specifiers) {
        const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
        if (!wanted(exported)) continue;
        const local = spec.type === "ExportSpecifier" ? spec.local.name : "*";
        if (node.source) {
          found.push({ exported, handler: { kind: "reexport", source: node.source.value, imported: local } });
        } else {
          const handler = fromIdentifier(local, bindings, node);
          found.push({ exported, handler: node.specifiers.length > 1 && handler.kind === "user" ? { kind: "unknown", what: "an `export { ... }` list" } : handler });
        }
      }
    } else if (node.type === "ExportAllDeclaration") {
      found.push({ exported: "*", handler: { kind: "reexport", source: node.source.value, imported: "*" } });
    }
  }
  return found;
}

function fromDefault(node: Extract<Statement, { type: "ExportDefaultDeclaration" }>, bindings: Bindings): Handler {
  const decl = node.declaration;
  if (decl.type === "FunctionDeclaration") {
    return { kind: "user", fn: decl, name: decl.id?.name, site: "declaration", exportNode: node };
  }
  if (decl.type === "Identifier") return fromIdentifier(decl.name, bindings, node);
  return fromValue(decl, bindings, node, undefined, "expression");
}

function fromValue(value: Node | undefined, bindings: Bindings, exportNode: Statement, name?: string, site: UserSite = "declaration"): Handler {
  if (!value) return { kind: "unknown", what: "a variable without a value" };
  const inner = unwrapTs(value);
  if (inner.type === "ArrowFunctionExpression" || inner.type === "FunctionExpression") {
    return { kind: "user", fn: inner, name, site, exportNode };
  }
  if (inner.type === "CallExpression") {
    return isClerkMiddlewareCallee(inner.callee, bindings) ? { kind: "clerk", call: inner } : { kind: "call", call: inner, exportNode };
  }
  if (inner.type === "Identifier") return fromIdentifier(inner.name, bindings, exportNode);
  return { kind: "unknown", what: `a ${inner.type}` };
}

/** `export default f` / `export { f as middleware }`: what is f? */
function fromIdentifier(local: string, bindings: Bindings, exportNode: Statement): Handler {
  const imported = bindings.imports.get(local);
  if (imported) return { kind: "imported", local, ...imported };
  const decl = bindings.locals.get(local);
  if (decl?.type === "FunctionDeclaration") return { kind: "user", fn: decl, name: local, site: "statement", exportNode };
  if (decl?.type === "VariableDeclarator") {
    const init = decl.init ? unwrapTs(decl.init) : undefined;
    // `const a = b; export default a;`: one level of aliasing is plenty, and can't loop.
    if (init?.type === "Identifier") return { kind: "unknown", what: `\`${local}\`, an alias of \`${init.name}\`` };
    return fromValue(init, bindings, exportNode, local, "statement");
  }
  return { kind: "unknown", what: `\`${local}\`, which is not declared in this file` };
}
