import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parseFolderSegment, routePathOf } from "../../src/next/route-path.js";
import { lookaheadMayExclude as lookaheadMayExcludeOf } from "../../src/next/matcher-lookahead.js";
import {
  coverage as coverageOf,
  type Matcher,
  matchesPath,
  nextMatcherRegExp,
  routeMatcherSource as routeMatcherSourceOf,
  samplePaths as samplePathsOf,
} from "../../src/next/matcher.js";
import { entryCovering as entryCoveringOf } from "../../src/clerk/matcher-entry.js";

// The helpers take the route parsed; these tests write it as a pattern.
const routeOf = (pattern: string) => routePathOf(pattern.split("/").filter(Boolean).map(parseFolderSegment));
const coverage = (matcher: Matcher, pattern: string) => coverageOf(matcher, routeOf(pattern));
const entryCovering = (pattern: string, ownOnly?: boolean) => entryCoveringOf(routeOf(pattern), ownOnly);
const lookaheadMayExclude = (source: string, pattern: string) => lookaheadMayExcludeOf(source, routeOf(pattern));
const routeMatcherSource = (pattern: string) => routeMatcherSourceOf(routeOf(pattern));
const samplePaths = (pattern: string) => samplePathsOf(routeOf(pattern));

const require = createRequire(import.meta.url);
type NextMatcher = { regexp: string; has?: unknown; missing?: unknown };
const { getMiddlewareMatchers } = require("next/dist/build/analysis/get-page-static-info.js") as {
  getMiddlewareMatchers: (matcher: unknown, nextConfig: object) => NextMatcher[];
};
const { getMiddlewareRouteMatcher } = require("next/dist/shared/lib/router/utils/middleware-route-matcher.js") as {
  getMiddlewareRouteMatcher: (m: NextMatcher[]) => (pathname: string, req: object, query: object) => boolean;
};

/** What next@16 itself decides, through its own build-time compiler and runtime matcher. */
function nextRuns(source: string, pathname: string): boolean {
  const match = getMiddlewareRouteMatcher(getMiddlewareMatchers([source], {}));
  const decoded = decodeURIComponent(pathname);
  return match(pathname, { headers: {} }, {}) || match(decoded, { headers: {} }, {});
}

const SOURCES = [
  "/",
  "/api/:path*",
  "/api/:path+",
  "/(api|trpc)(.*)",
  "/((?!api|_next).*)",
  "/((?!_next|api/public).*)",
  "/((?!api|_next/static|_next/image|favicon.ico).*)",
  "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
  "/((?!.+\\.[\\w]+$|_next).*)",
  "/dashboard/:path*",
  "/api/projects/:id",
  "/api/docs/:slug*",
  "/Api/:path*",
  "/api/:id(\\d+)",
  "/foo{(.*)}*",
];
const PATHS = [
  "/",
  "/api",
  "/api/x",
  "/api/projects/123",
  "/api/projects/sample",
  "/api/public/x",
  "/api/private/x",
  "/api/docs",
  "/api/docs/a/b",
  "/API/x",
  "/dashboard",
  "/dashboard/settings",
  "/index",
  "/about.json",
  "/_next/data/build-1/about.json",
  "/_next/static/chunk.js",
  "/logo.png",
  "/foo/bar",
  "/d%61shboard/x",
];

describe("nextMatcherRegExp reproduces next@16's matcher semantics", () => {
  for (const source of SOURCES) {
    it(source, () => {
      const regexp = nextMatcherRegExp(source);
      expect(regexp).toBeDefined();
      for (const path of PATHS) {
        expect([path, matchesPath(regexp as RegExp, path)]).toEqual([path, nextRuns(source, path)]);
      }
    });
  }

  it('is case-sensitive, as Next.js drops path-to-regexp\'s "i" flag', () => {
    expect(matchesPath(nextMatcherRegExp("/api/:path*") as RegExp, "/API/x")).toBe(false);
  });

  it("rejects what Next.js rejects", () => {
    expect(nextMatcherRegExp("api/:path*")).toBeUndefined();
    expect(nextMatcherRegExp("/api/(")).toBeUndefined();
  });
});

