// Which export Next.js runs, and what it is: Clerk, the user's own function, or something
// else (another library's middleware, a chain, a re-export).
import type {
  ArrayExpression,
  ArrowFunctionExpression,
  CallExpression,
  File,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  Statement,
  ObjectPattern,
  VariableDeclarator,
} from "@babel/types";
import { pathToRegexp } from "path-to-regexp";
import { type Bindings, CLERK_SERVER, importedNameOf, mentions, type SourceFile, unwrapTs, walk } from "./module.js";

export type UserFn = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

/**
 * How the function Next.js runs is written:
 *  - "declaration": `export [default] function f() {}` or `export const f = () => {}`: drop the export;
 *  - "expression": `export default (req) => {}`: becomes `const name = (req) => {}`;
 *  - "statement": `export default f;` / `export { f as middleware }` for a local f: replace the statement.
 */
type UserSite = "declaration" | "expression" | "statement";

export interface UserHandler {
  kind: "user";
  fn: UserFn;
  name?: string;
  site: UserSite;
  exportNode: Statement;
  /** Typed from outside (`const m: NextMiddleware = …`, `… as NextMiddleware`): callers must pass every argument. */
  typedAsMiddleware: boolean;
}

/**
 * What clerkMiddleware is given: nothing (`clerkMiddleware()`, `clerkMiddleware` itself, `clerkMiddleware({})`),
 * only an options object, or a handler (any other argument, e.g. `async (auth, req) => {...}`).
 * With options or a handler, every path the matcher adds runs code or settings the user chose.
 */
export type ClerkSetup = "bare" | "options" | "handler";

export type Handler =
  /** `call`: the clerkMiddleware(...) call, when there is one (`export default clerkMiddleware` has none). */
  | { kind: "clerk"; setup: ClerkSetup; call?: CallExpression }
  | UserHandler
  | { kind: "call"; call: CallExpression; exportNode: Statement }
  | { kind: "imported"; local: string; source: string; imported: string }
  | { kind: "reexport"; source: string; imported: string }
  | { kind: "unknown"; what: string };

const BARE_CLERK: Handler = { kind: "clerk", setup: "bare" };

interface Candidate {
  exported: string;
  handler: Handler;
}

/** Every export the middleware/proxy file could be run through: `<kind>` by name, and default. */
export function findHandlers(ast: File, bindings: Bindings, kind: "proxy" | "middleware"): Candidate[] {
  const found: Candidate[] = [];
  const wanted = (name: string) => name === kind || name === "default";
  for (const node of ast.program.body) {
    if (node.type === "ExportDefaultDeclaration") {
      found.push({ exported: "default", handler: fromDefault(node, bindings) });
    } else if (node.type === "ExportNamedDeclaration") {
      const decl = node.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id && wanted(decl.id.name)) {
        found.push({ exported: decl.id.name, handler: userFunction(decl, node, "declaration", decl.id.name) });
      }
      if (decl?.type === "VariableDeclaration") {
        for (const d of decl.declarations) {
          // `export const { auth: middleware } = NextAuth(config)`: judged by the call it comes from.
          const fromPattern = d.id.type === "ObjectPattern" ? patternExport(d.id, wanted) : undefined;
          if (fromPattern) found.push({ exported: fromPattern, handler: fromDeclarator(d, bindings, node, "declaration") });
          if (d.id.type !== "Identifier" || !wanted(d.id.name)) continue;
          const handler = decl.declarations.length > 1 ? unknown("several variables in one `export const`") : fromDeclarator(d, bindings, node, "declaration");
          found.push({ exported: d.id.name, handler });
        }
      }
      for (const spec of node.specifiers) {
        const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
        if (!wanted(exported)) continue;
        const local = spec.type === "ExportSpecifier" ? spec.local.name : "*";
        const handler: Handler = node.source
          ? isClerkMiddleware(node.source.value, local)
            ? BARE_CLERK
            : { kind: "reexport", source: node.source.value, imported: local }
          : node.specifiers.length > 1
            ? unknown("exported from an `export { ... }` list")
            : fromIdentifier(local, bindings, node);
        found.push({ exported, handler });
      }
    } else if (node.type === "ExportAllDeclaration") {
      found.push({ exported: "export *", handler: { kind: "reexport", source: node.source.value, imported: "*" } });
    }
  }
  return found;
}

