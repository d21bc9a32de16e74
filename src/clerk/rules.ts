// The protection rules of a clerkMiddleware() handler, read statically (by the audit, and by the
// plan for a route that must stay public or take machine tokens).
import type {
  ArrayExpression,
  ArrowFunctionExpression,
  CallExpression,
  File,
  FunctionExpression,
  Node,
  VariableDeclarator,
} from "@babel/types";
import { pathToRegexp } from "path-to-regexp";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { CLERK_SERVER, isGuardName } from "./names.js";
import { type SourceFile } from "../js/parse.js";
import { unwrapTs, walk } from "../js/nodes.js";
// ---- The rules of a clerkMiddleware() handler ----
//
// The protection rules a clerkMiddleware() handler states with createRouteMatcher, read statically
// (by the audit, and by the plan for a route that must stay public, e.g. a webhook):
//   const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api(.*)"]);
//   export default clerkMiddleware(async (auth, req) => {
//     if (isProtectedRoute(req)) await auth.protect();                        // protect what matches
//     if (!isPublicRoute(req)) await auth.protect();                          // protect all but what matches
//     if (isProtectedRoute(req) && !isPublicRoute(req)) await auth.protect(); // both
//     await auth.protect();                                                   // protect everything
//   });
// createRouteMatcher compiles each pattern with path-to-regexp 6 (Clerk vendors it), as used here.

export type RuleVerdict =
  /** No rule protects the path (or there is no handler with rules). */
  | { kind: "public" }
  | { kind: "protected"; rule: string }
  /** A handler whose rules this reader cannot follow: delegation, computed lists, other conditions. */
  | { kind: "unknown"; why: string };

/** One `matcher(req)` or `!matcher(req)` of a rule's condition. */
export interface RuleTerm {
  /** The createRouteMatcher const, e.g. isPublicRoute. */
  matcher: string;
  negated: boolean;
  /** The argument's text, e.g. req. */
  argument: string;
  /** The matcher's pattern list, when it is an array literal written in place. */
  patterns?: ArrayExpression;
}

export interface Rule {
  /** The text of the `if (…)` test, or "always". */
  text: string;
  /** Whether the rule protects `pathname`. */
  protects(pathname: string): boolean;
  /** The condition's terms, all of which must hold (none: "always"). */
  terms: RuleTerm[];
  /** The `if` test, absent for "always". */
  test?: Node;
}

export type ReadRules = { ok: true; rules: Rule[] } | { ok: false; why: string };

function clerkCall(ast: File, bindings: Bindings): CallExpression | undefined {
  let found: CallExpression | undefined;
  walk(ast.program, (node) => {
    if (!found && node.type === "CallExpression" && importedNameOf(node.callee, bindings, CLERK_SERVER) === "clerkMiddleware") found = node;
  });
  return found;
}

interface RouteMatcher {
  regexps: RegExp[] | undefined;
  patterns?: ArrayExpression;
  declaration: VariableDeclarator;
}

/** `createRouteMatcher([...])` bound to a module-level const: its compiled patterns, by name. */
export function routeMatchers(bindings: Bindings): Map<string, RouteMatcher> {
  const matchers = new Map<string, RouteMatcher>();
  for (const [name, decl] of bindings.locals) {
    if (decl.type !== "VariableDeclarator" || !decl.init) continue;
    const init = unwrapTs(decl.init);
    if (init.type !== "CallExpression" || importedNameOf(init.callee, bindings, CLERK_SERVER) !== "createRouteMatcher") continue;
    const argument = init.arguments[0] ? unwrapTs(init.arguments[0]) : undefined;
    matchers.set(name, {
      regexps: compilePatterns(argument),
      declaration: decl,
      ...(argument?.type === "ArrayExpression" ? { patterns: argument } : {}),
    });
  }
  return matchers;
}

/** Literal strings (or one string) compiled as Clerk does; anything else cannot be read. */
function compilePatterns(argument: Node | undefined): RegExp[] | undefined {
  if (!argument) return undefined;
  const items = argument.type === "ArrayExpression" ? argument.elements : [argument];
  const regexps: RegExp[] = [];
  for (const item of items) {
    if (item?.type === "StringLiteral") {
      try {
        regexps.push(pathToRegexp(item.value));
      } catch {
        return undefined;
      }
    } else if (item?.type === "RegExpLiteral") {
      regexps.push(new RegExp(item.pattern, item.flags));
    } else {
      return undefined;
    }
  }
  return regexps;
}

/** `await auth.protect(…)` (or without await) somewhere in `node`. */
function callsProtect(node: Node, authName: string): boolean {
  let found = false;
  walk(node, (child) => {
    if (child.type !== "CallExpression") return;
    const callee = child.callee;
    if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier" || callee.property.name !== "protect") return;
    // auth.protect() and auth().protect() (the v5 form)
    const target = callee.object.type === "CallExpression" ? callee.object.callee : callee.object;
    if (target.type === "Identifier" && target.name === authName) found = true;
  });
  return found;
}

