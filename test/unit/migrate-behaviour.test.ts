import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { pathToRegexp } from "path-to-regexp";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { scanRoutes } from "../../src/audit/scan.js";
import { matchesPath, nextMatcherRegExp, samplePaths } from "../../src/next/matcher.js";
import { middlewareCandidatePaths } from "../../src/next/conventions.js";
import { detectProject } from "../../src/project/detect.js";
import { listProtectableFiles } from "../../src/project/protected-files.js";
import { migrateFixtures } from "../support/migrate-fixtures.js";

/**
 * `migrate` keeps every caller's outcome, proved by running the code: each fixture's input and
 * output projects are loaded with every import faked (Clerk with a caller per run, next/server,
 * and a recorder for anything else); for every path of every route and page, Next's matcher
 * decides whether the middleware runs, then the middleware and the route's handler run, for a
 * signed-out caller, a signed-in one without an organization, an organization member and an admin:
 *  - a request blocked before (by the middleware or the handler) is blocked after;
 *  - a request that reached the handler's own logic before reaches it after, with the same answer;
 *  - a page the middleware protected before is still protected.
 * And where migrate says a route left the rules, a signed-out caller now gets the handler's 401.
 */

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

interface Caller {
  name: string;
  userId: string | null;
  orgRole?: string;
  orgPermissions?: string[];
}

const CALLERS: Caller[] = [
  { name: "signed out", userId: null },
  { name: "signed in", userId: "user_1" },
  { name: "org member", userId: "user_2", orgRole: "org:member", orgPermissions: ["org:items:read"] },
  {
    name: "org admin",
    userId: "user_3",
    orgRole: "org:admin",
    orgPermissions: ["org:items:read", "org:items:manage", "org:billing:manage"],
  },
];

/** What a caller's session says, as Clerk's auth() object does. */
function authObject(caller: Caller) {
  const prefix = (value: string) => value.replace(/^(org:)*/, "org:");
  const has = (params: Record<string, string>) => {
    if (!caller.userId) return false;
    if (params.role !== undefined && (!caller.orgRole || prefix(caller.orgRole) !== prefix(params.role))) return false;
    if (params.permission !== undefined && !(caller.orgPermissions ?? []).includes(prefix(params.permission)))
      return false;
    if (params.plan !== undefined || params.feature !== undefined) return false;
    return true;
  };
  const signedIn = caller.userId !== null;
  const object = {
    isAuthenticated: signedIn,
    userId: caller.userId,
    sessionId: signedIn ? "sess_1" : null,
    orgId: caller.orgRole ? "org_1" : null,
    orgRole: caller.orgRole ?? null,
    tokenType: "session_token",
    has,
    redirectToSignIn: () => ({ blocked: "redirectToSignIn" }),
    // Clerk 5's auth().protect()
    protect: (params?: unknown) => protect(caller, params),
  };
  return object;
}

class Blocked extends Error {}

/** auth.protect() as Clerk's createProtect does: no session, or a failed check, stops the request. */
function protect(caller: Caller, params?: unknown) {
  const object = authObject(caller);
  if (!caller.userId) throw new Blocked("signed out");
  if (typeof params === "function" && !(params as (has: unknown) => boolean)(object.has)) throw new Blocked("check");
  if (params && typeof params === "object") {
    const checks = Object.fromEntries(
      Object.entries(params).filter(([key]) => ["role", "permission", "plan", "feature"].includes(key)),
    ) as Record<string, string>;
    if (Object.keys(checks).length > 0 && !object.has(checks)) throw new Blocked("check");
  }
  return object;
}

interface World {
  caller: Caller;
  loading: boolean;
}

/** A stand-in for anything imported: calling it while loading gives another stand-in; at request time, a response. */
function fake(name: string, world: World): unknown {
  const target = function () {};
  return new Proxy(target, {
    apply() {
      if (world.loading) return fake(`${name}()`, world);
      return { status: 200, body: { fake: name } };
    },
    construct() {
      return fake(`new ${name}`, world) as object;
    },
    get(_t, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop === "__esModule") return undefined;
      if (prop === "default") return fake(name, world);
      return fake(`${name}.${prop}`, world);
    },
  });
}

