import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type AppRoute, type RoutePath, urlSegments } from "../../src/next/route-path.js";
import { matchesPath, nextMatcherRegExp, samplePaths } from "../../src/next/matcher.js";
import { compareRoutes, servingRoute } from "../../src/next/routing.js";
import { MIDDLEWARE_FIXTURES, middlewareFixtures } from "../support/middleware-fixtures.js";

/**
 * The rule the patcher keeps, checked by running the middleware: every fixture's input and output
 * are loaded with every import faked, Next's matcher decides (through src/plan/middleware/matcher.ts,
 * which is parity-tested against next itself) whether each runs on a path, and:
 *  - on every path the old middleware ran on, the new one makes the same calls and returns the same
 *    result (wrapping may put Clerk in front: its own entry is the only difference allowed);
 *  - on every path only the new one runs on, Clerk runs, once, and nothing else does;
 *  - Clerk never runs twice, and the route itself is covered.
 */
const { createPathMatcher } = (await import("@clerk/shared/pathMatcher")) as {
  createPathMatcher: (patterns: Array<string | RegExp>) => (pathname: string) => boolean;
};

interface Case {
  name: string;
  need: "clerk" | "public" | "clerk-unprotected";
  route: RoutePath;
  kind: "proxy" | "middleware";
  ext: "ts" | "js";
  input: string | undefined;
  /** What the patcher wrote ("" for a refusal). */
  output: string;
  /** For a refusal: the input with its printed edit made by hand. */
  applied?: string;
  clerkMajor: number;
  appRoutes: AppRoute[];
}

/**
 * `output.*`: what the patcher wrote. For a refusal, `applied.*`: the input with the refusal's
 * printed edit applied by hand (its lines checked against expected.txt below). Every fixture is
 * loaded by test/support/middleware-fixtures.ts.
 */
