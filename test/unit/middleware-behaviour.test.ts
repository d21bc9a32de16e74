import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type AppRoute, parseFolderSegment, routePathOf, type RoutePath, urlSegments } from "../../src/next/route-path.js";
import { matchesPath, nextMatcherRegExp, samplePaths } from "../../src/next/matcher.js";
import { compareRoutes, servingRoute } from "../../src/next/routing.js";
import { appRoutesOf } from "../support/app-routes.js";

/**
 * The rule the patcher keeps, checked by running the middleware: every fixture's input and output
 * are loaded with every import faked, Next's matcher decides (through src/plan/middleware/matcher.ts,
 * which is parity-tested against next itself) whether each runs on a path, and:
 *  - on every path the old middleware ran on, the new one makes the same calls and returns the same
 *    result (wrapping may put Clerk in front: its own entry is the only difference allowed);
 *  - on every path only the new one runs on, Clerk runs, once, and nothing else does;
 *  - Clerk never runs twice, and the route itself is covered.
 */
const FIXTURES = join(import.meta.dirname, "../fixtures/middleware");
const { createPathMatcher } = (await import("@clerk/shared/pathMatcher")) as {
  createPathMatcher: (patterns: Array<string | RegExp>) => (pathname: string) => boolean;
};

interface Spec {
  route?: string;
  path?: string;
  nextMajor?: number;
  srcDir?: boolean;
  language?: "ts" | "js";
  noInput?: boolean;
  need?: "clerk" | "public" | "clerk-unprotected";
  /** The app's other route files and pages, below the app folder. */
  app?: string[];
  expect?: string;
}

interface Case {
  name: string;
  need: "clerk" | "public" | "clerk-unprotected";
  route: RoutePath;
  kind: "proxy" | "middleware";
  input: string | undefined;
  output: string;
  appRoutes: AppRoute[];
}

function routeOf(pattern: string): RoutePath {
  return routePathOf(pattern.split("/").filter(Boolean).map(parseFolderSegment));
}

/**
 * `output.*`: what the patcher wrote. For a refusal, `applied.ts`: the input with the refusal's
 * printed edit applied by hand (its lines checked against expected.txt below).
 */
function loadCases(result: "output" | "applied" = "output"): Case[] {
  return readdirSync(FIXTURES)
    .sort()
    .flatMap((name): Case[] => {
      const dir = join(FIXTURES, name);
      const ext = ["ts", "js"].find((e) => existsSync(join(dir, `${result}.${e}`)));
      if (!ext) return [];
      const spec = JSON.parse(readFileSync(join(dir, "ctx.json"), "utf8")) as Spec;
      const input = spec.noInput ? undefined : readFileSync(join(dir, `input.${ext}`), "utf8");
      const nextMajor = spec.nextMajor ?? 16;
      const kind = (spec.path ?? (nextMajor >= 16 ? "proxy" : "middleware")).includes("proxy") ? "proxy" : "middleware";
      const output = readFileSync(join(dir, `${result}.${ext}`), "utf8");
      const appRoutes = appRoutesOf(spec.app);
      return [{ name, need: spec.need ?? "clerk", route: routeOf(spec.route ?? "/api/projects/[id]"), kind, input, output, appRoutes }];
    });
}

// ---- A fake world: every import records what runs ----

type Log = string[];
/** A response: what made it, with headers and cookies the code may set. */
interface Marker {
  marker: string;
  headers: Headers;
  cookies: { set: () => void; get: () => undefined; delete: () => void };
}

function marker(name: string): Marker {
  return { marker: name, headers: new Headers(), cookies: { set: () => undefined, get: () => undefined, delete: () => undefined } };
}

/** What a result means to Next: a response (by what made it and which headers it sets) or "go on". */
function describeResult(value: unknown): string {
  if (value === undefined || value === null) return "next";
  if (typeof value === "object" && "marker" in value) {
    const { marker: name, headers } = value as Marker;
    return `${name} [${[...headers.keys()].join(",")}]`;
  }
  return JSON.stringify(value);
}

/** A stand-in for anything imported: calling it records the call; any property is another stand-in. */
function fake(name: string, log: Log, world: { loading: boolean }): unknown {
  const target = function () {};
  return new Proxy(target, {
    apply(_t, _this, args: unknown[]) {
      if (!world.loading) log.push(name);
      // A factory called while loading (createMiddleware(routing), NextAuth(config)) gives a middleware.
      if (world.loading) return fake(`${name}()`, log, world);
      void args;
      return marker(name);
    },
    get(_t, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop === "__esModule") return undefined;
      if (prop === "default") return fake(name, log, world);
      return fake(`${name}.${prop}`, log, world);
    },
  });
}

