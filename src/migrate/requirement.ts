// What each clerkMiddleware() rule demands of a caller, in has() checks a Route Handler can make
// itself: `if (isProtectedRoute(req)) await auth.protect()` → signed in;
// `auth.protect({ role: "org:admin" })` or `auth.protect((has) => has({ role: "org:admin" }))` →
// signed in with that role. Anything else is untranslatable, and the routes it governs are refused.
//
// The rules themselves come from the one reader (clerk/rules.ts); this file finds each rule's
// statement in the handler to read its auth.protect() call. A rule the reader knows and this file
// cannot place (a newer reader's shape) is untranslatable: refused, never guessed. When the reader
// says what a rule requires itself (a gate's requirement: signed in, has(…), or custom), `translate`
// reads that instead, and every gate it can say as a session check plus has() moves.
import type { ArrowFunctionExpression, CallExpression, FunctionExpression, Node, Statement } from "@babel/types";
import { importedNameOf } from "../js/bindings.js";
import { CLERK_SERVER } from "../clerk/names.js";
import { routeMatchers, type Rule } from "../clerk/rules.js";
import { propertyName, unwrapTs, walk } from "../js/nodes.js";
import type { SourceFile } from "../js/parse.js";
import type { Check, Requirement, Untranslatable } from "./types.js";

type HandlerFn = ArrowFunctionExpression | FunctionExpression;

export interface ClerkHandler {
  fn: HandlerFn;
  /** The clerkMiddleware(...) call; `guarded` when the handler sits inside this tool's onlyOnOldMatcher(). */
  call: CallExpression;
  guarded: boolean;
  /** The handler's statements (an expression body counts as one). */
  statements: Statement[];
  /** The name of its first parameter (`auth`). */
  authParam?: string;
}

/** The clerkMiddleware() handler function, found the way the reader finds it (the first call in the file). */
export function clerkHandler(source: SourceFile): ClerkHandler | undefined {
  let call: CallExpression | undefined;
  walk(source.ast.program, (node) => {
    if (
      !call &&
      node.type === "CallExpression" &&
      importedNameOf(node.callee, source.bindings, CLERK_SERVER) === "clerkMiddleware"
    )
      call = node;
  });
  const first = call?.arguments[0] ? unwrapTs(call.arguments[0]) : undefined;
  if (!call || !first) return undefined;
  let fn: HandlerFn | undefined;
  let guarded = false;
  if (first.type === "ArrowFunctionExpression" || first.type === "FunctionExpression") fn = first;
  else if (
    first.type === "CallExpression" &&
    first.callee.type === "Identifier" &&
    first.callee.name.startsWith("onlyOnOldMatcher")
  ) {
    const inner = first.arguments[0] ? unwrapTs(first.arguments[0]) : undefined;
    if (inner?.type === "ArrowFunctionExpression" || inner?.type === "FunctionExpression") {
      fn = inner;
      guarded = true;
    }
  }
  if (!fn) return undefined;
  const statements =
    fn.body.type === "BlockStatement"
      ? fn.body.body
      : [{ type: "ExpressionStatement", expression: fn.body, start: fn.body.start, end: fn.body.end } as Statement];
  const authParam = fn.params[0]?.type === "Identifier" ? fn.params[0].name : undefined;
  return { fn, call, guarded, statements, ...(authParam ? { authParam } : {}) };
}

/** `auth.protect(…)` or Clerk 5's `auth().protect(…)`, with `auth` the handler's first parameter. */
function protectCall(node: Node | null | undefined, auth: string): CallExpression | undefined {
  let inner = node ? unwrapTs(node) : undefined;
  if (inner?.type === "AwaitExpression") inner = unwrapTs(inner.argument);
  if (inner?.type !== "CallExpression") return undefined;
  const callee = inner.callee;
  if (
    callee.type !== "MemberExpression" ||
    callee.computed ||
    callee.property.type !== "Identifier" ||
    callee.property.name !== "protect"
  )
    return undefined;
  const target =
    callee.object.type === "CallExpression" && callee.object.arguments.length === 0
      ? callee.object.callee
      : callee.object;
  return target.type === "Identifier" && target.name === auth ? inner : undefined;
}

/** Whether `node` mentions `auth.protect` at all (the reader's test for a rule statement). */
function mentionsProtect(node: Node, auth: string): boolean {
  let found = false;
  walk(node, (child) => {
    if (child.type === "CallExpression" && protectCall(child, auth)) found = true;
  });
  return found;
}

