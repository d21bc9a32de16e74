// Exempting a new route from the clerkMiddleware() handler's auth.protect() rules (a webhook, a
// machine route) must not unprotect anything else: no path a rule protected before may become
// unprotected, except the new route's own. The exemption is the route's createRouteMatcher
// pattern ("/api/hooks/:source", "/api/v1/:path+"), which also matches paths Next.js serves from
// other routes and pages: a static sibling beats a dynamic segment (/api/items/export is not
// /api/items/[id]'s), any more specific route beats a catch-all, and createRouteMatcher ignores
// case where Next.js does not (/API/webhooks/clerk is app/[...slug]'s, not app/api/webhooks/clerk's).
// This finds, for each existing route or page, the paths Next.js serves from it that the
// exemption could reach, and the edit that exempts only the new route's own paths.
import { pathToRegexp } from "path-to-regexp";
import { type AppRoute, type RoutePath, type UrlSegment, urlSegments } from "../next/route-path.js";
import { routeMatcherSource, samplePaths } from "../next/matcher.js";
import { compareRoutes, servingRoute } from "../next/routing.js";

/** An existing route or page that the exemption would also reach. */
export interface Exposure {
  route: AppRoute;
  /** A path Next.js serves from it that the exemption matches, e.g. /api/v1/admin/users. */
  path: string;
  /**
   * Reached only through a difference of case (createRouteMatcher ignores it, Next.js does not):
   * the exemption's pattern matches none of its paths as written.
   */
  caseOnly: boolean;
}

/** Values tried for a segment that both URLs leave open (any value Next.js routes there). */
const FREE_VALUES = ["123", "sample"];
/** Paths tried per existing route, at most. */
const MAX_WITNESSES = 64;

interface Witness {
  segments: string[];
  /** Every segment the new route fixes is written as the new route writes it (same case). */
  exact: boolean;
}

/**
 * The existing routes and pages (other than the new route itself) from which Next.js serves some
 * path that the new route's exemption reaches, as `exposes(path)` decides: the caller says which
 * paths lose their protection (for the patch: protected before, not after).
 */
export function findExposures(
  newRoute: RoutePath,
  appRoutes: readonly AppRoute[],
  exposes: (path: string) => boolean,
): Exposure[] {
  const fresh = urlSegments(newRoute.segments);
  const key = urlKey(fresh);
  const others = new Map<string, AppRoute>();
  for (const existing of appRoutes) {
    const own = urlKey(urlSegments(existing.route.segments));
    if (own !== key && !others.has(own)) others.set(own, existing);
  }
  // Every URL of the app once the new route exists, in the order Next.js tries them.
  const sorted = [...others.values(), undefined]
    .map((existing) => ({ existing, segments: existing ? urlSegments(existing.route.segments) : fresh }))
    .sort((a, b) => compareRoutes(a.segments, b.segments));
  const deepest = Math.max(0, ...sorted.map((entry) => entry.segments.length));
  const found: Exposure[] = [];
  for (const entry of sorted) {
    if (!entry.existing) continue;
    let exposure: Exposure | undefined;
    for (const witness of witnesses(fresh, entry.segments, deepest)) {
      if (servingRoute(sorted, witness.segments) !== entry) continue;
      const path = `/${witness.segments.join("/")}`;
      if (!exposes(path)) continue;
      if (!exposure || (exposure.caseOnly && witness.exact))
        exposure = { route: entry.existing, path, caseOnly: !witness.exact };
      if (!exposure.caseOnly) break;
    }
    if (exposure) found.push(exposure);
  }
  return found.sort((a, b) => (a.route.file < b.route.file ? -1 : a.route.file > b.route.file ? 1 : 0));
}

function urlKey(segments: readonly UrlSegment[]): string {
  return segments.map((segment) => (segment.kind === "static" ? `/${segment.value}` : `/[${segment.kind}]`)).join("");
}

/** What a URL asks of the segment at `index`: this text, anything, or nothing (the path is too long). */
function slot(segments: readonly UrlSegment[], index: number): { text: string } | "any" | undefined {
  const segment = segments[Math.min(index, segments.length - 1)];
  if (index < segments.length) return segment?.kind === "static" ? { text: segment.value } : "any";
  return segment?.kind === "catchAll" || segment?.kind === "optionalCatchAll" ? "any" : undefined;
}

function lengths(segments: readonly UrlSegment[]): { min: number; max: number } {
  const last = segments.at(-1);
  if (last?.kind === "catchAll") return { min: segments.length, max: Infinity };
  if (last?.kind === "optionalCatchAll") return { min: segments.length - 1, max: Infinity };
  return { min: segments.length, max: segments.length };
}

/** "clerk" → "CLERK", "Clerk" → "cLERK": the same text to createRouteMatcher, another to Next.js. */
function otherCase(text: string): string {
  return [...text].map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase())).join("");
}

