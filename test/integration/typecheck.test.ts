// Every style, generated into real create-next-app projects, passes the project's own strict
// type-check: TypeScript through `next typegen` + `tsc --noEmit`, JavaScript through tsc's checkJs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRoute, STYLES, type AddedRoute, type RouteRequest, type Style } from "./support/cli.js";
import { createFixture, type Fixture, type FixtureSpec } from "./support/fixtures.js";
import { typecheckJs, typecheckTs, type CheckResult } from "./support/typecheck.js";

const FIXTURES: FixtureSpec[] = [
  { name: "tc-app-ts", line: "next16", template: "app", language: "ts" },
  { name: "tc-app-js", line: "next16", template: "app", language: "js" },
  { name: "tc-src-app-ts", line: "next16", template: "app", language: "ts", srcDir: true },
];

/** Every style of the registry. */
const ALL_STYLES = STYLES;

/** Flags that make a style generate the most code (every branch, every type). */
const FULLEST: Partial<Record<Style, string[]>> = {
  currentUser: ["--fields", "id,email,firstName,lastName"],
  machine: [
    "--accepts",
    "api_key,m2m_token,oauth_token,session_token",
    "--scopes",
    "read:projects",
    "--role",
    "org:admin",
  ],
  webhook: ["--events", "user.created,user.deleted,organization.created,session.created"],
};

/** One static and one dynamic route per style, with several methods on the dynamic one. */
function requestsFor(style: Style): RouteRequest[] {
  const slug = style.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const flags = FULLEST[style] ?? [];
  const methods =
    style === "clerkClient" ? ["POST", "PATCH"] : style === "webhook" ? ["POST"] : ["GET", "POST", "DELETE"];
  return [
    { route: `/api/tc/${slug}`, style, flags },
    { route: `/api/tc/${slug}/${style === "webhook" ? "[source]" : "[id]"}`, style, methods, flags },
  ];
}

describe.each(FIXTURES)("type-check: $name", (spec) => {
  let fixture: Fixture;
  let check: CheckResult;
  const added = new Map<Style, AddedRoute[]>();

  beforeAll(async () => {
    fixture = await createFixture(spec);
    for (const style of ALL_STYLES) {
      const routes: AddedRoute[] = [];
      for (const request of requestsFor(style)) routes.push(await addRoute(fixture, request));
      added.set(style, routes);
    }
    if (spec.language === "ts") {
      check = await typecheckTs(fixture.dir);
    } else {
      const files = [...added.values()].flat().flatMap((route) => route.touched);
      check = await typecheckJs(
        fixture.dir,
        [...new Set(files)].filter((file) => file.endsWith(".js")),
      );
    }
  });

  afterAll(async () => {
    await fixture?.remove();
  });

  it("puts every route under the project's app folder with the project's language", () => {
    for (const [style, routes] of added) {
      for (const route of routes) {
        expect(route.file, style).toMatch(
          new RegExp(`^${spec.srcDir ? "src/app" : "app"}/api/tc/.+/route\\.${spec.language}$`),
        );
      }
    }
  });

  it.each(ALL_STYLES)("%s: no type errors in its route files", (style) => {
    const files = (added.get(style) ?? []).map((route) => route.file);
    expect(files).toHaveLength(2);
    const own = check.errors.filter((line) => files.some((file) => line.startsWith(file)));
    expect(own).toEqual([]);
  });

  it("no type errors anywhere in the project", () => {
    expect(check.errors).toEqual([]);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
  });
});