const NextResponse = {
  next: () => marker("next"),
  redirect: (url: unknown) => marker(`redirect ${String(url)}`),
  rewrite: (url: unknown) => marker(`rewrite ${String(url)}`),
  json: (body: unknown) => marker(`json ${JSON.stringify(body)}`),
};

function clerkModule(log: Log, world: { loading: boolean }) {
  const auth = Object.assign(async () => ({ userId: null, redirectToSignIn: () => marker("redirectToSignIn") }), {
    protect: async () => {
      log.push("auth.protect");
    },
  });
  return {
    clerkMiddleware(...args: unknown[]) {
      const handler = typeof args[0] === "function" ? (args[0] as (...a: unknown[]) => unknown) : undefined;
      return async (req: unknown, event: unknown) => {
        log.push("clerk");
        const result = handler ? await handler(auth, req, event) : undefined;
        return result ?? marker("next");
      };
    },
    // Clerk's own matcher (strings compiled with path-to-regexp 6, case ignored; RegExps as they are).
    createRouteMatcher(patterns: Array<string | RegExp>) {
      const matcher = createPathMatcher(patterns);
      return (req: { nextUrl: { pathname: string } }) => matcher(req.nextUrl.pathname);
    },
    get authMiddleware() {
      return fake("authMiddleware", log, world);
    },
  };
}

interface Loaded {
  handler: ((req: unknown, event: unknown) => unknown) | undefined;
  matcher: unknown;
  log: Log;
}

function load(code: string, kind: string): Loaded {
  const log: Log = [];
  const world = { loading: true };
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const modules: Record<string, unknown> = {
    "@clerk/nextjs/server": clerkModule(log, world),
    "next/server": { NextResponse },
  };
  const require = (id: string) => modules[id] ?? fake(id, log, world);
  const module = { exports: {} as Record<string, unknown> };
  vm.runInThisContext(`(function (require, module, exports) {${js}\n})`)(require, module, module.exports);
  world.loading = false;
  const exports = module.exports;
  const handler = (exports[kind] ?? exports.default) as Loaded["handler"];
  return { handler, matcher: (exports.config as { matcher?: unknown } | undefined)?.matcher, log };
}

// ---- Next's decision: does the middleware run for this request? ----

interface Condition {
  type: string;
  key: string;
  value?: string;
}

function conditionHolds(condition: Condition, headers: Headers): boolean {
  if (condition.type !== "header") throw new Error(`untested condition type ${condition.type}`);
  const value = headers.get(condition.key);
  if (!condition.value) return !!value;
  return !!value && new RegExp(`^${condition.value}$`).test(value);
}

function runsOn(matcher: unknown, path: string, headers: Headers): boolean {
  if (matcher === undefined) return true;
  const entries = (Array.isArray(matcher) ? matcher : [matcher]) as (string | { source: string; has?: Condition[]; missing?: Condition[] })[];
  return entries.some((entry) => {
    const { source, has = [], missing = [] } = typeof entry === "string" ? { source: entry } : entry;
    const regexp = nextMatcherRegExp(source);
    if (!regexp) throw new Error(`invalid source ${source}`);
    return matchesPath(regexp, path) && has.every((c) => conditionHolds(c, headers)) && !missing.some((c) => conditionHolds(c, headers));
  });
}

function request(path: string, headers: Headers) {
  const url = new URL(path, "http://localhost:3000");
  return {
    url: url.href,
    method: "GET",
    headers,
    nextUrl: Object.assign(new URL(url.href), { clone: () => new URL(url.href) }),
    cookies: { get: () => undefined, getAll: () => [], has: () => false },
  };
}

async function run(loaded: Loaded, path: string, headers: Headers): Promise<{ calls: Log; result: string }> {
  loaded.log.length = 0;
  const value = await loaded.handler?.(request(path, headers), { waitUntil: () => undefined });
  return { calls: [...loaded.log], result: describeResult(value) };
}

/** Sample paths of a matcher source: its static text with every parameter filled in. */
function pathsOfSource(source: string): string[] {
  if (/[()[\]{}\\]/.test(source)) return [];
  return [source.replace(/:\w+[*?]/g, "").replace(/:\w+\+?/g, "sample").replace(/\/+$/, "") || "/"];
}

