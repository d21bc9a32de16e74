import { Command, CommanderError, Option } from "commander";
import type { AuditFlags } from "../commands/audit.js";
import type { MigrateFlags } from "../commands/migrate.js";
import type { RawFlags } from "../core/raw-flags.js";
import { METHODS } from "../core/types.js";

export type { RawFlags } from "../core/raw-flags.js";
import { STYLES, allStyleFlags } from "../styles/index.js";

// Flags only: commander turns argv into RawFlags. No prompts, templates or parsers load here,
// so --help and --version stay as fast as Node itself.

declare const __VERSION__: string;

export const version = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";

const EXAMPLES = `
Examples:
  $ create-clerk-route '/api/projects/[id]' --style protect --role admin
  $ create-clerk-route /api/me --style userId --methods GET,PATCH
  $ create-clerk-route /api/todos --style token --jwt-template supabase
  $ create-clerk-route /api/profile --style currentUser --fields id,email,imageUrl
  $ create-clerk-route /api/profile/name --style clerkClient --methods GET,PATCH
  $ create-clerk-route /api/projects --style machine --accepts api_key,m2m_token --scopes read:projects
  $ create-clerk-route --style webhook --events user.created,user.deleted
  $ create-clerk-route /api/reports --style userId --dry-run      (show the diff, write nothing)
  $ CI=1 create-clerk-route api/me --style userId --yes --json     (no prompts, one JSON object)
  $ create-clerk-route audit --strict                              (is every Route Handler protected?)
  $ create-clerk-route migrate --dry-run                           (createRouteMatcher rules → checks in the handlers)

Exit codes: 0 done (or nothing to change), 1 error (nothing written), 130 cancelled
(or Ctrl-C while writing), 129/143 SIGHUP/SIGTERM while writing (every file restored).
`;

const AUDIT_HELP = `
Reads every route.* file under app/ (or src/app/) and every API route under pages/api,
runs each handler for a signed-out caller (protect, auth-check, machine, webhook,
currentUser, secret, unchecked, none, unknown) and decides with Next's matcher semantics
whether clerkMiddleware() runs on it. Writes nothing. At a monorepo's root: every app.

Findings: NO_MIDDLEWARE, NOT_COVERED, WEBHOOK_PROTECTED, MACHINE_PROTECTED (these fail
the audit), MIDDLEWARE_ONLY, UNCHECKED, PUBLIC, UNKNOWN (these fail it only with
--strict). A route may be public on purpose: --allow-public, or a
"// clerk-audit: public" comment in its file. With GITHUB_ACTIONS=true, each finding
is also printed as a workflow annotation.

Exit codes: 0 clean, 1 failing findings, 2 the audit could not run.
`;

export function buildProgram(): Command {
  const program = new Command()
    .name("create-clerk-route")
    // Options after `audit` are the subcommand's own (both have --cwd and --json).
    .enablePositionalOptions()
    // No implicit `help [command]`: `audit --help` says the same, and the inlined text stays one.
    .helpCommand(false)
    .description("Add a Clerk-protected Route Handler to a Next.js App Router project.")
    .version(version, "-V, --version")
    .argument("[route]", "URL path of the handler, e.g. /api/projects/[id] (placed under /api if it is not)")
    .option("-s, --style <style>", STYLES.map((style) => style.name).join(" | "), collect)
    .option("-m, --methods <list>", `comma-separated: ${METHODS.join(",")} (default GET; clerkClient: POST)`, collect);
  for (const flag of allStyleFlags())
    program.option(
      flag.flag,
      flag.combine ? `${flag.description} (repeatable: all must hold)` : flag.description,
      collect,
    );
  return (
    program
      .option("--cwd <dir>", "the Next.js project (default: current directory)", collect)
      .option("-y, --yes", "never prompt: take defaults for anything the flags do not give")
      .option("--force", "overwrite an existing route file")
      .option("--dry-run", "show what would change as a diff, write nothing")
      .option("--json", "print one JSON object on stdout (implies no prompts)")
      .option("--no-middleware", "do not create or patch proxy.ts / middleware.ts")
      .option("--no-env", "do not touch the env file")
      .option(
        "--env-file <path>",
        "env file to add the Clerk keys to (default .env.local, or an existing .env)",
        collect,
      )
      .option(
        "--env-path <path>",
        "same as --env-file; use it on Node 20, where node itself intercepts --env-file",
        collect,
      )
      .option("--publishable-key <key>", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY value (or set that variable)", collect)
      .option("--secret-key <key>", "CLERK_SECRET_KEY value (or set that variable)", collect)
      .addOption(new Option("--install", "install @clerk/nextjs when it is missing"))
      .addOption(new Option("--no-install", "never install @clerk/nextjs"))
      .helpOption("-h, --help", "show this help")
      // A fixed width: the build renders this text once for the fast path, whatever terminal it runs in.
      .configureHelp({ helpWidth: 80 })
      .addHelpText("after", EXAMPLES)
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: (text) => process.stdout.write(text) })
  );
}

/**
 * Every value flag keeps every occurrence (commander alone keeps the last one, silently): a flag
 * that may be repeated (--role, --permission, --plan, --feature) hands them all on, any other one
 * given twice is an error (see singleValues).
 */
function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

/**
 * The parsed options with each value flag's occurrences resolved: repeatable style flags keep
 * their list, every other value flag must have been given once. The message names the flag, never
 * its values (one may be a secret key).
 */
