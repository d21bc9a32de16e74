// The hand-written reference routes in test/golden/ (what the machine, webhook and hardened
// auth styles must generate), copied into a real Next 16 (proxy.ts) and Next 15 (middleware.ts)
// project, type-checked with the project's strict tsconfig, built, served by `next start`, and
// called like clients would, with Clerk's Backend API replaced by the local stub.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/cache.js";
import { startClerkStub, type ClerkStub, type StubMachineToken, type StubUser } from "./support/clerk-stub.js";
import { backendUser } from "./support/clerk-stub.js";
import { KEYS } from "./support/cli.js";
import { createFixture, type Fixture } from "./support/fixtures.js";
import { request, type Reply, type RequestOptions } from "./support/http.js";
import { authorizationClaims, createSigner, type AuthorizationClaims, type Signer } from "./support/jwt.js";
import { BLOCKED_MARKER, GUARD_ACTIVE_MARKER, nextBuild, startNext, type NextServer } from "./support/next-server.js";
import { typecheckJs, typecheckTs, type CheckResult } from "./support/typecheck.js";
import { signWebhook, webhookEvent, webhookSecret } from "./support/webhook.js";

const GOLDEN_DIR = path.join(REPO_ROOT, "test", "golden");

const USER: StubUser = {
  id: "user_it_2abcDEF",
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@example.test",
  privateMetadata: { secret: "PRIVATE-METADATA-MUST-NOT-LEAK" },
};
const SESSION_ID = "sess_it_2xyz789";
const ORG_ID = "org_it_1";
const MACHINE_SECRET_KEY = "ak_it_machineSecretKey000000";

/** Golden file → the URL it is served on in the fixture (its folder under app/). */
const ROUTES = {
  apiKey: { golden: "machine/api-key.ts", url: "/api/golden/machine/api-key" },
  all: { golden: "machine/all.ts", url: "/api/golden/machine/all" },
  allJs: { golden: "machine/all.js", url: "/api/golden/machine/all-js" },
  m2m: { golden: "machine/m2m.ts", url: "/api/golden/machine/m2m" },
  webhook: { golden: "webhook/default.ts", url: "/api/webhooks/clerk" },
  webhookJs: { golden: "webhook/default.js", url: "/api/webhooks/clerk-js" },
  webhookOrg: { golden: "webhook/org.ts", url: "/api/webhooks/clerk-org" },
  planRole: { golden: "auth/user-id-plan-role.ts", url: "/api/golden/auth/plan-role" },
  token: { golden: "auth/token.ts", url: "/api/golden/auth/token" },
  currentUser: { golden: "auth/current-user.ts", url: "/api/golden/auth/current-user" },
  clerkClient: { golden: "auth/clerk-client.ts", url: "/api/golden/auth/clerk-client" },
} as const;
type RouteKey = keyof typeof ROUTES;

const routeFile = (key: RouteKey): string =>
  `app${ROUTES[key].url}/route${path.extname(ROUTES[key].golden)}`;

// The project's own proxy: every API route needs a session, except Clerk's webhooks (Clerk
// calls them without one) and the golden routes, which answer 401/403 JSON themselves.
const PROXY = `import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";

const isPublicRoute = createRouteMatcher(["/api/webhooks(.*)", "/api/golden(.*)"]);
const isProtectedRoute = createRouteMatcher(["/api(.*)"]);

export default clerkMiddleware(async (auth, req) => {
  if (isProtectedRoute(req) && !isPublicRoute(req)) {
    await auth.protect();
  }
});

export const config = {
  matcher: [
    "/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    "/(api|trpc)(.*)",
  ],
};
`;

// A route the proxy protects: proves the webhook's 200 is not just an unprotected project.
const PRIVATE_ROUTE = `import { auth } from "@clerk/nextjs/server";

export async function GET() {
  const { userId } = await auth();
  return Response.json({ userId });
}
`;

