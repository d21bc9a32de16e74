import { CliError } from "./core/errors.js";
import { parseRoute } from "./core/route.js";

/** Names the generated handlers already declare; a parameter with one of them would clash. */
export const TEMPLATE_NAMES = new Set([
  "auth", "userId", "isAuthenticated", "getToken", "token", "result", "user", "client", "update", "params",
  "request", "body", "data", "response", "url", "error", "reason", "currentUser", "clerkClient", "NextResponse",
  "JWT_TEMPLATE", "callExternalApi", "parseNameUpdate", "NameUpdate", "method", "text", "key", "value", "_request",
]);
import { DEFAULT_USER_FIELDS, REFUSED_USER_FIELDS, USER_FIELDS } from "./user-fields.js";
import { METHODS, STYLES, type Method, type Options, type RawFlags, type Style } from "./types.js";

// Validates and normalizes the answers (flags, or flags filled in by prompts) into Options.
// Every error says what is wrong and how to fix it, and names the flag.

const STYLE_ALIASES: Record<string, Style> = {
  protect: "protect",
  userid: "userId",
  "user-id": "userId",
  token: "token",
  currentuser: "currentUser",
  "current-user": "currentUser",
  clerkclient: "clerkClient",
  "clerk-client": "clerkClient",
};

export const STYLE_HINTS: Record<Style, string> = {
  protect: "await auth.protect(), optionally with a role or permission",
  userId: "await auth(); 401 JSON when signed out",
  token: "getToken({ template }) and a call to an external API with it",
  currentUser: "currentUser() after the auth check; chosen fields only",
  clerkClient: "Backend API: users.updateUser() from a validated JSON body",
};

export const DEFAULT_ROUTES: Record<Style, string> = {
  protect: "/api/protected",
  userId: "/api/user-id",
  token: "/api/external-data",
  currentUser: "/api/current-user",
  clerkClient: "/api/update-user",
};

export const DEFAULT_JWT_TEMPLATE = "supabase";

export function parseStyle(raw: string): Style {
  const style = STYLE_ALIASES[raw.trim().toLowerCase()];
  if (!style) {
    throw new CliError("INVALID_STYLE", `Unknown style "${raw}".`, {
      hint: `Pass --style with one of: ${STYLES.join(", ")}.`,
    });
  }
  return style;
}

export function defaultMethods(style: Style): Method[] {
  return style === "clerkClient" ? ["POST"] : ["GET"];
}

export function parseMethods(raw: string, style: Style): Method[] {
  const names = raw.split(",").map((m) => m.trim().toUpperCase());
  const methods: Method[] = [];
  for (const name of names) {
    if (name === "") {
      throw new CliError("INVALID_METHOD", `--methods "${raw}" has an empty entry.`, {
        hint: `Pass a comma-separated list such as --methods GET,POST (valid: ${METHODS.join(", ")}).`,
      });
    }
    if (!(METHODS as readonly string[]).includes(name)) {
      throw new CliError("INVALID_METHOD", `Unknown HTTP method "${name}" in --methods.`, {
        hint: `Valid methods: ${METHODS.join(", ")}.`,
      });
    }
    if (methods.includes(name as Method)) {
      throw new CliError("DUPLICATE_METHOD", `The method ${name} is listed twice in --methods.`, {
        hint: "List each method once.",
      });
    }
    methods.push(name as Method);
  }
  if (style === "clerkClient" && methods.includes("DELETE")) {
    throw new CliError("INVALID_METHOD", "The clerkClient style has no DELETE handler: deleting the signed-in user's account is not a safe default.", {
      hint: "Use GET (read the user) and POST, PUT or PATCH (update it), or write a DELETE handler by hand.",
    });
  }
  return sortMethods(methods);
}

function sortMethods(methods: Method[]): Method[] {
  return [...methods].sort((a, b) => METHODS.indexOf(a) - METHODS.indexOf(b));
}

