// A Next 16 project that already has its own (non-Clerk) proxy.ts: the CLI patches it instead of
// creating one, `next build` accepts the result, Clerk protects the new route and the project's
// own proxy logic keeps working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClerkStub, type ClerkStub, type StubUser } from "./support/clerk-stub.js";
import { addRoute, urlPathOf, KEYS, type AddedRoute } from "./support/cli.js";
import { createFixture, type Fixture } from "./support/fixtures.js";
import { request } from "./support/http.js";
import { createSigner, type Signer } from "./support/jwt.js";
import { BLOCKED_MARKER, GUARD_ACTIVE_MARKER, nextBuild, startNext, type NextServer } from "./support/next-server.js";
import { typecheckTs, type CheckResult } from "./support/typecheck.js";

// Written the way a project would have it before Clerk: a named `proxy` export and its own matcher.
const EXISTING_PROXY = `import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set("x-legacy-proxy", "kept");
  response.headers.set("x-legacy-path", request.nextUrl.pathname);
  return response;
}

export const config = {
  matcher: ["/api/legacy/:path*"],
};
`;

const USER: StubUser = { id: "user_it_proxy", firstName: "Lin", lastName: "Qi", email: "lin@example.test" };
const SESSION_ID = "sess_it_proxy";
// Not on this machine: the offline guard must refuse it (and the route must answer 502).
const EXTERNAL_URL = "https://upstream.example.invalid/rest/v1/items";
// A database's connection string: fetch refuses a URL with credentials, and its message holds the URL.
const DATABASE_URL_WITH_PASSWORD = "postgres://admin:S3cretPass@localhost:5432/prod";

describe("patching an existing proxy.ts (Next 16)", () => {
  let signer: Signer;
  let stub: ClerkStub;
  let fixture: Fixture;
  let server: NextServer | undefined;
  let typecheck: CheckResult;
  let userIdRoute: AddedRoute;
  let tokenRoute: AddedRoute;
  let unsetUpstreamRoute: AddedRoute;
  let databaseRoute: AddedRoute;

  beforeAll(async () => {
    signer = await createSigner();
    stub = await startClerkStub({ signer, users: [USER] });
    fixture = await createFixture({
      name: "patched-proxy",
      line: "next16",
      template: "app-empty",
      language: "ts",
      files: { "proxy.ts": EXISTING_PROXY },
    });
    userIdRoute = await addRoute(fixture, { route: "/api/it/user-id", style: "userId" });
    tokenRoute = await addRoute(fixture, { route: "/api/it/token", style: "token" });
    // JWT_TEMPLATE_FIREBASE_API_URL is left unset (the CLI writes it empty into .env.local).
    unsetUpstreamRoute = await addRoute(fixture, {
      route: "/api/it/firebase",
      style: "token",
      flags: ["--jwt-template", "firebase"],
    });
    // Issue 24: the project's DATABASE_URL (a connection string with a password) must never be the
    // token's destination, and a failing fetch must never echo its URL to the caller.
    databaseRoute = await addRoute(fixture, {
      route: "/api/it/database",
      style: "token",
      flags: ["--jwt-template", "database"],
    });
    typecheck = await typecheckTs(fixture.dir);
    await nextBuild(fixture.dir);
    server = await startNext(fixture.dir, {
      CLERK_SECRET_KEY: KEYS.secretKey,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: KEYS.publishableKey,
      CLERK_API_URL: stub.url,
      JWT_TEMPLATE_SUPABASE_API_URL: EXTERNAL_URL,
      DATABASE_URL: DATABASE_URL_WITH_PASSWORD,
      JWT_TEMPLATE_DATABASE_API_URL: DATABASE_URL_WITH_PASSWORD,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await stub?.close();
    await fixture?.remove();
  });

  it("patches proxy.ts in place: Clerk added, the project's own code and a matcher for /api kept", async () => {
    expect(userIdRoute.touched).toContain("proxy.ts");
    expect(userIdRoute.report.changes).toContainEqual({ path: "proxy.ts", action: "modify" });
    expect(await fixture.listFiles()).not.toContain("middleware.ts");
    const proxy = await fixture.read("proxy.ts");
    expect(proxy).toContain("clerkMiddleware");
    expect(proxy).toContain("x-legacy-proxy");
    expect(proxy).toContain("/(api|trpc)(.*)");
  });

  it("type-checks", () => {
    expect(typecheck.errors).toEqual([]);
  });

  it("Clerk runs on the new route: 401 signed out, 200 signed in", async () => {
    if (!server) throw new Error("server not started");
    const path = urlPathOf(fixture, userIdRoute.file);
    const signedOut = await request(server.url, path);
    expect(signedOut.status).toBe(401);
    const token = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID });
    const signedIn = await request(server.url, path, { token });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json).toEqual({ userId: USER.id });
    // The old proxy's matcher did not cover this path, so its code must not run here.
    expect(signedIn.headers.get("x-legacy-proxy")).toBeNull();
  });

  it("the project's own proxy still runs on its paths", async () => {
    if (!server) throw new Error("server not started");
    const reply = await request(server.url, "/api/legacy/ping");
    expect(reply.headers.get("x-legacy-proxy")).toBe("kept");
    expect(reply.headers.get("x-legacy-path")).toBe("/api/legacy/ping");
  });

  it("a request that would leave the machine is refused, not sent (the route answers 502)", async () => {
    if (!server) throw new Error("server not started");
    const token = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID });
    const reply = await request(server.url, urlPathOf(fixture, tokenRoute.file), { token });
    expect(reply.status).toBe(502);
    const logs = server.logs();
    expect(logs).toContain(GUARD_ACTIVE_MARKER);
    const blocked = logs.split("\n").filter((line) => line.includes(BLOCKED_MARKER));
    expect(blocked).toEqual([`${BLOCKED_MARKER} fetch ${EXTERNAL_URL}`]);
    expect(stub.unexpected().map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it("token --jwt-template firebase with JWT_TEMPLATE_FIREBASE_API_URL unset: 500 JSON naming the variable", async () => {
    if (!server) throw new Error("server not started");
    const env = await fixture.read(".env.local");
    expect(env).toMatch(/^JWT_TEMPLATE_FIREBASE_API_URL=$/m);
    const before = stub.requests.length;
    const token = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID });
    const reply = await request(server.url, urlPathOf(fixture, unsetUpstreamRoute.file), { token });
    expect(reply.status).toBe(500);
    expect(reply.json).toMatchObject({ error: expect.stringContaining("JWT_TEMPLATE_FIREBASE_API_URL") });
    const mints = stub.requests.slice(before).filter((r) => r.path.includes("/tokens/"));
    // The token is minted from the chosen template before the missing variable is noticed.
    expect(mints.map((r) => r.path)).toEqual([`/v1/sessions/${SESSION_ID}/tokens/firebase`]);
  });

  it("token --jwt-template database: a failing fetch answers a fixed 502, never the URL or its password (logged on the server)", async () => {
    if (!server) throw new Error("server not started");
    const token = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID });
    const reply = await request(server.url, urlPathOf(fixture, databaseRoute.file), { token });
    expect(reply.status, reply.text).toBe(502);
    expect(reply.json).toEqual({ error: "The external API failed", status: null });
    expect(reply.text).not.toMatch(/S3cretPass|postgres:|localhost:5432/);
    expect(server.logs()).toContain("The external API failed:");
  });
});
