// The ONE reader of who a middleware/proxy lets through, read statically (by the audit, by the plan
// for a route that must stay public or take machine tokens, and by migrate). Every shape below is
// read as the ordered steps a request can end at (gate-steps.ts), evaluated per path for a
// signed-out caller (gate-values.ts); anything else is `{ ok: false, why }`, never a guess.
//
//   const isProtectedRoute = createRouteMatcher(["/dashboard(.*)", "/api(.*)"]);
//   export default clerkMiddleware(async (auth, req) => {
//     if (isProtectedRoute(req)) await auth.protect();                        // protect what matches
//     if (!isPublicRoute(req)) await auth.protect();                          // protect all but what matches
//     if (isAdminRoute(req)) await auth.protect({ role: "org:admin" });       // …and what it requires
//     if (isPublicRoute(req)) return;                                         // an exit: later rules skip these paths
//     const { userId, redirectToSignIn } = await auth();
//     if (!isPublicRoute(req) && !userId) return redirectToSignIn();          // a gate without protect()
//     if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 }); // a hand gate
//     if (isAdminRoute(req) && sessionClaims?.metadata?.role !== "admin")     // custom: stops signed-out
//       return NextResponse.redirect(new URL("/", req.url));                  // callers, not translatable
//   });
//   clerkMiddleware((auth, req) => { if (isProtectedRoute(req)) auth().protect(); })  // Clerk 5
//   authMiddleware({ publicRoutes: ["/"], ignoredRoutes: [...] })                      // Clerk 4/5
//   export function proxy(req, event) {                     // the user's proxy, Clerk on some paths only
//     if (req.nextUrl.pathname.startsWith("/api")) return clerkMiddleware(handler)(req, event);
//     return intlMiddleware(req);
//   }
// createRouteMatcher compiles each pattern with path-to-regexp 6 (route-patterns.ts).
import type { ArrayExpression, File, Node } from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { unwrapTs } from "../js/nodes.js";
import type { SourceFile } from "../js/parse.js";
import { type RouteMatcher, routeMatchers } from "./route-patterns.js";
import { isGuardName } from "./names.js";
import { clerkInstances, findHandlers, type Handler } from "./middleware-handler.js";
import { allOf, type Scope, type Truth, truthOf } from "./gate-values.js";
import { type Flaw, type Gate, type Guard, type ReadContext, type Step, Unreadable } from "./gate-model.js";
import { handlerFunction, readFunction } from "./gate-steps.js";
import { andAtoms } from "./gate-requirements.js";
import { readAuthMiddleware } from "./legacy-auth-middleware.js";

export { routeMatchers, type RouteMatcher } from "./route-patterns.js";
export type { Flaw, Gate, GateVia, Requirement, SignedOutAnswer } from "./gate-model.js";
export type { Truth } from "./gate-values.js";

export type RuleVerdict =
  /** No rule stops a signed-out caller there (or there is no handler with rules). */
  | { kind: "public" }
  /** `rule`: the text of the first rule that stops a signed-out caller; `gate`: what it answers and requires. */
  | { kind: "protected"; rule: string; gate: Gate }
  /** Rules this reader cannot follow: delegation, computed lists, other conditions. */
  | { kind: "unknown"; why: string };

/** One `matcher(req)` or `!matcher(req)` that must hold for a rule to apply. */
export interface RuleTerm {
  /** The createRouteMatcher const, e.g. isPublicRoute ("publicRoutes" for authMiddleware's list). */
  matcher: string;
  negated: boolean;
  /** The argument's text, e.g. req. */
  argument: string;
  /** The matcher's pattern list, when it is an array literal this tool may add a pattern to. */
  patterns?: ArrayExpression;
}

