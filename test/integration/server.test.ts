// Real requests against `next start` for the five session styles, on Next 16 (proxy.ts) and Next 15
// (middleware.ts), with Clerk's Backend API replaced by a local stub.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClerkStub, type ClerkStub, type StubUser } from "./support/clerk-stub.js";
import { addRoute, urlPathOf, KEYS, type AddedRoute, type RouteRequest } from "./support/cli.js";
import { createFixture, type Fixture } from "./support/fixtures.js";
import { request, type Reply } from "./support/http.js";
import { createSigner, type Signer } from "./support/jwt.js";
import { BLOCKED_MARKER, GUARD_ACTIVE_MARKER, nextBuild, startNext, type NextServer } from "./support/next-server.js";
import { typecheckTs, type CheckResult } from "./support/typecheck.js";

const USER: StubUser = {
  id: "user_it_2abcDEF",
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.test",
  privateMetadata: { secret: "PRIVATE-METADATA-MUST-NOT-LEAK" },
  publicMetadata: { plan: "pro" },
};
const SESSION_ID = "sess_it_2xyz789";

const ROUTES = {
  protect: { route: "/api/it/protect", style: "protect" },
  userId: { route: "/api/it/user-id", style: "userId" },
  token: { route: "/api/it/token", style: "token" },
  currentUser: {
    route: "/api/it/current-user",
    style: "currentUser",
    flags: ["--fields", "id,email,firstName,lastName"],
  },
  clerkClient: { route: "/api/it/clerk-client", style: "clerkClient" },
  dynamic: { route: "/api/projects/[id]", style: "userId", methods: ["GET", "POST", "DELETE"] },
  admin: { route: "/api/it/admin", style: "protect", flags: ["--role", "admin"] },
  // Written to app/api/it/%5Finternal: Next.js serves it as /api/it/_internal.
  underscore: { route: "/api/it/_internal", style: "userId" },
} satisfies Record<string, RouteRequest>;
type RouteKey = keyof typeof ROUTES;

const LINES = [
  { line: "next16", middlewareFile: "proxy.ts" },
  { line: "next15", middlewareFile: "middleware.ts" },
] as const;

