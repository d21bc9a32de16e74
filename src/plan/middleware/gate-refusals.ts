// Refusals for a route that must get past the middleware's gates (a webhook; a machine route, whose
// tokens look signed out to the middleware's auth()) when this tool cannot exempt it itself, cannot
// prove its edit, or its edit would also unprotect another route or page (clerk/exposure.ts): why,
// and the exact edit to make by hand (skip-route.ts), which exempts only the route's own paths.
import type { MiddlewareNeed } from "../../styles/declaration.js";
import type { Rule } from "../../clerk/rules.js";
import type { Exposure } from "../../clerk/exposure.js";
import type { MiddlewareResult } from "./index.js";
import type { RefusalContext } from "./refusals.js";
import type { SkipRoute } from "./skip-route.js";

type Refused = Extract<MiddlewareResult, { status: "refused" }>;

const BY_HAND = "Or run the command again with --no-middleware and make the route public yourself.";

/** Routes named in the reason; the edit lists every one. */
const SHOWN = 5;

function indent(code: string): string {
  return code
    .split("\n")
    .map((line) => (line ? `    ${line}` : line))
    .join("\n");
}

function caller(need: MiddlewareNeed | undefined): string {
  return need === "clerk-unprotected"
    ? "API keys, M2M and OAuth tokens look signed out to the middleware's auth(), so they would be answered there before the handler checks them."
    : "Clerk calls a webhook without a session, so its deliveries would be answered there and never reach the route.";
}

export interface GateFacts {
  /** The route's createRouteMatcher pattern. */
  pattern: string;
  /** Why (words from the rule reader). */
  why: string;
  /** The middleware certainly stops a signed-out caller there (else: may). */
  certain: boolean;
  need: MiddlewareNeed | undefined;
  /** Other routes and pages the route's pattern also reaches, which must keep their protection. */
  exposures: readonly Exposure[];
  /** The exact edit, when the function holding the gates allows one and a list can tell the route apart. */
  skip?: SkipRoute;
  /** authMiddleware() without a publicRoutes list. */
  legacy?: boolean;
}

export const refuseGates = {
  /** Gates this tool cannot edit, or whose edit it cannot prove. */
  rules(ctx: RefusalContext, facts: GateFacts): Refused {
    const reason = `The middleware in ${ctx.path} ${facts.certain ? "stops" : "may stop"} a caller without a session on ${ctx.route.pattern} (${facts.why}). ${caller(facts.need)}`;
    return { status: "refused", reason, manualEdit: [...steps(ctx, facts), BY_HAND].join("\n\n") };
  },

  /** The edit this tool can make would also unprotect paths Next.js serves from other routes or pages. */
  exposes(ctx: RefusalContext, facts: GateFacts): Refused {
    const shown = facts.exposures.slice(0, SHOWN).map(describeExposure);
    const more = facts.exposures.length - shown.length;
    const reached = `${shown.join(", ")}${more > 0 ? ` and ${more} more (all listed below)` : ""}`;
    const reason =
      `The middleware in ${ctx.path} stops a caller without a session on ${ctx.route.pattern}. ${caller(facts.need)} ` +
      `But exempting ${JSON.stringify(facts.pattern)} from it would also make ${reached} public, which it protects today.`;
    return { status: "refused", reason, manualEdit: [...steps(ctx, facts), BY_HAND].join("\n\n") };
  },
};

function describeExposure(exposure: Exposure): string {
  const why = exposure.caseOnly ? ": createRouteMatcher ignores case, Next.js routes do not" : "";
  return `${exposure.route.file} (${exposure.path}${why})`;
}

function steps(ctx: RefusalContext, facts: GateFacts): string[] {
  if (facts.legacy) {
    return [
      `Add the route to authMiddleware()'s public routes in ${ctx.path}:`,
      indent(`publicRoutes: [${JSON.stringify(facts.pattern)}],`),
    ];
  }
  const ownPath = (lead: string) =>
    `${lead} ${ctx.route.pattern} a path that no other route or page shares, then run the command again.`;
  const { skip } = facts;
  if (!skip) {
    if (facts.exposures.length > 0) {
      const files = facts.exposures.map((exposure) => exposure.route.file).join(", ");
      return [
        `No createRouteMatcher list exempts only the paths Next.js serves from ${ctx.route.pattern}: ${files} share them in ways a list cannot tell apart.`,
        ownPath("Give"),
      ];
    }
    return [
      `Make the middleware in ${ctx.path} let ${ctx.route.pattern} through before any of its checks, for example:`,
      indent(`const isPublicRoute = createRouteMatcher([${JSON.stringify(facts.pattern)}]);

export default clerkMiddleware(async (auth, req) => {
  if (isPublicRoute(req)) return;
  // ...your current checks
});`),
    ];
  }
  const where =
    skip.target === "clerkHandler" ? "the function you pass to clerkMiddleware()" : "your middleware function";
  const only = skip.target === "clerkHandler" ? "only Clerk runs there" : "none of it runs there";
  const others = facts.exposures.length > 0 ? ", and every other route and page keeps your checks" : "";
  const out = [`Let ${ctx.route.pattern} past every check in ${ctx.path}, so that ${only}${others}:`];
  let n = 1;
  const pathsOf = skip.compiled
    ? ` (the route's paths, as createRouteMatcher would match ${JSON.stringify(facts.pattern)})`
    : "";
  out.push(`${n++}. Below the imports, add${pathsOf}:`, indent(skip.declaration));
  if (skip.params)
    out.push(`${n++}. Name the request in ${where} (line ${skip.line}): its parameters become \`(${skip.params})\`.`);
  out.push(`${n++}. Make this the first line of ${where} (line ${skip.line}):`, indent(skip.first));
  // Another path helps only where the other routes share the route's own text (not its other casings).
  if (facts.exposures.length > 0 && facts.exposures.every((exposure) => !exposure.caseOnly))
    out.push(ownPath("Or give"));
  return out;
}

/** A gate named for a reason: "it calls auth.protect() (line 9)". */
export function gateWords(rule: Rule): string {
  const { gate } = rule;
  const what =
    gate.via === "protect"
      ? "it calls auth.protect()"
      : gate.via === "redirectToSignIn"
        ? "it calls redirectToSignIn()"
        : gate.via === "authMiddleware"
          ? "authMiddleware() protects it"
          : gate.answer.kind === "status"
            ? `it answers ${gate.answer.status}`
            : "it redirects";
  return `${what} (line ${rule.line})`;
}
