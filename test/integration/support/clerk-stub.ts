// A small stand-in for Clerk's Backend API (and for the external API a JWT template token is
// sent to), on 127.0.0.1. It answers the few calls the generated Route Handlers cause, records
// every request, and answers 404 to anything else so a test can tell when Clerk asks for more.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Signer } from "./jwt.js";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The status the stub answered with. */
  status: number;
}

export interface StubUser {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string;
  privateMetadata?: Record<string, unknown>;
  publicMetadata?: Record<string, unknown>;
}

/** A machine token the stub's verify endpoints know (API key, M2M token or OAuth access token). */
export interface StubMachineToken {
  /** The secret a client sends as "Authorization: Bearer <secret>": ak_…, mt_… or oat_…. */
  secret: string;
  /** api_key: user_… or org_…; m2m_token: mch_…; oauth_token: user_…. */
  subject: string;
  scopes: string[];
  claims?: Record<string, unknown> | null;
  /** api_key only. */
  name?: string;
  /** oauth_token only: the OAuth application's client ID. */
  clientId?: string;
}

/** A Backend API failure the stub answers with instead of the real thing. */
export interface StubFailure {
  status: number;
  /** Sent as the Retry-After header (seconds). */
  retryAfter?: number;
}

export interface ClerkStub {
  /** Base URL for CLERK_API_URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Base URL of the fake external API that JWT template tokens are sent to. */
  upstreamUrl: string;
  requests: RecordedRequest[];
  users: Map<string, StubUser>;
  /** The JWT template tokens minted so far, newest last. */
  mintedTokens: { sessionId: string; template: string; jwt: string }[];
  /** Status the fake external API answers with (200 unless a test wants it to fail). */
  upstreamStatus: number;
  /** Machine tokens known to the verify endpoints, by kind. */
  machineTokens: { apiKeys: StubMachineToken[]; m2mTokens: StubMachineToken[]; oauthTokens: StubMachineToken[] };
  /**
   * JWT templates that exist. undefined: every name exists; otherwise any other name gets
   * 404 "resource_not_found", as Clerk answers for a template that is not there.
   */
  jwtTemplates: string[] | undefined;
  /** When set, GET/PATCH /v1/users/:id answer this failure (e.g. 429 with Retry-After). */
  usersFailure: StubFailure | null;
  /** Requests that reached no known endpoint. */
  unexpected(): RecordedRequest[];
  close(): Promise<void>;
}

const JSON_HEADERS = { "Content-Type": "application/json" };

