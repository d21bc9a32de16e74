// `create-clerk-route migrate` on a real Next 16 project: a proxy.ts with the rule Clerk's docs
// used to recommend, createRouteMatcher(["/api/private(.*)", "/dashboard(.*)"]) + auth.protect().
// After the CLI moves the check into the Route Handler: signed out, the API answers 401 JSON (not
// the middleware's 307 or empty 404), signed in 200; the dashboard page still redirects to sign-in;
// and the audit finds no Route Handler left relying on the rule alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClerkStub, type ClerkStub, type StubUser } from "./support/clerk-stub.js";
import { KEYS, runCli } from "./support/cli.js";
import { createFixture, type Fixture } from "./support/fixtures.js";
import { request } from "./support/http.js";
import { createSigner, type Signer } from "./support/jwt.js";
import { nextBuild, startNext, type NextServer } from "./support/next-server.js";
import { typecheckTs, type CheckResult } from "./support/typecheck.js";

const PROXY = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";

const isProtectedRoute = createRouteMatcher(["/api/private(.*)", "/dashboard(.*)"]);

export default clerkMiddleware(async (auth, req) => {
  if (isProtectedRoute(req)) await auth.protect();
});

export const config = {
  matcher: [
    // Skip Next.js internals and all static files, unless found in search params
    "/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    // Always run for API routes
    "/(api|trpc)(.*)",
  ],
};
`;

const PRIVATE_ROUTE = `import { NextResponse } from "next/server";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return NextResponse.json({ id, secret: "only for signed-in users" });
}
`;

const DASHBOARD = `export default function Dashboard() {
  return <main>Dashboard</main>;
}
`;

const USER: StubUser = { id: "user_it_migrate", firstName: "Grace", lastName: "Hopper", email: "grace@example.test" };
const SESSION_ID = "sess_it_migrate";

interface MigrateReport {
  ok: boolean;
  changes: Array<{ path: string; action: string }>;
  routes: Array<{ file: string; migrated: string[]; outOfRules: boolean; refused: unknown[] }>;
  rules: Array<{ kind: string; pattern?: string }>;
  left: Array<{ kind: string; file: string }>;
}

describe("migrate on a real Next 16 server", () => {
  let signer: Signer;
  let stub: ClerkStub;
  let fixture: Fixture;
  let server: NextServer | undefined;
  let report: MigrateReport;
  let typecheck: CheckResult;
  let audit: { routes: Array<{ file: string; middlewareRule: string; handlers: Array<{ protection: string }> }> };

  beforeAll(async () => {
    signer = await createSigner();
    stub = await startClerkStub({ signer, users: [USER] });
    fixture = await createFixture({
      name: "migrate",
      line: "next16",
      template: "app-empty",
      language: "ts",
      files: { "proxy.ts": PROXY, "app/api/private/[id]/route.ts": PRIVATE_ROUTE, "app/dashboard/page.tsx": DASHBOARD },
    });
    const migrated = await runCli(["migrate", "--cwd", fixture.dir, "--yes", "--json"]);
    if (migrated.code !== 0) throw new Error(`migrate exited ${migrated.code}\n${migrated.stdout}\n${migrated.stderr}`);
    report = JSON.parse(migrated.stdout) as MigrateReport;
    const audited = await runCli(["audit", "--cwd", fixture.dir, "--json"]);
    audit = JSON.parse(audited.stdout) as typeof audit;
    typecheck = await typecheckTs(fixture.dir);
    await nextBuild(fixture.dir);
    server = await startNext(fixture.dir, {
      CLERK_SECRET_KEY: KEYS.secretKey,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: KEYS.publishableKey,
      CLERK_API_URL: stub.url,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await stub?.close();
    await fixture?.remove();
  });

  it("moves the check into the handler and /api/private(.*) out of the rule; the page stays", async () => {
    expect(report.ok).toBe(true);
    expect(report.routes).toEqual([
      expect.objectContaining({
        file: "app/api/private/[id]/route.ts",
        migrated: ["GET"],
        outOfRules: true,
        refused: [],
      }),
    ]);
    expect(report.rules).toEqual([expect.objectContaining({ kind: "patternRemoved", pattern: "/api/private(.*)" })]);
    expect(report.left).toEqual([expect.objectContaining({ kind: "page", file: "app/dashboard/page.tsx" })]);
    expect(await fixture.read("proxy.ts")).toContain('createRouteMatcher(["/dashboard(.*)"])');
    expect(await fixture.read("app/api/private/[id]/route.ts")).toContain("const { isAuthenticated } = await auth();");
  });

  it("type-checks", () => {
    expect(typecheck.errors).toEqual([]);
  });

  it("signed out: /api/private/x answers 401 JSON from the handler, not a redirect", async () => {
    if (!server) throw new Error("server not started");
    const reply = await request(server.url, "/api/private/x");
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ error: "Unauthorized" });
    expect(reply.headers.get("location")).toBeNull();
  });

  it("signed in: /api/private/x answers 200", async () => {
    if (!server) throw new Error("server not started");
    const token = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID, azp: server.url });
    const reply = await request(server.url, "/api/private/x", { token });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual({ id: "x", secret: "only for signed-in users" });
  });

  // A client-side navigation (Next-Url header): a page request to Clerk, without the development
  // instance's handshake that a plain document request gets first on any page.
  const navigation = { Accept: "*/*", RSC: "1", "Next-Url": "/" };

  it("signed out: /dashboard still redirects to sign-in; an unprotected page does not", async () => {
    if (!server) throw new Error("server not started");
    const reply = await request(server.url, "/dashboard", { headers: navigation });
    expect(reply.status).toBe(307);
    expect(reply.headers.get("location")).toMatch(/^https:\/\/quiet-otter-42\.accounts\.dev\/sign-in\?redirect_url=/);
    expect(reply.text).not.toContain("Dashboard");
    const home = await request(server.url, "/", { headers: navigation });
    // Next's own cache-busting redirect (?_rsc=…) at most: never Clerk's sign-in.
    expect(home.status).toBeLessThan(400);
    expect(home.headers.get("location") ?? "").not.toContain("accounts.dev");
  });

  it("the audit afterwards finds no Route Handler relying on the rule alone", () => {
    const middlewareOnly = audit.routes.filter(
      (route) =>
        route.middlewareRule === "protected" &&
        route.handlers.some((h) => h.protection === "none" || h.protection === "unchecked"),
    );
    expect(middlewareOnly).toEqual([]);
    expect(audit.routes.find((route) => route.file === "app/api/private/[id]/route.ts")?.handlers).toEqual([
      expect.objectContaining({ protection: "auth-check" }),
    ]);
  });
});