const token = (secret: string, subject: string, scopes: string[], extra: Partial<StubMachineToken> = {}) => ({
  secret,
  subject,
  scopes,
  ...extra,
});
const AK_USER = token("ak_it_user_read_0001", USER.id, ["read:projects", "write:projects"], { name: "CI" });
const AK_ORG = token("ak_it_org_read_0002", ORG_ID, ["read:projects"], { name: "Org key" });
const AK_NO_SCOPE = token("ak_it_user_write_0003", USER.id, ["write:projects"]);
const MT = token("mt_it_machine_a_0004", "mch_it_a", ["mch_it_api"], { claims: { job: "sync" } });
const OAT = token("oat_it_client_read_0005", USER.id, ["read:projects", "profile"], { clientId: "client_it_1" });
const OAT_NO_SCOPE = token("oat_it_client_prof_0006", USER.id, ["profile"], { clientId: "client_it_1" });
const UNKNOWN = { api_key: "ak_it_unknown_9999", m2m_token: "mt_it_unknown_9999", oauth_token: "oat_it_unknown_9999" };

const LINES = [
  { line: "next16", middlewareFile: "proxy.ts" },
  { line: "next15", middlewareFile: "middleware.ts" },
] as const;

describe.each(LINES)("golden routes on a real $line server", ({ line, middlewareFile }) => {
  let signer: Signer;
  let stub: ClerkStub;
  let fixture: Fixture;
  let server: NextServer | undefined;
  let tsCheck: CheckResult;
  let jsCheck: CheckResult;
  const secret = webhookSecret();

  const call = (key: RouteKey | string, options: RequestOptions = {}): Promise<Reply> => {
    if (!server) throw new Error("server not started");
    const url = key in ROUTES ? ROUTES[key as RouteKey].url : key;
    return request(server.url, url, options);
  };
  const session = (claims?: AuthorizationClaims): Promise<string> =>
    signer.sessionToken({
      userId: USER.id,
      sessionId: SESSION_ID,
      ...(claims ? { extra: authorizationClaims(claims) } : {}),
    });
  const expectUnauthorized = (reply: Reply, what: string): void => {
    expect(reply.status, `${what}: ${reply.text}`).toBe(401);
    expect(reply.headers.get("content-type"), what).toContain("application/json");
    expect(reply.json, what).toEqual({ error: "Unauthorized" });
    expect(reply.headers.get("www-authenticate"), what).toBe("Bearer");
  };

  beforeAll(async () => {
    signer = await createSigner();
    stub = await startClerkStub({
      signer,
      users: [USER],
      machineTokens: { apiKeys: [AK_USER, AK_ORG, AK_NO_SCOPE], m2mTokens: [MT], oauthTokens: [OAT, OAT_NO_SCOPE] },
      jwtTemplates: ["supabase"],
    });
    const files: Record<string, string> = {
      [middlewareFile]: PROXY,
      "app/api/private/route.ts": PRIVATE_ROUTE,
      ".env.local": [
        `NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=${KEYS.publishableKey}`,
        `CLERK_SECRET_KEY=${KEYS.secretKey}`,
        "",
      ].join("\n"),
    };
    for (const key of Object.keys(ROUTES) as RouteKey[]) {
      files[routeFile(key)] = await readFile(path.join(GOLDEN_DIR, ROUTES[key].golden), "utf8");
    }
    fixture = await createFixture({ name: `golden-${line}`, line, template: "app-api", language: "ts", files });
    tsCheck = await typecheckTs(fixture.dir);
    const jsFiles = (Object.keys(ROUTES) as RouteKey[]).map(routeFile).filter((file) => file.endsWith(".js"));
    jsCheck = await typecheckJs(fixture.dir, jsFiles);
    await nextBuild(fixture.dir);
    server = await startNext(fixture.dir, {
      CLERK_SECRET_KEY: KEYS.secretKey,
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: KEYS.publishableKey,
      CLERK_API_URL: stub.url,
      CLERK_MACHINE_SECRET_KEY: MACHINE_SECRET_KEY,
      CLERK_WEBHOOK_SIGNING_SECRET: secret,
      SUPABASE_URL: stub.upstreamUrl,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await stub?.close();
    await fixture?.remove();
  });

  it("type-checks under the project's strict tsconfig (TS) and checkJs (JS twins)", () => {
    expect(tsCheck.errors).toEqual([]);
    expect(tsCheck.code).toBe(0);
    expect(jsCheck.errors).toEqual([]);
  });

  describe("machine: API keys, M2M tokens, OAuth access tokens", () => {
    it("api-key: a known key with the scope → 200 with its owner (user or org)", async () => {
      const user = await call("apiKey", { token: AK_USER.secret });
      expect(user.status, user.text).toBe(200);
      expect(user.json).toEqual({
        tokenType: "api_key",
        subject: USER.id,
        scopes: AK_USER.scopes,
        userId: USER.id,
        orgId: null,
      });
      const org = await call("apiKey", { token: AK_ORG.secret });
      expect(org.status, org.text).toBe(200);
      expect(org.json).toEqual({
        tokenType: "api_key",
        subject: ORG_ID,
        scopes: AK_ORG.scopes,
        userId: null,
        orgId: ORG_ID,
      });
    });

    it("api-key: a key without the scope → 403 naming it", async () => {
      const reply = await call("apiKey", { token: AK_NO_SCOPE.secret });
      expect(reply.status, reply.text).toBe(403);
      expect(reply.json).toEqual({ error: "Forbidden", missing: { scopes: ["read:projects"] } });
    });

    it("api-key: unknown key, no header, a session token, an M2M token → 401 JSON", async () => {
      expectUnauthorized(await call("apiKey", { token: UNKNOWN.api_key }), "unknown key");
      expectUnauthorized(await call("apiKey"), "no header");
      expectUnauthorized(await call("apiKey", { token: await session() }), "session token");
      expectUnauthorized(await call("apiKey", { token: MT.secret }), "M2M token");
    });

    it.each(["GET", "POST"])("all (%s): each machine type → 200 with its own fields", async (method) => {
      const apiKey = await call("all", { method, token: AK_USER.secret });
      expect(apiKey.status, apiKey.text).toBe(200);
      expect(apiKey.json).toEqual({
        tokenType: "api_key",
        subject: USER.id,
        scopes: AK_USER.scopes,
        userId: USER.id,
        orgId: null,
      });
      const m2m = await call("all", { method, token: MT.secret });
      expect(m2m.status, m2m.text).toBe(200);
      expect(m2m.json).toEqual({ tokenType: "m2m_token", subject: MT.subject, scopes: MT.scopes, machineId: MT.subject });
      const oauth = await call("all", { method, token: OAT.secret });
      expect(oauth.status, oauth.text).toBe(200);
      expect(oauth.json).toEqual({
        tokenType: "oauth_token",
        subject: USER.id,
        scopes: OAT.scopes,
        userId: USER.id,
        clientId: "client_it_1",
      });
    });

    it("all: a signed-in user gets through (session_token accepted; scopes do not apply)", async () => {
      const reply = await call("all", { token: await session() });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ tokenType: "session_token", userId: USER.id });
    });

    it("all: missing scope → 403 for an API key and an OAuth token", async () => {
      for (const secretValue of [AK_NO_SCOPE.secret, OAT_NO_SCOPE.secret]) {
        const reply = await call("all", { token: secretValue });
        expect(reply.status, reply.text).toBe(403);
        expect(reply.json).toEqual({ error: "Forbidden", missing: { scopes: ["read:projects"] } });
      }
    });

    it("all: unknown tokens of each type, and no header → 401 JSON (never a redirect or 404)", async () => {
      for (const [type, unknown] of Object.entries(UNKNOWN)) {
        expectUnauthorized(await call("all", { token: unknown }), `unknown ${type}`);
      }
      expectUnauthorized(await call("all"), "no header");
      expectUnauthorized(await call("all", { method: "POST" }), "no header, POST");
    });

    it("all.js (the JavaScript twin) behaves the same", async () => {
      const apiKey = await call("allJs", { token: AK_USER.secret });
      expect(apiKey.status, apiKey.text).toBe(200);
      expect(apiKey.json).toMatchObject({ tokenType: "api_key", userId: USER.id });
      const m2m = await call("allJs", { method: "POST", token: MT.secret });
      expect(m2m.json).toMatchObject({ tokenType: "m2m_token", machineId: MT.subject });
      expect((await call("allJs", { token: OAT_NO_SCOPE.secret })).status).toBe(403);
      expectUnauthorized(await call("allJs"), "no header");
    });

    it("m2m-only: an M2M token → 200; an API key, a session token, nothing → 401", async () => {
      const reply = await call("m2m", { method: "POST", token: MT.secret });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ tokenType: "m2m_token", subject: MT.subject, scopes: MT.scopes, machineId: MT.subject });
      expectUnauthorized(await call("m2m", { method: "POST", token: AK_USER.secret }), "API key");
      expectUnauthorized(await call("m2m", { method: "POST", token: await session() }), "session token");
      expectUnauthorized(await call("m2m", { method: "POST" }), "no header");
    });

    it("Clerk verified each token through its own Backend API endpoint (no /v1), with the right key", () => {
      const verify = (pathName: string) => stub.requests.filter((r) => r.method === "POST" && r.path === pathName);
      const apiKeys = verify("/api_keys/verify");
      expect(apiKeys.map((r) => JSON.parse(r.body) as unknown)).toContainEqual({ secret: AK_USER.secret });
      expect(apiKeys.every((r) => r.headers.authorization === `Bearer ${KEYS.secretKey}`)).toBe(true);
      expect(apiKeys.some((r) => r.status === 404)).toBe(true);
      const m2m = verify("/m2m_tokens/verify");
      expect(m2m.map((r) => JSON.parse(r.body) as unknown)).toContainEqual({ token: MT.secret });
      // CLERK_MACHINE_SECRET_KEY, when set, authenticates M2M verification instead of the secret key.
      expect(m2m.every((r) => r.headers.authorization === `Bearer ${MACHINE_SECRET_KEY}`)).toBe(true);
      const oauth = verify("/oauth_applications/access_tokens/verify");
      expect(oauth.map((r) => JSON.parse(r.body) as unknown)).toContainEqual({ access_token: OAT.secret });
      expect(oauth.every((r) => r.headers.authorization === `Bearer ${KEYS.secretKey}`)).toBe(true);
      expect(stub.requests.filter((r) => r.path.startsWith("/v1/") && r.path.includes("verify"))).toEqual([]);
    });
  });

  describe("webhook: verified Clerk webhooks behind a proxy that protects /api(.*)", () => {
    const post = (key: RouteKey, body: string, headers: Record<string, string>): Promise<Reply> =>
      call(key, { method: "POST", body, headers });
    const userCreated = (): string => JSON.stringify(webhookEvent("user.created", backendUser(USER)));
    const expectBadSignature = (reply: Reply, what: string): void => {
      expect(reply.status, `${what}: ${reply.text}`).toBe(400);
      expect(reply.headers.get("content-type"), what).toContain("application/json");
      expect(reply.json, what).toEqual({ error: "Invalid webhook signature" });
    };

    it("the proxy really protects other API routes (signed out: the handler never runs)", async () => {
      const reply = await call("/api/private");
      expect(reply.json).not.toEqual({ userId: null });
      if (line === "next16") {
        expect([307, 404], reply.text).toContain(reply.status);
      } else {
        // Observed on next 15.5 with @clerk/nextjs 7.9: a failed auth.protect() in the proxy
        // answers by rewriting to "/clerk_<Date.now()>" to get a 404 (clerkMiddleware.js,
        // handleControlFlowErrors), but the create-next-app api template has app/[slug]/route.ts,
        // which serves that path: 200 from the wrong route, never the protected handler.
        expect(reply.status, reply.text).toBe(200);
        expect(reply.json).toEqual({ message: expect.stringMatching(/^Hello clerk_\d+!$/) });
      }
      const signedIn = await call("/api/private", { token: await session() });
      expect(signedIn.status, signedIn.text).toBe(200);
    });

    it.each(["webhook", "webhookJs"] as const)("%s: a signed user.created → 200 { received: true }", async (key) => {
      const body = userCreated();
      const reply = await post(key, body, signWebhook({ secret, body }));
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toEqual({ received: true });
      // The handler narrowed the event: it logged the user's ID and found the primary email.
      expect(server?.logs()).toContain(`Clerk webhook user.created: ${USER.id}`);
      expect(server?.logs()).toMatch(/hasEmail: true/);
    });

    it("webhook: user.updated and user.deleted → 200", async () => {
      for (const [type, data] of [
        ["user.updated", backendUser(USER)],
        ["user.deleted", { object: "user", id: "user_it_gone", deleted: true }],
      ] as const) {
        const body = JSON.stringify(webhookEvent(type, data));
        const reply = await post("webhook", body, signWebhook({ secret, body }));
        expect(reply.status, `${type}: ${reply.text}`).toBe(200);
        expect(reply.json).toEqual({ received: true });
      }
      expect(server?.logs()).toContain("Clerk webhook user.deleted: user_it_gone");
    });

    it.each(["webhook", "webhookJs", "webhookOrg"] as const)(
      "%s: tampered body, wrong secret, stale timestamp, missing headers → 400 JSON",
      async (key) => {
        const body = userCreated();
        const signed = signWebhook({ secret, body });
        expectBadSignature(await post(key, body.replace(USER.id, "user_it_evil"), signed), "tampered body");
        expectBadSignature(await post(key, body, signWebhook({ secret: webhookSecret(), body })), "wrong secret");
        const stale = Math.floor(Date.now() / 1000) - 10 * 60;
        expectBadSignature(await post(key, body, signWebhook({ secret, body, timestamp: stale })), "stale timestamp");
        expectBadSignature(await post(key, body, {}), "no svix headers");
        const { "svix-signature": _dropped, ...unsigned } = signed;
        expectBadSignature(await post(key, body, unsigned), "no svix-signature");
      },
    );

    it("webhookOrg: organization.created, organizationMembership.created, session.created → 200", async () => {
      const organization = {
        object: "organization",
        id: ORG_ID,
        name: "Acme",
        slug: "acme",
        has_image: false,
        max_allowed_memberships: 5,
        admin_delete_enabled: true,
        public_metadata: {},
        created_by: USER.id,
        created_at: Date.now(),
        updated_at: Date.now(),
      };
      const events = [
        webhookEvent("organization.created", organization),
        webhookEvent("organizationMembership.created", {
          object: "organization_membership",
          id: "orgmem_it_1",
          role: "org:admin",
          permissions: [],
          public_metadata: {},
          created_at: Date.now(),
          updated_at: Date.now(),
          organization,
          public_user_data: {
            identifier: USER.email,
            first_name: USER.firstName,
            last_name: USER.lastName,
            image_url: "https://img.clerk.com/placeholder",
            has_image: false,
            user_id: USER.id,
          },
        }),
        webhookEvent("session.created", {
          object: "session",
          id: SESSION_ID,
          client_id: "client_it_web",
          user_id: USER.id,
          status: "active",
          actor: null,
          last_active_at: Date.now(),
          expire_at: Date.now() + 86_400_000,
          abandon_at: Date.now() + 86_400_000,
          created_at: Date.now(),
          updated_at: Date.now(),
          user: null,
        }),
      ];
      for (const event of events) {
        const body = JSON.stringify(event);
        const reply = await post("webhookOrg", body, signWebhook({ secret, body }));
        expect(reply.status, `${String(event.type)}: ${reply.text}`).toBe(200);
        expect(reply.json).toEqual({ received: true });
      }
      const logs = server?.logs() ?? "";
      expect(logs).toContain(`Clerk webhook organization.created: ${ORG_ID}`);
      expect(logs).toContain("Clerk webhook organizationMembership.created: orgmem_it_1");
      expect(logs).toContain(`Clerk webhook session.created: ${SESSION_ID}`);
    });
  });

  describe("auth: plan and role checks, and no 500s from Clerk's Backend API", () => {
    it("plan+role: signed out → 401 JSON", async () => {
      const reply = await call("planRole");
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: "Unauthorized" });
    });

    it("plan+role: every failed check is listed in the 403", async () => {
      const none = await call("planRole", { token: await session() });
      expect(none.status, none.text).toBe(403);
      expect(none.json).toEqual({ error: "Forbidden", missing: { plan: "pro", role: "org:admin" } });

      const planOnly = await call("planRole", { token: await session({ plans: ["u:pro"] }) });
      expect(planOnly.json).toEqual({ error: "Forbidden", missing: { role: "org:admin" } });

      const roleOnly = await call("planRole", {
        token: await session({ plans: ["u:free"], org: { id: ORG_ID, slug: "acme", role: "admin" } }),
      });
      expect(roleOnly.json).toEqual({ error: "Forbidden", missing: { plan: "pro" } });

      const member = await call("planRole", {
        token: await session({ plans: ["u:pro"], org: { id: ORG_ID, role: "member" } }),
      });
      expect(member.json).toEqual({ error: "Forbidden", missing: { role: "org:admin" } });
    });

    it("plan+role: 200 with the user's plan (u:pro) or the organization's (o:pro)", async () => {
      for (const plans of [["u:pro"], ["o:pro"], ["u:free", "o:pro"]]) {
        const reply = await call("planRole", {
          token: await session({ plans, org: { id: ORG_ID, slug: "acme", role: "admin" } }),
        });
        expect(reply.status, `${plans.join(",")}: ${reply.text}`).toBe(200);
        expect(reply.json).toEqual({ userId: USER.id });
      }
    });

    it("token: an existing template → 200; a missing one → 502 naming it", async () => {
      const ok = await call("token", { token: await session() });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json).toMatchObject({ data: { source: "upstream" } });
      stub.jwtTemplates = ["another-template"];
      try {
        const reply = await call("token", { token: await session() });
        expect(reply.status, reply.text).toBe(502);
        expect(reply.json).toMatchObject({ template: "supabase", status: 404 });
        expect(reply.text).toContain('"supabase"');
      } finally {
        stub.jwtTemplates = ["supabase"];
      }
    });

    it("currentUser: 200; rate limited → 503 with Retry-After; other failure → 502", async () => {
      const ok = await call("currentUser", { token: await session() });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json).toEqual({ id: USER.id, email: USER.email, firstName: USER.firstName, lastName: USER.lastName });
      try {
        stub.usersFailure = { status: 429, retryAfter: 17 };
        const limited = await call("currentUser", { token: await session() });
        expect(limited.status, limited.text).toBe(503);
        expect(limited.headers.get("retry-after")).toBe("17");
        expect(limited.json).toMatchObject({ error: expect.any(String) });
        stub.usersFailure = { status: 500 };
        const failed = await call("currentUser", { token: await session() });
        expect(failed.status, failed.text).toBe(502);
        expect(failed.json).toMatchObject({ error: expect.any(String), status: 500 });
      } finally {
        stub.usersFailure = null;
      }
    });

    it("clerkClient: 200; rate limited → 503 with Retry-After; other failure → 502", async () => {
      const body = { firstName: "Grace" };
      const ok = await call("clerkClient", { method: "POST", token: await session(), body });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json).toMatchObject({ id: USER.id, firstName: "Grace" });
      try {
        stub.usersFailure = { status: 429, retryAfter: 3 };
        const limited = await call("clerkClient", { method: "POST", token: await session(), body });
        expect(limited.status, limited.text).toBe(503);
        expect(limited.headers.get("retry-after")).toBe("3");
        stub.usersFailure = { status: 502 };
        const failed = await call("clerkClient", { method: "POST", token: await session(), body });
        expect(failed.status, failed.text).toBe(502);
      } finally {
        stub.usersFailure = null;
      }
    });
  });

  it("nothing left the machine and Clerk called only what the stub knows", () => {
    expect(stub.unexpected().map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(server?.logs()).toContain(GUARD_ACTIVE_MARKER);
    expect(server?.logs()).not.toContain(BLOCKED_MARKER);
  });
});
