import { copyFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/commands/add.js";
import { copyFixture, read, repoRoot } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// --no-middleware leaves proxy.ts / middleware.ts alone; when the route cannot work with it as
// it is, a next step says so (issue 25 item 6), and the file is never touched.

const fixture = (name: string) => path.join(repoRoot, "test/fixtures/middleware", name, "input.ts");

async function nextSteps(project: string, flags: Record<string, string | boolean>): Promise<string> {
  const d = deps(project);
  expect(await run({ yes: true, middleware: false, ...flags }, d), d.err()).toBe(0);
  return d.out();
}

describe("--no-middleware", () => {
  it("no middleware file at all: auth() cannot work, and the reminder says how to get one", async () => {
    const project = copyFixture("app-ts");
    const out = await nextSteps(project, { route: "/api/me", style: "userId" });
    expect(out).toContain(
      "There is no proxy.ts (--no-middleware), so clerkMiddleware() does not run on /api/me and auth() there fails",
    );
  });

  it("a Clerk proxy whose matcher misses the route: the entry to add, and the file unchanged", async () => {
    const project = copyFixture("app-ts");
    copyFileSync(fixture("clerk-string-matcher"), path.join(project, "proxy.ts"));
    const out = await nextSteps(project, { route: "/api/me", style: "userId" });
    expect(out).toContain(
      'proxy.ts does not run on /api/me (--no-middleware left it alone), so auth() there fails: add "/(api|trpc)(.*)" to its config.matcher',
    );
    expect(read(project, "proxy.ts")).toBe(read(path.dirname(fixture("clerk-string-matcher")), "input.ts"));
  });

  it("a middleware without Clerk: it says so", async () => {
    const project = copyFixture("src-app");
    const out = await nextSteps(project, { route: "/api/me", style: "userId" });
    expect(out).toContain("src/middleware.ts runs no clerkMiddleware() (--no-middleware left it alone)");
  });

  it("a webhook behind a rule of the handler: callers without a session never reach it", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(
      path.join(project, "proxy.ts"),
      [
        'import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";',
        'const isProtectedRoute = createRouteMatcher(["/api(.*)"]);',
        "export default clerkMiddleware(async (auth, req) => {",
        "  if (isProtectedRoute(req)) await auth.protect();",
        "});",
        'export const config = { matcher: ["/(api|trpc)(.*)"] };',
        "",
      ].join("\n"),
    );
    const out = await nextSteps(project, { style: "webhook" });
    expect(out).toContain(
      "proxy.ts protects /api/webhooks/clerk (--no-middleware left it alone), so callers without a session never reach it",
    );
  });

  it("nothing to remind: a webhook needs no middleware, and a covered route works as it is", async () => {
    const project = copyFixture("app-ts");
    expect(await nextSteps(project, { style: "webhook" })).not.toContain("--no-middleware");
    writeFileSync(
      path.join(project, "proxy.ts"),
      'import { clerkMiddleware } from "@clerk/nextjs/server";\nexport default clerkMiddleware();\n',
    );
    expect(await nextSteps(project, { route: "/api/me", style: "userId" })).not.toContain("--no-middleware");
  });
});
