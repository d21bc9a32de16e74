import type { Matcher } from "./config.js";
import { CLERK_API_ENTRY } from "./create.js";
import { lookaheadMayExclude } from "./lookahead.js";
import { matchesPath, nextMatcherRegExp } from "./matcher.js";
import { isApiRoute, routeMatcherSource, samplePaths } from "./route.js";

export type Coverage =
  | { covered: true; everywhere: boolean }
  /**
   * `lookahead`: every sample path matches, but only thanks to this entry, whose lookahead may
   * exclude some other values of the route's dynamic segments (see lookaheadMayExclude).
   */
  | { covered: false; invalidSource?: string; lookahead?: string };

/**
 * Does the middleware run on every request path of the route? Each sample path of the route
 * must match an entry; entries with `has`/`missing` match only some requests, so they don't count,
 * and neither do entries whose lookahead may skip some values of a dynamic segment.
 */
export function coverage(matcher: Matcher, routePattern: string): Coverage {
  if (matcher.kind === "everywhere") return { covered: true, everywhere: true };
  const sure: RegExp[] = [];
  const unsure: { source: string; regexp: RegExp }[] = [];
  for (const entry of matcher.entries) {
    const regexp = nextMatcherRegExp(entry.source);
    if (!regexp) return { covered: false, invalidSource: entry.source };
    if (entry.conditional) continue;
    if (lookaheadMayExclude(entry.source, routePattern)) unsure.push({ source: entry.source, regexp });
    else sure.push(regexp);
  }
  if (sourcesCover(sure, routePattern)) return { covered: true, everywhere: false };
  if (!sourcesCover([...sure, ...unsure.map((u) => u.regexp)], routePattern)) return { covered: false };
  const paths = samplePaths(routePattern);
  const lookahead = unsure.find((u) => paths.some((path) => matchesPath(u.regexp, path)))?.source;
  return lookahead === undefined ? { covered: false } : { covered: false, lookahead };
}

export function sourcesCover(regexps: RegExp[], routePattern: string): boolean {
  return samplePaths(routePattern).every((path) => regexps.some((regexp) => matchesPath(regexp, path)));
}

/**
 * The entry to add, checked to really cover the route: "/(api|trpc)(.*)" for API routes (Clerk's
 * recommended entry), else the route itself. `ownOnly`: the route itself in any case, when a
 * broader entry would change more than the new route (a clerkMiddleware() handler, a lookahead).
 */
export function entryCovering(routePattern: string, ownOnly = false): string | undefined {
  const own = routeMatcherSource(routePattern);
  const candidates = isApiRoute(routePattern) && !ownOnly ? [CLERK_API_ENTRY, own] : [own];
  return candidates.find((source) => {
    const regexp = nextMatcherRegExp(source);
    return regexp !== undefined && !lookaheadMayExclude(source, routePattern) && sourcesCover([regexp], routePattern);
  });
}
