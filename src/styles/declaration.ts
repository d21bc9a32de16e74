import type { RawFlags } from "../core/raw-flags.js";
import type { RouteParam, RoutePath } from "../next/route-path.js";
import type { Language, Method } from "../core/types.js";
import type { ClerkApi, ClerkSupport } from "../clerk/api-versions.js";

// What a protection style is. Each style is one declaration in src/styles/<name>.ts beside its
// template templates/<name>.hbs; the CLI, prompts, options, --help, the plan and the README table
// read these declarations instead of switching on style names.

/**
 * A flag a style accepts beyond the common ones (route, methods, ...). Its parse() is the only
 * validation of the value, used for flags and for prompt answers alike.
 */
export interface StyleFlag<T = unknown> {
  /** commander's spelling, e.g. "--jwt-template <name>". */
  flag: string;
  /** The key commander gives it (camelCase of the long name), e.g. "jwtTemplate". */
  key: string;
  /** One line for --help. */
  description: string;
  /** Validates and normalizes what the user typed; throws CliError naming the flag. */
  parse(raw: string): T;
  /** The value when the flag is not given. */
  fallback: T;
  /**
   * Set when the flag may be given several times (--permission a --permission b): each
   * occurrence is parsed, then combined into one value, which may refuse a combination (two
   * roles can never both hold). Without it, a flag given twice is an error.
   */
  combine?(values: T[]): T;
  /** How the value is passed back on a command line (the echoed CI command); "" leaves it out (a secret). */
  format(value: T): string;
  /**
   * When the flag is not given: this environment variable's value, parsed like the flag's (an
   * empty or blank value counts as unset). For secrets, as --secret-key reads CLERK_SECRET_KEY.
   * A function of the route when each route has its own variable (a webhook's signing secret).
   */
  environment?: string | ((route: RoutePath) => string);
}

/** The --flag part of a flag's spelling: "--jwt-template <name>" → "--jwt-template". */
export function flagName(flag: Pick<StyleFlag, "flag">): string {
  return flag.flag.split(" ")[0]!;
}

/** Validated style values, keyed by the flag that carries them. */
export type StyleValues = ReadonlyMap<StyleFlag, unknown>;

export function valueOf<T>(values: StyleValues, flag: StyleFlag<T>): T {
  return (values.has(flag) ? values.get(flag) : flag.fallback) as T;
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/**
 * A question the interactive run asks when its flag (or, for oneOf, every one of its flags) is not
 * given, and `when` (if any) holds for the answers so far (flags and earlier answers, unparsed).
 */
export type Question = { when?: (filled: RawFlags) => boolean } & (
  | { kind: "text"; flag: StyleFlag; message: string; placeholder?: string }
  | { kind: "multiselect"; flag: StyleFlag; message: string; choices: Choice[]; initial: string[] }
  | {
      kind: "oneOf";
      message: string;
      /** The "no extra check" answer. */
      none: string;
      options: Array<{ flag: StyleFlag; label: string; hint?: string; message: string; placeholder: string }>;
    }
);

/** What the style needs from clerkMiddleware() on its route. */
export type MiddlewareNeed =
  /** Clerk must run on the route (auth() needs it). */
  | "clerk"
  /** The route must stay reachable without a session (a webhook): no user rule may protect it. */
  | "public"
  /**
   * Clerk must run on the route (it verifies machine tokens there), and no user rule may protect
   * it with auth.protect(), which accepts session tokens only: API keys, M2M and OAuth tokens
   * would get a 401 before the handler runs.
   */
  | "clerk-unprotected";

/** What a style gets to build its template's view and its extra files' content. */
export interface StyleInput {
  route: RoutePath;
  methods: Method[];
  language: Language;
  values: StyleValues;
  /**
   * The @clerk/nextjs the code is for: which APIs it may use. A view picks the equivalent of an
   * API the project's version lacks, where clerk/api-versions.ts says there is one.
   */
  clerk: ClerkSupport;
}

export interface EnvVariable {
  key: string;
  /** "" writes a placeholder. */
  value: string;
  comment?: string;
  /**
   * Optional: written commented out (`# KEY=`), a hint the user may act on. Never written when
   * the key is set anywhere, or that line is already there.
   */
  commentedOut?: boolean;
}

export interface StyleDeclaration {
  /** The canonical name, also the template's file name (templates/<name>.hbs). */
  name: string;
  /** Other spellings accepted by --style, matched case-insensitively. */
  aliases: string[];
  /** One line for prompts, --help and the README. */
  summary: string;
  defaultRoute: string;
  methods: {
    default: Method[];
    /** Methods refused for this style: why, and what to do instead. */
    refused?: Partial<Record<Method, { reason: string; hint: string }>>;
  };
  /** Body-reading methods (POST, PUT, PATCH) get a `request` parameter the template reads. */
  readsBody: boolean;
  /**
   * The type of that parameter, one next/server exports (default "Request"; a webhook's
   * verifyWebhook() wants "NextRequest"). JavaScript gets it in JSDoc, as import("next/server").X.
   */
  requestType?: string;
  flags: StyleFlag[];
  /** Asked in this order, after the route and methods, when the flags do not answer them. */
  questions: Question[];
  /** Local names the generated handler declares: a route parameter may not take one. */
  locals: string[];
  /**
   * Globals and imported names the generated code refers to (process, console, NextResponse...):
   * a route parameter may not take one either. `const { process } = await params` would shadow
   * the global in the handler (a ReferenceError on `process.env` above it), `[console]` or
   * `[Boolean]` would break the calls below it. test/unit/route-templates.test.ts checks this
   * list (with locals) against every identifier the rendered templates use.
   */
  globals: string[];
  middleware: MiddlewareNeed;
  /**
   * The @clerk/nextjs APIs the output uses (clerk/api-versions.ts), given the flags: the plan
   * refuses a project whose version lacks one that has no equivalent, naming the version it needs.
   */
  clerkApis(input: StyleInput): ClerkApi[];
  /** Extra env variables this route reads (the Clerk keys are always ensured). */
  env?(input: StyleInput): EnvVariable[];
  /** Things left for the user to do, in words. */
  nextSteps?(input: StyleInput): string[];
  /** Checks that involve several flags at once; throws CliError. */
  check?(values: StyleValues): void;
  /** What the template needs beyond the common view (route, handlers, params). */
  view(input: StyleInput): Record<string, unknown>;
}

/** The view every template gets; a style adds its own fields (see StyleDeclaration.view). */
export interface CommonView {
  ts: boolean;
  route: string;
  handlers: Array<{ method: Method; signature: string; hasBody: boolean }>;
  hasBodyHandlers: boolean;
  params: RouteParam[];
  paramNames: string;
  paramsEcho: string;
  /** What the signed-out check tests: isAuthenticated, or userId where @clerk/nextjs has no isAuthenticated. */
  signedIn: "isAuthenticated" | "userId";
  /** The @clerk/nextjs APIs with an equivalent, and whether the project's version has them. */
  clerk: { isAuthenticated: boolean; retryAfter: boolean };
}