/** A path in other cases: all upper, and each segment upper on its own (createRouteMatcher ignores case, Next.js does not). */
function otherCases(path: string): string[] {
  const parts = path.split("/");
  return [path.toUpperCase(), ...parts.map((_, i) => parts.map((part, j) => (i === j ? part.toUpperCase() : part)).join("/"))];
}

function samplePathsFor(c: Case, oldMatcher: unknown): string[] {
  const own = (Array.isArray(oldMatcher) ? oldMatcher : oldMatcher === undefined ? [] : [oldMatcher]) as (string | { source: string })[];
  // The app's routes and pages, and the new route, in every case: exempting the route must leave
  // the others as they were. (Without an app tree, every other path counts as another route's: see servedBy.)
  const routes = c.appRoutes.length === 0 ? [] : [...c.appRoutes.map((existing) => existing.route), c.route];
  const app = routes.flatMap((route) => samplePaths(route)).flatMap((path) => [path, ...otherCases(path)]);
  return [
    ...new Set([
      ...app,
      "/",
      "/en/about",
      "/about",
      "/api/other",
      "/api/webhooks/stripe",
      "/trpc/x",
      "/_next/static/x.js",
      "/favicon.ico",
      "/dashboard",
      "/dashboard/settings",
      "/sign-in",
      "/old",
      ...own.flatMap((e) => pathsOfSource(typeof e === "string" ? e : e.source)),
      ...samplePaths(c.route),
    ]),
  ];
}

const HEADER_SETS: Record<string, Headers> = {
  plain: new Headers(),
  prefetch: new Headers({ "next-router-prefetch": "1", purpose: "prefetch" }),
};

/** Whether the patch left the matcher as it was (then the handler's rules were edited instead). */
function sameMatcher(c: Case): boolean {
  return c.input !== undefined && JSON.stringify(load(c.input, c.kind).matcher) === JSON.stringify(load(c.output, c.kind).matcher);
}

/** Machine-token routes: a widened matcher is checked like any route, a rule edit like a webhook's. */
const rulesEdited = (c: Case) => c.need === "public" || (c.need === "clerk-unprotected" && sameMatcher(c));

describe("patched middleware behaves as before, plus Clerk alone on new paths", () => {
  const cases = loadCases().filter((c) => !rulesEdited(c));

  it("covers the whole corpus", () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const before = c.input === undefined ? undefined : load(c.input, c.kind);
      const after = load(c.output, c.kind);
      expect(after.handler, "the patched file exports a middleware").toBeTypeOf("function");
      const oldMatcher = before?.handler ? before.matcher : [];
      for (const path of samplePathsFor(c, oldMatcher)) {
        for (const [variant, headers] of Object.entries(HEADER_SETS)) {
          const where = `${path} (${variant} request)`;
          const ranBefore = before?.handler !== undefined && runsOn(before.matcher, path, headers);
          const runsNow = runsOn(after.matcher, path, headers);
          if (ranBefore) {
            expect(runsNow, `${where}: still runs`).toBe(true);
            const old = await run(before, path, headers);
            const now = await run(after, path, headers);
            expect(now.calls.filter((call) => call === "clerk").length, `${where}: Clerk runs once`).toBe(1);
            if (old.calls.includes("clerk")) expect(now.calls, `${where}: same calls`).toEqual(old.calls);
            else expect(now.calls.filter((call) => call !== "clerk"), `${where}: same calls`).toEqual(old.calls);
            // Clerk answers "go on" with NextResponse.next(): the same as returning nothing.
            const same = (r: string) => (r === "next []" ? "next" : r);
            expect(same(now.result), `${where}: same result`).toBe(same(old.result));
          } else if (runsNow) {
            const now = await run(after, path, headers);
            expect(now.calls, `${where}: only Clerk runs on a newly covered path`).toEqual(["clerk"]);
            expect(now.result, `${where}: Clerk's own response`).toBe("next []");
          }
        }
      }
      for (const path of samplePaths(c.route)) {
        expect(runsOn(after.matcher, path, HEADER_SETS.plain!), `the route's path ${path} is covered`).toBe(true);
      }
    });
  }
});

/**
 * Who Next.js serves a path from: the new route, an existing route or page, or nothing (404).
 * Without an app tree in ctx.json, every path but the route's own samples counts as some existing
 * route's, so the check is as strict as it can be.
 */
