// What an expression of a middleware handler is worth for one request, read statically: the
// request's pathname is known, and so is the caller when it is signed out (Clerk's signed-out auth
// object: every id null, has() false, isAuthenticated false). Everything else (headers, cookies,
// calls into user code) is unknown, and stays unknown through every operator: the reader never guesses.
import type { Node } from "@babel/types";
import { unwrapTs } from "../js/nodes.js";

/** A value, or unknown. `throws`: evaluating it throws (e.g. `null.x`), which the middleware turns into a 500. */
export type Value = { known: true; value: unknown } | { known: false; throws?: boolean };

export type Truth = boolean | "unknown";

const UNKNOWN: Value = { known: false };
const THROWS: Value = { known: false, throws: true };
const known = (value: unknown): Value => ({ known: true, value });

/** The signed-out auth object of @clerk/backend (signedOutAuthObject), as the middleware's auth() returns it. */
export const SIGNED_OUT = Object.freeze({
  tokenType: "session_token",
  sessionClaims: null,
  sessionId: null,
  userId: null,
  actor: null,
  orgId: null,
  orgRole: null,
  orgSlug: null,
  orgPermissions: null,
  factorVerificationAge: null,
  has: () => false,
  isAuthenticated: false,
});

/** The value `auth()` has before `await` on @clerk/nextjs 6+ (a promise: no userId, no protect). */
export const PENDING_AUTH = Object.freeze({ pending: SIGNED_OUT });

/** A local name the reader knows the value of. */
export type Binding =
  /** The handler's `auth` parameter. */
  | { kind: "authFunction" }
  /** The request (handler parameter). */
  | { kind: "request" }
  /** `const x = <init>`, never reassigned: evaluated where it is used. */
  | { kind: "const"; init: Node; scope: Scope }
  /** `const { userId } = <init>` (or `[a] =`): the property `key` of init's value. */
  | { kind: "property"; init: Node; key: string; scope: Scope };

/** The names visible at one point of a handler, and what the reader knows of the world. */
export interface Scope {
  names: ReadonlyMap<string, Binding>;
  /** Module-level createRouteMatcher consts: their compiled patterns (undefined: not literal). */
  matchers: ReadonlyMap<string, RegExp[] | undefined>;
  /** The installed (else declared) @clerk/nextjs major, when known: auth() is sync before 6. */
  clerkMajor: number | undefined;
  /** This tool's own `matchesOldMatcher(pathname)` functions (GUARD_NAMES): the old matcher's regular expressions. */
  pathTests?: ReadonlyMap<string, RegExp[]>;
}

/** The world an expression is evaluated in: one path, and a signed-out caller (or any caller: auth unknown). */
export interface World {
  path: string;
  /** true: the caller is signed out. false: any caller (auth values unknown), for "which paths may this govern". */
  signedOut: boolean;
}

const STRING_METHODS = new Set([
  "startsWith",
  "endsWith",
  "includes",
  "toLowerCase",
  "toUpperCase",
  "slice",
  "split",
  "at",
  "trim",
]);
const ARRAY_METHODS = new Set(["includes", "some", "at"]);

function request(world: World) {
  const nextUrl = { pathname: world.path };
  return { nextUrl };
}

const REQUEST = Symbol("request");
const AUTH_FUNCTION = Symbol("auth");