function clerkModule(world: World) {
  const auth = Object.assign(async () => authObject(world.caller), {
    protect: async (params?: unknown) => protect(world.caller, params),
  });
  return {
    auth,
    currentUser: async () => (world.caller.userId ? { id: world.caller.userId } : null),
    clerkClient: fake("clerkClient", world),
    clerkMiddleware(...args: unknown[]) {
      const handler = typeof args[0] === "function" ? (args[0] as (...a: unknown[]) => unknown) : undefined;
      return async (req: unknown, event: unknown) => {
        const middlewareAuth = Object.assign(() => authObject(world.caller), {
          protect: async (params?: unknown) => protect(world.caller, params),
        });
        return handler ? handler(middlewareAuth, req, event) : undefined;
      };
    },
    createRouteMatcher(patterns: string[] | string) {
      const regexps = (Array.isArray(patterns) ? patterns : [patterns]).map((p) => pathToRegexp(p));
      return (req: { nextUrl: { pathname: string } }) => regexps.some((re) => re.test(req.nextUrl.pathname));
    },
  };
}

const NextResponse = {
  json: (body: unknown, init?: { status?: number }) => ({ status: init?.status ?? 200, body }),
  next: () => undefined,
  redirect: () => ({ blocked: "redirect" }),
};

function load(code: string, file: string, world: World): Record<string, unknown> {
  const js = ts.transpileModule(code, {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
      jsx: ts.JsxEmit.React,
    },
  }).outputText;
  const modules: Record<string, unknown> = {
    "@clerk/nextjs/server": clerkModule(world),
    "next/server": { NextResponse },
    "@clerk/nextjs/webhooks": {
      verifyWebhook: async () => {
        throw new Error("no signature");
      },
    },
    svix: {
      Webhook: class {
        verify() {
          throw new Error("no signature");
        }
      },
    },
  };
  const require = (id: string) => modules[id] ?? fake(id, world);
  const module = { exports: {} as Record<string, unknown> };
  world.loading = true;
  vm.runInThisContext(`(function (require, module, exports) {${js}\n})`)(require, module, module.exports);
  world.loading = false;
  return module.exports;
}

function runsOn(matcher: unknown, path: string): boolean {
  if (matcher === undefined) return true;
  const entries = (Array.isArray(matcher) ? matcher : [matcher]) as (string | { source: string })[];
  return entries.some((entry) => {
    const regexp = nextMatcherRegExp(typeof entry === "string" ? entry : entry.source);
    return regexp !== undefined && matchesPath(regexp, path);
  });
}

function request(path: string, method: string) {
  const url = new URL(path, "http://localhost:3000");
  return {
    url: url.href,
    method,
    headers: new Headers({ accept: "application/json" }),
    nextUrl: Object.assign(new URL(url.href), { clone: () => new URL(url.href) }),
    cookies: { get: () => undefined, getAll: () => [], has: () => false },
    json: async () => ({}),
    text: async () => "",
  };
}

type Outcome =
  | { kind: "blocked"; by: "middleware" | "handler"; status?: number }
  | { kind: "reached"; status: number; body: string };

interface Project {
  root: string;
  world: World;
  middleware?: { handler?: (req: unknown, event: unknown) => unknown; matcher: unknown };
  routes: Map<string, Record<string, unknown>>;
}

function loadProject(root: string, routeFiles: string[]): Project {
  const world: World = { caller: CALLERS[0]!, loading: false };
  const middlewareFile = middlewareCandidatePaths().find((file) => existsSync(path.join(root, file)));
  let middleware: Project["middleware"];
  if (middlewareFile) {
    const exports = load(readFileSync(path.join(root, middlewareFile), "utf8"), middlewareFile, world);
    const kind = middlewareFile.includes("proxy") ? "proxy" : "middleware";
    middleware = {
      handler: (exports[kind] ?? exports.default) as (req: unknown, event: unknown) => unknown,
      matcher: (exports.config as { matcher?: unknown } | undefined)?.matcher,
    };
  }
  const routes = new Map(
    routeFiles.map((file) => [file, load(readFileSync(path.join(root, file), "utf8"), file, world)]),
  );
  return { root, world, ...(middleware ? { middleware } : {}), routes };
}