function singleValues(program: Command): Record<string, unknown> | string {
  const repeatable = new Set(
    allStyleFlags()
      .filter((flag) => flag.combine)
      .map((flag) => flag.key),
  );
  const opts: Record<string, unknown> = { ...program.opts() };
  for (const option of program.options) {
    const key = option.attributeName();
    const value = opts[key];
    if (!Array.isArray(value) || repeatable.has(key)) continue;
    if (value.length > 1) return `${option.long} is given ${value.length} times; give it once.`;
    opts[key] = value[0];
  }
  return opts;
}

const MIGRATE_HELP = `
Moves Route Handler protection out of clerkMiddleware()'s createRouteMatcher +
auth.protect() rules (deprecated in @clerk/nextjs 7.5.14) into the handlers: each
handler whose only protection is a rule gets, at the top of every exported method,
  const { isAuthenticated } = await auth();
  if (!isAuthenticated) return 401 JSON   (role/permission rules: has() checks, 403 JSON)
Then the routes leave the rules (unless --keep-rules), where no page depends on them.
Signed-out callers then get 401 JSON instead of a redirect to sign-in or an empty 404.
Routes it cannot migrate exactly are refused, with the edit to make by hand; pages,
layouts and Server Functions that still rely on a rule are listed.

Interactive runs show the diff first and ask "Write these files?"; without a terminal,
pass --yes (or --dry-run). Exit codes: 0 done, nothing to change or a dry run;
1 error (nothing written); 129/130/143 a signal while writing (every file restored).
`;

/** `create-clerk-route migrate`: a subcommand of the program. */
function addMigrateCommand(program: Command, onMigrate: (flags: MigrateFlags) => void): Command {
  program
    .command("migrate")
    .description("move Route Handler protection out of createRouteMatcher rules into the handlers")
    .option("--cwd <dir>", "the Next.js project (default: current directory)")
    .option("--dry-run", "show what would change as a diff, write nothing")
    .option("--json", "print one JSON object on stdout (implies no prompts)")
    .option("-y, --yes", "never prompt: write the changes")
    .option("--keep-rules", "add the checks to the handlers, leave the middleware's rules as they are")
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", MIGRATE_HELP)
    .action(function (this: Command) {
      onMigrate(this.opts<MigrateFlags>());
    });
  return program;
}

/** `create-clerk-route audit`: a subcommand of the program (settings above are inherited). */
function addAuditCommand(program: Command, onAudit: (flags: AuditFlags) => void): Command {
  program
    .command("audit")
    .description("check that every Route Handler is protected and covered by clerkMiddleware() (read-only)")
    .option("--cwd <dir>", "the Next.js project (default: current directory)")
    .option("--json", "print one JSON object on stdout (the same as --format json)")
    .option("--format <format>", "table (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)")
    .option(
      "--strict",
      "fail (exit 1) on any finding, not only NO_MIDDLEWARE, NOT_COVERED, WEBHOOK_PROTECTED and MACHINE_PROTECTED",
    )
    .option("--allow-public <globs>", "comma-separated route globs that may be public, e.g. /api/health,/api/public/**")
    .helpOption("-h, --help", "show this help")
    .addHelpText("after", AUDIT_HELP)
    .action(function (this: Command) {
      onAudit(this.opts<AuditFlags>());
    });
  return program;
}

/** The full --help text, as commander prints it (the build inlines it for the fast path). */
export function renderHelp(): string {
  let text = "";
  const program = addMigrateCommand(
    addAuditCommand(buildProgram(), () => {}),
    () => {},
  ).configureOutput({
    writeOut: (chunk) => (text += chunk),
    writeErr: () => {},
  });
  program.outputHelp();
  return text;
}

export type ParseResult =
  | { kind: "run"; flags: RawFlags }
  | { kind: "audit"; flags: AuditFlags }
  | { kind: "migrate"; flags: MigrateFlags }
  | { kind: "exit"; code: number }
  | { kind: "error"; message: string };

/** Parses argv; help/version print and ask to exit 0; parse errors come back as messages. */
export function parseArgs(argv: string[]): ParseResult {
  let audit: AuditFlags | undefined;
  let migrate: MigrateFlags | undefined;
  const program = addMigrateCommand(
    addAuditCommand(buildProgram(), (flags) => (audit = flags)),
    (flags) => (migrate = flags),
  );
  let route: string | undefined;
  program.action((routeArgument: string | undefined) => {
    route = routeArgument;
  });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0) {
        return { kind: "exit", code: 0 };
      }
      return { kind: "error", message: error.message.replace(/^error: /, "") };
    }
    throw error;
  }
  if (audit) return { kind: "audit", flags: audit };
  if (migrate) return { kind: "migrate", flags: migrate };
  const resolved = singleValues(program);
  if (typeof resolved === "string") return { kind: "error", message: resolved };
  const { envPath: envPathOption, ...opts } = resolved as RawFlags;
  const envPath = typeof envPathOption === "string" ? envPathOption : undefined;
  if (envPath !== undefined && opts.envFile !== undefined && envPath !== opts.envFile) {
    return { kind: "error", message: "--env-file and --env-path name different files; pass one of them." };
  }
  // commander sets install=true by default because of --no-install; only an explicit flag counts.
  const install = program.getOptionValueSource("install") === "cli" ? opts.install : undefined;
  const envFileFlag = opts.envFile !== undefined ? "--env-file" : envPath !== undefined ? "--env-path" : undefined;
  return { kind: "run", flags: { ...opts, envFile: opts.envFile ?? envPath, envFileFlag, route, install } };
}
