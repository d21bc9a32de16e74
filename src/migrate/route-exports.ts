// Which function answers an exported HTTP method of a route file, and how it is exported: the
// function itself (declared, an arrow in a const, `export { handler as GET }`), or something this
// tool cannot put a check into (the result of a call, a re-export, a destructured value).
import type { ArrowFunctionExpression, File, FunctionDeclaration, FunctionExpression, Node } from "@babel/types";
import type { Bindings } from "../js/bindings.js";
import { unwrapTs } from "../js/nodes.js";
import type { RefusalReason } from "./types.js";

export type HandlerFunction = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

export type ResolvedExport = { ok: true; fn: HandlerFunction } | { ok: false; reason: RefusalReason };

const isFunction = (node: Node | null | undefined): node is HandlerFunction =>
  !!node &&
  (node.type === "FunctionDeclaration" ||
    node.type === "FunctionExpression" ||
    node.type === "ArrowFunctionExpression");

/** A value as written: the function, or why it is not one this tool can edit. */
function resolveValue(
  node: Node | null | undefined,
  bindings: Bindings,
  code: string,
  seen: Set<string>,
): ResolvedExport {
  if (!node) return { ok: false, reason: { kind: "notAFunction" } };
  const inner = unwrapTs(node);
  if (isFunction(inner)) return { ok: true, fn: inner };
  if (inner.type === "CallExpression") {
    const callee = code.slice(inner.callee.start ?? 0, inner.callee.end ?? 0);
    return { ok: false, reason: { kind: "wrapped", callee } };
  }
  if (inner.type === "Identifier") return resolveLocal(inner.name, bindings, code, seen);
  return { ok: false, reason: { kind: "notAFunction" } };
}

/** A name of the module: a function declaration, or a const holding a function (followed through aliases). */
function resolveLocal(name: string, bindings: Bindings, code: string, seen: Set<string>): ResolvedExport {
  const imported = bindings.imports.get(name);
  if (imported) return { ok: false, reason: { kind: "reexport", source: imported.source } };
  if (seen.has(name)) return { ok: false, reason: { kind: "notAFunction" } };
  seen.add(name);
  const local = bindings.locals.get(name);
  if (local?.type === "FunctionDeclaration") return { ok: true, fn: local };
  if (local?.type === "VariableDeclarator") {
    if (local.id.type !== "Identifier") return { ok: false, reason: { kind: "destructured" } };
    return resolveValue(local.init, bindings, code, seen);
  }
  return { ok: false, reason: { kind: "notAFunction" } };
}

/** The function that answers `method`, or why there is none this tool can edit. */
export function exportedHandler(ast: File, bindings: Bindings, code: string, method: string): ResolvedExport {
  for (const statement of ast.program.body) {
    if (statement.type === "ExportAllDeclaration")
      return { ok: false, reason: { kind: "reexport", source: statement.source.value } };
    if (statement.type !== "ExportNamedDeclaration") continue;
    const decl = statement.declaration;
    if (decl?.type === "FunctionDeclaration" && decl.id?.name === method) return { ok: true, fn: decl };
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        if (d.id.type === "Identifier" && d.id.name === method)
          return resolveValue(d.init, bindings, code, new Set([method]));
        if (
          d.id.type === "ObjectPattern" &&
          d.id.properties.some(
            (p) => p.type === "ObjectProperty" && p.value.type === "Identifier" && p.value.name === method,
          )
        ) {
          return { ok: false, reason: { kind: "destructured" } };
        }
      }
    }
    for (const spec of statement.specifiers) {
      const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
      if (exported !== method) continue;
      if (statement.source) return { ok: false, reason: { kind: "reexport", source: statement.source.value } };
      if (spec.type !== "ExportSpecifier") return { ok: false, reason: { kind: "notAFunction" } };
      return resolveLocal(spec.local.name, bindings, code, new Set());
    }
  }
  return { ok: false, reason: { kind: "notAFunction" } };
}
