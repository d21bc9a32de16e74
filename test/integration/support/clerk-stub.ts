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

function clerkError(status: number, code: string, message: string): Record<string, unknown> {
  return { errors: [{ code, message, long_message: message, meta: {} }], clerk_trace_id: "it" };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startClerkStub(options: { signer: Signer; users: StubUser[] }): Promise<ClerkStub> {
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
    const send = (status: number, body: unknown, isKnown = true): void => {
      record.status = status;
      if (isKnown) known.add(record);
      res.writeHead(status, JSON_HEADERS).end(JSON.stringify(body));
    };

    const method = record.method;
    const path = record.path;
    let match: RegExpExecArray | null;

    if (method === "GET" && path === "/v1/jwks") {
      return send(200, { keys: [options.signer.publicJwk] });
    }
    if ((match = /^\/v1\/users\/([^/]+)$/.exec(path)) && (method === "GET" || method === "PATCH")) {
      const id = decodeURIComponent(match[1] ?? "");
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
      const jwt = await options.signer.sign({ template, sid: sessionId, aud: "authenticated" }, 60);
      mintedTokens.push({ sessionId, template, jwt });
      return send(200, { object: "token", jwt });
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
