// Which route or page Next.js serves a path from, when several match it. Next.js sorts its URLs
// into one tree (shared/lib/router/utils/sorted-routes.ts, getSortedRoutes) and the first route in
// that order that matches the path wins:
//   - at each level, the URL ending there comes first, then static children (in code-unit order),
//     then [param], then [...param], then [[...param]];
//   - matching is case-sensitive (/API/x never reaches app/api/x), a [param] takes one segment,
//     [...param] one or more, [[...param]] none or more.
// So a static sibling beats a dynamic segment, and a dynamic segment beats a catch-all.
import type { UrlSegment } from "./route-path.js";

/** Rank of a segment at one level of the tree: static names first, then the three parameter kinds. */
const KIND_RANK: Record<UrlSegment["kind"], number> = { static: 0, dynamic: 1, catchAll: 2, optionalCatchAll: 3 };

/** Next.js's order of two URLs (negative: `a` is tried first). */
export function compareRoutes(a: readonly UrlSegment[], b: readonly UrlSegment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    // The URL that ends at this level comes before everything below it.
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const rank = KIND_RANK[x.kind] - KIND_RANK[y.kind];
    if (rank !== 0) return rank;
    if (x.kind === "static" && y.kind === "static" && x.value !== y.value) return x.value < y.value ? -1 : 1;
  }
  return 0;
}

/** Does the URL match the path's segments (["api", "items", "123"]), the way Next.js matches it? */
export function routeMatches(route: readonly UrlSegment[], path: readonly string[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const segment = route[i]!;
    if (segment.kind === "catchAll") return path.length > i;
    if (segment.kind === "optionalCatchAll") return true;
    const part = path[i];
    if (part === undefined || part === "") return false;
    if (segment.kind === "static" && part !== segment.value) return false;
  }
  return path.length === route.length;
}

/** The route Next.js serves the path from: the first of `sorted` (in compareRoutes order) that matches. */
export function servingRoute<T extends { segments: readonly UrlSegment[] }>(
  sorted: readonly T[],
  path: readonly string[],
): T | undefined {
  return sorted.find((route) => routeMatches(route.segments, path));
}
