import type { CallExpression, Node } from "@babel/types";
import { pathToRegexp } from "path-to-regexp";
import { CLERK_SERVER, importedNameOf, unwrapTs, walk, type SourceFile } from "../plan/middleware/module.js";

// The protection rules a clerkMiddleware() handler states with createRouteMatcher, read statically:
//   const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api(.*)"]);
//   export default clerkMiddleware(async (auth, req) => {
//     if (isProtectedRoute(req)) await auth.protect();      // protect what matches
//     if (!isPublicRoute(req)) await auth.protect();        // protect all but what matches
//     await auth.protect();                                  // protect everything
//   });
// createRouteMatcher compiles each pattern with path-to-regexp 6 (Clerk vendors it), as used here.

export type RuleVerdict =
  /** No rule protects the path (or there is no handler with rules). */
  | { kind: "public" }
  | { kind: "protected"; rule: string }
  /** A handler whose rules this reader cannot follow: delegation, computed lists, other conditions. */
  | { kind: "unknown"; why: string };

interface Rule {
  /** The text of the `if (…)` test, or "always". */
  text: string;
  /** Whether the rule protects `pathname`. */
  protects(pathname: string): boolean;
}

export type ReadRules = { ok: true; rules: Rule[] } | { ok: false; why: string };

function clerkCall(source: SourceFile): CallExpression | undefined {
  let found: CallExpression | undefined;
  walk(source.ast.program, (node) => {
    if (!found && node.type === "CallExpression" && importedNameOf(node.callee, source.bindings, CLERK_SERVER) === "clerkMiddleware") found = node;
  });
  return found;
}

/** `createRouteMatcher([...])` bound to a module-level const: its compiled patterns, by name. */
function routeMatchers(source: SourceFile): Map<string, RegExp[] | undefined> {
  const matchers = new Map<string, RegExp[] | undefined>();
  for (const [name, decl] of source.bindings.locals) {
    if (decl.type !== "VariableDeclarator" || !decl.init) continue;
    const init = unwrapTs(decl.init);
    if (init.type !== "CallExpression" || importedNameOf(init.callee, source.bindings, CLERK_SERVER) !== "createRouteMatcher") continue;
    matchers.set(name, compilePatterns(init.arguments[0]));
  }
  return matchers;
}

/** Literal strings (or one string) compiled as Clerk does; anything else cannot be read. */
function compilePatterns(argument: Node | undefined): RegExp[] | undefined {
  if (!argument) return undefined;
  const node = unwrapTs(argument);
  const items = node.type === "ArrayExpression" ? node.elements : [node];
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

/** Reads the rules of the file's clerkMiddleware() handler. No handler: no rules. */
export function readClerkRules(source: SourceFile): ReadRules {
  const call = clerkCall(source);
  const handler = call?.arguments[0] ? unwrapTs(call.arguments[0]) : undefined;
  if (!handler || (handler.type !== "ArrowFunctionExpression" && handler.type !== "FunctionExpression")) {
    return handler && handler.type !== "ObjectExpression" ? { ok: false, why: "its clerkMiddleware() handler is not a function literal" } : { ok: true, rules: [] };
  }
  const authParam = handler.params[0];
  if (authParam?.type !== "Identifier") return { ok: true, rules: [] };
  const auth = authParam.name;
  if (!callsProtect(handler.body, auth)) return { ok: true, rules: [] };
  const matchers = routeMatchers(source);
  const statements = handler.body.type === "BlockStatement" ? handler.body.body : [{ type: "ExpressionStatement", expression: handler.body } as Node];
  const rules: Rule[] = [];
  for (const statement of statements) {
    if (!callsProtect(statement, auth)) continue;
    if (statement.type === "IfStatement" && !statement.alternate && callsProtect(statement.consequent, auth) && !callsProtect(statement.test, auth)) {
      const test = unwrapTs(statement.test);
      const negated = test.type === "UnaryExpression" && test.operator === "!";
      const inner = negated ? unwrapTs((test as Extract<Node, { type: "UnaryExpression" }>).argument) : test;
      const name = inner.type === "CallExpression" && inner.callee.type === "Identifier" ? inner.callee.name : undefined;
      const regexps = name === undefined ? undefined : matchers.get(name);
      if (!regexps) return { ok: false, why: `it protects under a condition this reader cannot follow (${source.code.slice(statement.test.start ?? 0, statement.test.end ?? 0)})` };
      const text = source.code.slice(statement.test.start ?? 0, statement.test.end ?? 0);
      rules.push({ text, protects: (pathname) => regexps.some((r) => r.test(pathname)) !== negated });
      continue;
    }
    if (statement.type === "ExpressionStatement") {
      rules.push({ text: "always", protects: () => true });
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
