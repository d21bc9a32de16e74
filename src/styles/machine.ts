import { CliError } from "../core/errors.js";
import type { RawFlags } from "../core/raw-flags.js";
import { PRINT_WIDTH } from "../core/text.js";
import { flagName, valueOf, type StyleDeclaration, type StyleInput, type StyleValues } from "./declaration.js";
import { AUTHORIZATION_FLAGS, authorizationView, checkApis, checksOf, whoMayCallIt } from "./authorization.js";
import { listFlag } from "./flags.js";
import { commentLines, list } from "./text.js";

// Machine callers: API keys, M2M tokens and OAuth access tokens (and, when accepted, signed-in
// users), read with auth({ acceptsToken }). Template: templates/machine.hbs.
// Facts the template relies on (checked on real Next 16 and 15 servers, test/integration):
// - without an Authorization header auth({ acceptsToken }) returns a signed-out *session* object,
//   so isAuthenticated is checked before narrowing by tokenType;
// - the acceptsToken array is written inline (a readonly tuple does not type-check);
// - an M2M token's scopes are the machine IDs it may call, so required scopes apply to API keys
//   and OAuth tokens only.

/** The token types auth() accepts, in the order the generated code lists them. */
const TOKEN_TYPES: ReadonlyMap<string, { label: string; hint: string }> = new Map([
  ["api_key", { label: "API keys", hint: "ak_…, issued to a user or an organization" }],
  ["m2m_token", { label: "M2M tokens", hint: "mt_…, machine to machine" }],
  ["oauth_token", { label: "OAuth access tokens", hint: "oat_…, from an OAuth application" }],
  ["session_token", { label: "Signed-in users", hint: "a Clerk session, as the other styles" }],
]);

const pickTypes = `Pick from: ${[...TOKEN_TYPES.keys()].join(", ")}.`;

const accepts = listFlag({
  flag: "--accepts <list>",
  key: "accepts",
  description: "machine only: token types to accept, api_key,m2m_token,oauth_token,session_token (default api_key)",
  fallback: ["api_key"],
  empty: { message: "--accepts is empty.", hint: pickTypes },
  item(type) {
    if (!TOKEN_TYPES.has(type)) throw new CliError("INVALID_FIELDS", `Unknown token type "${type}" in --accepts.`, { hint: pickTypes });
    return type;
  },
});

const scopes = listFlag({
  flag: "--scopes <list>",
  key: "scopes",
  description: "machine only: scopes an API key or OAuth token must all have, e.g. read:projects",
  fallback: [],
  empty: { message: "--scopes is empty.", hint: "Pass scopes such as --scopes read:projects,write:projects, or leave the flag out." },
  item(scope) {
    if (!/^[A-Za-z0-9_:./-]+$/.test(scope)) {
      throw new CliError("INVALID_FLAG", `--scopes ${JSON.stringify(scope)} is not a scope (letters, digits and _ : . / -).`, {
        hint: "Use something like --scopes read:projects,write:projects.",
      });
    }
    return scope;
  },
});

/** The types accepted so far in an interactive run (the flag's or the answer's; unparseable: none). */
function acceptedSoFar(filled: RawFlags): string[] {
  const raw = filled[accepts.key];
  try {
    return typeof raw === "string" ? accepts.parse(raw) : accepts.fallback;
  } catch {
    return [];
  }
}

/** The accepted types in canonical order (the flag keeps the user's order only for the echo). */
function acceptedTypes(values: StyleValues): string[] {
  const given = new Set(valueOf(values, accepts));
  return [...TOKEN_TYPES.keys()].filter((type) => given.has(type));
}

function check(values: StyleValues): void {
  const types = acceptedTypes(values);
  const required = valueOf(values, scopes);
  if (required.length > 0 && !types.includes("api_key") && !types.includes("oauth_token")) {
    throw new CliError("INVALID_FLAG", "--scopes applies to API keys and OAuth tokens, and this route accepts neither.", {
      hint: "An M2M token's scopes are the machines it may call, not permissions. Add api_key or oauth_token to --accepts, or drop --scopes.",
    });
  }
  const checks = AUTHORIZATION_FLAGS.filter((flag) => valueOf(values, flag) !== undefined);
  if (checks.length > 0 && !types.includes("session_token")) {
    const names = checks.map(flagName).join(", ");
    throw new CliError("INVALID_FLAG", `${names} applies to signed-in users, and this route does not accept session tokens.`, {
      hint: `Add session_token to --accepts, or drop ${names}.`,
    });
  }
}

const CALLERS: Record<string, string> = {
  api_key: "API keys (ak_…)",
  m2m_token: "M2M tokens (mt_…)",
  oauth_token: "OAuth access tokens (oat_…)",
  session_token: "signed-in users",
};