/** Names of the file's exports, for messages. */
export function exportedNames(ast: File): string[] {
  const names: string[] = [];
  for (const node of ast.program.body) {
    if (node.type !== "ExportNamedDeclaration") continue;
    const decl = node.declaration;
    if ((decl?.type === "FunctionDeclaration" || decl?.type === "ClassDeclaration") && decl.id) names.push(decl.id.name);
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) if (d.id.type === "Identifier") names.push(d.id.name);
    }
    for (const spec of node.specifiers) names.push(spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value);
  }
  return names;
}

function unknown(what: string): Handler {
  return { kind: "unknown", what };
}

function userFunction(fn: UserFn, exportNode: Statement, site: UserSite, name?: string, typedAsMiddleware = false): UserHandler {
  return { kind: "user", fn, name, site, exportNode, typedAsMiddleware };
}

function fromDefault(node: Extract<Statement, { type: "ExportDefaultDeclaration" }>, bindings: Bindings): Handler {
  const decl = node.declaration;
  if (decl.type === "FunctionDeclaration") return userFunction(decl, node, "declaration", decl.id?.name);
  if (decl.type === "Identifier") return fromIdentifier(decl.name, bindings, node);
  return fromValue(decl, bindings, node, "expression");
}

/** The name of `{ auth: middleware }` that Next.js would run, if any. */
function patternExport(pattern: ObjectPattern, wanted: (name: string) => boolean): string | undefined {
  for (const prop of pattern.properties) {
    if (prop.type === "ObjectProperty" && prop.value.type === "Identifier" && wanted(prop.value.name)) return prop.value.name;
  }
  return undefined;
}

function fromDeclarator(d: VariableDeclarator, bindings: Bindings, exportNode: Statement, site: UserSite): Handler {
  const init = d.init ? unwrapTs(d.init) : undefined;
  if (d.id.type !== "Identifier" && init?.type === "CallExpression") return { kind: "call", call: init, exportNode };
  if (!d.init || d.id.type !== "Identifier") return unknown("a variable without a value");
  return fromValue(d.init, bindings, exportNode, site, d.id.name, !!d.id.typeAnnotation);
}

function fromValue(value: Node, bindings: Bindings, exportNode: Statement, site: UserSite, name?: string, annotated = false): Handler {
  const inner = unwrapTs(value);
  if (inner.type === "ArrowFunctionExpression" || inner.type === "FunctionExpression") {
    return userFunction(inner, exportNode, site, name, annotated || inner !== value);
  }
  if (inner.type === "CallExpression") {
    if (isClerkMiddlewareCallee(inner.callee, bindings)) return { kind: "clerk", setup: clerkSetup(inner), call: inner };
    return { kind: "call", call: inner, exportNode };
  }
  // `NextAuth(config).auth`: judged by the call it comes from.
  if (inner.type === "MemberExpression" && inner.object.type === "CallExpression") {
    return { kind: "call", call: inner.object, exportNode };
  }
  if (inner.type === "Identifier" && site !== "statement") return fromIdentifier(inner.name, bindings, exportNode);
  if (inner.type === "Identifier") {
    const call = clerkInstances(bindings).get(inner.name);
    return call ? { kind: "clerk", setup: clerkSetup(call), call } : unknown(`\`${name ?? "it"}\`, an alias of \`${inner.name}\``);
  }
  return unknown(inner.type === "MemberExpression" ? "a function taken from an object" : "not a function Next.js can call");
}

/** `export default f` / `export { f as middleware }` / `export const middleware = f`: what is f? */
function fromIdentifier(local: string, bindings: Bindings, exportNode: Statement): Handler {
  const imported = bindings.imports.get(local);
  if (imported && isClerkMiddleware(imported.source, imported.imported)) return BARE_CLERK;
  if (imported) return { kind: "imported", local, ...imported };
  const decl = bindings.locals.get(local);
  if (decl?.type === "FunctionDeclaration") return userFunction(decl, exportNode, "statement", local);
  // fromValue with site "statement" doesn't follow a further alias, so this can't loop.
  if (decl?.type === "VariableDeclarator") return fromDeclarator(decl, bindings, exportNode, "statement");
  return unknown(`\`${local}\`, which is not declared in this file`);
}

