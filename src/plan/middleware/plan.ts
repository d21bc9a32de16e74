// The decision for an existing middleware/proxy file: unchanged, patched, or refused with the
// exact edit to make by hand. Loaded only when such a file exists (run.ts imports it lazily),
// since it brings in the parser, magic-string and path-to-regexp.
import MagicString from "magic-string";
import { pathToRegexp } from "path-to-regexp";
import { withEol } from "../../core/text.js";
import type { CallExpression, Node } from "@babel/types";
import {
  addMatcherEntry,
  addPublicMatcher,
  addPublicPattern,
  ensureClerkMiddlewareImport,
  type Guard,
  guardClerkHandler,
  wrapUserMiddleware,
} from "./edits.js";
import {
  calledInstance,
  clerkInstances,
  clerkSetup,
  exportedNames,
  findHandlers,
  type Handler,
  onlyDelegates,
  type UserHandler,
} from "../../clerk/middleware-handler.js";
import { type ReadRules, readClerkRules, type Rule, routeMatchers, ruleVerdict } from "../../clerk/rules.js";
import { type GateFacts, gateWords, refuseGates } from "./gate-refusals.js";
import { skipRouteEdit } from "./skip-route.js";
import type { MiddlewareResult, PatchNote, PlanContext } from "./index.js";
import { CLERK_API_ENTRY, createContent } from "../../clerk/generated.js";
import { entryCovering } from "../../clerk/matcher-entry.js";
import {
  coverage,
  mayRunOn,
  type Matcher,
  type MatcherCondition,
  nextMatcherRegExp,
  readConfig,
  routeMatcherSource,
  samplePaths,
} from "../../next/matcher.js";
import { clerkLocals, isGuardName } from "../../clerk/names.js";
import { mentions, unwrapTs } from "../../js/nodes.js";
import { readSource, type SourceFile } from "../../js/parse.js";
import { uniqueName } from "../../js/bindings.js";
import { looksLikeAuthjs, refuse, refuseForeign, type RefusalContext } from "./refusals.js";
import { exemptionEdit, findExposures } from "../../clerk/exposure.js";

/**
 * Patches an existing middleware/proxy file (a missing one is created by plan/index.ts, without
 * loading this module). Never throws for user content: a shape it can't handle → "refused".
 */
export function planMiddleware(existing: string, ctx: PlanContext): MiddlewareResult {
  const target = targetFor(ctx, false);
  try {
    if (ctx.need === "public") return planPublic(existing, ctx, target.rctx);
    if (ctx.need === "clerk-unprotected") return planUnprotected(existing, ctx, target);
    return planExisting(existing, ctx, target);
  } catch (error) {
    return refuse.unexpected(target.rctx, error);
  }
}

/** The matcher entry to add for the route, and the refusal context that names it. */
interface Target {
  entry: string | undefined;
  rctx: RefusalContext;
}

/** `ownOnly`: the route's own entry, not Clerk's broad "/(api|trpc)(.*)" (see entryCovering). */
function targetFor(ctx: PlanContext, ownOnly: boolean): Target {
  const entry = entryCovering(ctx.route, ownOnly);
  return { entry, rctx: { path: ctx.path, route: ctx.route, entry: entry ?? routeMatcherSource(ctx.route) } };
}

/** Clerk v4/v5 APIs that @clerk/nextjs removed, by the major that removed them. */
const LEGACY_CLERK: Record<string, number> = { authMiddleware: 6, withClerkMiddleware: 5 };

