import MagicString from "magic-string";
import type { File } from "@babel/types";
import { type Bindings, clerkLocals, collectBindings, mentions } from "./bindings.js";
import { readConfig, type Matcher } from "./config.js";
import type { MiddlewareResult, PlanContext } from "./context.js";
import { coverage, sourcesCover } from "./coverage.js";
import { createContent } from "./create.js";
import { addMatcherEntry } from "./edit-matcher.js";
import { refuseForeign } from "./foreign.js";
import { exportedNames, findHandlers, type UserHandler } from "./handler.js";
import { ensureClerkMiddlewareImport } from "./imports.js";
import { nextMatcherRegExp } from "./matcher.js";
import { parseModule, type Token } from "./parse.js";
import { refuse, type RefusalContext } from "./refusals.js";
import { isApiRoute, routeMatcherSource } from "./route.js";
import { type CodeStyle, detectStyle } from "./style.js";
import { withEol } from "./text.js";
import { wrapUserMiddleware } from "./wrap.js";

interface Source {
  code: string;
  ast: File;
  tokens: Token[];
  bindings: Bindings;
  style: CodeStyle;
}

/** existing === undefined → create. Never throws for user content: a shape it can't handle → "refused". */
export function planMiddleware(existing: string | undefined, ctx: PlanContext): MiddlewareResult {
  const entry = matcherEntryFor(ctx.routePattern);
  const rctx: RefusalContext = { path: ctx.path, routePattern: ctx.routePattern, entry: entry ?? routeMatcherSource(ctx.routePattern) };
  if (existing === undefined) {
    return { status: "created", after: createContent(), summary: `Create ${ctx.path}: clerkMiddleware() on every route except static files and Next.js internals` };
  }
  try {
    return planExisting(existing, ctx, rctx, entry);
  } catch (error) {
    return refuse.unexpected(rctx, error);
  }
}

/** "/(api|trpc)(.*)" for API routes, else the route itself; checked to really match the route. */
function matcherEntryFor(routePattern: string): string | undefined {
  const candidates = isApiRoute(routePattern) ? ["/(api|trpc)(.*)", routeMatcherSource(routePattern)] : [routeMatcherSource(routePattern)];
  return candidates.find((source) => {
    const regexp = nextMatcherRegExp(source);
    return regexp !== undefined && sourcesCover([regexp], routePattern);
  });
}

function planExisting(code: string, ctx: PlanContext, rctx: RefusalContext, entry: string | undefined): MiddlewareResult {
  const parsed = parseModule(code, ctx.path);
  if (!parsed.ok) return refuse.syntaxError(rctx, parsed.error);
  const { ast, tokens } = parsed;
  const bindings = collectBindings(ast);
  const src: Source = { code, ast, tokens, bindings, style: detectStyle(code, ast) };
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
  if (handlers.length > 1) return refuse.several(rctx, handlers.map((h) => (h.exported === "*" ? "export *" : h.exported)));
  const handler = first.handler;
  if (handler.kind !== "clerk" && handler.kind !== "user") return refuseForeign(handler, code, bindings, rctx);
  const config = readConfig(ast);
  if (!config.ok) return refuse.matcher(rctx, config.problem);
  const covered = coverage(config.matcher, ctx.routePattern);
  if (!covered.covered && covered.invalidSource !== undefined) return refuse.invalidMatcher(rctx, covered.invalidSource);
  if (handler.kind === "clerk") {
    if (covered.covered) return { status: "unchanged", reason: `clerkMiddleware() in ${ctx.path} already runs on ${ctx.routePattern}${covered.everywhere ? " (no matcher: it runs on every path)" : ""}` };
    if (!entry) return refuse.uncoverable(rctx);
    const ms = new MagicString(code);
    addMatcherEntry(ms, src, config.matcher, entry);
    return patched(ms, `Add ${JSON.stringify(entry)} to config.matcher in ${ctx.path} so clerkMiddleware() runs on ${ctx.routePattern}`);
  }
  return wrap(src, ctx, rctx, handler, config.matcher, covered.covered, entry);
}

function wrap(
  src: Source,
  ctx: PlanContext,
  rctx: RefusalContext,
  user: UserHandler,
  matcher: Matcher,
  covered: boolean,
  entry: string | undefined,
): MiddlewareResult {
  if (mentions(user.fn, clerkLocals(src.bindings))) return refuse.composed(rctx, "a function that calls Clerk itself");
  if (user.fn.generator) return refuse.composed(rctx, "a generator function");
  const ms = new MagicString(src.code);
  let guard: { sources: string[]; regexps: RegExp[] } | undefined;
  if (!covered && matcher.kind !== "everywhere") {
    if (matcher.entries.some((e) => e.conditional)) return refuse.conditionalMatcher(rctx);
    if (!entry) return refuse.uncoverable(rctx);
    const sources = matcher.entries.map((e) => e.source);
    guard = { sources, regexps: sources.map((s) => nextMatcherRegExp(s) as RegExp) };
    addMatcherEntry(ms, src, matcher, entry);
  }
  const clerk = ensureClerkMiddlewareImport(ms, src);
  const name = wrapUserMiddleware(ms, { ...src, typescript: /\.[mc]?tsx?$/.test(ctx.path) }, user, clerk, guard);
  const scope = guard ? `; ${name} still runs only where its old matcher matched, and the matcher now includes ${JSON.stringify(entry)}` : "";
  return patched(ms, `Wrap ${name} in clerkMiddleware() in ${ctx.path}${scope}`);
}

function patched(ms: MagicString, summary: string): MiddlewareResult {
  return { status: "patched", after: ms.toString(), summary };
}

/** A file with nothing but comments: keep them, add the Clerk middleware below. */
function fillEmpty(code: string, ctx: PlanContext, style: CodeStyle): MiddlewareResult {
  const separator = code.trim() === "" ? "" : code.endsWith("\n") ? style.eol : style.eol + style.eol;
  const after = code.trim() === "" ? createContent() : code + separator + withEol(createContent(), style.eol);
  return { status: "patched", after, summary: `Add clerkMiddleware() to ${ctx.path}, which exported nothing` };
}
