import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseFolderSegment, urlSegments, type UrlSegment } from "../../src/next/route-path.js";
import { compareRoutes, servingRoute } from "../../src/next/routing.js";

// Which route Next.js serves a path from, checked against next@16's own sort (getSortedRoutes)
// and route regexps (getRouteRegex): the first route in its order whose regexp matches wins.

const require = createRequire(import.meta.url);
const { getSortedRoutes } = require("next/dist/shared/lib/router/utils/sorted-routes.js") as {
  getSortedRoutes: (routes: string[]) => string[];
};
const { getRouteRegex } = require("next/dist/shared/lib/router/utils/route-regex.js") as {
  getRouteRegex: (route: string) => { re: RegExp };
};

const segmentsOf = (url: string): UrlSegment[] => urlSegments(url.split("/").filter(Boolean).map(parseFolderSegment));

const URLS = [
  "/",
  "/about",
  "/[locale]/about",
  "/[locale]/[...rest]",
  "/api/items",
  "/api/items/export",
  "/api/items/[id]",
  "/api/items/[id]/edit",
  "/api/[...slug]",
  "/api/v1/[...path]",
  "/api/v1/admin/users",
  "/api/v1/[version]/status",
  "/api/webhooks/clerk",
  "/api/webhooks/[provider]",
  "/docs/[[...slug]]",
  "/Docs/intro",
  "/shop/[category]/[item]",
  "/shop/[category]/sale",
  "/shop/new/[item]",
];

const PATHS = [
  "/",
  "/about",
  "/About",
  "/en/about",
  "/en/anything/else",
  "/api/items",
  "/api/items/export",
  "/api/items/EXPORT",
  "/api/items/123",
  "/api/items/123/edit",
  "/api/items/123/other",
  "/api/v1/admin/users",
  "/api/v1/ADMIN/users",
  "/api/v1/admin",
  "/api/v1/2/status",
  "/api/v1/admin/status",
  "/api/V1/admin/users",
  "/api/webhooks/clerk",
  "/api/webhooks/CLERK",
  "/api/webhooks/stripe",
  "/API/webhooks/clerk",
  "/docs",
  "/docs/a/b",
  "/Docs/intro",
  "/docs/intro",
  "/shop/new/sale",
  "/shop/old/sale",
  "/shop/new/x",
  "/nothing/here/at/all",
];

describe("Next.js's route order", () => {
  it("is getSortedRoutes's", () => {
    const ours = [...URLS].sort((a, b) => compareRoutes(segmentsOf(a), segmentsOf(b)));
    expect(ours).toEqual(getSortedRoutes([...URLS].reverse()));
  });

  it.each(PATHS)("serves %s from the route Next.js picks", (path) => {
    const nextPick = getSortedRoutes(URLS).find((url) => getRouteRegex(url).re.test(path));
    const sorted = URLS.map((url) => ({ url, segments: segmentsOf(url) })).sort((a, b) =>
      compareRoutes(a.segments, b.segments),
    );
    expect(servingRoute(sorted, path.split("/").filter(Boolean))?.url).toBe(nextPick);
  });
});