function planExisting(code: string, ctx: PlanContext, target: Target): MiddlewareResult {
  const rctx = target.rctx;
  const read = readSource(code, ctx.path, ctx.typescript);
  if (!read.ok) return refuse.syntaxError(rctx, read.error);
  const src = read.source;
  const { ast, bindings } = src;
  const legacy = [...bindings.imports.values()].find(
    (b) => b.imported in LEGACY_CLERK && b.source.startsWith("@clerk/nextjs"),
  );
  if (legacy) return refuse.legacyClerk(rctx, legacy.imported, LEGACY_CLERK[legacy.imported] ?? 6);
  if (ast.program.body.length === 0) return fillEmpty(src, ctx);

  const handlers = findHandlers(ast, bindings, ctx.kind);
  const [first] = handlers;
  if (!first) {
    const authjs = [...bindings.imports.values()].find((b) => looksLikeAuthjs(b.source, b.imported));
    if (authjs)
      return refuse.authjs(
        rctx,
        `it imports \`${authjs.imported === "default" ? "NextAuth" : authjs.imported}\` from "${authjs.source}" but has no \`${ctx.kind}\` or default export Next.js runs`,
      );
    const names = exportedNames(ast).map((n) => `\`${n}\``);
    return refuse.noHandler(rctx, ctx.kind, names.length ? `it exports ${names.join(", ")}` : "it exports nothing");
  }
  if (handlers.length > 1)
    return refuse.several(
      rctx,
      handlers.map((h) => h.exported),
    );
  const handler = first.handler;
  if (handler.kind !== "clerk" && handler.kind !== "user") return refuseForeign(handler, code, bindings, rctx);

  // A function that only hands the request to a Clerk instance (`return clerk(req)`) is Clerk.
  const instances = clerkInstances(bindings);
  const instance = handler.kind === "user" ? calledInstance(handler.fn, instances) : undefined;
  const clerk: ClerkHandler | undefined =
    handler.kind === "clerk" ? handler : instance !== undefined ? clerkOf(instances.get(instance)) : undefined;

  // The user's clerkMiddleware() handler or options run wherever the matcher matches: widen it by the new route only.
  const customized = clerk !== undefined && clerk.setup !== "bare";
  const config = readConfig(ast);
  if (!config.ok) return refuse.matcher(customized ? targetFor(ctx, true).rctx : rctx, config.problem);
  const covered = coverage(config.matcher, ctx.route);
  // An entry whose lookahead may skip some of the route's paths: the route's own entry covers every one.
  const lookahead = covered.covered ? undefined : covered.lookahead;
  const { entry, rctx: here } =
    customized || lookahead !== undefined || instance !== undefined ? targetFor(ctx, true) : target;
  if (!covered.covered && covered.invalidSource !== undefined)
    return refuse.invalidMatcher(here, covered.invalidSource);

  if (handler.kind === "user" && instance === undefined) {
    return wrap(src, here, handler, first.exported, config.matcher, covered.covered, entry);
  }
  if (covered.covered) {
    return {
      status: "unchanged",
      note: {
        kind: "middlewareAlreadyCovers",
        path: ctx.path,
        route: ctx.route.pattern,
        everywhere: covered.everywhere,
      },
    };
  }
  if (!clerk) return refuse.uncoverable(here);
  // Code around the call to the Clerk instance would run on the new route too.
  if (handler.kind === "user" && instance !== undefined && !onlyDelegates(handler.fn, instance)) {
    return refuse.codeAroundClerk(here, instance, first.exported);
  }
  if (!entry) return refuse.uncoverable(here);
  const ms = new MagicString(code);
  if (clerk.setup === "handler") {
    const guarded = guardHandler(ms, src, clerk, config.matcher, here);
    if (guarded) return guarded;
  }
  addMatcherEntry(ms, src, config.matcher, entry);
  const note: PatchNote = {
    kind: "matcherEntryAdded",
    path: ctx.path,
    route: ctx.route.pattern,
    entry,
    setup: clerk.setup,
    allApiRoutes: entry === CLERK_API_ENTRY,
    ...(lookahead === undefined ? {} : { lookahead }),
  };
  return patched(ms, note);
}

type ClerkHandler = Extract<Handler, { kind: "clerk" }>;

function clerkOf(call: CallExpression | undefined): ClerkHandler | undefined {
  return call ? { kind: "clerk", setup: clerkSetup(call), call } : undefined;
}

/**
 * The user's clerkMiddleware() handler must not run on paths the matcher gains: it runs behind
 * its old matcher from now on. Returns a refusal when that can't be done.
 */
function guardHandler(
  ms: MagicString,
  src: SourceFile,
  clerk: ClerkHandler,
  matcher: Matcher,
  rctx: RefusalContext,
): MiddlewareResult | undefined {
  const handlerArg = clerk.call?.arguments[0];
  if (!clerk.call || !handlerArg || !isFunctionValue(handlerArg, src)) {
    return refuse.composed(
      rctx,
      "a clerkMiddleware() call whose first argument this tool can't tell apart as a handler or options",
    );
  }
  const guard = guardFor(matcher);
  if (!guard) return refuse.conditionalMatcher(rctx);
  const statement = src.ast.program.body.find(
    (node) => (node.start ?? 0) <= (handlerArg.start ?? 0) && (handlerArg.end ?? 0) <= (node.end ?? 0),
  );
  if (!statement) throw new Error("the clerkMiddleware() call is not in a top-level statement");
  guardClerkHandler(ms, src, handlerArg, statement, guard);
  return undefined;
}