/** A gate: a step that answers a signed-out caller itself. */
export interface Rule {
  /** The tests on its way (`if (…)`), or "always". */
  text: string;
  /** A signed-out caller on `pathname` certainly meets this rule (earlier rules aside). */
  protects(pathname: string): boolean;
  /** …or may: a test this reader cannot decide, a step that may do nothing. */
  mayProtect(pathname: string): boolean;
  /** The rule may apply to some caller on `pathname` (signed in or not): what a consumer must carry over. */
  governs(pathname: string): boolean;
  /** Route-matcher terms that must hold for it to apply (from its tests, and earlier exits). */
  terms: RuleTerm[];
  /** The innermost `if` test it sits in (the consequent side), absent for "always". */
  test?: Node;
  /** The request's name where `test` is written (to add `&& !isX(req)`). */
  request?: string;
  /** What it answers a signed-out caller, and what it requires of a signed-in one. */
  gate: Gate;
  line: number;
  /** Written inside a clerkMiddleware() handler (else in the user's own function, e.g. authMiddleware's). */
  inClerk: boolean;
}

/** What a signed-out caller meets on one path. */
export type SignedOutFate =
  /** Every way through lets the request go on. */
  | { kind: "through" }
  /** Every way through stops it, at least one by a rule: `rule` is the first. */
  | { kind: "protected"; rule: Rule }
  /** Other code (a rewrite, a rate limiter, another middleware) answers on some way through; no rule does. */
  | { kind: "answered"; code: string; blocks: boolean }
  | { kind: "unknown"; why: string };

export interface ReadOptions {
  /** The installed (else declared) @clerk/nextjs major: auth() is sync before 6, auth.protect() async from 6. */
  clerkMajor?: number;
  /** Which export Next.js runs by name ("proxy" on Next 16+, "middleware" before); default: by the file's exports. */
  kind?: "proxy" | "middleware";
}

export type ReadRules =
  | {
      ok: true;
      /** The gates, in the order they run. */
      rules: Rule[];
      signedOut(pathname: string): SignedOutFate;
      /** Whether Clerk runs on `pathname` once Next.js sends the request to the file (config.matcher aside). */
      clerkRuns(pathname: string): Truth;
      /** Rules that do something other than they seem to: the audit reports them. */
      flaws: Flaw[];
      /** The middleware is authMiddleware() (Clerk 4/5). */
      legacy: boolean;
    }
  | { ok: false; why: string };

/** What a file without a middleware Next.js runs has: no rules, and Clerk nowhere. */
export function noRules(): ReadRules {
  return {
    ok: true,
    rules: [],
    signedOut: () => ({ kind: "through" }),
    clerkRuns: () => false,
    flaws: [],
    legacy: false,
  };
}

/** Reads who the file's middleware lets through. A file without a middleware Next.js runs: no rules. */
export function readClerkRules(source: SourceFile, options: ReadOptions = {}): ReadRules {
  const { ast, bindings } = source;
  const kind = options.kind ?? (exportsName(ast, "proxy") ? "proxy" : "middleware");
  const handlers = findHandlers(ast, bindings, kind);
  if (handlers.length > 1)
    return { ok: false, why: `it exports more than one middleware (${handlers.map((h) => h.exported).join(", ")})` };
  const handler = handlers[0]?.handler;
  const matchers = routeMatchers(bindings, ast);
  const ctx: ReadContext = {
    code: source.code,
    bindings,
    matchers: new Map([...matchers].map(([name, m]) => [name, m.regexps])),
    clerkMajor: options.clerkMajor,
    pathTests: ownPathTests(bindings),
    instances: clerkInstances(bindings),
    steps: [],
    flaws: [],
  };
  if (!handler) return done(ctx, matchers, { legacy: false }, true);
  try {
    return done(ctx, matchers, readHandler(handler, ctx, ast), false);
  } catch (error) {
    if (error instanceof Unreadable) return { ok: false, why: error.message };
    throw error;
  }
}

/** authMiddleware() (Clerk 4/5) and its publicRoutes list, when that is what Next.js runs. */
interface Legacy {
  legacy: boolean;
  publicRoutes?: ArrayExpression;
}