export function valueOf(node: Node, scope: Scope, world: World, depth = 0): Value {
  if (depth > 40) return UNKNOWN;
  const n = unwrapTs(node);
  const of = (child: Node) => valueOf(child, scope, world, depth + 1);
  switch (n.type) {
    case "StringLiteral":
    case "NumericLiteral":
    case "BooleanLiteral":
      return known(n.value);
    case "NullLiteral":
      return known(null);
    case "RegExpLiteral":
      return known(new RegExp(n.pattern, n.flags));
    case "TemplateLiteral": {
      let text = n.quasis[0]?.value.cooked ?? "";
      for (let i = 0; i < n.expressions.length; i++) {
        const v = of(n.expressions[i]!);
        if (!v.known || (typeof v.value !== "string" && typeof v.value !== "number")) return UNKNOWN;
        text += String(v.value) + (n.quasis[i + 1]?.value.cooked ?? "");
      }
      return known(text);
    }
    case "TSNonNullExpression":
      return of(n.expression);
    case "Identifier":
      return identifier(n.name, scope, world, depth);
    case "AwaitExpression": {
      // await auth(): the auth object on every major (Clerk 5's sync object awaited is itself).
      const argument = unwrapTs(n.argument);
      if (argument.type === "CallExpression") {
        const callee = valueOf(argument.callee, scope, world, depth + 1);
        if (callee.known && callee.value === AUTH_FUNCTION) return known(world.signedOut ? SIGNED_OUT : UNKNOWN_AUTH);
      }
      const v = of(n.argument);
      if (v.known && v.value === PENDING_AUTH) return known(world.signedOut ? SIGNED_OUT : UNKNOWN_AUTH);
      return v;
    }
    case "UnaryExpression": {
      if (n.operator === "!") {
        const t = truthOf(n.argument, scope, world, depth + 1);
        return t === "unknown" ? UNKNOWN : known(!t);
      }
      if (n.operator === "void") return known(undefined);
      if (n.operator === "typeof") {
        const v = of(n.argument);
        return v.known ? known(typeof v.value) : UNKNOWN;
      }
      return UNKNOWN;
    }
    case "LogicalExpression": {
      const left = of(n.left);
      if (!left.known) {
        // unknown && falsy is falsy, unknown || truthy is truthy: only the truth is known then.
        return UNKNOWN;
      }
      const l = left.value;
      if (n.operator === "&&") return l ? of(n.right) : left;
      if (n.operator === "||") return l ? left : of(n.right);
      return l === null || l === undefined ? of(n.right) : left;
    }
    case "ConditionalExpression": {
      const t = truthOf(n.test, scope, world, depth + 1);
      return t === "unknown" ? UNKNOWN : of(t ? n.consequent : n.alternate);
    }
    case "BinaryExpression": {
      if (n.left.type === "PrivateName") return UNKNOWN;
      const left = of(n.left);
      const right = of(n.right);
      if (!left.known || !right.known) return UNKNOWN;
      const a = left.value;
      const b = right.value;
      switch (n.operator) {
        case "===":
          return known(a === b);
        case "!==":
          return known(a !== b);
        case "==":
          // eslint-disable-next-line eqeqeq
          return primitive(a) && primitive(b) ? known(a == b) : UNKNOWN;
        case "!=":
          // eslint-disable-next-line eqeqeq
          return primitive(a) && primitive(b) ? known(a != b) : UNKNOWN;
        default:
          return UNKNOWN;
      }
    }
    case "MemberExpression":
    case "OptionalMemberExpression": {
      const object = of(n.object);
      if (!object.known) return object.throws ? THROWS : UNKNOWN;
      const key = n.computed ? of(n.property) : n.property.type === "Identifier" ? known(n.property.name) : UNKNOWN;
      if (!key.known || (typeof key.value !== "string" && typeof key.value !== "number")) return UNKNOWN;
      return member(object.value, key.value, n.type === "OptionalMemberExpression" || n.optional === true, world);
    }
    case "CallExpression":
    case "OptionalCallExpression":
      return call(n, scope, world, depth);
    default:
      return UNKNOWN;
  }
}

/** A session-token auth object whose caller is not known (World.signedOut false). */
const UNKNOWN_AUTH = Symbol("unknown auth");

function primitive(value: unknown): boolean {
  return value === null || ["string", "number", "boolean", "undefined"].includes(typeof value);
}

function identifier(name: string, scope: Scope, world: World, depth: number): Value {
  const binding = scope.names.get(name);
  if (!binding) return name === "undefined" ? known(undefined) : UNKNOWN;
  switch (binding.kind) {
    case "authFunction":
      return known(AUTH_FUNCTION);
    case "request":
      return known(REQUEST);
    case "const":
      return valueOf(binding.init, binding.scope, world, depth + 1);
    case "property": {
      const whole = valueOf(binding.init, binding.scope, world, depth + 1);
      if (!whole.known) return whole;
      return member(whole.value, binding.key, false, world);
    }
  }
}

function member(object: unknown, key: string | number, optional: boolean, world: World): Value {
  if (object === null || object === undefined) return optional ? known(undefined) : THROWS;
  if (object === UNKNOWN_AUTH) return UNKNOWN;
  if (object === REQUEST) {
    if (key === "nextUrl") return known(request(world).nextUrl);
    return UNKNOWN; // headers, cookies, url, method, geo...: not known statically
  }
  if (object === AUTH_FUNCTION) return key === "protect" ? known(AUTH_FUNCTION) : UNKNOWN;
  if (object === PENDING_AUTH) return known(undefined); // a promise has no userId, protect, ...
  if (object === SIGNED_OUT)
    return key in SIGNED_OUT ? known(SIGNED_OUT[key as keyof typeof SIGNED_OUT]) : known(undefined);
  if (typeof object === "string") {
    if (key === "length") return known(object.length);
    if (typeof key === "number") return known(object[key]);
    return STRING_METHODS.has(key) ? known({ method: key, of: object }) : UNKNOWN;
  }
  if (Array.isArray(object)) {
    if (key === "length") return known(object.length);
    if (typeof key === "number") return known(object[key]);
    return ARRAY_METHODS.has(key) ? known({ method: key, of: object }) : UNKNOWN;
  }
  if (object instanceof RegExp) return key === "test" ? known({ method: "test", of: object }) : UNKNOWN;
  if (typeof object === "object" && Object.getPrototypeOf(object) === Object.prototype) {
    const record = object as Record<string, unknown>;
    if ("method" in record && "of" in record) return UNKNOWN;
    if (key in record) return known(record[key]);
    return UNKNOWN;
  }
  return UNKNOWN;
}

