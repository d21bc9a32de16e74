import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../src/commands/add.js";
import { copyFixture, read } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// Issue 25 item 3: where a rule of the clerkMiddleware() handler protects the new route, a
// signed-out caller gets that rule's answer, not the route's 401 JSON. The result says so (words
// and --json data), and the route's comment stays true.

const MATCHER = `export const config = {
  matcher: ["/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)", "/(api|trpc)(.*)"],
};
`;

const INVERTED = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";

const isPublicRoute = createRouteMatcher(["/", "/sign-in(.*)"]);

export default clerkMiddleware(async (auth, req) => {
  if (!isPublicRoute(req)) await auth.protect();
});

${MATCHER}`;

function project(proxy: string): string {
  const dir = copyFixture("app-ts");
  writeFileSync(path.join(dir, "proxy.ts"), proxy);
  return dir;
}

describe("a middleware rule that answers first", () => {
  it("is a warning naming the rule and migrate, and the route's comment says who answers", async () => {
    const dir = project(INVERTED);
    const d = deps(dir);
    expect(await run({ route: "/api/me", style: "userId", yes: true }, d), d.err()).toBe(0);
    expect(d.out()).toContain(
      "proxy.ts protects /api/me too: the rule `!isPublicRoute(req)` answers a signed-out caller first (auth.protect(): an empty 404 to an API request, a redirect to sign-in for a page), so the caller never gets its 401 JSON; `npx create-clerk-route migrate` moves that check into the route.",
    );
    const route = read(dir, "app/api/me/route.ts");
    expect(route).toContain('// Signed out: 401 {"error":"Unauthorized"}.');
    expect(route).toContain(
      [
        "// Today proxy.ts answers a signed-out caller first, so the answer above is",
        "// never sent: the rule `!isPublicRoute(req)` protects this route too and",
        "// answers in its stead (auth.protect(): an empty 404 to an API request, a",
        '// redirect to sign-in for a page). "npx create-clerk-route migrate" moves that',
        "// check into this route.",
      ].join("\n"),
    );
    expect(read(dir, "proxy.ts")).toBe(INVERTED);
  });

  it("--json: the note as data", async () => {
    const dir = project(INVERTED);
    const d = deps(dir);
    expect(await run({ route: "/api/me", style: "protect", json: true }, d)).toBe(0);
    const report = JSON.parse(d.out());
    expect(report.notes).toContainEqual({
      kind: "middlewareAnswersFirst",
      path: "proxy.ts",
      route: "/api/me",
      style: "protect",
      gate: { kind: "protected", rule: "!isPublicRoute(req)" },
    });
    expect(report.warnings.join("\n")).toContain("so the caller never gets its own redirect to sign-in");
  });

  it("rules it cannot read: it says it cannot tell, and the comment promises nothing more", async () => {
    const dir = project(`import { clerkMiddleware } from "@clerk/nextjs/server";

export default clerkMiddleware(async (auth, req) => {
  if (req.headers.get("x-internal") !== "1") await auth.protect();
});

${MATCHER}`);
    const d = deps(dir);
    expect(await run({ route: "/api/me", style: "userId", yes: true }, d), d.err()).toBe(0);
    expect(d.out()).toContain(
      "Could not tell whether proxy.ts answers a signed-out caller on /api/me before the route does",
    );
    expect(read(dir, "app/api/me/route.ts")).not.toContain("Today proxy.ts");
  });

  it("no rule on the route, or a new matcher entry its guarded handler never runs on: nothing to say", async () => {
    const plain = project(
      `import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n\n${MATCHER}`,
    );
    const d = deps(plain);
    expect(await run({ route: "/api/me", style: "userId", yes: true }, d)).toBe(0);
    expect(d.out()).not.toContain("answers a signed-out caller");

    const guarded = project(INVERTED.replace(MATCHER, 'export const config = { matcher: ["/dashboard(.*)"] };\n'));
    const g = deps(guarded);
    expect(await run({ route: "/api/me", style: "userId", yes: true }, g), g.err()).toBe(0);
    expect(read(guarded, "proxy.ts")).toContain("onlyOnOldMatcher");
    expect(g.out()).not.toContain("answers a signed-out caller");
    expect(read(guarded, "app/api/me/route.ts")).not.toContain("Today proxy.ts");
  });
});