function exportsName(ast: File, name: string): boolean {
  return ast.program.body.some(
    (node) =>
      node.type === "ExportNamedDeclaration" &&
      ((node.declaration?.type === "FunctionDeclaration" && node.declaration.id?.name === name) ||
        (node.declaration?.type === "VariableDeclaration" &&
          node.declaration.declarations.some((d) => d.id.type === "Identifier" && d.id.name === name)) ||
        node.specifiers.some((s) => (s.exported.type === "Identifier" ? s.exported.name : s.exported.value) === name)),
  );
}

/** Appends the steps of the function Next.js runs. Throws Unreadable. */
function readHandler(handler: Handler, ctx: ReadContext, ast: File): Legacy {
  const none: Legacy = { legacy: false };
  switch (handler.kind) {
    case "clerk": {
      if (!handler.call) {
        ctx.steps.push({
          guards: [],
          outcome: { kind: "pass" },
          node: ast.program,
          inClerk: true,
          request: undefined,
          outer: 0,
        });
        return none;
      }
      const own = ownGuard(handler.call, ctx);
      const fn = own?.fn ?? handlerFunction(handler.call, ctx.bindings);
      if (fn === "options") {
        ctx.steps.push({
          guards: [],
          outcome: { kind: "pass" },
          node: handler.call,
          inClerk: true,
          request: undefined,
          outer: 0,
        });
        return none;
      }
      if (!fn) throw new Unreadable("its clerkMiddleware() handler is not a function this reader can see");
      readFunction(fn, ctx, { clerkHandler: true, guards: own ? [own.guard] : [] });
      // Outside this tool's guard, the handler does not run: Clerk answers alone.
      if (own)
        ctx.steps.push({
          guards: [],
          outcome: { kind: "pass" },
          node: handler.call,
          inClerk: true,
          request: undefined,
          outer: 0,
        });
      return none;
    }
    case "user":
      readFunction(handler.fn, ctx, { clerkHandler: false, guards: [] });
      return none;
    case "call": {
      const callee = unwrapTs(handler.call.callee);
      const name =
        importedNameOf(callee, ctx.bindings, "@clerk/nextjs/server") ??
        importedNameOf(callee, ctx.bindings, "@clerk/nextjs");
      if (name !== "authMiddleware")
        throw new Unreadable(
          `its middleware is built by ${ctx.code.slice(callee.start ?? 0, callee.end ?? 0)}(...), which this reader does not follow`,
        );
      if (ctx.clerkMajor !== undefined && ctx.clerkMajor >= 6) {
        ctx.flaws.push({ kind: "legacyRemoved", line: handler.call.loc?.start.line ?? 0 });
        throw new Unreadable(
          `it uses authMiddleware(), which @clerk/nextjs ${ctx.clerkMajor} no longer exports: it does not build`,
        );
      }
      const { publicRoutes } = readAuthMiddleware(handler.call, ctx);
      return { legacy: true, ...(publicRoutes ? { publicRoutes } : {}) };
    }
    case "imported":
      throw new Unreadable(
        `its middleware is \`${handler.local}\` from "${handler.source}", which this reader does not open`,
      );
    case "reexport":
      throw new Unreadable(`it re-exports its middleware from "${handler.source}"`);
    case "unknown":
      throw new Unreadable(`its middleware is ${handler.what}`);
  }
}

/**
 * `clerkMiddleware(onlyOnOldMatcher(async (auth, req) => …))`, as an earlier run of this tool wrote
 * it (see plan/middleware/edits.ts): the handler, and where it runs (the old matcher's regular
 * expressions, from `const oldMatcher = [...]`).
 */
