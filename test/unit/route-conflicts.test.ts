import { describe, expect, it } from "vitest";
import { CliError } from "../../src/core/errors.js";
import { findRouteConflict } from "../../src/next/route-conflicts.js";
import { parseRoute } from "../../src/next/route-path.js";

function conflict(existing: string[], route: string, appDir?: string): CliError | undefined {
  return findRouteConflict(existing, parseRoute(route), appDir === undefined ? {} : { appDir });
}

function expectConflict(existing: string[], route: string, message: RegExp, hint?: RegExp): CliError {
  const error = conflict(existing, route);
  expect(error).toBeInstanceOf(CliError);
  expect(error?.code).toBe("ROUTE_CONFLICT");
  expect(error?.message).toMatch(message);
  if (hint) expect(error?.hint).toMatch(hint);
  return error!;
}

describe("findRouteConflict: the same URL twice", () => {
  it("refuses a route group that lands on an existing URL", () => {
    expectConflict(
      ["api/docs"],
      "/api/(g)/docs",
      /^app\/api\/\(g\)\/docs \(the new route\) and app\/api\/docs both resolve to \/api\/docs/,
      /Pick another route/,
    );
  });

  it("refuses the reverse: a plain route where a grouped one exists", () => {
    expectConflict(["(site)/api/x"], "/api/x", /app\/\(site\)\/api\/x both resolve to \/api\/x/);
  });

  it("reads an existing %5F folder as the URL Next.js serves it (/_x), and skips a private _x folder", () => {
    expectConflict(["api/%5Finternal"], "/api/(g)/_internal", /both resolve to \/api\/_internal/);
    expect(conflict(["api/_internal"], "/api/(g)/_internal")).toBeUndefined();
  });

  it("ignores parallel-route slots when comparing URLs", () => {
    expectConflict(["@modal/api/x"], "/api/x", /both resolve to \/api\/x/);
  });

  it("uses the app folder it is given in messages", () => {
    const error = conflict(["api/docs"], "/api/(g)/docs", "src/app");
    expect(error?.message).toMatch(
      /^src\/app\/api\/\(g\)\/docs \(the new route\) and src\/app\/api\/docs both resolve/,
    );
  });

  it("does not treat the new route's own folder as a conflict", () => {
    expect(conflict(["api/docs", "api/items/[id]"], "/api/docs")).toBeUndefined();
    expect(conflict(["api/(g)/docs/"], "/api/(g)/docs")).toBeUndefined();
    expect(conflict(["api/items/[id]"], "/api/items/[id]")).toBeUndefined();
  });

  it("skips intercepting routes and private folders", () => {
    for (const folder of ["(.)api/x", "api/(..)x", "(...)api/x", "@modal/(..)(..)api/x", "_lib/api/x", "api/_x"]) {
      expect(conflict([folder], "/api/x"), folder).toBeUndefined();
    }
  });
});

describe("findRouteConflict: parameter names", () => {
  it("refuses a different name for the same dynamic path", () => {
    const error = expectConflict(
      ["api/items/[id]"],
      "/api/items/[slug]",
      /app\/api\/items\/\[id\] already uses \[id\] at the same position \(\/api\/items\/\[id\]\).*\('id' !== 'slug'\)/,
      /Rename the parameter to match: use \[id\] \(\/api\/items\/\[id\]\), or pick another route/,
    );
    expect(error.message).toMatch(/^\/api\/items\/\[slug\] names its dynamic segment \[slug\]/);
  });

  it("refuses it deeper down and below a route group", () => {
    expectConflict(
      ["api/items/[id]/comments"],
      "/api/(v2)/items/[itemId]/likes",
      /'id' !== 'itemId'/,
      /use \[id\] \(\/api\/items\/\[id\]\/likes\)/,
    );
    expectConflict(
      ["(shop)/api/items/[id]/page-thing"],
      "/api/items/[slug]",
      /app\/\(shop\)\/api\/items\/\[id\]\/page-thing/,
    );
  });

  it("refuses different names for catch-alls and optional catch-alls at one position", () => {
    expectConflict(
      ["api/files/[...path]"],
      "/api/files/[...rest]",
      /catch-all segment \[\.\.\.rest\].*'path' !== 'rest'/,
      /use \[\.\.\.path\]/,
    );
    expectConflict(["api/docs/[[...slug]]"], "/api/docs/[[...all]]", /'slug' !== 'all'/, /use \[\[\.\.\.slug\]\]/);
  });

  it("leaves out the example when renaming would repeat a name", () => {
    const error = expectConflict(["api/[org]"], "/api/[team]/[org]", /'org' !== 'team'/);
    expect(error.hint).toBe("Rename the parameter to match: use [org], or pick another route.");
  });

  it("accepts [param] beside [...param] or [[...param]] with another name (Next sorts them apart)", () => {
    expect(conflict(["api/items/[id]"], "/api/items/[...slug]")).toBeUndefined();
    expect(conflict(["api/items/[...slug]"], "/api/items/[id]")).toBeUndefined();
    expect(conflict(["api/items/[id]"], "/api/items/[[...slug]]")).toBeUndefined();
  });
});

