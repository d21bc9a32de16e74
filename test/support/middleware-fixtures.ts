import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseFolderSegment, routePathOf, type RoutePath } from "../../src/next/route-path.js";
import type { AppRoute } from "../../src/next/route-path.js";
import { locateMiddleware, type MiddlewareResult, type PlanContext } from "../../src/plan/middleware/index.js";
import type { MiddlewareNeed } from "../../src/styles/declaration.js";
import { appRoutesOf } from "./app-routes.js";
import { repoRoot } from "./project.js";

// The middleware fixtures (test/fixtures/middleware/<name>/), loaded once for every test that
// runs them all: ctx.json says what the case is; input.ts / input.js is the user's file;
// output.* (patched) or expected.txt (unchanged, refused) what the patcher makes of it; for a
// refusal, applied.* is the input with the printed edit made by hand. A folder without ctx.json
// is an error, never skipped.

export const MIDDLEWARE_FIXTURES = path.join(repoRoot, "test/fixtures/middleware");

/** A fixture's ctx.json. */
export interface FixtureSpec {
  expect: MiddlewareResult["status"];
  /** The route as the CLI hands it over (default /api/projects/[id]); "/reports/[id]" stays outside /api here. */
  route?: string;
  /** The middleware file's path (default: src/proxy.<ext> on Next 16, src/middleware.<ext> before). */
  path?: string;
  nextMajor?: number;
  srcDir?: boolean;
  language?: "ts" | "js";
  /** What the route needs from the middleware (default "clerk"; "public" for a webhook). */
  need?: MiddlewareNeed;
  /** The app's other route files and pages, below the app folder ("api/v1/admin/users/route.ts"). */
  app?: string[];
  /** The project's @clerk/nextjs major (default: unknown). */
  clerkMajor?: number;
}

export interface MiddlewareFixture {
  name: string;
  dir: string;
  spec: FixtureSpec;
  ext: "ts" | "js";
  input: string;
  /** output.<ext>, when the case patches. */
  output?: string;
  /** applied.<ext>, when the case is a refusal: the input with the printed edit made by hand. */
  applied?: string;
  route: RoutePath;
  need: MiddlewareNeed;
  /** The app's other routes and pages (ctx.json's `app`), as project detection hands them to the plan. */
  appRoutes: AppRoute[];
  /** The middleware file's path, kind and language, as the CLI works them out (locateMiddleware). */
  ctx: PlanContext;
}

export function routeOf(pattern: string): RoutePath {
  return routePathOf(pattern.split("/").filter(Boolean).map(parseFolderSegment));
}

function load(name: string): MiddlewareFixture {
  const dir = path.join(MIDDLEWARE_FIXTURES, name);
  const specFile = path.join(dir, "ctx.json");
  if (!existsSync(specFile))
    throw new Error(
      `test/fixtures/middleware/${name} has no ctx.json: every folder there is a case (see test/support/middleware-fixtures.ts)`,
    );
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as FixtureSpec;
  const ext = existsSync(path.join(dir, "input.js")) || spec.language === "js" ? "js" : "ts";
  const input = readFileSync(path.join(dir, `input.${ext}`), "utf8");
  const optional = (file: string) =>
    existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), "utf8") : undefined;
  const output = optional(`output.${ext}`);
  const applied = optional(`applied.${ext}`);
  const srcDir = spec.srcDir ?? true;
  const nextMajor = spec.nextMajor ?? 16;
  const route = routeOf(spec.route ?? "/api/projects/[id]");
  const need = spec.need ?? "clerk";
  const base = {
    route,
    language: spec.language ?? ext,
    nextMajor,
    srcDir,
    need,
    ...(spec.clerkMajor === undefined ? {} : { clerkMajor: spec.clerkMajor }),
  };
  const file = spec.path ?? `${srcDir ? "src/" : ""}${nextMajor >= 16 ? "proxy" : "middleware"}.${ext}`;
  const location = locateMiddleware([{ path: file, content: input }], base);
  const appRoutes = appRoutesOf(spec.app, srcDir ? "src/app" : "app");
  const ctx = { ...base, path: location.path, kind: location.kind, typescript: location.typescript, appRoutes };
  return { name, dir, spec, ext, input, output, applied, route, need, appRoutes, ctx };
}

/** Every fixture, by name. */
export function middlewareFixtures(): MiddlewareFixture[] {
  return readdirSync(MIDDLEWARE_FIXTURES).sort().map(load);
}
