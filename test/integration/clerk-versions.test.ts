// Code for the @clerk/nextjs a project has (issue 25): in create-next-app projects holding real
// older releases (their @clerk/* dependencies at the lowest version their ranges allow, as a
// lockfile of the time would), every style either writes a route that passes the project's own
// strict type-check, or is refused with CLERK_TOO_OLD naming a newer release. Which ones are
// refused is stated below, so a wrong fact in src/clerk/api-versions.ts fails here either way: a
// route that does not compile, or a refusal where the release has what the route needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseFlags, runCli, type Style } from "./support/cli.js";
import { createFixture, type Fixture, type FixtureSpec } from "./support/fixtures.js";
import { typecheckTs, type CheckResult } from "./support/typecheck.js";

interface Request {
  name: string;
  style: Style;
  flags: string[];
}

const REQUESTS: Request[] = [
  { name: "protect", style: "protect", flags: [] },
  { name: "protect-checks", style: "protect", flags: ["--role", "org:admin", "--permission", "org:reports:read"] },
  { name: "user-id", style: "userId", flags: [] },
  { name: "user-id-billing", style: "userId", flags: ["--plan", "pro", "--feature", "export"] },
  { name: "token", style: "token", flags: ["--role", "org:admin"] },
  { name: "current-user", style: "currentUser", flags: [] },
  { name: "clerk-client/[id]", style: "clerkClient", flags: ["--methods", "GET,PATCH"] },
  {
    name: "machine-api-key",
    style: "machine",
    flags: ["--accepts", "api_key,oauth_token,session_token", "--scopes", "read:projects", "--role", "org:admin"],
  },
  { name: "machine-m2m", style: "machine", flags: ["--accepts", "m2m_token,api_key"] },
  { name: "webhooks/clerk", style: "webhook", flags: [] },
  { name: "webhooks/billing", style: "webhook", flags: ["--events", "subscription.created,subscription.pastDue"] },
  {
    name: "webhooks/org",
    style: "webhook",
    flags: ["--events", "organizationInvitation.created,organizationInvitation.accepted"],
  },
];

interface Release {
  spec: FixtureSpec;
  /** The requests refused for this release, and the release each one names. */
  refused: Record<string, string>;
}

const RELEASES: Release[] = [
  {
    // Issue 25's first app: Next 15 and @clerk/nextjs 6.9.
    spec: { name: "cv-clerk-6.9.9", line: "next15", template: "app", language: "ts", clerk: "6.9.9" },
    refused: {
      "user-id-billing": "6.15.0",
      "machine-api-key": "6.22.0",
      "machine-m2m": "6.30.0",
      "webhooks/clerk": "6.13.0",
      "webhooks/billing": "6.32.0",
      "webhooks/org": "6.13.0",
    },
  },
  {
    // The first release with isAuthenticated and auth({ acceptsToken }); M2M tokens were still "machine_token".
    spec: { name: "cv-clerk-6.22.0", line: "next15", template: "app", language: "ts", clerk: "6.22.0" },
    refused: { "machine-m2m": "6.30.0", "webhooks/billing": "6.32.0" },
  },
  // Issue 25's monorepo: Next 16 and @clerk/nextjs 6.36.
  { spec: { name: "cv-clerk-6.36.0", line: "next16", template: "app", language: "ts", clerk: "6.36.0" }, refused: {} },
  // Issue 25's boilerplate: @clerk/nextjs 7.3 (the repository's own 7.x is in typecheck.test.ts).
  { spec: { name: "cv-clerk-7.3.0", line: "next16", template: "app", language: "ts", clerk: "7.3.0" }, refused: {} },
];

describe.each(RELEASES)("@clerk/nextjs $spec.clerk", ({ spec, refused }) => {
  let fixture: Fixture;
  let check: CheckResult;
  const outcomes = new Map<string, { code: number | null; stdout: string }>();

  beforeAll(async () => {
    fixture = await createFixture(spec);
    for (const request of REQUESTS) {
      const result = await runCli([
        `/api/cv/${request.name}`,
        "--style",
        request.style,
        ...baseFlags(fixture),
        ...request.flags,
      ]);
      outcomes.set(request.name, { code: result.code, stdout: result.stdout });
    }
    check = await typecheckTs(fixture.dir);
  });

  afterAll(async () => {
    await fixture?.remove();
  });

  it.each(REQUESTS)("$name: written, or refused naming the release it needs", (request) => {
    const outcome = outcomes.get(request.name)!;
    const report = JSON.parse(outcome.stdout) as { ok: boolean; error?: { code: string; message: string } };
    const needs = refused[request.name];
    if (needs === undefined) {
      expect(report, outcome.stdout).toMatchObject({ ok: true });
      expect(outcome.code).toBe(0);
    } else {
      expect(report.error?.code, outcome.stdout).toBe("CLERK_TOO_OLD");
      expect(report.error?.message).toContain(`needs @clerk/nextjs ${needs} or newer`);
      expect(outcome.code).toBe(1);
    }
  });

  it("every route written passes the project's strict type-check", () => {
    expect(check.errors).toEqual([]);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
  });
});