function call(
  n: Extract<Node, { type: "CallExpression" | "OptionalCallExpression" }>,
  scope: Scope,
  world: World,
  depth: number,
): Value {
  const callee = unwrapTs(n.callee);
  const args = n.arguments;
  // isPublicRoute(req): a createRouteMatcher const, on the request's pathname.
  if (callee.type === "Identifier" && scope.matchers.has(callee.name) && !scope.names.has(callee.name)) {
    const regexps = scope.matchers.get(callee.name);
    const [arg] = args;
    if (!regexps || args.length !== 1 || !arg || arg.type === "SpreadElement" || arg.type === "ArgumentPlaceholder")
      return UNKNOWN;
    const target = valueOf(arg, scope, world, depth + 1);
    if (!target.known || target.value !== REQUEST) return UNKNOWN;
    return known(regexps.some((regexp) => regexp.test(world.path)));
  }
  // matchesOldMatcher(req.nextUrl.pathname): the guard an earlier run of this tool wrote, on a path.
  if (callee.type === "Identifier" && scope.pathTests?.has(callee.name) && !scope.names.has(callee.name)) {
    const [arg] = args;
    if (args.length !== 1 || !arg || arg.type === "SpreadElement" || arg.type === "ArgumentPlaceholder") return UNKNOWN;
    const target = valueOf(arg, scope, world, depth + 1);
    if (!target.known || typeof target.value !== "string") return UNKNOWN;
    const path = target.value;
    return known(
      scope.pathTests.get(callee.name)!.some((regexp) => regexp.test(path) || regexp.test(decodedPath(path))),
    );
  }
  const fn = valueOf(callee, scope, world, depth + 1);
  if (!fn.known) return fn.throws ? THROWS : UNKNOWN;
  if (fn.value === AUTH_FUNCTION) {
    // auth(): the auth object (Clerk 5), or a promise of it (6+).
    if (scope.clerkMajor === undefined) return UNKNOWN;
    if (scope.clerkMajor >= 6) return known(PENDING_AUTH);
    return known(world.signedOut ? SIGNED_OUT : UNKNOWN_AUTH);
  }
  if (fn.value === SIGNED_OUT.has) return known(false);
  if (fn.value === undefined || fn.value === null)
    return n.type === "OptionalCallExpression" || n.optional ? known(undefined) : THROWS;
  const method = fn.value as { method?: string; of?: unknown };
  if (typeof method !== "object" || typeof method.method !== "string") return UNKNOWN;
  const values: unknown[] = [];
  for (const arg of args) {
    if (arg.type === "SpreadElement" || arg.type === "ArgumentPlaceholder") return UNKNOWN;
    const v = valueOf(arg, scope, world, depth + 1);
    if (
      !v.known ||
      typeof v.value === "function" ||
      (typeof v.value === "object" && v.value !== null && !(v.value instanceof RegExp))
    )
      return UNKNOWN;
    values.push(v.value);
  }
  try {
    const target = method.of as Record<string, (...a: unknown[]) => unknown>;
    if (target instanceof RegExp)
      return known(values.length === 1 && typeof values[0] === "string" ? target.test(values[0]) : undefined);
    if (method.method === "some") return UNKNOWN; // a callback: not evaluated
    return known(target[method.method]!(...values));
  } catch {
    return THROWS;
  }
}

/** Whether `node` is truthy in `world`: known, or "unknown" (three-valued && / || / !). */
export function truthOf(node: Node, scope: Scope, world: World, depth = 0): Truth {
  const n = unwrapTs(node);
  if (n.type === "LogicalExpression" && n.operator !== "??") {
    const left = truthOf(n.left, scope, world, depth + 1);
    const right = () => truthOf(n.right, scope, world, depth + 1);
    if (n.operator === "&&") {
      if (left === false) return false;
      const r = right();
      return left === true ? r : r === false ? false : "unknown";
    }
    if (left === true) return true;
    const r = right();
    return left === false ? r : r === true ? true : "unknown";
  }
  if (n.type === "UnaryExpression" && n.operator === "!") {
    const t = truthOf(n.argument, scope, world, depth + 1);
    return t === "unknown" ? t : !t;
  }
  const v = valueOf(n, scope, world, depth);
  return v.known ? Boolean(v.value) : "unknown";
}

/** Conjunction of truths. */
export function allOf(truths: Truth[]): Truth {
  if (truths.includes(false)) return false;
  return truths.every((t) => t === true) ? true : "unknown";
}

/** A path as the guard decodes it: decodeURIComponent, or the path itself when it cannot be decoded (as Next does). */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
