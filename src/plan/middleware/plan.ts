// The decision for an existing middleware/proxy file: unchanged, patched, or refused with the
// exact edit to make by hand. Loaded only when such a file exists (run.ts imports it lazily),
// since it brings in the parser, magic-string and path-to-regexp.
import MagicString from "magic-string";
import { withEol } from "../../core/text.js";
import { addMatcherEntry, ensureClerkMiddlewareImport, type Guard, wrapUserMiddleware } from "./edits.js";
import { exportedNames, findHandlers, type UserHandler } from "./handler.js";
import type { MiddlewareResult, PatchNote, PlanContext } from "./index.js";
import { CLERK_API_ENTRY, createContent } from "./locate.js";
import { coverage, entryCovering, type Matcher, nextMatcherRegExp, readConfig, routeMatcherSource } from "./matcher.js";
import { clerkLocals, mentions, readSource, type SourceFile } from "./module.js";
import { refuse, refuseForeign, type RefusalContext } from "./refusals.js";

/** existing === undefined → create. Never throws for user content: a shape it can't handle → "refused". */
export function planMiddleware(existing: string | undefined, ctx: PlanContext): MiddlewareResult {
  if (existing === undefined) return { status: "created", after: createContent(), note: { kind: "middlewareCreated", path: ctx.path } };
  const target = targetFor(ctx, false);
  try {
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

function planExisting(code: string, ctx: PlanContext, target: Target): MiddlewareResult {
  const rctx = target.rctx;
  const read = readSource(code, ctx.path, ctx.typescript);
  if (!read.ok) return refuse.syntaxError(rctx, read.error);
  const src = read.source;
  const { ast, bindings } = src;
  if ([...bindings.imports.values()].some((b) => b.imported === "authMiddleware" && b.source.startsWith("@clerk/nextjs"))) {
    return refuse.legacyClerk(rctx);
  }
  if (ast.program.body.length === 0) return fillEmpty(src, ctx);

  const handlers = findHandlers(ast, bindings, ctx.kind);
  const [first] = handlers;
  if (!first) {
    const names = exportedNames(ast).map((n) => `\`${n}\``);
    return refuse.noHandler(rctx, ctx.kind, names.length ? `it exports ${names.join(", ")}` : "it exports nothing");
  }
  if (handlers.length > 1) return refuse.several(rctx, handlers.map((h) => h.exported));
  const handler = first.handler;
  if (handler.kind !== "clerk" && handler.kind !== "user") return refuseForeign(handler, code, bindings, rctx);

  // The user's clerkMiddleware() handler or options run wherever the matcher matches: widen it by the new route only.
  const customized = handler.kind === "clerk" && handler.setup !== "bare";
  const config = readConfig(ast);
  if (!config.ok) return refuse.matcher(customized ? targetFor(ctx, true).rctx : rctx, config.problem);
  const covered = coverage(config.matcher, ctx.route);
  // An entry whose lookahead may skip some of the route's paths: the route's own entry covers every one.
  const lookahead = covered.covered ? undefined : covered.lookahead;
  const { entry, rctx: here } = customized || lookahead !== undefined ? targetFor(ctx, true) : target;
  if (!covered.covered && covered.invalidSource !== undefined) return refuse.invalidMatcher(here, covered.invalidSource);

  if (handler.kind === "user") return wrap(src, here, handler, first.exported, config.matcher, covered.covered, entry);
  if (covered.covered) {
    return { status: "unchanged", note: { kind: "middlewareAlreadyCovers", path: ctx.path, route: ctx.route.pattern, everywhere: covered.everywhere } };
  }
  if (!entry) return refuse.uncoverable(here);
  const ms = new MagicString(code);
  addMatcherEntry(ms, src, config.matcher, entry);
  const note: PatchNote = {
    kind: "matcherEntryAdded",
    path: ctx.path,
    route: ctx.route.pattern,
    entry,
    setup: handler.setup,
    allApiRoutes: entry === CLERK_API_ENTRY,
    ...(lookahead === undefined ? {} : { lookahead }),
  };
  return patched(ms, note);
}

/**
 * A middleware without Clerk: Clerk wraps it. When its matcher didn't reach the route, the route
 * joins the matcher and a guard keeps the user's function on the paths it ran on before.
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
    if (matcher.entries.some((e) => e.conditional)) return refuse.conditionalMatcher(rctx);
    if (!entry) return refuse.uncoverable(rctx);
    const sources = matcher.entries.map((e) => e.source);
    guard = { sources, regexps: sources.map((s) => nextMatcherRegExp(s) as RegExp) };
    addMatcherEntry(ms, src, matcher, entry);
  }
  const clerk = ensureClerkMiddlewareImport(ms, src);
  const local = wrapUserMiddleware(ms, src, user, clerk, guard);
  const note: PatchNote = { kind: "middlewareWrapped", path: rctx.path, exported, local, ...(guard && entry ? { guardedEntry: entry } : {}) };
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