function loadCases(): Case[] {
  return middlewareFixtures().flatMap((f): Case[] => {
    if (f.output === undefined && f.applied === undefined) return [];
    const { name, need, route, ext, input, appRoutes } = f;
    const base = {
      name,
      need,
      route,
      kind: f.ctx.kind,
      ext,
      input,
      output: f.output ?? "",
      clerkMajor: f.spec.clerkMajor ?? 7,
      appRoutes,
    };
    return [f.applied === undefined ? base : { ...base, applied: f.applied }];
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
  return {
    marker: name,
    headers: new Headers(),
    cookies: { set: () => undefined, get: () => undefined, delete: () => undefined },
  };
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
function fake(name: string, log: Log, world: World): unknown {
  const target = function () {};
  return new Proxy(target, {
    apply(_t, _this, args: unknown[]) {
      if (!world.loading) log.push(name);
      // A factory called while loading (createMiddleware(routing), NextAuth(config)) gives a middleware.
      if (world.loading) return fake(`${name}()`, log, world);
      void args;
      return result(name, log, world);
    },
    get(_t, prop) {
      if (prop === "__esModule") return true;
      if (typeof prop === "symbol" || prop === "then") return undefined;
      if (prop === "default") return fake(name, log, world);
      return fake(`${name}.${prop}`, log, world);
    },
  });
}

/** What a fake returns when called: a response to Next, whose other properties are fakes too (`decision.isDenied()`). */
function result(name: string, log: Log, world: World): Marker {
  const value = marker(name);
  return new Proxy(value, {
    get(target, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop in target)
        return (target as unknown as Record<string | symbol, unknown>)[prop];
      return fake(`${name}.${prop}`, log, world);
    },
  });
}

/** A response the code builds: how it was made and its status, e.g. "json {...} 401", "response 401". */
const statusOf = (init: unknown) =>
  init && typeof init === "object" && "status" in init ? String((init as { status: unknown }).status) : "200";

class FakeResponse {
  marker: string;
  headers = new Headers();
  cookies = marker("").cookies;
  constructor(_body?: unknown, init?: unknown) {
    this.marker = `response ${statusOf(init)}`;
  }
  static json(body: unknown, init?: unknown) {
    return marker(`json ${JSON.stringify(body)} ${statusOf(init)}`);
  }
  static redirect(url: unknown) {
    return marker(`redirect ${String(url)}`);
  }
}

class NextResponse extends FakeResponse {
  static next() {
    return marker("next");
  }
  static rewrite(url: unknown) {
    return marker(`rewrite ${String(url)}`);
  }
}

/** Who calls: signed out (as a webhook or an API key looks to auth()), a member, an admin of the organization. */
export type Caller = "signedOut" | "member" | "admin";
const CALLERS: Caller[] = ["signedOut", "member", "admin"];

/** What clerkMiddleware() does with a thrown redirectToSignIn() or a rejected auth.protect(): its own answer. */
class ClerkControlFlow extends Error {}

function authObject(caller: Caller) {
  const redirectToSignIn = () => {
    throw new ClerkControlFlow("redirectToSignIn");
  };
  if (caller === "signedOut") {
    return {
      userId: null,
      sessionId: null,
      orgId: null,
      orgRole: null,
      sessionClaims: null,
      isAuthenticated: false,
      has: () => false,
      redirectToSignIn,
      redirectToSignUp: redirectToSignIn,
    };
  }
  const orgRole = caller === "admin" ? "org:admin" : "org:member";
  const has = (params: Record<string, string>) => (params.role ? params.role === orgRole : caller === "admin");
  const sessionClaims = { metadata: { role: caller === "admin" ? "admin" : "member" } };
  return {
    userId: "user_1",
    sessionId: "sess_1",
    orgId: "org_1",
    orgRole,
    sessionClaims,
    isAuthenticated: true,
    has,
    redirectToSignIn,
    redirectToSignUp: redirectToSignIn,
  };
}

/** auth.protect() of @clerk/nextjs 7: async; signed out or failing the check, it rejects (clerkMiddleware answers). */
function protect(log: Log, world: World) {
  return (params?: unknown) => {
    log.push("auth.protect");
    const auth = authObject(world.caller);
    let denied: string | undefined;
    if (!auth.userId) denied = "protect: signed out";
    else if (typeof params === "function")
      denied = (params as (has: unknown) => boolean)(auth.has) ? undefined : "protect: 404";
    else if (
      params &&
      typeof params === "object" &&
      ["role", "permission", "feature", "plan"].some((k) => k in params)
    ) {
      denied = auth.has(params as Record<string, string>) ? undefined : "protect: 404";
    }
    const result = denied ? Promise.reject(new ClerkControlFlow(denied)) : Promise.resolve(auth);
    // Not awaited, a rejection goes unseen (as in Clerk 6+): never an unhandled rejection here.
    result.catch(() => undefined);
    return result;
  };
}

interface World {
  loading: boolean;
  caller: Caller;
  /** The fixture's @clerk/nextjs major: before 6, auth() is sync and its object has protect() (sync, throwing). */
  clerkMajor: number;
}

function clerkModule(log: Log, world: World) {
  const asyncAuth = Object.assign(async () => authObject(world.caller), { protect: protect(log, world) });
  const syncAuth = () => ({
    ...authObject(world.caller),
    protect: (params?: unknown) => {
      log.push("auth.protect");
      const caller = authObject(world.caller);
      if (!caller.userId) throw new ClerkControlFlow("protect: signed out");
      if (params && typeof params === "object" && "role" in params && !caller.has(params as Record<string, string>))
        throw new ClerkControlFlow("protect: 404");
      return caller;
    },
  });
  const auth = new Proxy(asyncAuth, {
    apply: (_t, _this, args: unknown[]) => (world.clerkMajor < 6 ? syncAuth() : asyncAuth(...(args as []))),
  });
  return {
    clerkMiddleware(...args: unknown[]) {
      const handler = typeof args[0] === "function" ? (args[0] as (...a: unknown[]) => unknown) : undefined;
      return async (req: unknown, event: unknown) => {
        log.push("clerk");
        try {
          const result = handler ? await handler(auth, req, event) : undefined;
          return result || marker("next");
        } catch (error) {
          if (error instanceof ClerkControlFlow) return marker(error.message);
          throw error;
        }
      };
    },
    // Clerk's own matcher (strings compiled with path-to-regexp 6, case ignored; RegExps as they are).
    createRouteMatcher(patterns: Array<string | RegExp>) {
      const matcher = createPathMatcher(patterns);
      return (req: { nextUrl: { pathname: string } }) => matcher(req.nextUrl.pathname);
    },
    // authMiddleware() of @clerk/nextjs 5: skips ignoredRoutes, lets publicRoutes through, else 401 (API) or sign-in.
    authMiddleware(options: { publicRoutes?: string[]; ignoredRoutes?: string[] } = {}) {
      const matches = (patterns: string[], path: string) => createPathMatcher(patterns)(path);
      return async (req: { nextUrl: { pathname: string } }) => {
        const path = req.nextUrl.pathname;
        if (matches(options.ignoredRoutes ?? ["/((?!api|trpc))(_next.*|.+\\.[\\w]+$)"], path)) return marker("next");
        log.push("clerk");
        if (matches(options.publicRoutes ?? [], path) || authObject(world.caller).userId) return marker("next");
        return matches(["/api/(.*)", "/trpc/(.*)"], path) ? marker("json 401") : marker("redirectToSignIn");
      };
    },
  };
}

interface Loaded {
  handler: ((req: unknown, event: unknown) => unknown) | undefined;
  matcher: unknown;
  log: Log;
  world: World;
}

function load(code: string, kind: string, clerkMajor = 7): Loaded {
  const log: Log = [];
  const world: World = { loading: true, caller: "signedOut", clerkMajor };
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const modules: Record<string, unknown> = {
    "@clerk/nextjs/server": clerkModule(log, world),
    "@clerk/nextjs": clerkModule(log, world),
    "next/server": { NextResponse },
  };
  const require = (id: string) => modules[id] ?? fake(id, log, world);
  const module = { exports: {} as Record<string, unknown> };
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined, info: () => undefined };
  vm.runInThisContext(`(function (require, module, exports, Response, console) {${js}\n})`)(
    require,
    module,
    module.exports,
    FakeResponse,
    quiet,
  );
  world.loading = false;
  const exports = module.exports;
  const handler = (exports[kind] ?? exports.default) as Loaded["handler"];
  return { handler, matcher: (exports.config as { matcher?: unknown } | undefined)?.matcher, log, world };
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
  const entries = (Array.isArray(matcher) ? matcher : [matcher]) as (
    string | { source: string; has?: Condition[]; missing?: Condition[] }
  )[];
  return entries.some((entry) => {
    const { source, has = [], missing = [] } = typeof entry === "string" ? { source: entry } : entry;
    const regexp = nextMatcherRegExp(source);
    if (!regexp) throw new Error(`invalid source ${source}`);
    return (
      matchesPath(regexp, path) &&
      has.every((c) => conditionHolds(c, headers)) &&
      !missing.some((c) => conditionHolds(c, headers))
    );
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

async function run(
  loaded: Loaded,
  path: string,
  headers: Headers,
  caller: Caller = "signedOut",
): Promise<{ calls: Log; result: string }> {
  loaded.log.length = 0;
  loaded.world.caller = caller;
  const value = await loaded.handler?.(request(path, headers), { waitUntil: () => undefined });
  return { calls: [...loaded.log], result: describeResult(value) };
}

/** Sample paths of a matcher source: its static text with every parameter filled in. */
function pathsOfSource(source: string): string[] {
  if (/[()[\]{}\\]/.test(source)) return [];
  return [
    source
      .replace(/:\w+[*?]/g, "")
      .replace(/:\w+\+?/g, "sample")
      .replace(/\/+$/, "") || "/",
  ];
}

/** A path in other cases: all upper, and each segment upper on its own (createRouteMatcher ignores case, Next.js does not). */
function otherCases(path: string): string[] {
  const parts = path.split("/");
  return [
    path.toUpperCase(),
    ...parts.map((_, i) => parts.map((part, j) => (i === j ? part.toUpperCase() : part)).join("/")),
  ];
}

function samplePathsFor(c: Case, oldMatcher: unknown): string[] {
  const own = (Array.isArray(oldMatcher) ? oldMatcher : oldMatcher === undefined ? [] : [oldMatcher]) as (
    string | { source: string }
  )[];
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
  return (
    c.input !== undefined &&
    c.output !== "" &&
    JSON.stringify(load(c.input, c.kind, c.clerkMajor).matcher) ===
      JSON.stringify(load(c.output, c.kind, c.clerkMajor).matcher)
  );
}

/** Machine-token routes: a widened matcher is checked like any route, a rule edit like a webhook's. */
const rulesEdited = (c: Case) => c.need === "public" || (c.need === "clerk-unprotected" && sameMatcher(c));

describe("patched middleware behaves as before, plus Clerk alone on new paths", () => {
  const cases = loadCases().filter((c) => c.output !== "" && !rulesEdited(c));

  it("covers the whole corpus", () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const before = c.input === undefined ? undefined : load(c.input, c.kind, c.clerkMajor);
      const after = load(c.output, c.kind, c.clerkMajor);
      expect(after.handler, "the patched file exports a middleware").toBeTypeOf("function");
      const oldMatcher = before?.handler ? before.matcher : [];
      for (const path of samplePathsFor(c, oldMatcher)) {
        for (const [variant, headers] of Object.entries(HEADER_SETS)) {
          for (const caller of CALLERS) {
            const where = `${path} (${variant} request, ${caller})`;
            const ranBefore = before?.handler !== undefined && runsOn(before.matcher, path, headers);
            const runsNow = runsOn(after.matcher, path, headers);
            if (ranBefore) {
              expect(runsNow, `${where}: still runs`).toBe(true);
              const old = await run(before, path, headers, caller);
              const now = await run(after, path, headers, caller);
              expect(now.calls.filter((call) => call === "clerk").length, `${where}: Clerk runs once`).toBe(1);
              if (old.calls.includes("clerk")) expect(now.calls, `${where}: same calls`).toEqual(old.calls);
              else
                expect(
                  now.calls.filter((call) => call !== "clerk"),
                  `${where}: same calls`,
                ).toEqual(old.calls);
              expect(same(now.result), `${where}: same result`).toBe(same(old.result));
            } else if (runsNow) {
              const now = await run(after, path, headers, caller);
              expect(now.calls, `${where}: only Clerk runs on a newly covered path`).toEqual(["clerk"]);
              expect(now.result, `${where}: Clerk's own response`).toBe("next []");
            }
          }
        }
      }
      for (const path of samplePaths(c.route)) {
        expect(runsOn(after.matcher, path, HEADER_SETS.plain!), `the route's path ${path} is covered`).toBe(true);
      }
    });
  }
});

/** Clerk answers "go on" with NextResponse.next(): the same as returning nothing. */
const same = (r: string) => (r === "next []" ? "next" : r);

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
 * The rule for a route exempted from the middleware's gates (a webhook; a machine route, whose
 * tokens look signed out to auth()): the matcher is unchanged; on the route's own paths a
 * signed-out caller goes on (no auth.protect(), no redirect, no 401, nothing but "next"); on every
 * path Next.js serves from another route or page (in any case: createRouteMatcher ignores it)
 * every caller meets exactly what they met before. Paths Next.js serves from the new route or
 * from nothing (a 404) may differ.
 */
async function checkKeptPublic(c: Case, result: "output" | "applied"): Promise<void> {
  const before = load(c.input!, c.kind, c.clerkMajor);
  const after = load(result === "output" ? c.output : c.applied!, c.kind, c.clerkMajor);
  const routePaths = new Set(samplePaths(c.route));
  const served = servedBy(c);
  let gatedBefore = false;
  let comparedExisting = 0;
  for (const path of samplePathsFor(c, before.matcher)) {
    for (const [variant, headers] of Object.entries(HEADER_SETS)) {
      expect(runsOn(after.matcher, path, headers), `${path} (${variant} request): the matcher is unchanged`).toBe(
        runsOn(before.matcher, path, headers),
      );
      if (!runsOn(after.matcher, path, headers)) continue;
      for (const caller of CALLERS) {
        const where = `${path} (${variant} request, ${caller})`;
        const old = await run(before, path, headers, caller);
        const now = await run(after, path, headers, caller);
        if (routePaths.has(path)) {
          if (caller !== "signedOut") continue;
          expect(now.calls, `${where}: the route is never protected`).not.toContain("auth.protect");
          expect(same(now.result), `${where}: the request goes on`).toBe("next");
          if (old.calls.includes("auth.protect") || same(old.result) !== "next") gatedBefore = true;
        } else if (served(path) === "existing") {
          expect(now.calls, `${where}: same calls`).toEqual(old.calls);
          expect(now.result, `${where}: same result`).toBe(old.result);
          comparedExisting++;
        }
      }
    }
  }
  expect(gatedBefore, "the fixture's input did stop a signed-out caller on the route (else this proves nothing)").toBe(
    true,
  );
  expect(comparedExisting, "some path of another route was compared").toBeGreaterThan(0);
  if (c.need === "clerk-unprotected") {
    for (const path of routePaths)
      expect(runsOn(after.matcher, path, HEADER_SETS.plain!), `Clerk still runs on ${path}`).toBe(true);
  }
}

/**
 * A route that must stay public (a webhook): the patch changes what the middleware does on that
 * route only, on purpose. Everywhere else it does exactly what it did (other routes and pages of
 * the app included); on the route, a signed-out caller goes on, and no matcher entry was added for it.
 */
describe("a route kept public: the same everywhere else, never a gate on it", () => {
  const cases = loadCases().filter((c) => c.output !== "" && rulesEdited(c));

  it("has fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const c of cases) it(c.name, () => checkKeptPublic(c, "output"));
});

/**
 * Where the patcher refuses to exempt the route (a gate it cannot edit or prove, or an exemption
 * that would also unprotect another route or page), the manual edit it prints must keep the same
 * rule: each such fixture's applied.* is its input with the printed edit made by hand (every code
 * line the edit prints is in it), and it is checked like a patch.
 */
describe("a refusal's printed edit keeps the rule too", () => {
  const cases = loadCases().filter((c) => c.applied !== undefined);

  it("has fixtures, some with an app tree", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.appRoutes.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  for (const c of cases) {
    it(`${c.name}: applied.${c.ext} makes the printed edit`, () => {
      const expected = readFileSync(join(MIDDLEWARE_FIXTURES, c.name, "expected.txt"), "utf8");
      const edit = expected.slice(expected.indexOf("--- manual edit ---"));
      const printed = edit
        .split("\n")
        .filter((line) => line.startsWith("    "))
        .map((line) => line.trim())
        .filter((line) => line !== "");
      expect(printed.length).toBeGreaterThan(0);
      const applied = new Set(c.applied!.split("\n").map((line) => line.trim()));
      for (const line of printed) expect(applied.has(line), `applied.${c.ext} has: ${line}`).toBe(true);
    });

    it(`${c.name}: the same everywhere else, never a gate on the route`, () => checkKeptPublic(c, "applied"));
  }
});