function ownGuard(call: Node, ctx: ReadContext) {
  if (call.type !== "CallExpression") return undefined;
  const node = call.arguments[0] ? unwrapTs(call.arguments[0]) : undefined;
  if (node?.type !== "CallExpression" || node.callee.type !== "Identifier" || !isGuardName(node.callee.name, "wrapper"))
    return undefined;
  if (ctx.bindings.locals.get(node.callee.name)?.type !== "FunctionDeclaration") return undefined;
  const inner = node.arguments[0] ? unwrapTs(node.arguments[0]) : undefined;
  if (inner?.type !== "ArrowFunctionExpression" && inner?.type !== "FunctionExpression") return undefined;
  const regexps = oldMatcherRegExps(ctx.bindings);
  if (!regexps) return undefined;
  const scope: Scope = { names: new Map(), matchers: ctx.matchers, clerkMajor: ctx.clerkMajor };
  const guard: Guard = { branch: true, scope, holds: (path) => regexps.some((regexp) => regexp.test(path)) };
  return { fn: inner, guard };
}

/** The regular expressions of this tool's `const oldMatcher = [/…/]` lists; undefined when there is none, or one is not all regexps. */
function oldMatcherRegExps(bindings: Bindings): RegExp[] | undefined {
  const regexps: RegExp[] = [];
  for (const [name, decl] of bindings.locals) {
    if (!isGuardName(name, "list") || decl.type !== "VariableDeclarator" || decl.init?.type !== "ArrayExpression")
      continue;
    for (const element of decl.init.elements) {
      if (element?.type !== "RegExpLiteral") return undefined;
      regexps.push(new RegExp(element.pattern, element.flags));
    }
  }
  return regexps.length > 0 ? regexps : undefined;
}

/**
 * `function matchesOldMatcher(pathname) { … oldMatcher.some(…) }`, as an earlier run of this tool
 * wrote it (templates/middleware/guard.hbs): read as a test of the old matcher on the path. A file
 * with a header condition (`headerMatches`) is not: its guard also depends on the request.
 */
function ownPathTests(bindings: Bindings): Map<string, RegExp[]> | undefined {
  const regexps = oldMatcherRegExps(bindings);
  if (!regexps || [...bindings.locals.keys()].some((name) => isGuardName(name, "header"))) return undefined;
  const tests = new Map<string, RegExp[]>();
  for (const [name, decl] of bindings.locals) {
    if (isGuardName(name, "matches") && decl.type === "FunctionDeclaration" && decl.params.length === 1)
      tests.set(name, regexps);
  }
  return tests.size > 0 ? tests : undefined;
}

// ---- From steps to rules ----

function done(ctx: ReadContext, matchers: Map<string, RouteMatcher>, legacy: Legacy, empty: boolean): ReadRules {
  const steps = ctx.steps;
  const signedOut = (path: string) => ({ path, signedOut: true });
  const guardTruth = (guard: Guard, world: { path: string; signedOut: boolean }): Truth =>
    guard.holds ? guard.holds(world.path) : guardTest(guard, world);
  const reached = (step: Step, world: { path: string; signedOut: boolean }) =>
    allOf(step.guards.map((g) => guardTruth(g, world)));
  const rules: Rule[] = [];
  const ruleOf = new Map<Step, Rule>();
  steps.forEach((step, index) => {
    if (step.outcome.kind !== "gate") return;
    const earlierExits = steps.slice(0, index).filter((s) => s.outcome.kind !== "gate");
    // An earlier exit that certainly fires makes the rule unreachable there; one that may, uncertain.
    const exitFires = (path: string): Truth => {
      let result: Truth = false;
      for (const exit of earlierExits) {
        const t = reached(exit, signedOut(path));
        if (t === true) return true;
        if (t === "unknown") result = "unknown";
      }
      return result;
    };
    const rule: Rule = {
      text: ruleText(step, ctx.code),
      protects: (path) => !step.uncertain && reached(step, signedOut(path)) === true && exitFires(path) === false,
      mayProtect: (path) => reached(step, signedOut(path)) !== false && exitFires(path) !== true,
      governs: (path) => reached(step, { path, signedOut: false }) !== false,
      terms: termsOf(step, steps.slice(0, index), ctx, matchers, legacy),
      ...innermostTest(step),
      gate: step.outcome.gate,
      line: step.node.loc?.start.line ?? 0,
      inClerk: step.inClerk,
    };
    rules.push(rule);
    ruleOf.set(step, rule);
  });
  return {
    ok: true,
    rules,
    flaws: ctx.flaws,
    legacy: legacy.legacy,
    clerkRuns: (path) => {
      if (empty) return false;
      const possible = possibleSteps(steps, (s) => reached(s, { path, signedOut: false }));
      if (possible.every((s) => s.inClerk)) return true;
      return possible.some((s) => s.inClerk) ? "unknown" : false;
    },
    signedOut: (path) =>
      fate(
        possibleSteps(steps, (s) => reached(s, signedOut(path)), true),
        ruleOf,
      ),
  };
}