function entries(...sources: string[]): Matcher {
  return {
    kind: "array",
    node: { type: "ArrayExpression", elements: [] },
    entries: sources.map((source) => ({ source, conditional: false, node: { type: "StringLiteral", value: source } })),
  } as unknown as Matcher;
}

describe("coverage", () => {
  it("treats a missing matcher as every path", () => {
    expect(coverage({ kind: "everywhere" }, "/api/x")).toEqual({ covered: true, everywhere: true });
  });

  it("handles negative lookaheads that exclude api or part of it", () => {
    expect(coverage(entries("/((?!api|_next).*)"), "/api/x").covered).toBe(false);
    expect(coverage(entries("/((?!_next|api/public).*)"), "/api/private").covered).toBe(true);
    expect(coverage(entries("/((?!_next|api/public).*)"), "/api/public/[id]").covered).toBe(false);
  });

  it("needs every sample of a dynamic route to match", () => {
    expect(coverage(entries("/api/:id(\\d+)"), "/api/[id]").covered).toBe(false);
    expect(coverage(entries("/api/docs/:slug+"), "/api/docs/[[...slug]]").covered).toBe(false);
    expect(coverage(entries("/api/docs/:slug*"), "/api/docs/[[...slug]]").covered).toBe(true);
    expect(coverage(entries("/api/files/:path"), "/api/files/[...path]").covered).toBe(false);
  });

  it("does not count entries with has/missing", () => {
    const matcher = entries("/api/:path*");
    if (matcher.kind === "array") matcher.entries[0]!.conditional = true;
    expect(coverage(matcher, "/api/x").covered).toBe(false);
  });

  it("reports a source Next.js would reject", () => {
    expect(coverage(entries("api/(.*)"), "/api/x")).toEqual({ covered: false, invalidSource: "api/(.*)" });
  });
});

describe("lookaheads and dynamic segments", () => {
  const WEBHOOKS = "/((?!api/webhooks|_next).*)";

  it("does not trust samples when a lookahead may skip some values", () => {
    expect(coverage(entries(WEBHOOKS), "/api/[...slug]")).toEqual({ covered: false, lookahead: WEBHOOKS });
    expect(coverage(entries(WEBHOOKS), "/api/[id]")).toEqual({ covered: false, lookahead: WEBHOOKS });
    expect(coverage(entries(WEBHOOKS), "/[slug]/x")).toEqual({ covered: false, lookahead: WEBHOOKS });
  });

  it("trusts a lookahead that can't reach the route, and any lookahead on a static route", () => {
    expect(coverage(entries(WEBHOOKS), "/api/projects/[id]").covered).toBe(true);
    expect(coverage(entries(WEBHOOKS), "/api/t").covered).toBe(true);
    expect(coverage(entries("/((?!_next|api/public).*)"), "/api/private/[id]").covered).toBe(true);
    expect(coverage(entries("/((?!api|_next|.*\\..*).*)"), "/reports").covered).toBe(true);
  });

  it("trusts another entry without a lookahead", () => {
    expect(coverage(entries(WEBHOOKS, "/(api|trpc)(.*)"), "/api/[...slug]").covered).toBe(true);
  });

  it("treats anything but plain-text alternatives as able to skip values", () => {
    expect(lookaheadMayExclude("/((?!api|_next|.*\\..*).*)", "/reports/[id]")).toBe(true);
    expect(lookaheadMayExclude("/((?!_next|[^?]*\\.(?:css|js(?!on))).*)", "/reports/[id]")).toBe(true);
    expect(lookaheadMayExclude("/reports/((?!draft).*)", "/reports/[id]")).toBe(true);
    expect(lookaheadMayExclude("/((?!api$).*)", "/reports/[id]")).toBe(true);
    expect(lookaheadMayExclude("/((?!api|favicon.ico).*)", "/reports/[id]")).toBe(false);
    expect(lookaheadMayExclude("/((?!rep.rts).*)", "/reports/[id]")).toBe(true);
    expect(lookaheadMayExclude("/((?!api/docs).*)", "/api/docs/[[...slug]]")).toBe(true);
    expect(lookaheadMayExclude("/((?!api/docsx).*)", "/api/docs/[[...slug]]")).toBe(false);
  });

  /** Where lookaheadMayExclude says "no", no value of the route's segments may make Next.js skip it. */
  it("is sound against next@16 on adversarial values", () => {
    const sources = [
      WEBHOOKS,
      "/((?!_next|api/public).*)",
      "/((?!api|_next/static|_next/image|favicon.ico).*)",
      "/((?!ap\\.i|x).+)",
    ];
    const routes = [
      "/api/[...slug]",
      "/api/[id]",
      "/api/projects/[id]",
      "/api/private/[id]",
      "/api/public/[[...rest]]",
      "/reports/[id]",
      "/[slug]",
      "/api/docs/[[...slug]]",
    ];
    const values = [
      "x",
      "webhooks",
      "webhooks/x",
      "public",
      "public/x",
      "_next",
      "static/a.js",
      "favicon.ico",
      "a.b",
      "webhooks%2Fx",
      "private",
    ];
    for (const source of sources) {
      for (const route of routes) {
        if (lookaheadMayExclude(source, route) || !coverage(entries(source), route).covered) continue;
        for (const value of values) {
          const path = route.replace(/\/\[\[?(\.\.\.)?\w+\]\]?/g, `/${value}`);
          expect([source, path, nextRuns(source, path)]).toEqual([source, path, true]);
        }
      }
    }
  });

  it("adds the route's own entry when asked to, not all of /api", () => {
    expect(entryCovering("/api/[...slug]")).toBe("/(api|trpc)(.*)");
    expect(entryCovering("/api/[...slug]", true)).toBe("/api/:slug+");
    expect(entryCovering("/api/t", true)).toBe("/api/t");
    expect(entryCovering("/api/docs/[[...slug]]", true)).toBe("/api/docs/:slug*");
  });
});

