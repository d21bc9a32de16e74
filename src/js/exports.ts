// What a module exports, walked once: each exported name with the statement and form it comes
// from, and (resolveExport) the node it stands for, following local aliases: a function, a call
// result, an import, a re-export or another value. The audit (route handlers) and the middleware
// reader (which export Next runs) both read exports through here.
import type {
  ArrowFunctionExpression,
  CallExpression,
  ClassDeclaration,
  File,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  Statement,
  VariableDeclarator,
} from "@babel/types";
import { patternNames, type Bindings } from "./bindings.js";
import { unwrapTs } from "./nodes.js";

export type FunctionNode = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

/** The one "is this a function" check: a declaration, a function expression or an arrow. */
export function isFunctionNode(node: Node | null | undefined): node is FunctionNode {
  return (
    !!node &&
    (node.type === "FunctionDeclaration" ||
      node.type === "FunctionExpression" ||
      node.type === "ArrowFunctionExpression")
  );
}

/** How a name is exported. */
export type ExportForm =
  /** `export function f() {}`, `export class C {}`, `export default function () {}`. */
  | { kind: "declaration"; node: FunctionDeclaration | ClassDeclaration }
  /** `export const f = …`; `declarations`: how many variables that `export const` declares. */
  | { kind: "variable"; declarator: VariableDeclarator; declarations: number }
  /** `export const { GET, POST } = handlers` (or an array pattern). */
  | { kind: "pattern"; declarator: VariableDeclarator }
  /** `export default <expression>` (an identifier included). */
  | { kind: "expression"; node: Node }
  /** `export { f as GET }`; `specifiers`: how many names that `export { … }` lists. */
  | { kind: "local"; local: string; specifiers: number }
  /** `export { x as y } from "…"`, `export * as ns from "…"` (imported "*"). */
  | { kind: "reexport"; source: string; imported: string }
  /** `export * from "…"`: any name may come from there (its name is "*"). */
  | { kind: "star"; source: string };

export interface ModuleExport {
  /** The exported name; "default" for the default export, "*" for `export * from`. */
  name: string;
  statement: Statement;
  form: ExportForm;
  /** The node to point at (for a line number). */
  node: Node;
}

/** Every export of the module, in source order. */
export function moduleExports(ast: File): ModuleExport[] {
  const found: ModuleExport[] = [];
  for (const statement of ast.program.body) {
    if (statement.type === "ExportDefaultDeclaration") {
      const decl = statement.declaration;
      const form: ExportForm =
        decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration"
          ? { kind: "declaration", node: decl }
          : { kind: "expression", node: decl as Node };
      found.push({ name: "default", statement, form, node: decl as Node });
    } else if (statement.type === "ExportNamedDeclaration") {
      const decl = statement.declaration;
      if ((decl?.type === "FunctionDeclaration" || decl?.type === "ClassDeclaration") && decl.id) {
        found.push({ name: decl.id.name, statement, form: { kind: "declaration", node: decl }, node: decl });
      }
      if (decl?.type === "VariableDeclaration") {
        for (const declarator of decl.declarations) {
          if (declarator.id.type === "Identifier") {
            found.push({
              name: declarator.id.name,
              statement,
              form: { kind: "variable", declarator, declarations: decl.declarations.length },
              node: declarator,
            });
          } else {
            for (const name of patternNames(declarator.id))
              found.push({ name, statement, form: { kind: "pattern", declarator }, node: declarator });
          }
        }
      }
      for (const spec of statement.specifiers) {
        const name = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
        const local =
          spec.type === "ExportSpecifier" ? spec.local.name : spec.type === "ExportDefaultSpecifier" ? "default" : "*";
        const form: ExportForm = statement.source
          ? { kind: "reexport", source: statement.source.value, imported: local }
          : { kind: "local", local, specifiers: statement.specifiers.length };
        found.push({ name, statement, form, node: spec });
      }
    } else if (statement.type === "ExportAllDeclaration") {
      found.push({ name: "*", statement, form: { kind: "star", source: statement.source.value }, node: statement });
    }
  }
  return found;
}

/** What an exported name stands for, aliases followed. */
export type ExportTarget =
  | { kind: "function"; fn: FunctionNode }
  /** The result of a call: `export const GET = withAuth(handler)`, `handle(app)`. */
  | { kind: "call"; call: CallExpression }
  /** An imported binding: `import { GET } from "x"; export { GET }`. */
  | { kind: "imported"; local: string; source: string; imported: string }
  | { kind: "reexport"; source: string; imported: string }
  /** Destructured from a value: `export const { GET } = handlers`. */
  | { kind: "pattern"; declarator: VariableDeclarator }
  /** Anything else (a class, an object, a member of one, a name declared nowhere). */
  | { kind: "value"; node: Node | undefined; why: string };

/** The node an export stands for, following `const a = b` aliases in the module (never in a cycle). */
export function resolveExport(exp: ModuleExport, bindings: Bindings): ExportTarget {
  const { form } = exp;
  switch (form.kind) {
    case "declaration":
      return form.node.type === "FunctionDeclaration"
        ? { kind: "function", fn: form.node }
        : { kind: "value", node: form.node, why: "a class" };
    case "variable":
      return form.declarator.init
        ? resolveValue(form.declarator.init, bindings, new Set())
        : { kind: "value", node: undefined, why: "a variable without a value" };
    case "pattern":
      return { kind: "pattern", declarator: form.declarator };
    case "expression":
      return resolveValue(form.node, bindings, new Set());
    case "local":
      return resolveName(form.local, bindings, new Set());
    case "reexport":
      return { kind: "reexport", source: form.source, imported: form.imported };
    case "star":
      return { kind: "reexport", source: form.source, imported: "*" };
  }
}

/** What a value expression is: a function, a call, or a local name followed to its declaration. */
export function resolveValue(value: Node, bindings: Bindings, seen: Set<string>): ExportTarget {
  const inner = unwrapTs(value);
  if (isFunctionNode(inner)) return { kind: "function", fn: inner };
  if (inner.type === "CallExpression") return { kind: "call", call: inner };
  if (inner.type === "AwaitExpression") return resolveValue(inner.argument, bindings, seen);
  if (inner.type === "Identifier") return resolveName(inner.name, bindings, seen);
  return {
    kind: "value",
    node: inner,
    why: inner.type === "MemberExpression" ? "a function taken from an object" : "not a function",
  };
}

/** A top-level name of the module: imported, a function, or a variable whose value is followed. */
export function resolveName(name: string, bindings: Bindings, seen: Set<string>): ExportTarget {
  const imported = bindings.imports.get(name);
  if (imported) return { kind: "imported", local: name, ...imported };
  if (seen.has(name)) return { kind: "value", node: undefined, why: `\`${name}\` refers to itself` };
  seen.add(name);
  const local = bindings.locals.get(name);
  if (local?.type === "FunctionDeclaration") return { kind: "function", fn: local };
  if (local?.type === "VariableDeclarator") {
    if (local.id.type !== "Identifier") return { kind: "pattern", declarator: local };
    return local.init
      ? resolveValue(local.init, bindings, seen)
      : { kind: "value", node: undefined, why: `\`${name}\` has no value` };
  }
  if (local) return { kind: "value", node: local, why: `\`${name}\` is not a function` };
  return { kind: "value", node: undefined, why: `\`${name}\`, which is not declared in this module` };
}