describe.each(LINES)("generated routes on a real $line server", ({ line, middlewareFile }) => {
  let signer: Signer;
  let stub: ClerkStub;
  let fixture: Fixture;
  let server: NextServer | undefined;
  let typecheck: CheckResult;
  const added = {} as Record<RouteKey, AddedRoute>;
  const paths = {} as Record<RouteKey, string>;

  const signedIn = (): Promise<string> =>
    signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID, azp: server?.url ?? "" });
  const get = (key: RouteKey, options: Parameters<typeof request>[2] = {}): Promise<Reply> => {
    if (!server) throw new Error("server not started");
    return request(server.url, paths[key], options);
  };

  beforeAll(async () => {
    signer = await createSigner();
    stub = await startClerkStub({ signer, users: [USER] });
    fixture = await createFixture({ name: `server-${line}`, line, template: "app-api", language: "ts" });
    for (const key of Object.keys(ROUTES) as RouteKey[]) {
      added[key] = await addRoute(fixture, ROUTES[key]);
      paths[key] = urlPathOf(fixture, added[key].file, { id: "proj_42" });
    }
    typecheck = await typecheckTs(fixture.dir);
    await nextBuild(fixture.dir);
    server = await startNext(fixture.dir, {
      CLERK_SECRET_KEY: KEYS.secretKey,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: KEYS.publishableKey,
      CLERK_API_URL: stub.url,
      JWT_TEMPLATE_SUPABASE_API_URL: stub.upstreamUrl,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await stub?.close();
    await fixture?.remove();
  });

  it(`wires Clerk in through ${middlewareFile} and .env.local`, async () => {
    expect(added.protect.report.changes).toEqual(
      expect.arrayContaining([
        { path: middlewareFile, action: "create" },
        { path: ".env.local", action: "create" },
      ]),
    );
    const middleware = await fixture.read(middlewareFile);
    expect(middleware).toContain("clerkMiddleware");
    expect(middleware).toContain("/(api|trpc)(.*)");
    const env = await fixture.read(".env.local");
    expect(env).toContain(`NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=${KEYS.publishableKey}`);
    expect(env).toContain(`CLERK_SECRET_KEY=${KEYS.secretKey}`);
  });

  it("--json tells exactly which files each run changed", () => {
    for (const key of Object.keys(ROUTES) as RouteKey[]) {
      const { report, touched } = added[key];
      expect(report.ok, key).toBe(true);
      const written = report.changes.filter((c) => c.action === "create" || c.action === "modify");
      expect(written.map((c) => c.path).sort(), key).toEqual([...touched].sort());
    }
  });

  it("does not ask to install @clerk/nextjs when it is installed", () => {
    const steps = Object.values(added).flatMap((route) => route.report.nextSteps);
    expect(steps.filter((step) => /install.*@clerk\/nextjs|@clerk\/nextjs.*install/i.test(step))).toEqual([]);
  });

  it("type-checks under the project's strict tsconfig", () => {
    expect(typecheck.errors).toEqual([]);
    expect(typecheck.code).toBe(0);
  });

  describe("signed out (API-style request)", () => {
    it.each(["userId", "token", "currentUser", "dynamic"] as const)("%s: GET → 401 JSON", async (key) => {
      const reply = await get(key);
      expect(reply.status).toBe(401);
      expect(reply.headers.get("content-type")).toContain("application/json");
      expect(reply.json).toEqual({ error: "Unauthorized" });
      expect(reply.text).not.toContain(USER.id);
    });

    it("clerkClient: POST → 401 JSON, Clerk's API never called", async () => {
      const before = stub.requests.length;
      const reply = await get("clerkClient", { method: "POST", body: { firstName: "Eve" } });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: "Unauthorized" });
      expect(stub.requests.slice(before).filter((r) => r.path.startsWith("/v1/users"))).toEqual([]);
    });

    it("dynamic route: POST → 401 JSON", async () => {
      const reply = await get("dynamic", { method: "POST", body: {} });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: "Unauthorized" });
    });

    // Observed on next 16.4 and 15.5 with @clerk/nextjs 7.9: auth.protect() treats every Route
    // Handler request as a page request and redirects to the Account Portal's sign-in page, even
    // with "Accept: application/json". No body, no handler data.
    it.each(["protect", "admin"] as const)("%s: 307 to the Account Portal sign-in page, empty body", async (key) => {
      if (!server) throw new Error("server not started");
      const reply = await get(key);
      expect(reply.status).toBe(307);
      const target = `${server.url}${paths[key]}`;
      expect(reply.headers.get("location")).toBe(
        `https://quiet-otter-42.accounts.dev/sign-in?redirect_url=${encodeURIComponent(target)}`,
      );
      expect(reply.text).toBe("");
      expect(reply.headers.get("x-clerk-auth-status")).toBe("signed-out");
    });

    it("a session token signed by another key is refused", async () => {
      const stranger = await createSigner(signer.kid);
      const forged = await stranger.sessionToken({ userId: USER.id, sessionId: SESSION_ID });
      const reply = await get("userId", { token: forged });
      expect(reply.status).toBe(401);
      expect(reply.text).not.toContain(USER.id);
    });

    it("an expired session token is refused", async () => {
      const expired = await signer.sessionToken({ userId: USER.id, sessionId: SESSION_ID, expiresIn: -600 });
      const reply = await get("userId", { token: expired });
      expect(reply.status).toBe(401);
    });
  });

  describe("signed in (Bearer session token)", () => {
    it("userId: 200 { userId }", async () => {
      const reply = await get("userId", { token: await signedIn() });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ userId: USER.id });
    });

    it("/api/it/_internal (the folder %5Finternal) is served at its URL, behind Clerk: 401 signed out, 200 signed in", async () => {
      if (!server) throw new Error("server not started");
      expect(added.underscore.file).toMatch(/\/api\/it\/%5Finternal\/route\.ts$/);
      const signedOut = await request(server.url, "/api/it/_internal");
      expect(signedOut.status, signedOut.text).toBe(401);
      expect(signedOut.json).toEqual({ error: "Unauthorized" });
      const reply = await request(server.url, "/api/it/_internal", { token: await signedIn() });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ userId: USER.id });
    });

    it("protect: 200 { userId }", async () => {
      const reply = await get("protect", { token: await signedIn() });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ userId: USER.id });
    });

    it("protect --role admin: 404 without the role, 200 with it", async () => {
      const without = await get("admin", { token: await signedIn() });
      expect(without.status).toBe(404);
      expect(without.text).not.toContain(USER.id);
      const withRole = await signer.sessionToken({
        userId: USER.id,
        sessionId: SESSION_ID,
        extra: { v: 2, o: { id: "org_it_1", slg: "acme", rol: "admin" } },
      });
      const reply = await get("admin", { token: withRole });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ userId: USER.id });
      const otherRole = await signer.sessionToken({
        userId: USER.id,
        sessionId: SESSION_ID,
        extra: { v: 2, o: { id: "org_it_1", slg: "acme", rol: "member" } },
      });
      expect((await get("admin", { token: otherRole })).status).toBe(404);
    });

    it("dynamic route: GET and POST echo the param, DELETE too, PUT is not allowed", async () => {
      const token = await signedIn();
      for (const method of ["GET", "POST", "DELETE"]) {
        const reply = await get("dynamic", { method, token, ...(method === "POST" ? { body: {} } : {}) });
        expect(reply.status, `${method}: ${reply.text}`).toBe(200);
        expect(reply.json).toEqual({ userId: USER.id, id: "proj_42" });
      }
      const put = await get("dynamic", { method: "PUT", token, body: {} });
      expect(put.status).toBe(405);
    });

    it("currentUser: 200 with the chosen fields only, private metadata never sent", async () => {
      const before = stub.requests.length;
      const reply = await get("currentUser", { token: await signedIn() });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        id: USER.id,
        email: USER.email,
        firstName: USER.firstName,
        lastName: USER.lastName,
      });
      expect(reply.text).not.toContain("PRIVATE-METADATA-MUST-NOT-LEAK");
      expect(reply.text).not.toMatch(/privateMetadata|private_metadata/);
      const calls = stub.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(calls).toContain(`GET /v1/users/${USER.id}`);
    });

    it("clerkClient: invalid JSON and wrong types → 400, nothing updated", async () => {
      const token = await signedIn();
      const before = stub.requests.length;
      const badJson = await get("clerkClient", { method: "POST", token, body: "{not json" });
      expect(badJson.status).toBe(400);
      expect(badJson.json).toMatchObject({ error: expect.any(String) });
      const badTypes = await get("clerkClient", { method: "POST", token, body: { firstName: 42 } });
      expect(badTypes.status).toBe(400);
      expect(stub.requests.slice(before).filter((r) => r.method === "PATCH")).toEqual([]);
    });

    it("clerkClient: a good body updates the user through PATCH /v1/users/:id", async () => {
      const before = stub.requests.length;
      const reply = await get("clerkClient", {
        method: "POST",
        token: await signedIn(),
        body: { firstName: "Grace", lastName: "Hopper" },
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ id: USER.id, firstName: "Grace", lastName: "Hopper" });
      const patches = stub.requests.slice(before).filter((r) => r.method === "PATCH");
      expect(patches.map((r) => r.path)).toEqual([`/v1/users/${USER.id}`]);
      expect(JSON.parse(patches[0]?.body ?? "{}")).toMatchObject({ first_name: "Grace", last_name: "Hopper" });
      expect(patches[0]?.headers.authorization).toBe(`Bearer ${KEYS.secretKey}`);
    });

    it("token: mints a template token and sends it to the external API", async () => {
      const before = stub.requests.length;
      stub.upstreamStatus = 200;
      const reply = await get("token", { token: await signedIn() });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({
        data: { source: "upstream", method: "GET", path: "/upstream/rest/v1/items", rows: [1, 2, 3] },
      });
      const calls = stub.requests.slice(before);
      const mint = calls.filter((r) => r.method === "POST" && r.path.includes("/tokens/"));
      expect(mint.map((r) => r.path)).toEqual([`/v1/sessions/${SESSION_ID}/tokens/supabase`]);
      const minted = stub.mintedTokens.at(-1);
      expect(minted?.template).toBe("supabase");
      const upstream = calls.filter((r) => r.path.startsWith("/upstream"));
      expect(upstream).toHaveLength(1);
      expect(upstream[0]?.headers.authorization).toBe(`Bearer ${minted?.jwt}`);
    });

    it("token: a failing external API → 502", async () => {
      stub.upstreamStatus = 503;
      try {
        const reply = await get("token", { token: await signedIn() });
        expect(reply.status).toBe(502);
        // A fixed message and the upstream status: never the error's message, which can hold the URL.
        expect(reply.json).toEqual({ error: "The external API failed", status: 503 });
      } finally {
        stub.upstreamStatus = 200;
      }
    });
  });

  it("nothing left the machine and Clerk called only what the stub knows", () => {
    expect(stub.unexpected().map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Session tokens were verified against the stub's JWKS, with the secret key.
    const jwks = stub.requests.filter((r) => r.path === "/v1/jwks");
    expect(jwks.length).toBeGreaterThan(0);
    expect(jwks[0]?.headers.authorization).toBe(`Bearer ${KEYS.secretKey}`);
    expect(server?.logs()).toContain(GUARD_ACTIVE_MARKER);
    expect(server?.logs()).not.toContain(BLOCKED_MARKER);
    expect(server?.logs()).not.toContain("api.clerk.com");
  });
});