/**
 * Paths that both the new route's exemption (case ignored, as createRouteMatcher compiles it) and
 * the existing URL match, one per way the two can meet: where only the existing URL fixes a segment,
 * its text; where only the new route does, its text and the same text in another case; where
 * neither does, a value no route names. Lengths run up to one past the deepest URL of the app, so
 * that some path escapes every fixed-length route in between.
 */
function witnesses(fresh: readonly UrlSegment[], existing: readonly UrlSegment[], deepest: number): Witness[] {
  const a = lengths(fresh);
  const b = lengths(existing);
  const low = Math.max(a.min, b.min);
  const high = Math.min(a.max, b.max, Math.max(low, deepest) + 1);
  const found: Witness[] = [];
  for (let length = low; length <= high; length++) {
    for (const free of FREE_VALUES) {
      let partial: Witness[] = [{ segments: [], exact: true }];
      for (let index = 0; index < length && partial.length > 0; index++) {
        const choices = segmentChoices(slot(fresh, index), slot(existing, index), free);
        partial = partial.flatMap((witness) =>
          choices.map((choice) => ({
            segments: [...witness.segments, choice.text],
            exact: witness.exact && choice.exact,
          })),
        );
        partial = partial.slice(0, MAX_WITNESSES);
      }
      found.push(...partial);
    }
  }
  const seen = new Set<string>();
  return found.filter((witness) => {
    const text = witness.segments.join("/");
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

function segmentChoices(
  fresh: { text: string } | "any" | undefined,
  existing: { text: string } | "any" | undefined,
  free: string,
): Array<{ text: string; exact: boolean }> {
  if (fresh === undefined || existing === undefined) return [];
  if (fresh === "any") return [{ text: existing === "any" ? free : existing.text, exact: true }];
  if (existing !== "any") {
    return fresh.text.toLowerCase() === existing.text.toLowerCase()
      ? [{ text: existing.text, exact: fresh.text === existing.text }]
      : [];
  }
  const other = otherCase(fresh.text);
  return other === fresh.text
    ? [{ text: fresh.text, exact: true }]
    : [
        { text: fresh.text, exact: true },
        { text: other, exact: false },
      ];
}

// ---- The edit that exempts only the new route's own paths ----

/**
 * How to exempt the new route and keep the exposed routes as they were:
 *   const isNewRoute = createRouteMatcher([<newRoute>]);
 *   const isOtherRoute = createRouteMatcher([<kept patterns>]);
 *   if (!isNewRoute(req) || isOtherRoute(req)) { ...the current protection... }
 * `newRoute` is the route's pattern, or (when another route is reached only through a difference
 * of case) a case-sensitive regular expression of exactly its URL.
 */
export interface ExemptionEdit {
  newRoute: { kind: "pattern"; source: string } | { kind: "regexp"; source: string };
  kept: Array<{ file: string; pattern: string }>;
}

/**
 * The edit, checked the way Clerk compiles it: every sample path of the new route exempt, no
 * exposed path exempt. Undefined when neither form passes (then only another path for the route,
 * or handling it by hand, is left).
 */
export function exemptionEdit(newRoute: RoutePath, exposures: readonly Exposure[]): ExemptionEdit | undefined {
  const keep = (list: readonly Exposure[]) =>
    list.map((exposure) => ({ file: exposure.route.file, pattern: routeMatcherSource(exposure.route.route) }));
  const candidates: ExemptionEdit[] = [
    { newRoute: { kind: "pattern", source: routeMatcherSource(newRoute) }, kept: keep(exposures) },
    {
      newRoute: { kind: "regexp", source: routeRegExpSource(newRoute) },
      kept: keep(exposures.filter((exposure) => !exposure.caseOnly)),
    },
  ];
  return candidates.find((edit) => {
    const exempt = exemptBy(edit);
    return samplePaths(newRoute).every(exempt) && exposures.every((exposure) => !exempt(exposure.path));
  });
}

/** Whether the edit exempts a path, with createRouteMatcher's own semantics. */
export function exemptBy(edit: ExemptionEdit): (path: string) => boolean {
  const own = edit.newRoute.kind === "pattern" ? pathToRegexp(edit.newRoute.source) : new RegExp(edit.newRoute.source);
  const kept = edit.kept.map((entry) => pathToRegexp(entry.pattern));
  return (path) => own.test(path) && !kept.some((regexp) => regexp.test(path));
}

/**
 * The route's URL as a case-sensitive regular expression (like Next.js's own route regexp): a
 * [param] is one segment, [...param] one or more, [[...param]] none or more; a trailing slash is
 * allowed, as createRouteMatcher's patterns allow it.
 */
export function routeRegExpSource(route: RoutePath): string {
  const parts = urlSegments(route.segments).map((segment) => {
    switch (segment.kind) {
      case "static":
        return `\\/${segment.value.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`;
      case "dynamic":
        return "\\/[^\\/]+";
      case "catchAll":
        return "(?:\\/[^\\/]+)+";
      case "optionalCatchAll":
        return "(?:\\/[^\\/]+)*";
    }
  });
  return `^${parts.join("")}\\/?$`;
}