describe("route helpers", () => {
  it("samples dynamic segments", () => {
    expect(samplePaths("/api/projects/[id]")).toEqual(["/api/projects/123", "/api/projects/sample"]);
    expect(samplePaths("/api/files/[...path]")).toEqual(["/api/files/sample", "/api/files/sample/123"]);
    expect(samplePaths("/api/docs/[[...slug]]")).toEqual(["/api/docs", "/api/docs/sample", "/api/docs/sample/123"]);
    expect(samplePaths("/(admin)/api/health")).toEqual(["/api/health"]);
  });

  it("writes the route in path-to-regexp syntax", () => {
    expect(routeMatcherSource("/reports/[id]/[...rest]")).toBe("/reports/:id/:rest+");
    expect(routeMatcherSource("/docs/[[...slug]]")).toBe("/docs/:slug*");
    expect(routeMatcherSource("/[[...slug]]")).toBe("/:slug*");
    expect(routeMatcherSource("/files/[file-id]")).toBe("/files/:file_id");
  });
});

/**
 * Why the wrapper's guard compiles the old matcher itself instead of using Clerk's
 * createRouteMatcher (deprecated in @clerk/nextjs 7): Clerk's path matcher differs from
 * Next.js's matcher semantics on exactly the paths that matter.
 */
describe("createRouteMatcher is not Next.js's matcher", async () => {
  const { createPathMatcher } = (await import("@clerk/shared/pathMatcher")) as {
    createPathMatcher: (patterns: string[]) => (pathname: string) => boolean;
  };
  const both = (source: string, path: string) => [createPathMatcher([source])(path), nextRuns(source, path)];

  it("is case-insensitive where Next.js is not", () => {
    expect(both("/api/:path*", "/API/x")).toEqual([true, false]);
  });

  it("misses the /_next/data and .rsc forms Next.js adds", () => {
    expect(both("/dashboard", "/_next/data/build-1/dashboard.json")).toEqual([false, true]);
    expect(both("/dashboard", "/dashboard.rsc")).toEqual([false, true]);
  });

  it("throws on a source Next.js accepts", () => {
    expect(() => createPathMatcher(["/foo{(.*)}*"])).toThrow();
    expect(nextMatcherRegExp("/foo{(.*)}*")).toBeDefined();
  });
});
