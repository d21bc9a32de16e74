import MagicString from "magic-string";
import { mentions } from "./ast.js";
import { clerkLocals, collectBindings } from "./bindings.js";
import { readConfig, type Matcher } from "./config.js";
import type { MiddlewareResult, PlanContext } from "./context.js";
import { coverage, entryCovering } from "./coverage.js";
import { createContent } from "./create.js";
import { addMatcherEntry } from "./edit-matcher.js";
import { refuseForeign } from "./foreign.js";
import { exportedNames, findHandlers, type UserHandler } from "./handler.js";
import { ensureClerkMiddlewareImport } from "./imports.js";
import { nextMatcherRegExp } from "./matcher.js";
import { parseModule } from "./parse.js";
import { refuse, type RefusalContext } from "./refusals.js";
import { routeMatcherSource } from "./route.js";
import { addedEntrySummary, createdSummary, filledSummary, wrappedSummary } from "./summary.js";
import { type CodeStyle, detectStyle } from "./style.js";
import { withEol } from "./text.js";
import type { SourceFile } from "./source.js";
import { type Guard, wrapUserMiddleware } from "./wrap.js";

/** existing === undefined → create. Never throws for user content: a shape it can't handle → "refused". */
export function planMiddleware(existing: string | undefined, ctx: PlanContext): MiddlewareResult {
  if (existing === undefined) return { status: "created", after: createContent(), summary: createdSummary(ctx.path) };
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
  const entry = entryCovering(ctx.routePattern, ownOnly);
  return { entry, rctx: { path: ctx.path, routePattern: ctx.routePattern, entry: entry ?? routeMatcherSource(ctx.routePattern) } };
}

function planExisting(code: string, ctx: PlanContext, target: Target): MiddlewareResult {
  const rctx = target.rctx;
  const parsed = parseModule(code, ctx.path);
  if (!parsed.ok) return refuse.syntaxError(rctx, parsed.error);
  const { ast, tokens } = parsed;
  const bindings = collectBindings(ast);
  const src: SourceFile = { code, tokens, ast, bindings, style: detectStyle(code, ast), typescript: /\.[mc]?tsx?$/.test(ctx.path) };
  if ([...bindings.imports.values()].some((b) => b.imported === "authMiddleware" && b.source.startsWith("@clerk/nextjs"))) {
    return refuse.legacyClerk(rctx);
  }
  if (ast.program.body.length === 0) return fillEmpty(code, ctx, src.style);

  const kind = /(^|\/)proxy\.[^/]+$/.test(ctx.path) ? "proxy" : "middleware";
  const handlers = findHandlers(ast, bindings, kind);
  const [first] = handlers;
  if (!first) {
    const names = exportedNames(ast).map((n) => `\`${n}\``);
    return refuse.noHandler(rctx, kind, names.length ? `it exports ${names.join(", ")}` : "it exports nothing");
  }
  if (handlers.length > 1) return refuse.several(rctx, handlers.map((h) => h.exported));
  const handler = first.handler;
  if (handler.kind !== "clerk" && handler.kind !== "user") return refuseForeign(handler, code, bindings, rctx);

  // The user's clerkMiddleware() handler or options run wherever the matcher matches: widen it by the new route only.
  const customized = handler.kind === "clerk" && handler.setup !== "bare";
  const config = readConfig(ast);
  if (!config.ok) return refuse.matcher(customized ? targetFor(ctx, true).rctx : rctx, config.problem);
  const covered = coverage(config.matcher, ctx.routePattern);
  // An entry whose lookahead may skip some of the route's paths: the route's own entry covers every one.
  const lookahead = covered.covered ? undefined : covered.lookahead;
  const { entry, rctx: here } = customized || lookahead !== undefined ? targetFor(ctx, true) : target;
  if (!covered.covered && covered.invalidSource !== undefined) return refuse.invalidMatcher(here, covered.invalidSource);

  if (handler.kind === "user") return wrap(src, here, handler, first.exported, config.matcher, covered.covered, entry);
  if (covered.covered) {
    const how = covered.everywhere ? " (no matcher: it runs on every path)" : "";
    return { status: "unchanged", reason: `clerkMiddleware() in ${ctx.path} already runs on ${ctx.routePattern}${how}` };
  }
  if (!entry) return refuse.uncoverable(here);
  const ms = new MagicString(code);
  addMatcherEntry(ms, src, config.matcher, entry);
  return patched(ms, addedEntrySummary({ path: ctx.path, routePattern: ctx.routePattern, entry, setup: handler.setup, lookahead }));
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
  return patched(ms, wrappedSummary({ path: rctx.path, exported, local, guardedEntry: guard ? entry : undefined }));
}

function patched(ms: MagicString, summary: string): MiddlewareResult {
  return { status: "patched", after: ms.toString(), summary };
}

/** A file with nothing but comments: keep them, add the Clerk middleware below. */
function fillEmpty(code: string, ctx: PlanContext, style: CodeStyle): MiddlewareResult {
  const summary = filledSummary(ctx.path);
  if (code.trim() === "") return { status: "patched", after: createContent(), summary };
  const separator = code.endsWith("\n") ? style.eol : style.eol + style.eol;
  return { status: "patched", after: code + separator + withEol(createContent(), style.eol), summary };
}