/** Whether a statement may answer before the next one runs: a return or throw outside nested functions. */
function mayExit(statement: Node): boolean {
  let found = false;
  const visit = (node: Node): void => {
    if (found) return;
    if (node.type === "ReturnStatement" || node.type === "ThrowStatement") {
      found = true;
      return;
    }
    if (
      node.type === "FunctionExpression" ||
      node.type === "ArrowFunctionExpression" ||
      node.type === "FunctionDeclaration"
    )
      return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof child === "object" && typeof (child as Node).type === "string") visit(child as Node);
      }
    }
  };
  visit(statement);
  return found;
}

/**
 * Whether a rule applies to some caller on `pathname` (signed in or not, certainly or maybe): what
 * a check in the route must carry over, and what decides that a route relies on the rule. The one
 * reader answers it (`governs`): a gate it cannot decide there (a condition on the method or a
 * header, an exit before it that may fire) governs the path too, so its routes are refused, never
 * skipped in silence.
 */
export function ruleApplies(rule: Rule, pathname: string): boolean {
  return rule.governs(pathname) || rule.mayProtect(pathname);
}

/** A rule, where it is written, and what it demands (or why that cannot be said exactly). */
export interface RuleSite {
  rule: Rule;
  /** The handler's statement that states the rule. */
  statement?: Statement;
  translation: { ok: true; requirement: Requirement } | { ok: false; why: Untranslatable };
}

/** Places every rule in the handler and translates it. */
export function ruleSites(source: SourceFile, rules: Rule[]): RuleSite[] {
  const handler = clerkHandler(source);
  const auth = handler?.authParam;
  // "always" rules, in the order the reader pushed them: one per protect statement without a test.
  const plain =
    handler && auth
      ? handler.statements.filter((s) => s.type === "ExpressionStatement" && mentionsProtect(s, auth))
      : [];
  let nextPlain = 0;
  return rules.map((rule): RuleSite => {
    if (!handler || !auth) return { rule, translation: { ok: false, why: { kind: "unknownRule" } } };
    const statement = rule.test
      ? handler.statements.find((s) => s.type === "IfStatement" && s.test === rule.test)
      : rule.terms.length === 0
        ? plain[nextPlain++]
        : undefined;
    if (!statement) return { rule, translation: { ok: false, why: { kind: "unknownRule" } } };
    const translation =
      rule.gate.via === "protect"
        ? translate(source, handler, statement, auth)
        : translateGate(source, handler, statement, rule);
    return { rule, statement, translation };
  });
}

function translate(
  source: SourceFile,
  handler: ClerkHandler,
  statement: Statement,
  auth: string,
): RuleSite["translation"] {
  const text = (node: Node) => source.code.slice(node.start ?? 0, node.end ?? 0);
  const before = handler.statements.slice(0, handler.statements.indexOf(statement)).find(mayExit);
  if (before) return { ok: false, why: { kind: "earlyExit", text: firstLine(text(before)) } };
  let body: Node | null | undefined = statement;
  if (statement.type === "IfStatement") {
    if (statement.alternate || mentionsProtect(statement.test, auth)) return { ok: false, why: { kind: "shape" } };
    if (!onlyPathTests(statement.test, routeMatchers(source.bindings, source.ast)))
      return { ok: false, why: { kind: "condition", text: firstLine(text(statement.test)) } };
    body = statement.consequent;
    if (body.type === "BlockStatement") body = body.body.length === 1 ? body.body[0] : undefined;
  }
  if (body?.type !== "ExpressionStatement") return { ok: false, why: { kind: "shape" } };
  const call = protectCall(body.expression, auth);
  if (!call) return { ok: false, why: { kind: "shape" } };
  return requirementOf(call, text);
}

/**
 * A gate of the handler's own under a session test, as Clerk's guide writes it:
 *   const { userId, redirectToSignIn } = await auth();
 *   if (!userId && isProtectedRoute(req)) return redirectToSignIn();
 * (or a 401, or a redirect). The reader says it requires a signed-in caller; its condition must be
 * the session test and createRouteMatcher calls, nothing else, and its body that one answer.
 */
