import { createRequire } from "node:module";
import { pathToRegexp } from "path-to-regexp";
import { describe, expect, it } from "vitest";
import { parseFolderSegment, routePathOf, type RoutePath } from "../../src/next/route-path.js";
import { exemptionEdit, findExposures, routeRegExpSource } from "../../src/clerk/exposure.js";
import { routeMatcherSource } from "../../src/next/matcher.js";
import { appRoutesOf } from "../support/app-routes.js";

// Which existing routes and pages a new route's exemption (its createRouteMatcher pattern) would
// also reach, and the edit that exempts only the new route, checked with Clerk's own matcher.

const require = createRequire(import.meta.url);
const { getRouteRegex } = require("next/dist/shared/lib/router/utils/route-regex.js") as {
  getRouteRegex: (route: string) => { re: RegExp };
};
const { createPathMatcher } = (await import("@clerk/shared/pathMatcher")) as {
  createPathMatcher: (patterns: Array<string | RegExp>) => (pathname: string) => boolean;
};

const routeOf = (pattern: string): RoutePath => routePathOf(pattern.split("/").filter(Boolean).map(parseFolderSegment));

/** What the exemption alone reaches: every path it matches, as Clerk matches it. */
function reached(route: string, app: string[]) {
  const clerk = createPathMatcher([routeMatcherSource(routeOf(route))]);
  return findExposures(routeOf(route), appRoutesOf(app, "app"), (path) => clerk(path)).map((e) => [
    e.route.file,
    e.path,
    e.caseOnly,
  ]);
}

describe("findExposures", () => {
  it("a catch-all reaches the more specific routes and pages below it", () => {
    expect(
      reached("/api/v1/[...path]", [
        "page.tsx",
        "api/v1/admin/users/route.ts",
        "api/v1/[id]/route.ts",
        "api/v2/route.ts",
        "dashboard/page.tsx",
      ]),
    ).toEqual([
      ["app/api/v1/[id]/route.ts", "/api/v1/123", false],
      ["app/api/v1/admin/users/route.ts", "/api/v1/admin/users", false],
    ]);
  });

  it("an optional catch-all reaches its parent level too", () => {
    expect(
      reached("/api/[[...hook]]", ["api/me/route.ts", "api/v1/admin/users/route.ts", "dashboard/page.tsx"]),
    ).toEqual([
      ["app/api/me/route.ts", "/api/me", false],
      ["app/api/v1/admin/users/route.ts", "/api/v1/admin/users", false],
    ]);
  });

  it("a dynamic segment reaches its static siblings (pages too), not what is deeper or beside", () => {
    expect(
      reached("/api/items/[id]", [
        "api/items/export/route.ts",
        "api/items/route.ts",
        "api/items/[id]/edit/route.ts",
        "api/items/new/page.tsx",
      ]),
    ).toEqual([
      ["app/api/items/export/route.ts", "/api/items/export", false],
      ["app/api/items/new/page.tsx", "/api/items/new", false],
    ]);
  });

  it("an exact pattern reaches nothing that only shares its beginning", () => {
    expect(
      reached("/api/hooks/[source]", [
        "api/hooks-admin/route.ts",
        "api/hooks/route.ts",
        "api/hooks/[source]/events/route.ts",
      ]),
    ).toEqual([]);
    expect(
      reached("/api/webhooks/clerk", ["api/webhooks/clerk-admin/route.ts", "api/webhooks/stripe/route.ts", "page.tsx"]),
    ).toEqual([]);
  });

  it("a less specific route reached through another case only (createRouteMatcher ignores case)", () => {
    expect(reached("/api/webhooks/clerk", ["api/webhooks/[provider]/route.ts"])).toEqual([
      ["app/api/webhooks/[provider]/route.ts", "/api/webhooks/CLERK", true],
    ]);
    expect(reached("/api/v1/[id]", ["api/[...slug]/route.ts"])).toEqual([
      ["app/api/[...slug]/route.ts", "/api/V1/123", true],
    ]);
    expect(reached("/api/webhooks/clerk", ["[locale]/[...rest]/page.tsx"])).toEqual([
      ["app/[locale]/[...rest]/page.tsx", "/api/webhooks/CLERK", true],
    ]);
  });

  it("leaves out the route itself (an overwrite), and what the caller says is not exposed", () => {
    expect(reached("/api/items/[id]", ["api/items/[id]/route.ts"])).toEqual([]);
    const route = routeOf("/api/items/[id]");
    expect(findExposures(route, appRoutesOf(["api/items/export/route.ts"], "app"), () => false)).toEqual([]);
  });
});