export function parseFields(raw: string): string[] {
  const fields = raw.split(",").map((f) => f.trim()).filter((f) => f !== "");
  if (fields.length === 0) {
    throw new CliError("INVALID_FIELDS", "--fields is empty.", { hint: `Pick from: ${Object.keys(USER_FIELDS).join(", ")}.` });
  }
  const seen = new Set<string>();
  for (const field of fields) {
    const refused = REFUSED_USER_FIELDS[field];
    if (refused) {
      throw new CliError("REFUSED_FIELD", `--fields may not include ${field}: ${refused}`, {
        hint: `Pick from: ${Object.keys(USER_FIELDS).join(", ")}.`,
      });
    }
    if (!(field in USER_FIELDS)) {
      throw new CliError("INVALID_FIELDS", `Unknown user field "${field}" in --fields.`, {
        hint: `Pick from: ${Object.keys(USER_FIELDS).join(", ")}.`,
      });
    }
    if (seen.has(field)) {
      throw new CliError("INVALID_FIELDS", `The field "${field}" is listed twice in --fields.`, { hint: "List each field once." });
    }
    seen.add(field);
  }
  return fields;
}

function onlyFor(style: Style, flag: string, value: string | undefined, wanted: Style): void {
  if (value !== undefined && style !== wanted) {
    throw new CliError("FLAG_NOT_FOR_STYLE", `${flag} only applies to --style ${wanted} (this run uses ${style}).`, {
      hint: `Drop ${flag}, or pass --style ${wanted}.`,
    });
  }
}

function checkName(flag: string, value: string, pattern: RegExp, example: string): string {
  const trimmed = value.trim();
  if (!pattern.test(trimmed)) {
    throw new CliError("INVALID_FLAG", `${flag} "${value}" is not a valid name.`, { hint: `Use something like ${example}.` });
  }
  return trimmed;
}

export interface OptionsContext {
  /** Absolute folders refused as route input (project root, home folder). */
  absoluteRoots?: string[];
}

/** RawFlags (complete after prompts) → Options. Throws CliError on anything invalid. */
export function normalizeOptions(flags: RawFlags, context: OptionsContext = {}): Options {
  if (flags.style === undefined) {
    throw new CliError("MISSING_STYLE", "No protection style given.", {
      hint: `Pass --style with one of: ${STYLES.join(", ")} (prompts only run in an interactive terminal).`,
    });
  }
  const style = parseStyle(flags.style);
  onlyFor(style, "--role", flags.role, "protect");
  onlyFor(style, "--permission", flags.permission, "protect");
  onlyFor(style, "--jwt-template", flags.jwtTemplate, "token");
  onlyFor(style, "--fields", flags.fields, "currentUser");
  if (flags.role !== undefined && flags.permission !== undefined) {
    throw new CliError("FLAG_CONFLICT", "--role and --permission cannot be combined: auth.protect() checks one of them.", {
      hint: "Pass either --role or --permission.",
    });
  }
  const route = parseRoute(flags.route ?? DEFAULT_ROUTES[style], { absoluteRoots: context.absoluteRoots, reservedNames: TEMPLATE_NAMES });
  return {
    route,
    style,
    methods: flags.methods === undefined ? defaultMethods(style) : parseMethods(flags.methods, style),
    role: flags.role === undefined ? undefined : checkName("--role", flags.role, /^[\w:.\-]+$/, "--role admin or --role org:admin"),
    permission:
      flags.permission === undefined
        ? undefined
        : checkName("--permission", flags.permission, /^[\w:.\-]+$/, "--permission org:invoices:read"),
    jwtTemplate:
      flags.jwtTemplate === undefined
        ? DEFAULT_JWT_TEMPLATE
        : checkName("--jwt-template", flags.jwtTemplate, /^[A-Za-z][\w-]*$/, "--jwt-template supabase"),
    fields: flags.fields === undefined ? [...DEFAULT_USER_FIELDS] : parseFields(flags.fields),
    force: flags.force ?? false,
    dryRun: flags.dryRun ?? false,
    middleware: flags.middleware ?? true,
    env: flags.env ?? true,
    envFile: flags.envFile,
    publishableKey: flags.publishableKey,
    secretKey: flags.secretKey,
  };
}

/** The environment variable the token style reads its upstream URL from, e.g. SUPABASE_URL. */
export function upstreamUrlVariable(jwtTemplate: string): string {
  return `${jwtTemplate.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_URL`;
}
