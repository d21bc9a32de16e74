// The responses a middleware builds or throws, as a gate reader needs them: "go on"
// (NextResponse.next()), a rewrite, a redirect, or a status — and which of them keep a caller out.
import type { Node, ObjectExpression } from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { findProperty, unwrapTs } from "../js/nodes.js";

/** Statuses that keep a caller out (Clerk itself hides a route with 404). */
export const DENY_STATUSES = new Set([401, 403, 404]);

/** next/navigation functions that throw, and what clerkMiddleware() answers for them. */
export const NAVIGATION: Record<string, Response> = {
  redirect: { kind: "redirect" },
  permanentRedirect: { kind: "redirect" },
  notFound: { kind: "status", status: 404 },
  unauthorized: { kind: "status", status: 401 },
  forbidden: { kind: "status", status: 403 },
};

export type Response =
  { kind: "next" } | { kind: "rewrite" } | { kind: "redirect" } | { kind: "status"; status: number | undefined };

/** NextResponse.next/json/redirect/rewrite, Response.json/redirect, new (Next)Response(body, { status }). */
export function responseOf(
  n: Extract<Node, { type: "CallExpression" | "NewExpression" }>,
  bindings: Bindings,
): Response | undefined {
  const callee = unwrapTs(n.callee);
  const isResponseClass = (node: Node) =>
    (node.type === "Identifier" &&
      node.name === "Response" &&
      !bindings.locals.has("Response") &&
      !bindings.imports.has("Response")) ||
    importedNameOf(node, bindings, "next/server") === "NextResponse";
  const init = (arg: Node | undefined): number | undefined => {
    const object = arg ? unwrapTs(arg) : undefined;
    if (!object) return 200;
    if (object.type === "NumericLiteral") return object.value;
    if (object.type !== "ObjectExpression") return undefined;
    return statusOf(object);
  };
  if (n.type === "NewExpression") {
    return isResponseClass(callee) ? { kind: "status", status: init(n.arguments[1]) } : undefined;
  }
  if (
    callee.type !== "MemberExpression" ||
    callee.computed ||
    callee.property.type !== "Identifier" ||
    !isResponseClass(unwrapTs(callee.object))
  )
    return undefined;
  switch (callee.property.name) {
    case "next":
      return { kind: "next" };
    case "rewrite":
      return { kind: "rewrite" };
    case "redirect":
      return { kind: "redirect" };
    case "json":
      return { kind: "status", status: init(n.arguments[1]) };
    default:
      return undefined;
  }
}

function statusOf(object: ObjectExpression): number | undefined {
  const status = findProperty(object, "status");
  if (!status) return object.properties.every((p) => p.type === "ObjectProperty") ? 200 : undefined;
  const value = unwrapTs(status.value);
  return value.type === "NumericLiteral" ? value.value : undefined;
}

/** redirect(), notFound(), unauthorized(), forbidden() from next/navigation: they throw, clerkMiddleware() answers. */
export function navigationThrow(
  n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>,
  bindings: Bindings,
): Response | undefined {
  const name = importedNameOf(unwrapTs(n.callee), bindings, "next/navigation");
  return name !== undefined && Object.hasOwn(NAVIGATION, name) ? NAVIGATION[name] : undefined;
}
