import type { ArrayExpression, File, Node, ObjectExpression } from "@babel/types";
import { findProperty, isStaticValue, propertyName, stringValue, unwrapTs } from "./literal.js";

/** One `config.matcher` entry. `conditional`: it has `has`/`missing`, so it matches only some requests. */
export interface MatcherEntry {
  source: string;
  conditional: boolean;
  node: Node;
}

export type Matcher =
  /** No config, or no matcher in it: the middleware runs on every path. */
  | { kind: "everywhere" }
  | { kind: "string"; node: Node; entries: MatcherEntry[] }
  | { kind: "array"; node: ArrayExpression; entries: MatcherEntry[] };

export type ConfigRead = { ok: true; matcher: Matcher } | { ok: false; problem: string };

/** Reads `export const config = {...}` the way Next.js does: a literal, or nothing. */
export function readConfig(ast: File): ConfigRead {
  for (const node of ast.program.body) {
    if (node.type !== "ExportNamedDeclaration") continue;
    if (node.specifiers.some((s) => s.exported.type === "Identifier" && s.exported.name === "config")) {
      return { ok: false, problem: "`config` is exported as `export { config }`; Next.js only reads `export const config = {...}`" };
    }
    const decl = node.declaration;
    if (decl?.type !== "VariableDeclaration") continue;
    for (const declarator of decl.declarations) {
      if (declarator.id.type !== "Identifier" || declarator.id.name !== "config") continue;
      if (decl.kind !== "const") {
        return { ok: false, problem: `\`config\` is declared with \`${decl.kind}\`; Next.js only reads \`export const config\`` };
      }
      return declarator.init ? readConfigObject(declarator.init) : { ok: true, matcher: { kind: "everywhere" } };
    }
  }
  return { ok: true, matcher: { kind: "everywhere" } };
}

function readConfigObject(init: Node): ConfigRead {
  const object = unwrapTs(init);
  const matcher = object.type === "ObjectExpression" ? findProperty(object, "matcher") : undefined;
  if (matcher && !isStaticValue(matcher.value)) {
    return { ok: false, problem: "`config.matcher` is held in a variable or computed, and Next.js only reads literal values at build time" };
  }
  if (object.type !== "ObjectExpression" || !isStaticValue(object)) {
    return { ok: false, problem: "`config` is not made of literal values only (a variable, a call or a spread), so Next.js cannot read it at build time" };
  }
  return readMatcher(object);
}

function readMatcher(config: ObjectExpression): ConfigRead {
  const prop = findProperty(config, "matcher");
  if (!prop) return { ok: true, matcher: { kind: "everywhere" } };
  const value = unwrapTs(prop.value);
  if (value.type === "Identifier" && value.name === "undefined") return { ok: true, matcher: { kind: "everywhere" } };
  const single = stringValue(value);
  if (single !== undefined) {
    return { ok: true, matcher: { kind: "string", node: prop.value, entries: [{ source: single, conditional: false, node: prop.value }] } };
  }
  if (value.type !== "ArrayExpression") {
    return { ok: false, problem: "`config.matcher` is neither a string nor an array" };
  }
  const entries: MatcherEntry[] = [];
  for (const element of value.elements) {
    const entry = element ? readEntry(element) : undefined;
    if (!entry) return { ok: false, problem: "an entry of `config.matcher` is neither a string nor a `{ source }` object" };
    entries.push(entry);
  }
  return { ok: true, matcher: { kind: "array", node: value, entries } };
}

function readEntry(element: Node): MatcherEntry | undefined {
  const source = stringValue(element);
  if (source !== undefined) return { source, conditional: false, node: element };
  const object = unwrapTs(element);
  if (object.type !== "ObjectExpression") return undefined;
  const sourceProp = findProperty(object, "source");
  const objectSource = sourceProp ? stringValue(sourceProp.value) : undefined;
  if (objectSource === undefined) return undefined;
  const conditional = object.properties.some((prop) => {
    if (prop.type !== "ObjectProperty") return false;
    const name = propertyName(prop);
    const value = unwrapTs(prop.value);
    return (name === "has" || name === "missing") && value.type === "ArrayExpression" && value.elements.length > 0;
  });
  return { source: objectSource, conditional, node: element };
}