function servedBy(c: Case): (path: string) => "new" | "existing" | "none" {
  const own = new Set(samplePaths(c.route));
  if (c.appRoutes.length === 0) return (path) => (own.has(path) ? "new" : "existing");
  const sorted = [
    ...c.appRoutes.map((existing) => ({ segments: urlSegments(existing.route.segments), who: "existing" as const })),
    { segments: urlSegments(c.route.segments), who: "new" as const },
  ].sort((a, b) => compareRoutes(a.segments, b.segments));
  return (path) => servingRoute(sorted, path.split("/").filter(Boolean))?.who ?? "none";
}

/**
 * The rule for a route exempted from the Clerk handler's rules: the matcher is unchanged; on the
 * route's own paths auth.protect() never runs; on every path Next.js serves from another route or
 * page (in any case: createRouteMatcher ignores it) the middleware does exactly what it did.
 * Paths Next.js serves from the new route or from nothing (a 404) may differ.
 */
async function checkKeptPublic(c: Case): Promise<void> {
  const before = load(c.input!, c.kind);
  const after = load(c.output, c.kind);
  const routePaths = new Set(samplePaths(c.route));
  const served = servedBy(c);
  let protectedBefore = false;
  let comparedExisting = 0;
  for (const path of samplePathsFor(c, before.matcher)) {
    for (const [variant, headers] of Object.entries(HEADER_SETS)) {
      const where = `${path} (${variant} request)`;
      expect(runsOn(after.matcher, path, headers), `${where}: the matcher is unchanged`).toBe(runsOn(before.matcher, path, headers));
      if (!runsOn(after.matcher, path, headers)) continue;
      const now = await run(after, path, headers);
      if (routePaths.has(path)) {
        expect(now.calls, `${where}: the public route is never protected`).not.toContain("auth.protect");
        if ((await run(before, path, headers)).calls.includes("auth.protect")) protectedBefore = true;
      } else if (served(path) === "existing") {
        const old = await run(before, path, headers);
        expect(now.calls, `${where}: same calls`).toEqual(old.calls);
        expect(now.result, `${where}: same result`).toBe(old.result);
        comparedExisting++;
      }
    }
  }
  expect(protectedBefore, "the fixture's input did protect the route (else this proves nothing)").toBe(true);
  expect(comparedExisting, "some path of another route was compared").toBeGreaterThan(0);
  if (c.need === "clerk-unprotected") {
    for (const path of routePaths) expect(runsOn(after.matcher, path, HEADER_SETS.plain!), `Clerk still runs on ${path}`).toBe(true);
  }
}

/**
 * A route that must stay public (a webhook): the patch changes what the Clerk handler does on that
 * route only, on purpose. Everywhere else the middleware does exactly what it did (other routes
 * and pages of the app included); on the route, auth.protect() never runs and no matcher entry
 * was added for it.
 */
describe("a route kept public: the same everywhere else, never auth.protect() on it", () => {
  const cases = loadCases().filter(rulesEdited);

  it("has fixtures, some with an app tree", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.appRoutes.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  for (const c of cases) it(c.name, () => checkKeptPublic(c));
});

/**
 * Where exempting the route would also unprotect another route or page, the patcher refuses and
 * prints an edit. That edit keeps the same rule: each fixture's applied.ts is its input with the
 * printed edit made by hand, line for line, and it is checked like a patch.
 */
describe("a refusal's printed edit keeps the rule too", () => {
  const cases = loadCases("applied");

  it("has fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const c of cases) {
    it(`${c.name}: applied.ts makes the printed edit`, () => {
      const expected = readFileSync(join(FIXTURES, c.name, "expected.txt"), "utf8");
      const edit = expected.slice(expected.indexOf("--- manual edit ---"));
      const code = edit
        .split("\n")
        .filter((line) => line.startsWith("    "))
        .map((line) => line.slice(4));
      const declarations = code.slice(0, code.findIndex((line) => line.startsWith("export default")));
      const condition = code.find((line) => line.trimStart().startsWith("if ("));
      expect(declarations.length).toBeGreaterThan(0);
      const applied = new Set(c.output.split("\n").map((line) => line.trim()));
      for (const line of [...declarations, condition ?? "(no condition)"].filter((l) => l.trim() !== "")) {
        expect(applied.has(line.trim()), `applied.ts has: ${line}`).toBe(true);
      }
    });

    it(`${c.name}: the same everywhere else, never auth.protect() on the route`, () => checkKeptPublic(c));
  }
});