function guardTest(guard: Guard, world: { path: string; signedOut: boolean }): Truth {
  const t = truthOf(guard.test!, guard.scope, world);
  return t === "unknown" ? t : t === guard.branch;
}

/**
 * The steps a request may end at, in order, until one certainly ends it. With `gatesFire`, a gate
 * (for a signed-out caller) ends the request whenever it is reached, unless it may do nothing.
 */
function possibleSteps(steps: Step[], reached: (step: Step) => Truth, gatesFire = false): Step[] {
  const possible: Step[] = [];
  for (const step of steps) {
    const t = reached(step);
    if (t === false) continue;
    possible.push(step);
    const ends = step.outcome.kind !== "gate" || gatesFire;
    if (t === true && ends && !step.uncertain) break;
  }
  return possible;
}

function fate(possible: Step[], ruleOf: Map<Step, Rule>): SignedOutFate {
  if (possible.every((s) => s.outcome.kind === "pass")) return { kind: "through" };
  const gates = possible.filter((s) => s.outcome.kind === "gate");
  const stops = (s: Step) =>
    (s.outcome.kind === "gate" && !s.uncertain) || (s.outcome.kind === "answer" && s.outcome.blocks);
  if (gates.length > 0 && possible.every(stops)) return { kind: "protected", rule: ruleOf.get(gates[0]!)! };
  if (gates.length > 0) {
    const uncertain = gates.find((s) => s.uncertain);
    if (uncertain) return { kind: "unknown", why: uncertain.uncertain! };
    const rule = ruleOf.get(gates[0]!)!;
    return {
      kind: "unknown",
      why: `${rule.text === "always" ? "a rule" : `\`${rule.text}\``} decides on something this reader cannot follow there`,
    };
  }
  const answer = possible.find((s) => s.outcome.kind === "answer")!;
  const outcome = answer.outcome as Extract<Step["outcome"], { kind: "answer" }>;
  return { kind: "answered", code: outcome.code, blocks: outcome.blocks };
}

function ruleText(step: Step, code: string): string {
  const parts = step.guards
    .filter((g) => g.test)
    .map((g) => {
      const t = code.slice(g.test!.start ?? 0, g.test!.end ?? 0);
      return g.branch ? t : `!(${t})`;
    });
  return parts.length > 0 ? parts.join(" && ") : "always";
}

function innermostTest(step: Step): { test?: Node; request?: string } {
  const guard = [...step.guards].reverse().find((g) => g.test && g.branch);
  if (!guard?.test) return {};
  const request = [...guard.scope.names].find(([, b]) => b.kind === "request")?.[0];
  return { test: guard.test, ...(request ? { request } : {}) };
}

/** `isX(arg)` with isX a route matcher not shadowed where it is written. */
function matcherCall(node: Node, scope: Scope): { name: string; argument: Node } | undefined {
  const n = unwrapTs(node);
  if (n.type !== "CallExpression" || n.callee.type !== "Identifier" || n.arguments.length !== 1) return undefined;
  if (!scope.matchers.has(n.callee.name) || scope.names.has(n.callee.name)) return undefined;
  const argument = n.arguments[0]!;
  return argument.type === "SpreadElement" || argument.type === "ArgumentPlaceholder"
    ? undefined
    : { name: n.callee.name, argument };
}

/** `isX(req)` / `!isX(req)` as a term. */
function termOf(
  node: Node,
  negate: boolean,
  scope: Scope,
  code: string,
  matchers: Map<string, RouteMatcher>,
): RuleTerm | undefined {
  const n = unwrapTs(node);
  const not = n.type === "UnaryExpression" && n.operator === "!";
  const call = matcherCall(not ? n.argument : n, scope);
  if (!call) return undefined;
  const patterns = matchers.get(call.name)?.patterns;
  return {
    matcher: call.name,
    negated: not !== negate,
    argument: code.slice(call.argument.start ?? 0, call.argument.end ?? 0),
    ...(patterns ? { patterns } : {}),
  };
}

/** `a || b || c` as its parts. */
function orAtoms(node: Node): Node[] {
  const n = unwrapTs(node);
  return n.type === "LogicalExpression" && n.operator === "||" ? [...orAtoms(n.left), ...orAtoms(n.right)] : [n];
}

/**
 * The route-matcher terms that must hold for a step to apply: && parts of the tests it sits in,
 * negated parts of the `else` it sits in, and the negation of an earlier `if (isPublicRoute(req)) return;`.
 */
function termsOf(
  step: Step,
  earlier: Step[],
  ctx: ReadContext,
  matchers: Map<string, RouteMatcher>,
  legacy: Legacy,
): RuleTerm[] {
  const terms: RuleTerm[] = [];
  if (legacy.legacy) {
    terms.push({
      matcher: "publicRoutes",
      negated: true,
      argument: "",
      ...(legacy.publicRoutes ? { patterns: legacy.publicRoutes } : {}),
    });
    return terms;
  }
  const add = (term: RuleTerm | undefined) => term && terms.push(term);
  for (const guard of step.guards) {
    if (!guard.test) continue;
    if (guard.branch)
      for (const atom of andAtoms(guard.test)) add(termOf(atom, false, guard.scope, ctx.code, matchers));
    else {
      const atoms = orAtoms(guard.test);
      const parts = atoms.map((atom) => termOf(atom, true, guard.scope, ctx.code, matchers));
      if (parts.every(Boolean)) parts.forEach(add);
    }
  }
  for (const exit of earlier) {
    if (exit.outcome.kind !== "pass" || exit.guards.length !== exit.outer + 1) continue;
    if (exit.guards.slice(0, exit.outer).some((g, i) => step.guards[i] !== g)) continue;
    const guard = exit.guards.at(-1)!;
    if (!guard.test || !guard.branch) continue;
    const parts = orAtoms(guard.test).map((atom) => termOf(atom, true, guard.scope, ctx.code, matchers));
    if (parts.every(Boolean)) parts.forEach(add);
  }
  return terms;
}

/** Whether the rules stop a signed-out caller on every sample path of a route (several: all of them). */
export function ruleVerdict(read: ReadRules, paths: string[]): RuleVerdict {
  if (!read.ok) return { kind: "unknown", why: read.why };
  const fates = paths.map((path) => read.signedOut(path));
  const unknown = fates.find((f) => f.kind === "unknown");
  if (unknown?.kind === "unknown") return { kind: "unknown", why: unknown.why };
  const protectedBy = fates.filter((f): f is Extract<SignedOutFate, { kind: "protected" }> => f.kind === "protected");
  if (protectedBy.length === paths.length && protectedBy[0])
    return { kind: "protected", rule: protectedBy[0].rule.text, gate: protectedBy[0].rule.gate };
  if (protectedBy[0]) return { kind: "unknown", why: `${protectedBy[0].rule.text} protects some of its paths only` };
  return { kind: "public" };
}
