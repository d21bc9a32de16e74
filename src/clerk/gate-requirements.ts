// What a gate requires of a signed-in caller (the session only, has() of a role or permission, a
// has() condition, or custom logic), and which tests read who the caller is at all.
import type { CallExpression, Node, ObjectExpression } from "@babel/types";
import { findProperty, stringValue, unwrapTs, walk } from "../js/nodes.js";
import { type Scope, SIGNED_OUT, valueOf } from "./gate-values.js";
import {
  codeOf,
  type Gate,
  type Guard,
  type ReadContext,
  type Requirement,
  type SignedOutAnswer,
} from "./gate-model.js";

const PROTECT_PARAMS = ["role", "permission", "feature", "plan"];

export function protectGate(call: CallExpression, ctx: ReadContext): Gate {
  const [first, second] = call.arguments.map(unwrapTs);
  const options = [first, second].filter((a): a is ObjectExpression => a?.type === "ObjectExpression");
  const url = options.map((o) => findProperty(o, "unauthenticatedUrl")).find(Boolean);
  const unauthenticatedUrl = url ? stringValue(url.value) : undefined;
  const answer: SignedOutAnswer = url
    ? { kind: "protect", ...(unauthenticatedUrl !== undefined ? { unauthenticatedUrl } : {}) }
    : { kind: "protect" };
  let requires: Requirement = { kind: "signedIn" };
  if (first && (first.type === "ArrowFunctionExpression" || first.type === "FunctionExpression")) {
    requires = { kind: "condition", code: codeOf(ctx, first) };
  } else if (first?.type === "ObjectExpression") {
    const params: Record<string, string> = {};
    for (const p of first.properties) {
      const key =
        p.type === "ObjectProperty" && !p.computed
          ? p.key.type === "Identifier"
            ? p.key.name
            : stringValue(p.key)
          : undefined;
      const value = p.type === "ObjectProperty" ? stringValue(p.value) : undefined;
      if (key === "unauthenticatedUrl" || key === "unauthorizedUrl") continue;
      if (key === undefined || value === undefined || !PROTECT_PARAMS.includes(key)) {
        requires = { kind: "custom", code: codeOf(ctx, call) };
        break;
      }
      params[key] = value;
    }
    if (requires.kind === "signedIn" && Object.keys(params).length > 0) requires = { kind: "has", params };
  } else if (first) {
    requires = { kind: "custom", code: codeOf(ctx, call) };
  }
  return { via: "protect", answer, requires };
}

/**
 * A hand gate's requirement, from the tests on its way: only `!userId` / `!isAuthenticated`-like
 * tests of the session (beside route matchers) → signed in; anything else about the caller → custom.
 */
export function requirementOf(guards: Guard[], ctx: ReadContext): Requirement {
  const custom: string[] = [];
  let signedOut = false;
  for (const guard of guards) {
    if (!guard.test) continue;
    const atoms = guard.branch ? andAtoms(guard.test) : [guard.test];
    for (const atom of atoms) {
      if (!dependsOnCaller(atom, guard.scope)) continue;
      if (guard.branch && isSignedOutTest(atom, guard.scope)) signedOut = true;
      else custom.push(guard.branch ? codeOf(ctx, atom) : `!(${codeOf(ctx, atom)})`);
    }
  }
  if (custom.length > 0) return { kind: "custom", code: custom.join(" && ") };
  return signedOut
    ? { kind: "signedIn" }
    : { kind: "custom", code: guards.map((g) => (g.test ? codeOf(ctx, g.test) : "")).join(" && ") || "always" };
}

export function andAtoms(node: Node): Node[] {
  const n = unwrapTs(node);
  return n.type === "LogicalExpression" && n.operator === "&&" ? [...andAtoms(n.left), ...andAtoms(n.right)] : [n];
}

const SESSION_FIELDS = new Set(["userId", "sessionId", "isAuthenticated"]);

/** `!userId`, `!isAuthenticated`, `userId === null` / `== null`, `!(await auth()).userId`: true exactly when signed out. */
function isSignedOutTest(atom: Node, scope: Scope): boolean {
  const n = unwrapTs(atom);
  if (n.type === "UnaryExpression" && n.operator === "!") return sessionField(n.argument, scope) !== undefined;
  if (n.type === "BinaryExpression" && (n.operator === "===" || n.operator === "==")) {
    const [field, other] =
      n.right.type === "NullLiteral" || n.right.type === "BooleanLiteral" ? [n.left, n.right] : [n.right, n.left];
    if (field.type === "PrivateName") return false;
    const name = sessionField(field, scope);
    if (name === "isAuthenticated") return other.type === "BooleanLiteral" && other.value === false;
    return name !== undefined && other.type === "NullLiteral";
  }
  return false;
}

/** userId / sessionId / isAuthenticated of the signed-out auth object, if `node` reads one. */
function sessionField(node: Node, scope: Scope): string | undefined {
  const n = unwrapTs(node);
  const world = { path: "/", signedOut: true };
  if (n.type === "Identifier") {
    const binding = scope.names.get(n.name);
    if (binding?.kind !== "property" || !SESSION_FIELDS.has(binding.key)) return undefined;
    const whole = valueOf(binding.init, binding.scope, world);
    return whole.known && whole.value === SIGNED_OUT ? binding.key : undefined;
  }
  if (
    (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") &&
    !n.computed &&
    n.property.type === "Identifier" &&
    SESSION_FIELDS.has(n.property.name)
  ) {
    const whole = valueOf(n.object, scope, world);
    return whole.known && whole.value === SIGNED_OUT ? n.property.name : undefined;
  }
  return undefined;
}

/**
 * Whether a test reads who the caller is: the auth object or a name taken from it, or the
 * request's headers or cookies (a hand-written session check). Route matchers and the pathname do not.
 */
export function dependsOnCaller(test: Node, scope: Scope, depth = 0): boolean {
  if (depth > 10) return true;
  let found = false;
  walk(test, (n) => {
    if (found) return;
    if (n.type === "Identifier") {
      const binding = scope.names.get(n.name);
      if (binding?.kind === "authFunction") found = true;
      if (
        (binding?.kind === "const" || binding?.kind === "property") &&
        dependsOnCaller(binding.init, binding.scope, depth + 1)
      )
        found = true;
    }
    if (
      (n.type === "MemberExpression" || n.type === "OptionalMemberExpression") &&
      !n.computed &&
      n.property.type === "Identifier"
    ) {
      if (["headers", "cookies"].includes(n.property.name)) found = true;
    }
    if (n.type === "CallExpression" && n.callee.type === "Identifier" && ["headers", "cookies"].includes(n.callee.name))
      found = true;
  });
  return found;
}