async function middlewareBlocks(project: Project, path: string, method: string): Promise<boolean> {
  if (!project.middleware?.handler || !runsOn(project.middleware.matcher, path)) return false;
  try {
    const result = await project.middleware.handler(request(path, method), { waitUntil: () => undefined });
    return typeof result === "object" && result !== null && "blocked" in result;
  } catch (error) {
    if (error instanceof Blocked) return true;
    throw error;
  }
}

async function outcome(
  project: Project,
  file: string,
  path: string,
  method: string,
  caller: Caller,
): Promise<Outcome | undefined> {
  project.world.caller = caller;
  const handler = project.routes.get(file)?.[method];
  if (typeof handler !== "function") return undefined;
  if (await middlewareBlocks(project, path, method)) return { kind: "blocked", by: "middleware" };
  let result: unknown;
  try {
    result = await (handler as (req: unknown, ctx: unknown) => unknown)(request(path, method), {
      params: Promise.resolve({}),
    });
  } catch {
    return { kind: "blocked", by: "handler" };
  }
  const status = (result as { status?: number } | undefined)?.status ?? 200;
  if (status >= 400) return { kind: "blocked", by: "handler", status };
  const body =
    result instanceof Response ? await result.text() : JSON.stringify((result as { body?: unknown } | undefined)?.body);
  return { kind: "reached", status, body };
}

const fixtures = migrateFixtures().filter((fixture) => existsSync(fixture.output));

describe("migrated projects behave as before for every caller", () => {
  it("has fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const project = await detectProject(fixture.input);
      const { routes } = scanRoutes(project);
      const files = routes.map((route) => route.file);
      const before = loadProject(fixture.input, files);
      const after = loadProject(fixture.output, files);
      const report = JSON.parse(readFileSync(path.join(fixture.dir, "expected.json"), "utf8")) as {
        routes: Array<{ file: string; migrated: string[]; outOfRules: boolean; requires?: { checks: unknown[] } }>;
      };
      let blockedByMiddlewareBefore = 0;
      for (const route of routes) {
        const result = report.routes.find((r) => r.file === route.file);
        for (const path of samplePaths(route.route)) {
          for (const method of METHODS) {
            for (const caller of CALLERS) {
              const where = `${route.file} ${method} ${path} (${caller.name})`;
              const old = await outcome(before, route.file, path, method, caller);
              const now = await outcome(after, route.file, path, method, caller);
              if (!old || !now) {
                expect(now === undefined, `${where}: the same methods`).toBe(old === undefined);
                continue;
              }
              if (old.kind === "blocked") expect(now.kind, `${where}: blocked before, blocked after`).toBe("blocked");
              else expect(now, `${where}: reached before, the same answer after`).toEqual(old);
              if (old.kind === "blocked" && old.by === "middleware") blockedByMiddlewareBefore++;
              if (result?.outOfRules && result.migrated.includes(method) && caller.userId === null) {
                expect(now, `${where}: out of the rules, the handler answers 401`).toEqual({
                  kind: "blocked",
                  by: "handler",
                  status: 401,
                });
              }
              if (
                result?.outOfRules &&
                result.migrated.includes(method) &&
                caller.userId !== null &&
                old.kind === "blocked"
              ) {
                expect(now, `${where}: a failed check is the handler's 403`).toEqual({
                  kind: "blocked",
                  by: "handler",
                  status: 403,
                });
              }
            }
          }
        }
      }
      expect(
        blockedByMiddlewareBefore,
        "the input's rules did protect something (else this proves nothing)",
      ).toBeGreaterThan(0);
      for (const page of listProtectableFiles(project)) {
        for (const path of samplePaths(page.route)) {
          for (const caller of CALLERS) {
            before.world.caller = caller;
            after.world.caller = caller;
            if (await middlewareBlocks(before, path, "GET")) {
              expect(
                await middlewareBlocks(after, path, "GET"),
                `${page.file} ${path} (${caller.name}): still protected`,
              ).toBe(true);
            }
          }
        }
      }
    });
  }
});
