// Gates a step reader would not see, which make the read fail rather than pass unnoticed: `auth`,
// the auth object or its redirectToSignIn handed to other code, auth.protect() in a nested
// function — and the Clerk 5 (sync) uses of auth() that read a promise on @clerk/nextjs 6+.
import type { Node } from "@babel/types";
import { unwrapTs, walk } from "../js/nodes.js";
import { codeOf, type Fn, type ReadContext, Unreadable } from "./gate-model.js";

/**
 * Gates this reader would not see: `auth`, the auth object or its redirectToSignIn handed to other
 * code, or auth.protect() called from a nested function. Any of them makes the read fail.
 */
export function hiddenGates(fn: Fn, authName: string, read: ReadonlySet<Node>, ctx: ReadContext): void {
  const authObjects = new Set<string>();
  walk(fn.body, (n) => {
    if (n.type !== "VariableDeclarator" || !n.init) return;
    const init = unwrapTs(n.init);
    const inner = init.type === "AwaitExpression" ? unwrapTs(init.argument) : init;
    const callsAuth =
      inner.type === "CallExpression" &&
      unwrapTs(inner.callee).type === "Identifier" &&
      (unwrapTs(inner.callee) as { name: string }).name === authName;
    if (!callsAuth) return;
    if (n.id.type === "Identifier") authObjects.add(n.id.name);
    if (n.id.type === "ObjectPattern") {
      for (const p of n.id.properties) {
        const key = p.type === "ObjectProperty" && !p.computed && p.key.type === "Identifier" ? p.key.name : undefined;
        if (
          (key === "redirectToSignIn" || key === "redirectToSignUp") &&
          p.type === "ObjectProperty" &&
          p.value.type === "Identifier"
        )
          authObjects.add(p.value.name);
        if (p.type === "RestElement" && p.argument.type === "Identifier") authObjects.add(p.argument.name);
      }
    }
  });
  walkWithParent(fn.body, (n, parent) => {
    if (n.type === "Identifier" && parent && isReference(n, parent)) {
      const calledOrRead =
        (parent.type === "CallExpression" || parent.type === "OptionalCallExpression") && parent.callee === n;
      const member =
        (parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") && parent.object === n;
      if (n.name === authName && !calledOrRead && !(member && memberName(parent) === "protect")) {
        throw new Unreadable(
          `it hands \`${authName}\` to other code (${codeOf(ctx, parent)}), where this reader cannot see what it checks`,
        );
      }
      if (
        authObjects.has(n.name) &&
        (parent.type === "CallExpression" ||
          parent.type === "OptionalCallExpression" ||
          parent.type === "NewExpression") &&
        parent.callee !== n
      ) {
        throw new Unreadable(
          `it hands its auth object to other code (${codeOf(ctx, parent)}), where this reader cannot see what it checks`,
        );
      }
    }
    if ((n.type === "CallExpression" || n.type === "OptionalCallExpression") && !read.has(n)) {
      const callee = unwrapTs(n.callee);
      const object =
        callee.type === "MemberExpression" || callee.type === "OptionalMemberExpression"
          ? unwrapTs(callee.object)
          : undefined;
      const viaAuth =
        object?.type === "Identifier"
          ? object.name === authName
          : object?.type === "CallExpression" &&
            unwrapTs(object.callee).type === "Identifier" &&
            (unwrapTs(object.callee) as { name: string }).name === authName;
      if (viaAuth && memberName(callee) === "protect")
        throw new Unreadable(
          `it calls ${codeOf(ctx, callee)}() where this reader cannot tell when it runs (a nested function)`,
        );
    }
  });
}

function memberName(node: Node): string | undefined {
  return (node.type === "MemberExpression" || node.type === "OptionalMemberExpression") &&
    !node.computed &&
    node.property.type === "Identifier"
    ? node.property.name
    : undefined;
}

/** Whether an identifier is a reference (not a property key, a declared name or a member's property). */
function isReference(n: Node, parent: Node): boolean {
  if (
    (parent.type === "MemberExpression" || parent.type === "OptionalMemberExpression") &&
    parent.property === n &&
    !parent.computed
  )
    return false;
  if ((parent.type === "ObjectProperty" || parent.type === "ObjectMethod") && parent.key === n && !parent.computed)
    return parent.type === "ObjectProperty" && parent.shorthand;
  if (parent.type === "VariableDeclarator" && parent.id === n) return false;
  if (
    (parent.type === "FunctionDeclaration" ||
      parent.type === "FunctionExpression" ||
      parent.type === "ArrowFunctionExpression") &&
    parent.params.includes(n as never)
  )
    return false;
  return true;
}

function walkWithParent(node: Node, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  for (const [key, value] of Object.entries(node)) {
    if (
      key === "loc" ||
      key.endsWith("Comments") ||
      key === "extra" ||
      key === "typeAnnotation" ||
      key === "returnType"
    )
      continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object" && typeof (child as Node).type === "string")
        walkWithParent(child as Node, visit, node);
    }
  }
}

/** `auth().userId`, `const { userId } = auth()`: the Clerk 5 (sync) forms, which on 6+ read a promise. */
export function syncAuthUses(fn: Fn, authName: string, ctx: ReadContext): void {
  walk(fn.body, (n) => {
    const object =
      n.type === "MemberExpression" || n.type === "OptionalMemberExpression"
        ? unwrapTs(n.object)
        : n.type === "VariableDeclarator" && n.id.type === "ObjectPattern" && n.init
          ? unwrapTs(n.init)
          : undefined;
    if (object?.type !== "CallExpression") return;
    const callee = unwrapTs(object.callee);
    if (callee.type !== "Identifier" || callee.name !== authName) return;
    // auth().protect() is reported where it is read as a gate.
    const property =
      n.type === "MemberExpression" && !n.computed && n.property.type === "Identifier" ? n.property.name : undefined;
    if (property === "protect") return;
    ctx.flaws.push({ kind: "syncAuth", line: n.loc?.start.line ?? 0, code: codeOf(ctx, n) });
  });
}