export function clerkSetup(call: CallExpression): ClerkSetup {
  const args = call.arguments.map(unwrapTs).filter((arg) => !(arg.type === "ObjectExpression" && arg.properties.length === 0));
  const [first] = args;
  if (!first) return "bare";
  return args.length === 1 && first.type === "ObjectExpression" ? "options" : "handler";
}

/** `export default clerkMiddleware` / `export { clerkMiddleware as default } from "@clerk/nextjs/server"`: Clerk called directly. */
function isClerkMiddleware(source: string, imported: string): boolean {
  return source === CLERK_SERVER && imported === "clerkMiddleware";
}

/** Is `callee` clerkMiddleware from @clerk/nextjs/server (`clerkMiddleware`, `cm` as alias, `clerk.clerkMiddleware`)? */
function isClerkMiddlewareCallee(callee: Node, bindings: Bindings): boolean {
  return importedNameOf(callee, bindings, CLERK_SERVER) === "clerkMiddleware";
}

/** Module-level names that hold Clerk: `const clerk = clerkMiddleware(...)`, and aliases of them. */
export function clerkInstances(bindings: Bindings): Map<string, CallExpression> {
  const instances = new Map<string, CallExpression>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, decl] of bindings.locals) {
      if (instances.has(name) || decl.type !== "VariableDeclarator" || decl.id.type !== "Identifier" || !decl.init) continue;
      const init = unwrapTs(decl.init);
      const call =
        init.type === "CallExpression" && isClerkMiddlewareCallee(init.callee, bindings)
          ? init
          : init.type === "Identifier"
            ? instances.get(init.name)
            : undefined;
      if (call) {
        instances.set(name, call);
        grew = true;
      }
    }
  }
  return instances;
}

/** The Clerk instance the user's function calls, if it mentions one. */
export function calledInstance(fn: UserFn, instances: Map<string, CallExpression>): string | undefined {
  return [...instances.keys()].find((name) => mentions(fn.body, new Set([name])));
}

/**
 * Does the function only hand the request to Clerk: `(req, event) => clerk(req, event)` or
 * `{ return clerk(req) }`, passing its own parameters in order? Then it is Clerk on every path.
 */
export function onlyDelegates(fn: UserFn, instance: string): boolean {
  let body: Node | null | undefined = fn.body;
  if (body.type === "BlockStatement") {
    const [only] = body.body;
    body = body.body.length === 1 && only?.type === "ReturnStatement" ? only.argument : undefined;
  }
  body = body ? unwrapTs(body) : undefined;
  if (body?.type === "AwaitExpression") body = unwrapTs(body.argument);
  if (body?.type !== "CallExpression" || body.callee.type !== "Identifier" || body.callee.name !== instance) return false;
  return body.arguments.every((arg, i) => {
    const param = fn.params[i];
    return arg.type === "Identifier" && param?.type === "Identifier" && param.name === arg.name;
  });
}

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
 * `onlyOnOldMatcher(async (auth, req) => …)`, as an earlier run of this tool wrote it: the
 * handler, and where it runs (the old matcher's regular expressions, from `const oldMatcher = [...]`).
 */
function ownGuard(node: Node, source: SourceFile): { handler: ArrowFunctionExpression | FunctionExpression; ranOn: (path: string) => boolean } | undefined {
  if (node.type !== "CallExpression" || node.callee.type !== "Identifier" || !node.callee.name.startsWith("onlyOnOldMatcher")) return undefined;
  if (source.bindings.locals.get(node.callee.name)?.type !== "FunctionDeclaration") return undefined;
  const inner = node.arguments[0] ? unwrapTs(node.arguments[0]) : undefined;
  if (inner?.type !== "ArrowFunctionExpression" && inner?.type !== "FunctionExpression") return undefined;
  const regexps: RegExp[] = [];
  for (const [name, decl] of source.bindings.locals) {
    if (!name.startsWith("oldMatcher") || decl.type !== "VariableDeclarator" || decl.init?.type !== "ArrayExpression") continue;
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
