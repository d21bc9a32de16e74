import type { Matcher } from "./config.js";
import { matchesPath, nextMatcherRegExp } from "./matcher.js";
import { isApiRoute, routeMatcherSource, samplePaths } from "./route.js";

export type Coverage =
  | { covered: true; everywhere: boolean }
  | { covered: false; invalidSource?: string };

/**
 * Does the middleware run on every request path of the route? Each sample path of the route
 * must match an entry; entries with `has`/`missing` match only some requests, so they don't count.
 */
export function coverage(matcher: Matcher, routePattern: string): Coverage {
  if (matcher.kind === "everywhere") return { covered: true, everywhere: true };
  const regexps: RegExp[] = [];
  for (const entry of matcher.entries) {
    const regexp = nextMatcherRegExp(entry.source);
    if (!regexp) return { covered: false, invalidSource: entry.source };
    if (!entry.conditional) regexps.push(regexp);
  }
  const covered = sourcesCover(regexps, routePattern);
  return covered ? { covered, everywhere: false } : { covered };
}

export function sourcesCover(regexps: RegExp[], routePattern: string): boolean {
  return samplePaths(routePattern).every((path) => regexps.some((regexp) => matchesPath(regexp, path)));
}

/** The entry to add: "/(api|trpc)(.*)" for API routes, else the route itself; checked to really cover it. */
export function entryCovering(routePattern: string): string | undefined {
  const own = routeMatcherSource(routePattern);
  const candidates = isApiRoute(routePattern) ? ["/(api|trpc)(.*)", own] : [own];
  return candidates.find((source) => {
    const regexp = nextMatcherRegExp(source);
    return regexp !== undefined && sourcesCover([regexp], routePattern);
  });
}