/**
 * A function written in place, a name of a function declared in this file, or a handler an
 * earlier run already guarded (`onlyOnOldMatcher(...)`, which returns a function).
 */
function isFunctionValue(node: Node, src: SourceFile): boolean {
  const inner = unwrapTs(node);
  if (inner.type === "ArrowFunctionExpression" || inner.type === "FunctionExpression") return true;
  if (
    inner.type === "CallExpression" &&
    inner.callee.type === "Identifier" &&
    isGuardName(inner.callee.name, "wrapper")
  ) {
    return src.bindings.locals.get(inner.callee.name)?.type === "FunctionDeclaration";
  }
  if (inner.type !== "Identifier") return false;
  const local = src.bindings.locals.get(inner.name);
  if (local?.type === "FunctionDeclaration") return true;
  const init = local?.type === "VariableDeclarator" && local.init ? unwrapTs(local.init) : undefined;
  return init?.type === "ArrowFunctionExpression" || init?.type === "FunctionExpression";
}

/** The old matcher as a guard; undefined when an entry has a condition other than a header (cookie, query, host). */
function guardFor(matcher: Matcher): Guard | undefined {
  if (matcher.kind === "everywhere") return { entries: [] };
  const entries: Guard["entries"] = [];
  for (const e of matcher.entries) {
    const conditions = [...e.has, ...e.missing];
    if (conditions.some((c) => c.type !== "header")) return undefined;
    const strip = ({ key, value }: MatcherCondition) => (value === undefined ? { key } : { key, value });
    entries.push({
      source: e.source,
      regexp: nextMatcherRegExp(e.source) as RegExp,
      has: e.has.map(strip),
      missing: e.missing.map(strip),
    });
  }
  return { entries };
}

/**
 * A middleware without Clerk: Clerk wraps it. When its matcher didn't reach the route, the route
 * joins the matcher and a guard keeps the user's function on the requests it ran on before.
 */
function wrap(
  src: SourceFile,
  rctx: RefusalContext,
  user: UserHandler,
  exported: string,
  matcher: Matcher,
  covered: boolean,
  entry: string | undefined,
): MiddlewareResult {
  if (mentions(user.fn, clerkLocals(src.bindings))) return refuse.composed(rctx, "a function that calls Clerk itself");
  if (user.fn.generator) return refuse.composed(rctx, "a generator function");
  const ms = new MagicString(src.code);
  let guard: Guard | undefined;
  if (!covered && matcher.kind !== "everywhere") {
    guard = guardFor(matcher);
    if (!guard) return refuse.conditionalMatcher(rctx);
    if (!entry) return refuse.uncoverable(rctx);
    addMatcherEntry(ms, src, matcher, entry);
  }
  const clerk = ensureClerkMiddlewareImport(ms, src);
  const local = wrapUserMiddleware(ms, src, user, clerk, guard);
  const note: PatchNote = {
    kind: "middlewareWrapped",
    path: rctx.path,
    exported,
    local,
    ...(guard && entry ? { guardedEntry: entry } : {}),
  };
  return patched(ms, note);
}

function patched(ms: MagicString, note: PatchNote): MiddlewareResult {
  return { status: "patched", after: ms.toString(), note };
}

/** A file with nothing but comments: keep them, add the Clerk middleware below. */
function fillEmpty(src: SourceFile, ctx: PlanContext): MiddlewareResult {
  const note: PatchNote = { kind: "middlewareFilled", path: ctx.path };
  if (src.code.trim() === "") return { status: "patched", after: createContent(), note };
  const { eol } = src.style;
  const separator = src.code.endsWith("\n") ? eol : eol + eol;
  return { status: "patched", after: src.code + separator + withEol(createContent(), eol), note };
}

// ---- A route Clerk must cover, and no session rule may protect (machine tokens) ----

