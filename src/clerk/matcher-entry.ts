// The config.matcher entry that makes clerkMiddleware() run on a route: Clerk's recommended
// API entry, or the route's own pattern.
import { type RoutePath, urlSegments } from "../next/route-path.js";
import { nextMatcherRegExp, routeMatcherSource, sourcesCover } from "../next/matcher.js";
import { lookaheadMayExclude } from "../next/matcher-lookahead.js";
import { CLERK_API_ENTRY } from "./generated.js";

/** Under /api or /trpc, which Clerk's recommended "/(api|trpc)(.*)" entry covers. */
function isApiRoute(route: RoutePath): boolean {
  const first = urlSegments(route.segments)[0];
  return first?.kind === "static" && (first.value === "api" || first.value === "trpc");
}

/**
 * The entry to add, checked to really cover the route: "/(api|trpc)(.*)" for API routes (Clerk's
 * recommended entry), else the route itself. `ownOnly`: the route itself in any case, when a
 * broader entry would change more than the new route (a clerkMiddleware() handler, a lookahead).
 */
export function entryCovering(route: RoutePath, ownOnly = false): string | undefined {
  const own = routeMatcherSource(route);
  const candidates = isApiRoute(route) && !ownOnly ? [CLERK_API_ENTRY, own] : [own];
  return candidates.find((source) => {
    const regexp = nextMatcherRegExp(source);
    return regexp !== undefined && !lookaheadMayExclude(source, route) && sourcesCover([regexp], route);
  });
}