/** `a(req) && !b(req) && …` as terms; undefined when any part is something else. */
function conditionTerms(test: Node, code: string, matchers: Map<string, RouteMatcher>): Array<RuleTerm & { regexps: RegExp[] }> | undefined {
  const node = unwrapTs(test);
  if (node.type === "LogicalExpression" && node.operator === "&&") {
    const left = conditionTerms(node.left, code, matchers);
    const right = conditionTerms(node.right, code, matchers);
    return left && right ? [...left, ...right] : undefined;
  }
  const negated = node.type === "UnaryExpression" && node.operator === "!";
  const inner = negated ? unwrapTs((node as Extract<Node, { type: "UnaryExpression" }>).argument) : node;
  if (inner.type !== "CallExpression" || inner.callee.type !== "Identifier" || inner.arguments.length !== 1) return undefined;
  const matcher = matchers.get(inner.callee.name);
  const argument = inner.arguments[0]!;
  if (!matcher?.regexps) return undefined;
  return [
    {
      matcher: inner.callee.name,
      negated,
      argument: code.slice(argument.start ?? 0, argument.end ?? 0),
      regexps: matcher.regexps,
      ...(matcher.patterns ? { patterns: matcher.patterns } : {}),
    },
  ];
}

/** Reads the rules of the file's clerkMiddleware() handler. No handler: no rules. */
export function readClerkRules(source: SourceFile): ReadRules {
  const call = clerkCall(source.ast, source.bindings);
  const handler = call?.arguments[0] ? unwrapTs(call.arguments[0]) : undefined;
  if (handler?.type === "ArrowFunctionExpression" || handler?.type === "FunctionExpression") return rulesOf(handler, source);
  const guarded = handler ? ownGuard(handler, source) : undefined;
  if (guarded) {
    // This tool's own guard (see edits.ts): the handler, rules included, runs only where the old
    // matcher matched, so a rule protects a path only there.
    const read = rulesOf(guarded.handler, source);
    if (!read.ok) return read;
    return { ok: true, rules: read.rules.map((rule) => ({ ...rule, protects: (path) => guarded.ranOn(path) && rule.protects(path) })) };
  }
  return handler && handler.type !== "ObjectExpression" ? { ok: false, why: "its clerkMiddleware() handler is not a function literal" } : { ok: true, rules: [] };
}

/**
 * `onlyOnOldMatcher(async (auth, req) => …)`, as an earlier run of this tool wrote it (names:
 * GUARD_NAMES): the handler, and where it runs (the old matcher's regular expressions, from
 * `const oldMatcher = [...]`).
 */
function ownGuard(node: Node, source: SourceFile): { handler: ArrowFunctionExpression | FunctionExpression; ranOn: (path: string) => boolean } | undefined {
  if (node.type !== "CallExpression" || node.callee.type !== "Identifier" || !isGuardName(node.callee.name, "wrapper")) return undefined;
  if (source.bindings.locals.get(node.callee.name)?.type !== "FunctionDeclaration") return undefined;
  const inner = node.arguments[0] ? unwrapTs(node.arguments[0]) : undefined;
  if (inner?.type !== "ArrowFunctionExpression" && inner?.type !== "FunctionExpression") return undefined;
  const regexps: RegExp[] = [];
  for (const [name, decl] of source.bindings.locals) {
    if (!isGuardName(name, "list") || decl.type !== "VariableDeclarator" || decl.init?.type !== "ArrayExpression") continue;
    for (const element of decl.init.elements) {
      if (element?.type !== "RegExpLiteral") return undefined;
      regexps.push(new RegExp(element.pattern, element.flags));
    }
  }
  if (regexps.length === 0) return undefined;
  return { handler: inner, ranOn: (path) => regexps.some((regexp) => regexp.test(path)) };
}

/** The rules a handler function states. */
function rulesOf(handler: ArrowFunctionExpression | FunctionExpression, source: SourceFile): ReadRules {
  const authParam = handler.params[0];
  if (authParam?.type !== "Identifier") return { ok: true, rules: [] };
  const auth = authParam.name;
  if (!callsProtect(handler.body, auth)) return { ok: true, rules: [] };
  const matchers = routeMatchers(source.bindings);
  const statements = handler.body.type === "BlockStatement" ? handler.body.body : [{ type: "ExpressionStatement", expression: handler.body } as Node];
  const rules: Rule[] = [];
  for (const statement of statements) {
    if (!callsProtect(statement, auth)) continue;
    if (statement.type === "IfStatement" && !statement.alternate && callsProtect(statement.consequent, auth) && !callsProtect(statement.test, auth)) {
      const text = source.code.slice(statement.test.start ?? 0, statement.test.end ?? 0);
      const terms = conditionTerms(statement.test, source.code, matchers);
      if (!terms) return { ok: false, why: `it protects under a condition this reader cannot follow (${text})` };
      rules.push({
        text,
        test: statement.test,
        terms: terms.map(({ regexps: _regexps, ...term }) => term),
        protects: (pathname) => terms.every((term) => term.regexps.some((r) => r.test(pathname)) !== term.negated),
      });
      continue;
    }
    if (statement.type === "ExpressionStatement") {
      rules.push({ text: "always", terms: [], protects: () => true });
      continue;
    }
    return { ok: false, why: "it calls auth.protect() in a shape this reader cannot follow" };
  }
  return { ok: true, rules };
}

/** Whether the rules protect every sample path of a route (several: all of them). */
export function ruleVerdict(read: ReadRules, paths: string[]): RuleVerdict {
  if (!read.ok) return { kind: "unknown", why: read.why };
  for (const rule of read.rules) {
    const hits = paths.filter((path) => rule.protects(path));
    if (hits.length === paths.length) return { kind: "protected", rule: rule.text };
    if (hits.length > 0) return { kind: "unknown", why: `${rule.text} protects some of its paths only` };
  }
  return { kind: "public" };
}