function translateGate(
  source: SourceFile,
  handler: ClerkHandler,
  statement: Statement,
  rule: Rule,
): RuleSite["translation"] {
  const text = (node: Node) => source.code.slice(node.start ?? 0, node.end ?? 0);
  if (rule.gate.requires.kind !== "signedIn" || statement.type !== "IfStatement" || statement.alternate)
    return { ok: false, why: { kind: "shape" } };
  const before = handler.statements.slice(0, handler.statements.indexOf(statement)).find(mayExit);
  if (before) return { ok: false, why: { kind: "earlyExit", text: firstLine(text(before)) } };
  const session = sessionNames(handler);
  const matchers = routeMatchers(source.bindings, source.ast);
  let sawSession = false;
  const conjuncts = (node: Node): boolean => {
    const n = unwrapTs(node);
    if (n.type === "LogicalExpression") return n.operator === "&&" && conjuncts(n.left) && conjuncts(n.right);
    if (isSignedOutTest(n, session)) return (sawSession = true);
    return onlyPathTests(n, matchers);
  };
  if (!conjuncts(statement.test) || !sawSession)
    return { ok: false, why: { kind: "condition", text: firstLine(text(statement.test)) } };
  let body: Node | undefined = statement.consequent;
  if (body.type === "BlockStatement") body = body.body.length === 1 ? body.body[0] : undefined;
  if (body?.type !== "ReturnStatement" && body?.type !== "ExpressionStatement")
    return { ok: false, why: { kind: "shape" } };
  return { ok: true, requirement: { checks: [] } };
}

/** Names bound from `await auth()` in the handler's own statements: `{ userId, isAuthenticated, sessionId }`, and the object itself. */
function sessionNames(handler: ClerkHandler): { fields: Set<string>; objects: Set<string> } {
  const fields = new Set<string>();
  const objects = new Set<string>();
  for (const statement of handler.statements) {
    if (statement.type !== "VariableDeclaration" || statement.kind !== "const") continue;
    for (const declarator of statement.declarations) {
      let init = declarator.init ? unwrapTs(declarator.init) : undefined;
      if (init?.type === "AwaitExpression") init = unwrapTs(init.argument);
      if (
        init?.type !== "CallExpression" ||
        init.callee.type !== "Identifier" ||
        init.callee.name !== handler.authParam ||
        init.arguments.length > 0
      )
        continue;
      if (declarator.id.type === "Identifier") objects.add(declarator.id.name);
      if (declarator.id.type !== "ObjectPattern") continue;
      for (const property of declarator.id.properties) {
        if (property.type !== "ObjectProperty" || property.computed || property.value.type !== "Identifier") continue;
        const key = propertyName(property);
        if (key === "userId" || key === "isAuthenticated" || key === "sessionId") fields.add(property.value.name);
      }
    }
  }
  return { fields, objects };
}

/** `!userId`, `!isAuthenticated`, `userId === null`, `!session.userId`: true exactly when the caller is signed out. */
function isSignedOutTest(node: Node, session: { fields: Set<string>; objects: Set<string> }): boolean {
  const isSessionValue = (n: Node): boolean => {
    const v = unwrapTs(n);
    if (v.type === "Identifier") return session.fields.has(v.name);
    return (
      v.type === "MemberExpression" &&
      !v.computed &&
      v.object.type === "Identifier" &&
      session.objects.has(v.object.name) &&
      v.property.type === "Identifier" &&
      ["userId", "isAuthenticated", "sessionId"].includes(v.property.name)
    );
  };
  if (node.type === "UnaryExpression" && node.operator === "!") return isSessionValue(node.argument);
  if (node.type === "BinaryExpression" && (node.operator === "===" || node.operator === "==")) {
    const isNull = (n: Node) => unwrapTs(n).type === "NullLiteral";
    return (isSessionValue(node.left) && isNull(node.right)) || (isNull(node.left) && isSessionValue(node.right));
  }
  return false;
}

/** `isX(req) && !isY(req)`: a conjunction of createRouteMatcher calls (each maybe negated), nothing else. */
function onlyPathTests(test: Node, matchers: ReadonlyMap<string, unknown>): boolean {
  const node = unwrapTs(test);
  if (node.type === "LogicalExpression")
    return node.operator === "&&" && onlyPathTests(node.left, matchers) && onlyPathTests(node.right, matchers);
  const call = node.type === "UnaryExpression" && node.operator === "!" ? unwrapTs(node.argument) : node;
  return (
    call.type === "CallExpression" &&
    call.callee.type === "Identifier" &&
    matchers.has(call.callee.name) &&
    call.arguments.length === 1
  );
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? "";
  return line.length < text.length ? `${line} …` : line;
}