/** A Backend API User object, in the snake_case shape Clerk's API answers with. */
export function backendUser(user: StubUser): Record<string, unknown> {
  const now = Date.now();
  const emailId = `idn_${user.id}_email`;
  return {
    object: "user",
    id: user.id,
    external_id: null,
    username: null,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: "https://img.clerk.com/placeholder",
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: true,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    banned: false,
    locked: false,
    email_addresses: [
      {
        object: "email_address",
        id: `idn_${user.id}_other`,
        email_address: `other-${user.email}`,
        verification: { status: "verified", strategy: "email_code", attempts: 1, expire_at: null },
        linked_to: [],
      },
      {
        object: "email_address",
        id: emailId,
        email_address: user.email,
        verification: { status: "verified", strategy: "email_code", attempts: 1, expire_at: null },
        linked_to: [],
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: user.publicMetadata ?? {},
    private_metadata: user.privateMetadata ?? {},
    unsafe_metadata: {},
    last_sign_in_at: now - 60_000,
    last_active_at: now - 60_000,
    created_at: now - 86_400_000,
    updated_at: now - 60_000,
    create_organization_enabled: true,
    create_organizations_limit: null,
    delete_self_enabled: true,
    legal_accepted_at: null,
    locale: null,
  };
}

/** The verify endpoints' answers, in the snake_case shape @clerk/backend's resources read. */
function apiKeyJson(token: StubMachineToken): Record<string, unknown> {
  const now = Date.now();
  return {
    object: "api_key",
    id: `apikey_${token.secret.slice(-8)}`,
    type: "api_key",
    name: token.name ?? "integration key",
    subject: token.subject,
    scopes: token.scopes,
    claims: token.claims ?? null,
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: null,
    created_by: token.subject.startsWith("user_") ? token.subject : null,
    description: null,
    last_used_at: now - 1000,
    created_at: now - 86_400_000,
    updated_at: now - 86_400_000,
  };
}

function m2mTokenJson(token: StubMachineToken): Record<string, unknown> {
  const now = Date.now();
  return {
    object: "machine_to_machine_token",
    id: `mt_id_${token.secret.slice(-8)}`,
    subject: token.subject,
    scopes: token.scopes,
    claims: token.claims ?? null,
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: now + 3_600_000,
    created_at: now - 60_000,
    updated_at: now - 60_000,
  };
}

function oauthTokenJson(token: StubMachineToken): Record<string, unknown> {
  const now = Date.now();
  return {
    object: "clerk_idp_oauth_access_token",
    id: `oat_id_${token.secret.slice(-8)}`,
    client_id: token.clientId ?? "client_it_1",
    type: "oauth_token",
    subject: token.subject,
    scopes: token.scopes,
    revoked: false,
    revocation_reason: null,
    expired: false,
    expiration: now + 3_600_000,
    created_at: now - 60_000,
    updated_at: now - 60_000,
  };
}

function clerkError(status: number, code: string, message: string): Record<string, unknown> {
  return { errors: [{ code, message, long_message: message, meta: {} }], clerk_trace_id: "it" };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startClerkStub(options: {
  signer: Signer;
  users: StubUser[];
  machineTokens?: Partial<ClerkStub["machineTokens"]>;
  jwtTemplates?: string[];
}): Promise<ClerkStub> {
  const requests: RecordedRequest[] = [];
  const users = new Map(options.users.map((user) => [user.id, { ...user }]));
  const mintedTokens: ClerkStub["mintedTokens"] = [];
  const known = new Set<RecordedRequest>();
  const stub = {
    url: "",
    upstreamUrl: "",
    requests,
    users,
    mintedTokens,
    upstreamStatus: 200,
    machineTokens: {
      apiKeys: [...(options.machineTokens?.apiKeys ?? [])],
      m2mTokens: [...(options.machineTokens?.m2mTokens ?? [])],
      oauthTokens: [...(options.machineTokens?.oauthTokens ?? [])],
    },
    jwtTemplates: options.jwtTemplates,
    usersFailure: null,
    unexpected: () => requests.filter((request) => !known.has(request)),
    close: async () => undefined,
  } satisfies ClerkStub as ClerkStub;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stub.invalid");
    const record: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body: await readBody(req),
      status: 0,
    };
    requests.push(record);
    const send = (status: number, body: unknown, isKnown = true, headers: Record<string, string> = {}): void => {
      record.status = status;
      if (isKnown) known.add(record);
      res.writeHead(status, { ...JSON_HEADERS, ...headers }).end(JSON.stringify(body));
    };
    const fail = (failure: StubFailure): void => {
      const headers: Record<string, string> =
        failure.retryAfter === undefined ? {} : { "Retry-After": String(failure.retryAfter) };
      const code = failure.status === 429 ? "too_many_requests" : "internal_error";
      send(failure.status, clerkError(failure.status, code, `stub failure ${failure.status}`), true, headers);
    };
    const bodyField = (name: string): string | undefined => {
      try {
        const value = (JSON.parse(record.body || "{}") as Record<string, unknown>)[name];
        return typeof value === "string" ? value : undefined;
      } catch {
        return undefined;
      }
    };

    const method = record.method;
    const path = record.path;
    let match: RegExpExecArray | null;

    if (method === "GET" && path === "/v1/jwks") {
      return send(200, { keys: [options.signer.publicJwk] });
    }
    if ((match = /^\/v1\/users\/([^/]+)$/.exec(path)) && (method === "GET" || method === "PATCH")) {
      const id = decodeURIComponent(match[1] ?? "");
      if (stub.usersFailure) return fail(stub.usersFailure);
      const user = users.get(id);
      if (!user) return send(404, clerkError(404, "resource_not_found", "not found"));
      if (method === "PATCH") {
        let patch: Record<string, unknown>;
        try {
          patch = JSON.parse(record.body || "{}") as Record<string, unknown>;
        } catch {
          return send(422, clerkError(422, "form_param_format_invalid", "bad JSON"));
        }
        if (typeof patch.first_name === "string") user.firstName = patch.first_name;
        if (typeof patch.last_name === "string") user.lastName = patch.last_name;
      }
      return send(200, backendUser(user));
    }
    if ((match = /^\/v1\/sessions\/([^/]+)\/tokens\/([^/]+)$/.exec(path)) && method === "POST") {
      const sessionId = decodeURIComponent(match[1] ?? "");
      const template = decodeURIComponent(match[2] ?? "");
      if (stub.jwtTemplates && !stub.jwtTemplates.includes(template)) {
        return send(404, clerkError(404, "resource_not_found", `JWT template ${template} not found`));
      }
      const jwt = await options.signer.sign({ template, sid: sessionId, aud: "authenticated" }, 60);
      mintedTokens.push({ sessionId, template, jwt });
      return send(200, { object: "token", jwt });
    }
    // Machine token verification: @clerk/backend calls these without the /v1 prefix
    // (createBackendApiClient builds apiKeys, m2m and idPOAuthAccessToken with skipApiVersionInUrl).
    const verifiers: Record<
      string,
      { field: string; list: () => StubMachineToken[]; json: typeof apiKeyJson; what: string }
    > = {
      "/api_keys/verify": {
        field: "secret",
        list: () => stub.machineTokens.apiKeys,
        json: apiKeyJson,
        what: "API key",
      },
      "/m2m_tokens/verify": {
        field: "token",
        list: () => stub.machineTokens.m2mTokens,
        json: m2mTokenJson,
        what: "M2M token",
      },
      "/oauth_applications/access_tokens/verify": {
        field: "access_token",
        list: () => stub.machineTokens.oauthTokens,
        json: oauthTokenJson,
        what: "OAuth access token",
      },
    };
    const verifier = verifiers[path];
    if (verifier && method === "POST") {
      const secret = bodyField(verifier.field);
      const token = verifier.list().find((candidate) => candidate.secret === secret);
      if (!token) return send(404, clerkError(404, "resource_not_found", `${verifier.what} not found`));
      return send(200, verifier.json(token));
    }
    if (path.startsWith("/upstream")) {
      const status = stub.upstreamStatus;
      return send(status, status === 200 ? { source: "upstream", method, path, rows: [1, 2, 3] } : { error: "down" });
    }
    return send(404, clerkError(404, "resource_not_found", `stub has no ${method} ${path}`), false);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, JSON_HEADERS).end(JSON.stringify({ error: String(error) }));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.upstreamUrl = `${stub.url}/upstream/rest/v1/items`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
