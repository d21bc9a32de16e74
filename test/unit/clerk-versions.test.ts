import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { run } from "../../src/commands/add.js";
import { CLERK_APIS, clerkSupport, clerkTarget, minimumFor, type ClerkApi } from "../../src/clerk/api-versions.js";
import { parseVersion, rangeFloor } from "../../src/core/version.js";
import { STYLES } from "../../src/styles/index.js";
import { copyFixture, read, treeHash } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// Which @clerk/nextjs the route is written for: the version facts (src/clerk/api-versions.ts),
// the equivalents for an older release, and the refusal (or --install's upgrade) where there is none.
// The facts themselves are checked against real releases in test/integration/clerk-versions.test.ts.

function withClerk(project: string, version: string): void {
  const dir = path.join(project, "node_modules/@clerk/nextjs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "@clerk/nextjs", version }));
}

function declaring(project: string, range: string): void {
  const file = path.join(project, "package.json");
  const pkg = JSON.parse(read(project, "package.json"));
  pkg.dependencies["@clerk/nextjs"] = range;
  writeFileSync(file, JSON.stringify(pkg, null, 2));
}

describe("versions", () => {
  it.each([
    ["^6.9.9", "6.9.9"],
    ["~6.9", "6.9.0"],
    [">=6.22.0 <7", "6.22.0"],
    ["6.x", "6.0.0"],
    ["6", "6.0.0"],
    ["^7.0.0 || ^6.30.1", "6.30.1"],
    ["6.2.0 - 6.9.0", "6.2.0"],
    ["v6.1.2", "6.1.2"],
  ])("the floor of %s is %s", (range, floor) => {
    const version = rangeFloor(range)!;
    expect(`${version.major}.${version.minor}.${version.patch}`).toBe(floor);
  });

  it.each(["latest", "*", "", "workspace:*", "next", "https://example.com/clerk.tgz", "^7 || latest"])(
    "%j has no floor",
    (range) => {
      expect(rangeFloor(range)).toBeUndefined();
    },
  );

  it("an installed version is exact, a declared one its floor; none, or no floor: the newest", () => {
    expect(clerkTarget({ installed: true, declared: true, version: "6.9.9" })).toEqual({
      version: parseVersion("6.9.9"),
      source: "installed",
    });
    expect(clerkTarget({ installed: false, declared: true, version: "^6.22.0" })).toEqual({
      version: parseVersion("6.22.0"),
      source: "declared",
    });
    expect(clerkTarget({ installed: false, declared: true, version: "latest" })).toEqual({});
    expect(clerkTarget({ installed: false, declared: false })).toEqual({});
    expect(clerkSupport({}).has("m2mToken")).toBe(true);
  });

  it("a pre-release comes before its release", () => {
    const beta = clerkSupport({ version: parseVersion("6.22.0-beta.1")! });
    expect(beta.has("isAuthenticated")).toBe(false);
    expect(clerkSupport({ version: parseVersion("6.22.0")! }).has("isAuthenticated")).toBe(true);
  });

  it("the table's versions parse, and every style's output is fine on the newest Clerk", () => {
    for (const [api, fact] of Object.entries(CLERK_APIS)) expect(parseVersion(fact.since), api).toBeDefined();
    expect(minimumFor(["isAuthenticated", "verifyWebhook", "asyncAuth"] satisfies ClerkApi[])).toBe("6.22.0");
    for (const style of STYLES) expect(style.clerkApis.length, style.name).toBe(1);
  });
});

describe("generating for the project's @clerk/nextjs", () => {
  it("6.12.0 installed: the userId style tests userId instead of isAuthenticated, and says so", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.12.0");
    const d = deps(project);
    expect(await run({ route: "/api/me", style: "userId", yes: true }, d)).toBe(0);
    const route = read(project, "app/api/me/route.ts");
    expect(route).toContain("const { userId } = await auth();");
    expect(route).toContain("if (!userId) {");
    expect(route).not.toContain("isAuthenticated");
    expect(d.out()).toContain(
      "Written for @clerk/nextjs 6.12.0, which has no isAuthenticated (6.22.0): the route tests userId",
    );
    expect(d.out()).not.toContain("v7 API");
  });

  it("6.36.0 installed: every style as on the newest, and no warning about the version", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.36.0");
    for (const style of ["userId", "machine", "webhook"]) {
      const d = deps(project);
      expect(
        await run(
          { route: `/api/${style}`, style, yes: true, accepts: style === "machine" ? "api_key,m2m_token" : undefined },
          d,
        ),
        d.err(),
      ).toBe(0);
      expect(d.out()).not.toMatch(/Written for|@clerk\/nextjs 6\.36/);
    }
    expect(read(project, "app/api/userId/route.ts")).toContain("if (!isAuthenticated) {");
  });

  it("6.9.9 installed: the token style needs no Retry-After to answer 503", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.9.9");
    const d = deps(project);
    expect(await run({ route: "/api/data", style: "token", yes: true }, d)).toBe(0);
    const route = read(project, "app/api/data/route.ts");
    expect(route).not.toContain("retryAfter");
    expect(route).toContain("{ status: 503 },");
    expect(d.out()).toContain("which has no isAuthenticated (6.22.0) nor error.retryAfter (6.13.0)");
  });

  it("6.9.9 installed: a machine route is refused naming 6.22.0 and the upgrade, and nothing is written", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.9.9");
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run({ route: "/api/m", style: "machine", yes: true }, d)).toBe(1);
    expect(d.err()).toContain(
      "The machine route needs @clerk/nextjs 6.22.0 or newer: @clerk/nextjs 6.9.9 is installed, which has no auth({ acceptsToken }) (6.22.0).",
    );
    expect(d.err()).toContain("npm install '@clerk/nextjs@^6.22.0'");
    expect(d.err()).toContain("--install");
    expect(d.err()).toContain(
      "Styles that work with 6.9.9 as they are: protect, userId, token, currentUser, clerkClient.",
    );
    expect(treeHash(project)).toBe(hash);
  });

  it("--json: the refusal's code is CLERK_TOO_OLD", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.20.0");
    const d = deps(project);
    expect(await run({ route: "/api/m", style: "machine", accepts: "api_key,m2m_token", json: true }, d)).toBe(1);
    const report = JSON.parse(d.out());
    expect(report.error.code).toBe("CLERK_TOO_OLD");
    // M2M tokens came in 6.30.0: the upgrade goes there.
    expect(report.error.message).toContain("needs @clerk/nextjs 6.30.0 or newer");
    expect(report.error.message).toContain('auth({ acceptsToken }) (6.22.0), acceptsToken: "m2m_token" (6.30.0)');
  });

  it("6.9.9 installed with --install: the files are written for 6.22.0, then the upgrade runs", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.9.9");
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(await run({ route: "/api/m", style: "machine", yes: true, install: true }, d), d.err()).toBe(0);
    expect(installer).toHaveBeenCalledWith("npm", ["install", "@clerk/nextjs@^6.22.0"], project);
    expect(read(project, "app/api/m/route.ts")).toContain("auth({ acceptsToken:");
    expect(d.out()).not.toContain("Upgrade @clerk/nextjs");
  });

  it("--dry-run with --install: the upgrade is a next step", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "6.9.9");
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(
      await run({ route: "/api/w", style: "userId", plan: "pro", yes: true, install: true, dryRun: true }, d),
      d.err(),
    ).toBe(0);
    expect(installer).not.toHaveBeenCalled();
    expect(d.out()).toContain(
      "Upgrade @clerk/nextjs (6.9.9) to 6.22.0, the first release with everything the route uses (has({ plan }) / has({ feature }): 6.15.0): npm install '@clerk/nextjs@^6.22.0'",
    );
    expect(d.out()).toContain("if (!isAuthenticated) {");
  });

  it("declared ^6.9.9, not installed: a webhook is refused for the version a lockfile may hold", async () => {
    const project = copyFixture("app-ts");
    declaring(project, "^6.9.9");
    const d = deps(project);
    expect(await run({ style: "webhook", yes: true }, d)).toBe(1);
    expect(d.err()).toContain("package.json allows @clerk/nextjs 6.9.9 (^6.9.9), which has no verifyWebhook()");
  });

  it("Clerk 5: refused even with --install, pointing to Clerk's upgrade tool", async () => {
    const project = copyFixture("app-ts");
    withClerk(project, "5.7.6");
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(await run({ route: "/api/me", style: "userId", yes: true, install: true }, d)).toBe(1);
    expect(d.err()).toContain(
      "needs @clerk/nextjs 6.0.0 or newer: @clerk/nextjs 5.7.6 is installed, which has no await auth() (6.0.0)",
    );
    expect(d.err()).toContain("npx @clerk/upgrade");
    expect(installer).not.toHaveBeenCalled();
  });
});