describe("findRouteConflict: catch-alls", () => {
  it("refuses a catch-all and an optional catch-all at the same position", () => {
    expectConflict(
      ["api/docs/[...slug]"],
      "/api/docs/[[...slug]]",
      /optional catch-all segment \[\[\.\.\.slug\]\], but app\/api\/docs\/\[\.\.\.slug\] already has the catch-all segment \[\.\.\.slug\].*required and an optional catch-all/,
      /Use \[\.\.\.slug\] like the existing route \(\/api\/docs\/\[\.\.\.slug\]\)/,
    );
    expectConflict(
      ["api/docs/[[...all]]"],
      "/api/docs/[...slug]",
      /already has the optional catch-all segment \[\[\.\.\.all\]\]/,
    );
  });

  it("refuses an optional catch-all whose parent URL already has a route or page", () => {
    expectConflict(
      ["api/docs"],
      "/api/docs/[[...slug]]",
      /^\/api\/docs\/\[\[\.\.\.slug\]\] is an optional catch-all, so it also matches \/api\/docs, which app\/api\/docs already handles/,
      /Use the required catch-all \/api\/docs\/\[\.\.\.slug\]/,
    );
    expectConflict(
      ["(marketing)/api/docs"],
      "/api/docs/[[...slug]]",
      /which app\/\(marketing\)\/api\/docs already handles/,
    );
    expectConflict(["api/[org]"], "/api/[org]/[[...rest]]", /also matches \/api\/\[org\]/);
  });

  it("refuses a route at the parent URL of an existing optional catch-all", () => {
    expectConflict(
      ["api/docs/[[...slug]]"],
      "/api/docs",
      /^\/api\/docs is already matched by the optional catch-all app\/api\/docs\/\[\[\.\.\.slug\]\]/,
      /make that folder a required catch-all \[\.\.\.slug\]/,
    );
    expectConflict(["(g)/api/docs/[[...slug]]"], "/api/(h)/docs", /optional catch-all app\/\(g\)\/api\/docs/);
  });

  it("accepts a required catch-all below an existing route, and a deeper route beside an optional catch-all's parent", () => {
    expect(conflict(["api/docs"], "/api/docs/[...slug]")).toBeUndefined();
    expect(conflict(["api/docs/[[...slug]]"], "/api/docs/intro")).toBeUndefined();
    expect(conflict(["api"], "/api/docs/[[...slug]]")).toBeUndefined();
  });
});

describe("findRouteConflict: no conflict", () => {
  it.each([
    [["api/a/[id]"], "/api/b/[slug]"],
    [["api/items/[id]"], "/api/items/[id]/comments"],
    [["api/items/[id]/comments"], "/api/items/[id]"],
    [["api/items/[id]"], "/api/items/new"],
    [["api/items/new"], "/api/items/[id]"],
    [["api/items/[id]", "api/items/new", "api/items"], "/api/items/[id]/tags/[tag]"],
    [["", "dashboard", "blog/[slug]", "[...catchAll]"], "/api/x"],
    [[], "/api/x"],
  ])("%j with %s", (existing, route) => {
    expect(conflict(existing, route)).toBeUndefined();
  });

  it("ignores conflicts among the existing folders themselves", () => {
    expect(conflict(["api/items/[id]", "api/items/[slug]/x"], "/api/other")).toBeUndefined();
  });

  it("reports the first conflicting folder in the order given", () => {
    const error = conflict(["api/ok", "api/items/[a]", "api/items/[b]"], "/api/items/[c]");
    expect(error?.message).toMatch(/app\/api\/items\/\[a\]/);
  });
});