/**
 * A route the middleware did not cover gets its matcher entry, and then only Clerk runs there (the
 * user's handler, rules included, keeps to its old paths: see planExisting). A route it already
 * covered is exempted from the handler's auth.protect() rules, as a webhook's route is.
 */
function planUnprotected(code: string, ctx: PlanContext, target: Target): MiddlewareResult {
  const covered = planExisting(code, ctx, target);
  if (covered.status !== "unchanged") return covered;
  const open = planPublic(code, ctx, target.rctx);
  return open.status === "unchanged" ? covered : open;
}

// ---- A route that must stay public (a webhook) ----

/**
 * The route must answer without a session: never add a matcher entry for it. When the
 * middleware's gates (rules.ts: auth.protect(), redirectToSignIn(), a 401 or a redirect under a
 * test of the session) may stop a signed-out caller there, the route joins a public list a gate
 * already exempts, or a new matcher the gate's test now excludes. The result is read back: every
 * path of the route must go on, and no path Next.js serves from another route or page may lose
 * its protection (clerk/exposure.ts). Otherwise the refusal prints the exact edit to make by hand.
 */
function planPublic(code: string, ctx: PlanContext, rctx: RefusalContext): MiddlewareResult {
  const read = readSource(code, ctx.path, ctx.typescript);
  if (!read.ok) return refuse.syntaxError(rctx, read.error);
  const src = read.source;
  const leave = (reason: "notCovered" | "noRule" | "notClerk"): MiddlewareResult => ({
    status: "unchanged",
    note: { kind: "middlewareLeavesPublic", path: ctx.path, route: ctx.route.pattern, reason },
  });
  const config = readConfig(src.ast);
  if (config.ok && !coverage(config.matcher, ctx.route).covered) return leave("notCovered");
  const paths = samplePaths(ctx.route);
  const options = { kind: ctx.kind, ...(ctx.clerkMajor === undefined ? {} : { clerkMajor: ctx.clerkMajor }) };
  const rules = readClerkRules(src, options);
  const [first] = findHandlers(src.ast, src.bindings, ctx.kind);
  const instances = clerkInstances(src.bindings);
  const isClerk =
    first?.handler.kind === "clerk" ||
    (first?.handler.kind === "user" && calledInstance(first.handler.fn, instances) !== undefined) ||
    (rules.ok && paths.some((path) => rules.clerkRuns(path) !== false));
  const pattern = routeMatcherSource(ctx.route);
  const runsOn = (path: string) => !config.ok || mayRunOn(config.matcher, path);
  // A signed-out caller may be stopped there (a rule this reader cannot read may stop anyone).
  const gated = (read: ReadRules, path: string) => !read.ok || read.signedOut(path).kind !== "through";
  const exempted = pathToRegexp(pattern);
  const exposuresWhere = (exposes: (path: string) => boolean) => findExposures(ctx.route, ctx.appRoutes, exposes);
  // The printed edit exempts the route's own paths, except those of the routes it keeps protected.
  const byHand = () => exposuresWhere((path) => runsOn(path) && exempted.test(path) && gated(rules, path));
  const facts = (why: string, certain: boolean, legacy = false): GateFacts => {
    const exposures = byHand();
    const edit =
      exposures.length > 0
        ? exemptionEdit(ctx.route, exposures)
        : { newRoute: { kind: "pattern" as const, source: pattern }, kept: [] };
    const skip = legacy || !edit ? undefined : skipRouteEdit(src, ctx.kind, edit);
    // A machine route needs Clerk: skipping the user's own function would skip Clerk too.
    const exact = skip && !(ctx.need === "clerk-unprotected" && skip.target === "middleware") ? { skip } : {};
    return { pattern, why, certain, need: ctx.need, legacy, exposures, ...exact };
  };
  const refuseRules = (why: string, certain: boolean, legacy = false) =>
    refuseGates.rules(rctx, facts(why, certain, legacy));
  const verdict = ruleVerdict(rules, paths);
  const certain = verdict.kind === "protected";
  if (!isClerk) {
    // A middleware without Clerk: nothing to exempt the route from with Clerk's lists, but its own
    // session checks (a cookie, a header) would stop the webhook all the same.
    if (rules.ok && paths.every((path) => rules.signedOut(path).kind === "through")) return leave("noRule");
    if (verdict.kind === "protected" || (rules.ok && verdict.kind === "unknown"))
      return refuseRules(verdict.kind === "unknown" ? verdict.why : `\`${verdict.rule}\` answers it`, certain);
    return leave("notClerk");
  }
  if (!rules.ok) return refuseRules(rules.why, false);
  if (paths.every((path) => rules.signedOut(path).kind === "through")) return leave("noRule");
  const gating = rules.rules.filter((rule) => paths.some((path) => rule.mayProtect(path)));
  const ms = new MagicString(code);
  let note: PatchNote | undefined;
  // A negated matcher with a literal list (`!isPublicRoute(req)`, an earlier `if (isPublicRoute(req)) return`): the route joins that list.
  const lists = new Map<string, NonNullable<Rule["terms"][number]["patterns"]>>();
  const positive: Rule[] = [];
  for (const rule of gating) {
    const exempting = rule.terms.find((term) => term.negated && term.patterns);
    if (exempting?.patterns) lists.set(exempting.matcher, exempting.patterns);
    else if (rules.legacy) return refuseRules("authMiddleware() has no publicRoutes list", certain, true);
    else if (rule.test && rule.request) positive.push(rule);
    else return refuseRules(`${gateWords(rule)} on every request`, certain);
  }
  for (const [matcher, patterns] of lists) {
    addPublicPattern(ms, src, patterns, pattern);
    note = { kind: "publicRouteAdded", path: ctx.path, route: ctx.route.pattern, pattern, matcher, created: false };
  }
  if (positive.length > 0) {
    const matchers = routeMatchers(src.bindings);
    const declarations = [...matchers.values()].map((m) => m.declaration);
    const last = declarations.sort((a, b) => (a.start ?? 0) - (b.start ?? 0)).at(-1);
    const after =
      last &&
      src.ast.program.body.find((node) => (node.start ?? 0) <= (last.start ?? 0) && (last.end ?? 0) <= (node.end ?? 0));
    const init = last?.init ? unwrapTs(last.init) : undefined;
    // No createRouteMatcher() to declare the route's next to: this tool does not bring in a deprecated API.
    if (!after || init?.type !== "CallExpression")
      return refuseRules(
        `${gateWords(positive[0]!)} under \`${positive[0]!.text}\`, and this file has no createRouteMatcher() list to exempt the route with`,
        certain,
      );
    const taken = new Set([...src.bindings.locals.keys(), ...[...src.bindings.imports.keys()]]);
    const name = uniqueName(taken.has("isPublicRoute") ? "isWebhookRoute" : "isPublicRoute", taken);
    const tests = new Map(positive.map((rule) => [rule.test!, rule.request!]));
    addPublicMatcher(ms, src, {
      name,
      createRouteMatcher: code.slice(init.callee.start ?? 0, init.callee.end ?? 0),
      pattern,
      after,
      conditions: [...tests].map(([test, argument]) => ({ test, argument })),
    });
    const gates = positive.some((rule) => rule.gate.via !== "protect");
    note = {
      kind: "publicRouteAdded",
      path: ctx.path,
      route: ctx.route.pattern,
      pattern,
      matcher: name,
      created: true,
      ...(gates ? { gates } : {}),
    };
  }
  const after = ms.toString();
  // The edit must have done what it says: read the result back, every path of the route goes on.
  const check = readSource(after, ctx.path, ctx.typescript);
  const reread: ReadRules = check.ok ? readClerkRules(check.source, options) : { ok: false, why: check.error };
  const still = reread.ok
    ? paths.map((path) => reread.signedOut(path)).find((fate) => fate.kind !== "through")
    : undefined;
  if (!note || !reread.ok || still) {
    const why =
      still?.kind === "answered"
        ? `once exempted from its sign-in checks, \`${still.code}\` may still answer there, and this tool does not change that code`
        : still?.kind === "unknown"
          ? still.why
          : verdict.kind === "unknown"
            ? verdict.why
            : "its rules still stop it after the edit this tool can make";
    return refuseRules(why, certain);
  }
  // ...and nothing else: no path Next.js serves from another route or page may lose its protection.
  const exposed = exposuresWhere((path) => runsOn(path) && gated(rules, path) && !gated(reread, path));
  if (exposed.length > 0) return refuseGates.exposes(rctx, { ...facts("", true), exposures: exposed });
  return patched(ms, note);
}
