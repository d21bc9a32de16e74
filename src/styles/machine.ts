import { CliError } from "../core/errors.js";
import type { RawFlags } from "../core/raw-flags.js";
import { flagName, valueOf, type StyleDeclaration, type StyleInput, type StyleValues } from "./declaration.js";
import {
  AUTHORIZATION_FLAGS,
  CHECK_LOCALS,
  authorizationView,
  checkApis,
  checksOf,
  whoMayCallIt,
} from "./authorization.js";
import { listFlag } from "./flags.js";

// Machine callers: API keys, M2M tokens and OAuth access tokens (and, when accepted, signed-in
// users), read with auth({ acceptsToken }). Template: templates/machine.hbs (its header comment
// says who may call the route and what each status means).
// Facts the template relies on (checked on real Next 16 and 15 servers, test/integration):
// - without an Authorization header auth({ acceptsToken }) returns a signed-out *session* object,
//   so isAuthenticated is checked before narrowing by tokenType;
// - the acceptsToken array is written inline (a readonly tuple does not type-check);
// - an M2M token's scopes are the machine IDs it may call, so required scopes apply to API keys
//   and OAuth tokens only.

/**
 * The token types auth() accepts, in the order the generated code lists them: the question's
 * label and hint, and how the generated header names their callers.
 */
const TOKEN_TYPES: ReadonlyMap<string, { label: string; hint: string; callers: string }> = new Map([
  ["api_key", { label: "API keys", hint: "ak_…, issued to a user or an organization", callers: "API keys (ak_…)" }],
  ["m2m_token", { label: "M2M tokens", hint: "mt_…, machine to machine", callers: "M2M tokens (mt_…)" }],
  [
    "oauth_token",
    { label: "OAuth access tokens", hint: "oat_…, from an OAuth application", callers: "OAuth access tokens (oat_…)" },
  ],
  [
    "session_token",
    { label: "Signed-in users", hint: "a Clerk session, as the other styles", callers: "signed-in users" },
  ],
]);

const pickTypes = `Pick from: ${[...TOKEN_TYPES.keys()].join(", ")}.`;

const accepts = listFlag({
  flag: "--accepts <list>",
  key: "accepts",
  description: "machine only: token types to accept, api_key,m2m_token,oauth_token,session_token (default api_key)",
  fallback: ["api_key"],
  empty: { message: "--accepts is empty.", hint: pickTypes },
  item(type) {
    if (!TOKEN_TYPES.has(type))
      throw new CliError("INVALID_FIELDS", `Unknown token type "${type}" in --accepts.`, { hint: pickTypes });
    return type;
  },
});

const scopes = listFlag({
  flag: "--scopes <list>",
  key: "scopes",
  description: "machine only: scopes an API key or OAuth token must all have, e.g. read:projects",
  fallback: [],
  empty: {
    message: "--scopes is empty.",
    hint: "Pass scopes such as --scopes read:projects,write:projects, or leave the flag out.",
  },
  item(scope) {
    if (!/^[A-Za-z0-9_:./-]+$/.test(scope)) {
      throw new CliError(
        "INVALID_FLAG",
        `--scopes ${JSON.stringify(scope)} is not a scope (letters, digits and _ : . / -).`,
        {
          hint: "Use something like --scopes read:projects,write:projects.",
        },
      );
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
    throw new CliError(
      "INVALID_FLAG",
      "--scopes applies to API keys and OAuth tokens, and this route accepts neither.",
      {
        hint: "An M2M token's scopes are the machines it may call, not permissions. Add api_key or oauth_token to --accepts, or drop --scopes.",
      },
    );
  }
  const checks = AUTHORIZATION_FLAGS.filter((flag) => valueOf(values, flag).length > 0);
  if (checks.length > 0 && !types.includes("session_token")) {
    const names = checks.map(flagName).join(", ");
    throw new CliError(
      "INVALID_FLAG",
      `${names} applies to signed-in users, and this route does not accept session tokens.`,
      {
        hint: `Add session_token to --accepts, or drop ${names}.`,
      },
    );
  }
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
  globals: ["Object", "Record"],
  locals: [
    "auth",
    "token",
    "caller",
    "missing",
    ...CHECK_LOCALS,
    "scope",
    "REQUIRED_SCOPES",
    "tokenType",
    "subject",
    "scopes",
  ],
  middleware: "clerk-unprotected",
  clerkApis: ({ values }) => [
    "asyncAuth",
    "acceptsToken",
    ...(acceptedTypes(values).includes("m2m_token") ? ["m2mToken" as const] : []),
    ...checkApis(values),
  ],
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
      ...authorizationView(input.values),
      callers: types.map((type) => TOKEN_TYPES.get(type)!.callers),
      only: types.length === 1 && machines.length === 1,
      // One type is passed as a string, several as an array written inline (a readonly tuple does not type-check).
      acceptsToken: types.length === 1 ? types[0] : types,
      requiredScopes: required,
      machines: machines.length > 0,
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
