import type { Node } from "@babel/types";

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
