import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, read, runCli, treeHash } from "../support/project.js";

// Issue 24: a route exempted from the proxy's auth.protect() rule (a webhook, a machine route)
// must not make the app's other routes and pages public. The built CLI on a project whose API is
// protected only by its proxy: refused (exit 1, nothing written) where the route's pattern also
// matches another route or page, with an edit that keeps them protected; patched where it does not.

const PROXY = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";

const isPublicRoute = createRouteMatcher(["/", "/sign-in(.*)"]);

export default clerkMiddleware(async (auth, req) => {
  if (!isPublicRoute(req)) await auth.protect();
});

export const config = {
  matcher: ["/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)", "/(api|trpc)(.*)"],
};
`;

/** No check of its own: only the proxy's rule protects it. */
const UNCHECKED_ROUTE =
  'export async function GET() {\n  return Response.json({ secret: "only behind the proxy" });\n}\n';

/** app-ts with the proxy above and these route files and pages (below app/). */
function project(files: string[]): string {
  const dir = copyFixture("app-ts");
  writeFileSync(path.join(dir, "proxy.ts"), PROXY);
  for (const file of files) {
    mkdirSync(path.join(dir, "app", path.dirname(file)), { recursive: true });
    writeFileSync(
      path.join(dir, "app", file),
      file.endsWith("page.tsx") ? "export default function Page() {\n  return null;\n}\n" : UNCHECKED_ROUTE,
    );
  }
  return dir;
}

const APP = ["api/v1/admin/users/route.ts", "api/items/export/route.ts", "dashboard/page.tsx"];

describe("a route kept out of the proxy's auth.protect() rule never takes other routes with it", () => {
  it.each([
    [
      "a machine catch-all over a route",
      "/api/v1/[...path]",
      "machine",
      '"/api/v1/:path+"',
      '"/api/v1/admin/users", // app/api/v1/admin/users/route.ts',
    ],
    [
      "a webhook optional catch-all over all of /api",
      "/api/[[...hook]]",
      "webhook",
      '"/api/:hook*"',
      '"/api/items/export", // app/api/items/export/route.ts',
    ],
    [
      "a dynamic segment beside a static sibling",
      "/api/items/[item]",
      "webhook",
      '"/api/items/:item"',
      '"/api/items/export", // app/api/items/export/route.ts',
    ],
  ])("%s: refused, nothing written, the printed edit keeps it protected", (_name, route, style, pattern, kept) => {
    const dir = project(APP);
    const hash = treeHash(dir);
    const result = runCli([route, "--style", style, "--yes", "--no-install", "--cwd", dir]);
    expect(result.status, result.output).toBe(1);
    expect(treeHash(dir)).toBe(hash);
    expect(result.stderr).toContain(`But exempting ${pattern} from it would also make`);
    expect(result.stderr).toContain(`const isNewRoute = createRouteMatcher([${pattern}]);`);
    expect(result.stderr).toContain(kept);
    expect(result.stderr).toContain("if (isNewRoute(req) && !isOtherRoute(req)) return;");
    expect(result.stderr).not.toContain('(.*)"]);');
    const json = runCli([route, "--style", style, "--yes", "--no-install", "--json", "--cwd", dir]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "MIDDLEWARE_UNSAFE" } });
  });

  it("a route whose exact pattern reaches nothing else: patched, and every other route stays under the rule", () => {
    const dir = project([...APP, "api/hooks-admin/route.ts"]);
    const result = runCli(["/api/hooks/[source]", "--style", "webhook", "--yes", "--no-install", "--cwd", dir]);
    expect(result.status, result.output).toBe(0);
    expect(read(dir, "proxy.ts")).toContain('createRouteMatcher(["/", "/sign-in(.*)", "/api/hooks/:source"])');
    const audit = runCli(["audit", "--json", "--cwd", dir]);
    const routes = (JSON.parse(audit.stdout) as { routes: Array<{ route: string; middlewareRule: string }> }).routes;
    expect(Object.fromEntries(routes.map((r) => [r.route, r.middlewareRule]))).toEqual({
      "/api/hooks-admin": "protected",
      "/api/hooks/[source]": "public",
      "/api/items/export": "protected",
      "/api/v1/admin/users": "protected",
    });
  });
});