describe("exemptionEdit", () => {
  /** Does the edit exempt the path, as Clerk runs it: isNewRoute(req) && !isOtherRoute(req)? */
  function exempts(edit: NonNullable<ReturnType<typeof exemptionEdit>>, path: string): boolean {
    const own = createPathMatcher([
      edit.newRoute.kind === "pattern" ? edit.newRoute.source : new RegExp(edit.newRoute.source),
    ]);
    const kept = createPathMatcher(edit.kept.map((k) => k.pattern));
    return own(path) && !(edit.kept.length > 0 && kept(path));
  }

  function editFor(route: string, app: string[]) {
    const clerk = createPathMatcher([routeMatcherSource(routeOf(route))]);
    const exposures = findExposures(routeOf(route), appRoutesOf(app, "app"), (path) => clerk(path));
    return { exposures, edit: exemptionEdit(routeOf(route), exposures) };
  }

  it("keeps the overlapped routes protected with their own patterns", () => {
    const { exposures, edit } = editFor("/api/v1/[...path]", ["api/v1/admin/users/route.ts"]);
    expect(edit).toEqual({
      newRoute: { kind: "pattern", source: "/api/v1/:path+" },
      kept: [{ file: "app/api/v1/admin/users/route.ts", pattern: "/api/v1/admin/users" }],
    });
    for (const path of ["/api/v1/sample", "/api/v1/admin", "/api/v1/admin/users/x"])
      expect(exempts(edit!, path), path).toBe(true);
    for (const path of [...exposures.map((e) => e.path), "/api/v1/admin/users/", "/api/v1/ADMIN/users"])
      expect(exempts(edit!, path), path).toBe(false);
  });

  it("exempts exactly the route's URL, case and all, when another route is reached through a case", () => {
    const { edit } = editFor("/api/webhooks/clerk", ["api/webhooks/[provider]/route.ts"]);
    expect(edit).toEqual({ newRoute: { kind: "regexp", source: "^\\/api\\/webhooks\\/clerk\\/?$" }, kept: [] });
    expect(exempts(edit!, "/api/webhooks/clerk")).toBe(true);
    for (const path of ["/api/webhooks/CLERK", "/API/webhooks/clerk", "/api/webhooks/clerk/x", "/api/webhooks/stripe"])
      expect(exempts(edit!, path), path).toBe(false);
  });

  it("is the plain pattern when nothing else is reached", () => {
    expect(exemptionEdit(routeOf("/api/hooks/[source]"), [])).toEqual({
      newRoute: { kind: "pattern", source: "/api/hooks/:source" },
      kept: [],
    });
  });
});

describe("routeRegExpSource", () => {
  it.each([
    "/api/webhooks/clerk",
    "/api/items/[id]",
    "/api/v1/[...path]",
    "/api/[[...hook]]",
    "/api/a.b/[x]/[[...rest]]",
  ])("%s matches what Next.js routes to the URL, case-sensitively", (route) => {
    const ours = new RegExp(routeRegExpSource(routeOf(route)));
    const next = getRouteRegex(route).re;
    for (const path of [
      "/api",
      "/api/webhooks/clerk",
      "/api/webhooks/CLERK",
      "/api/items/1",
      "/api/items/1/2",
      "/api/v1",
      "/api/v1/a/b",
      "/API/v1/a",
      "/api/a.b/1",
      "/api/a.b/1/2/3",
      "/api/aXb/1",
    ]) {
      expect([path, ours.test(path)]).toEqual([path, next.test(path)]);
    }
    // A pattern Clerk compiles (case ignored) matches at least as much.
    expect(pathToRegexp(routeMatcherSource(routeOf(route))).test("/api/items/1")).toBe(next.test("/api/items/1"));
  });
});
