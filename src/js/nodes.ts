// Small readers of Babel nodes: walking, looking through TypeScript wrappers, literal values.
import type { Expression, Node, ObjectExpression, ObjectProperty } from "@babel/types";

/** Calls `visit` for every node below `node` (comments and locations skipped). */
export function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object" && typeof (child as Node).type === "string") walk(child as Node, visit);
    }
  }
}

/** Does any identifier below `node` use one of `names`? */
export function mentions(node: Node, names: Set<string>): boolean {
  let found = false;
  walk(node, (child) => {
    if (child.type === "Identifier" && names.has(child.name)) found = true;
  });
  return found;
}

/** Strips `as T`, `as const`, `satisfies T` and `<T>value`, which Next.js also looks through. */
export function unwrapTs(node: Node): Node {
  let current = node;
  while (
    current.type === "TSAsExpression" ||
    current.type === "TSSatisfiesExpression" ||
    current.type === "TSTypeAssertion"
  ) {
    current = current.expression;
  }
  return current;
}

/** The string value of "…", '…' or `…` (no ${}), else undefined. */
export function stringValue(node: Node): string | undefined {
  const inner = unwrapTs(node);
  if (inner.type === "StringLiteral") return inner.value;
  if (inner.type === "TemplateLiteral" && inner.expressions.length === 0) {
    return inner.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

export function propertyName(prop: ObjectProperty): string | undefined {
  if (prop.computed) return undefined;
  if (prop.key.type === "Identifier") return prop.key.name;
  if (prop.key.type === "StringLiteral") return prop.key.value;
  return undefined;
}

/** The last `key: value` of an object literal (later keys win, as in JavaScript). */
export function findProperty(object: ObjectExpression, key: string): ObjectProperty | undefined {
  let found: ObjectProperty | undefined;
  for (const prop of object.properties) {
    if (prop.type === "ObjectProperty" && propertyName(prop) === key) found = prop;
  }
  return found;
}

/**
 * Whether Next.js can read the value at build time (build/analysis/extract-const-value.js):
 * literals, `undefined`, arrays and objects of those, templates without ${}. Anything else
 * (a variable, a call, a spread) makes Next.js ignore the whole config.
 */
export function isStaticValue(node: Node | Expression): boolean {
  const inner = unwrapTs(node);
  switch (inner.type) {
    case "NullLiteral":
    case "BooleanLiteral":
    case "StringLiteral":
    case "NumericLiteral":
    case "RegExpLiteral":
      return true;
    case "Identifier":
      return inner.name === "undefined";
    case "TemplateLiteral":
      return inner.expressions.length === 0;
    case "ArrayExpression":
      return inner.elements.every((el) => el === null || (el.type !== "SpreadElement" && isStaticValue(el)));
    case "ObjectExpression":
      return inner.properties.every(
        (prop) => prop.type === "ObjectProperty" && propertyName(prop) !== undefined && isStaticValue(prop.value),
      );
    default:
      return false;
  }
}

/** The name a call is made by: `f(…)` → f, `a.b.f(…)` → f; undefined for anything else. */
export function calleeName(call: Extract<Node, { type: "CallExpression" }>): string | undefined {
  const callee = call.callee;
  if (callee.type === "Identifier") return callee.name;
  return callee.type === "MemberExpression" && callee.property.type === "Identifier" ? callee.property.name : undefined;
}