const CHECK_KINDS = new Set<Check["kind"]>(["role", "permission", "plan", "feature"]);
/** Options that only change where a blocked caller is sent: a Route Handler answers JSON instead. */
const REDIRECT_OPTIONS = new Set(["unauthenticatedUrl", "unauthorizedUrl"]);

/** auth.protect()'s arguments as checks: none, `{ role }`-style objects, or `(has) => has(…) && has(…)`. */
function requirementOf(call: CallExpression, text: (node: Node) => string): RuleSite["translation"] {
  const checks: Check[] = [];
  for (const [index, raw] of call.arguments.entries()) {
    const argument = unwrapTs(raw);
    if (argument.type === "ObjectExpression") {
      for (const prop of argument.properties) {
        const key = prop.type === "ObjectProperty" ? propertyName(prop) : undefined;
        if (key === "token") return { ok: false, why: { kind: "machineTokens", text: text(argument) } };
        if (prop.type !== "ObjectProperty" || key === undefined)
          return { ok: false, why: { kind: "protectArgument", text: text(argument) } };
        if (REDIRECT_OPTIONS.has(key)) continue;
        const value = unwrapTs(prop.value);
        if (index > 0 || !CHECK_KINDS.has(key as Check["kind"]) || value.type !== "StringLiteral") {
          return { ok: false, why: { kind: "protectArgument", text: text(argument) } };
        }
        checks.push({ kind: key as Check["kind"], value: value.value });
      }
      continue;
    }
    if (index === 0 && (argument.type === "ArrowFunctionExpression" || argument.type === "FunctionExpression")) {
      const fromFunction = hasConjunction(argument);
      if (!fromFunction) return { ok: false, why: { kind: "protectArgument", text: firstLine(text(argument)) } };
      checks.push(...fromFunction);
      continue;
    }
    return { ok: false, why: { kind: "protectArgument", text: firstLine(text(argument)) } };
  }
  return { ok: true, requirement: { checks: dedupe(checks) } };
}

/** `(has) => has({ role: "x" }) && has({ permission: "y" })` (or `{ return … }`): its checks. */
function hasConjunction(fn: ArrowFunctionExpression | FunctionExpression): Check[] | undefined {
  const param = fn.params[0];
  if (fn.params.length !== 1 || param?.type !== "Identifier") return undefined;
  let body: Node | null | undefined = fn.body;
  if (body.type === "BlockStatement") {
    const [only] = body.body;
    body = body.body.length === 1 && only?.type === "ReturnStatement" ? only.argument : undefined;
  }
  const checks: Check[] = [];
  const read = (node: Node): boolean => {
    const inner = unwrapTs(node);
    if (inner.type === "LogicalExpression" && inner.operator === "&&") return read(inner.left) && read(inner.right);
    if (
      inner.type !== "CallExpression" ||
      inner.callee.type !== "Identifier" ||
      inner.callee.name !== param.name ||
      inner.arguments.length !== 1
    )
      return false;
    const argument = unwrapTs(inner.arguments[0]!);
    if (argument.type !== "ObjectExpression" || argument.properties.length === 0) return false;
    for (const prop of argument.properties) {
      const key = prop.type === "ObjectProperty" ? propertyName(prop) : undefined;
      const value = prop.type === "ObjectProperty" ? unwrapTs(prop.value) : undefined;
      if (!key || !CHECK_KINDS.has(key as Check["kind"]) || value?.type !== "StringLiteral") return false;
      checks.push({ kind: key as Check["kind"], value: value.value });
    }
    return true;
  };
  return body && read(body) ? checks : undefined;
}

function dedupe(checks: Check[]): Check[] {
  const seen = new Set<string>();
  return checks.filter((check) => {
    const key = `${check.kind}\0${check.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every check of several requirements, once each, in the order the rules list them. */
export function unionRequirement(requirements: Requirement[]): Requirement {
  return { checks: dedupe(requirements.flatMap((r) => r.checks)) };
}

/** Whether `held` (what a handler checks) covers everything `needed` demands. */
export function satisfies(held: Check[], needed: Requirement): boolean {
  return needed.checks.every((check) => held.some((h) => h.kind === check.kind && sameValue(h, check)));
}

/** Clerk prefixes a bare role or permission with "org:" (has({ role: "admin" }) checks org:admin). */
function sameValue(a: Check, b: Check): boolean {
  const normal = (check: Check) =>
    (check.kind === "role" || check.kind === "permission") && !check.value.startsWith("org:")
      ? `org:${check.value}`
      : check.value;
  return normal(a) === normal(b);
}
