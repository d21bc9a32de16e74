// The pure operations of the interpreter (interpret.ts) on its values: property keys, unary and
// binary operators, unwrapping TypeScript-only syntax, walking a node, and what reads the
// environment.
import type { Node } from "@babel/types";
import { isFunctionNode } from "../js/exports.js";
import { stringValue, walk } from "../js/nodes.js";
import { derived } from "./library.js";
import { equality, prim, tainted, truthiness, union, UNKNOWN, type Value } from "./values.js";

export function propertyKey(
  node: Extract<Node, { type: "MemberExpression" | "OptionalMemberExpression" }>,
): string | undefined {
  if (!node.computed)
    return node.property.type === "Identifier"
      ? node.property.name
      : node.property.type === "PrivateName"
        ? undefined
        : stringValue(node.property);
  if (node.property.type === "NumericLiteral") return String(node.property.value);
  return stringValue(node.property);
}

export function unary(operator: string, value: Value): Value {
  switch (operator) {
    case "!": {
      const t = truthiness(value);
      return t === undefined ? tainted(UNKNOWN, value.taint) : prim(!t, value.taint);
    }
    case "void":
      return prim(undefined, value.taint);
    case "typeof":
      if (value.k === "prim") return prim(value.v === null ? "object" : typeof value.v, value.taint);
      if (value.k === "obj" || value.k === "promise") return prim("object", value.taint);
      if (value.k === "fn" || value.k === "native") return prim("function", value.taint);
      return tainted(UNKNOWN, value.taint);
    case "-":
    case "+":
      return value.k === "prim" && typeof value.v === "number"
        ? prim(operator === "-" ? -value.v : value.v, value.taint)
        : tainted(UNKNOWN, value.taint);
    default:
      return tainted(UNKNOWN, value.taint);
  }
}

export function binary(operator: string, a: Value, b: Value): Value {
  const taint = union(a.taint, b.taint);
  switch (operator) {
    case "===":
    case "==":
    case "!==":
    case "!=": {
      const eq =
        operator.length === 3 && a.k === "prim" && b.k === "prim" ? { equal: a.v === b.v, taint } : equality(a, b);
      if (!eq) return tainted(UNKNOWN, taint);
      return prim(operator.startsWith("!") ? !eq.equal : eq.equal, eq.taint);
    }
    case "+":
      if (a.k === "prim" && b.k === "prim") return prim((a.v as never) + (b.v as never), taint);
      return derived([a, b]);
    case "in":
      // `"error" in result`: known for an object whose keys are all known.
      if (a.k === "prim" && typeof a.v === "string" && b.k === "obj" && !b.fallback && !b.response)
        return prim(b.props.has(a.v), taint);
      return tainted(UNKNOWN, taint);
    case "instanceof": {
      // `result instanceof NextResponse`: a Response is one; a literal object or a primitive is not.
      const responseClass =
        b.k === "lib" && (b.path[b.path.length - 1] === "NextResponse" || b.path[b.path.length - 1] === "Response");
      if (!responseClass) return tainted(UNKNOWN, taint);
      if (a.k === "obj" && a.response) return prim(true, taint);
      if (a.k === "prim" || (a.k === "obj" && !a.fallback)) return prim(false, taint);
      return tainted(UNKNOWN, taint);
    }
    default:
      if (a.k === "prim" && b.k === "prim" && typeof a.v === "number" && typeof b.v === "number") {
        const x = a.v;
        const y = b.v;
        const r: Record<string, number | boolean> = {
          "-": x - y,
          "*": x * y,
          "/": x / y,
          "%": x % y,
          "<": x < y,
          ">": x > y,
          "<=": x <= y,
          ">=": x >= y,
        };
        if (operator in r) return prim(r[operator]!, taint);
      }
      return tainted(UNKNOWN, taint);
  }
}

export function unwrap(node: Node): Node {
  let current = node;
  while (
    current.type === "ParenthesizedExpression" ||
    current.type === "TSAsExpression" ||
    current.type === "TSNonNullExpression" ||
    current.type === "TSSatisfiesExpression"
  ) {
    current = current.expression;
  }
  return current;
}

/** Every node below `node`, not entering nested functions. */
export function visit(node: Node, fn: (node: Node) => void): void {
  fn(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "extra" || key.endsWith("Comments")) continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (
        child &&
        typeof child === "object" &&
        typeof (child as Node).type === "string" &&
        !isFunctionNode(child as Node)
      )
        visit(child as Node, fn);
    }
  }
}

/** process.env itself, or an object holding its variables (a few levels down): what an env schema reads. */
export function holdsEnvironment(value: Value, depth: number): boolean {
  if (value.k !== "obj") return false;
  if (value.fallback?.k === "secret") return true;
  const values = [...value.props.values()];
  return values.some((v) => v.k === "secret") || (depth > 0 && values.some((v) => holdsEnvironment(v, depth - 1)));
}

/** Every identifier assigned in `body`: `x = …`, `x++`, `({ x } = …)`, `[x] = …`, in nested functions too. */
export function assignedNames(body: Node): Set<string> {
  const names = new Set<string>();
  const targets = (node: Node | null | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case "Identifier":
        names.add(node.name);
        return;
      case "ObjectPattern":
        for (const p of node.properties) targets(p.type === "RestElement" ? p.argument : p.value);
        return;
      case "ArrayPattern":
        for (const el of node.elements) targets(el);
        return;
      case "AssignmentPattern":
        targets(node.left);
        return;
      case "RestElement":
        targets(node.argument);
        return;
      default:
        return;
    }
  };
  walk(body, (node) => {
    if (node.type === "AssignmentExpression") targets(node.left);
    else if (node.type === "UpdateExpression") targets(node.argument);
    else if (
      (node.type === "ForInStatement" || node.type === "ForOfStatement") &&
      node.left.type !== "VariableDeclaration"
    )
      targets(node.left);
  });
  return names;
}