/** The route's header comment: who may call it and what each status code means. */
function header(input: StyleInput, types: string[], required: string[]): string {
  const machines = types.filter((type) => type !== "session_token");
  const session = types.includes("session_token");
  const checks = checksOf(input.values);
  const only = types.length === 1 && machines.length === 1 ? " only" : "";
  const paragraphs = [
    `${input.route.pattern}: for ${list(types.map((type) => CALLERS[type]!))}${only}, sent as "Authorization: Bearer <token>".`,
    `No token, or one Clerk does not know or this route does not accept: 401 {"error":"Unauthorized"} with "WWW-Authenticate: Bearer".` +
      (session ? "" : " A session token is refused the same way."),
  ];
  if (required.length > 0) {
    const holders = list(["API key", "OAuth token"].filter((_, i) => types.includes(i === 0 ? "api_key" : "oauth_token")).map((what) => `an ${what}`), "or");
    paragraphs.push(
      `${holders[0]!.toUpperCase()}${holders.slice(1)} without every scope in REQUIRED_SCOPES: 403 {"error":"Forbidden","missing":{"scopes":[…]}}.` +
        (types.includes("m2m_token") ? " An M2M token's scopes are the machines it may call, not permissions: they are not checked." : "") +
        (session ? " Scopes do not apply to signed-in users." : ""),
    );
  }
  if (checks.length > 0) {
    paragraphs.push(
      `A signed-in user without ${list(checks.map((c) => `the "${c.value}" ${c.kind}`))}: 403 {"error":"Forbidden","missing":{…}}.` +
        (checks.some((c) => c.kind === "role" || c.kind === "permission") ? " Roles and permissions are checked in the active organization." : ""),
    );
  }
  paragraphs.push("Otherwise: 200 with who is calling.");
  if (machines.length > 0) {
    paragraphs.push(
      "clerkMiddleware() verifies machine tokens with Clerk's Backend API when proxy.ts (middleware.ts before Next.js 16) matches this route; auth() reads the result.",
    );
  }
  return paragraphs.flatMap(commentLines).join("\n");
}

/** `const REQUIRED_SCOPES = [...];` laid out as prettier does. */
function scopesConstant(required: string[]): string {
  const items = required.map((scope) => JSON.stringify(scope));
  const oneLine = `const REQUIRED_SCOPES = [${items.join(", ")}];`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  return `const REQUIRED_SCOPES = [\n${items.map((item) => `  ${item},\n`).join("")}];`;
}

/** `const token = await auth({ acceptsToken: … });` laid out as prettier does. */
function authCall(types: string[]): string {
  const value = types.length === 1 ? JSON.stringify(types[0]) : `[${types.map((type) => JSON.stringify(type)).join(", ")}]`;
  const oneLine = `  const token = await auth({ acceptsToken: ${value} });`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  return `  const token = await auth({\n    acceptsToken: ${value},\n  });`;
}

export const machine: StyleDeclaration = {
  name: "machine",
  aliases: ["m2m", "api-key", "api-keys"],
  summary: "auth({ acceptsToken }): API keys, M2M tokens, OAuth tokens; 401/403 JSON",
  defaultRoute: "/api/machine",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [accepts, scopes, ...AUTHORIZATION_FLAGS],
  questions: [
    {
      kind: "multiselect",
      flag: accepts,
      message: "Which tokens may call it?",
      choices: [...TOKEN_TYPES].map(([value, { label, hint }]) => ({ value, label, hint })),
      initial: ["api_key"],
    },
    {
      kind: "text",
      flag: scopes,
      message: "Required scopes (comma-separated, empty for none)",
      placeholder: "read:projects",
      // Scopes apply to API keys and OAuth tokens only (see check()).
      when: (filled) => acceptedSoFar(filled).some((type) => type === "api_key" || type === "oauth_token"),
    },
    // Role, permission, plan and feature checks apply to signed-in users only.
    { ...whoMayCallIt, when: (filled) => acceptedSoFar(filled).includes("session_token") },
  ],
  locals: ["auth", "token", "caller", "missing", "scope", "REQUIRED_SCOPES", "tokenType", "subject", "scopes"],
  middleware: "clerk-unprotected",
  clerkApis: ({ values }) => ["asyncAuth", "acceptsToken", ...(acceptedTypes(values).includes("m2m_token") ? ["m2mToken" as const] : []), ...checkApis(values)],
  check,
  env: (input) =>
    acceptedTypes(input.values).includes("m2m_token")
      ? [
          {
            key: "CLERK_MACHINE_SECRET_KEY",
            value: "",
            comment: "Optional: a machine secret key (ak_…) verifies M2M tokens instead of CLERK_SECRET_KEY",
            commentedOut: true,
          },
        ]
      : [],
  view(input) {
    const types = acceptedTypes(input.values);
    const required = valueOf(input.values, scopes);
    const machines = types.filter((type) => type !== "session_token");
    const session = types.includes("session_token");
    const scoped = machines.filter((type) => type !== "m2m_token");
    return {
      checks: authorizationView(input.values).checks,
      header: header(input, types, required),
      authCall: authCall(types),
      scopesConstant: required.length > 0 ? scopesConstant(required) : undefined,
      session,
      sessionOnly: session && machines.length === 0,
      // Narrowing needed before the scope check: the machine types it applies to are not all there are.
      scopeGuard: required.length > 0 && types.includes("m2m_token") && scoped.length > 0,
      checkScopes: required.length > 0 && scoped.length > 0,
      several: machines.length > 1,
      apiKey: machines.includes("api_key"),
      m2m: machines.includes("m2m_token"),
      oauth: machines.includes("oauth_token"),
    };
  },
};
