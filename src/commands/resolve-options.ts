import path from "node:path";
import type { RawFlags } from "../core/raw-flags.js";
import { CliError } from "../core/errors.js";
import type { Mode, Options } from "../plan/options.js";
import { parseRoute, type RoutePath } from "../next/route-path.js";
import { flagName, type StyleDeclaration, type StyleFlag } from "../styles/declaration.js";
import { resolveKeys } from "../clerk/keys.js";
import { STYLES, findStyle, allStyleFlags, stylesAccepting } from "../styles/index.js";
import { parseMethods, reservedNames } from "../styles/methods.js";

// Resolves the raw flags (filled in by prompts, on a terminal) and the environment once, into
// Options (what to add) and Mode (how this run behaves). Nothing after this reads RawFlags.
// Every error says what is wrong and how to fix it, and names the flag.

/** What the user gave for a style flag: every occurrence (a prompt's answer is one), or undefined. */
function rawValues(flags: RawFlags, flag: StyleFlag): string[] | undefined {
  const value = Object.hasOwn(flags, flag.key) ? flags[flag.key] : undefined;
  if (typeof value === "string") return [value];
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/** The flag's value from what was given: one occurrence, or several combined (StyleFlag.combine). */
function parseGiven(flag: StyleFlag, raws: string[]): unknown {
  const parsed = raws.map((raw) => flag.parse(raw));
  if (flag.combine) return flag.combine(parsed);
  if (parsed.length > 1) {
    throw new CliError("INVALID_ARGUMENTS", `${flagName(flag)} is given ${parsed.length} times; give it once.`, {
      hint: "Run create-clerk-route --help to see every flag.",
    });
  }
  return parsed[0];
}

/** The style's own flags, parsed; a flag meant for other styles is an error. */
function styleValues(
  flags: RawFlags,
  style: StyleDeclaration,
  env: NodeJS.ProcessEnv,
  route: RoutePath,
): Map<StyleFlag, unknown> {
  for (const flag of allStyleFlags()) {
    if (rawValues(flags, flag) === undefined || style.flags.includes(flag)) continue;
    const owners = stylesAccepting(flag).map((s) => s.name);
    throw new CliError(
      "FLAG_NOT_FOR_STYLE",
      `${flagName(flag)} only applies to --style ${owners.join(" or ")} (this run uses ${style.name}).`,
      {
        hint: `Drop ${flagName(flag)}, or pass --style ${owners[0]}.`,
      },
    );
  }
  const values = new Map<StyleFlag, unknown>();
  for (const flag of style.flags) {
    const given = rawValues(flags, flag);
    const variable = typeof flag.environment === "function" ? flag.environment(route) : flag.environment;
    const fromEnv = variable === undefined ? undefined : env[variable];
    const raws = given ?? (fromEnv !== undefined && fromEnv.trim() !== "" ? [fromEnv] : undefined);
    if (raws !== undefined) values.set(flag, parseGiven(flag, raws));
  }
  style.check?.(values);
  return values;
}

export interface OptionsContext {
  /** Absolute folders refused as route input (project root, home folder). */
  absoluteRoots?: string[];
  /** The environment, for key values given as variables. */
  env?: NodeJS.ProcessEnv;
}

/** RawFlags (complete after prompts) → Options. Throws CliError on anything invalid. */
export function normalizeOptions(flags: RawFlags, context: OptionsContext = {}): Options {
  if (flags.style === undefined) {
    throw new CliError("MISSING_STYLE", "No protection style given.", {
      hint: `Pass --style with one of: ${STYLES.map((s) => s.name).join(", ")} (prompts only run in an interactive terminal).`,
    });
  }
  const style = findStyle(flags.style);
  const route = parseRoute(flags.route ?? style.defaultRoute, {
    absoluteRoots: context.absoluteRoots,
    reservedNames: reservedNames(style),
  });
  const values = styleValues(flags, style, flags.env === false ? {} : (context.env ?? {}), route);
  const envFileFlag = flags.envFileFlag ?? "--env-file";
  return {
    route,
    style,
    methods: flags.methods === undefined ? [...style.methods.default] : parseMethods(flags.methods, style),
    values,
    middleware: flags.middleware ?? true,
    env: flags.env ?? true,
    envFile: flags.envFile === undefined ? undefined : { path: flags.envFile, flag: envFileFlag },
    // Validated only when the env file is touched: with --no-env nothing uses them.
    keys:
      flags.env === false
        ? {}
        : resolveKeys({ flagPublishable: flags.publishableKey, flagSecret: flags.secretKey, env: context.env ?? {} }),
  };
}

/** Truthy CI values, as CI providers set them ("0" and "false" mean unset). */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
}

export interface Terminal {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** How this run behaves. Prompts only on a real terminal, outside CI, without --yes or --json. */
export function resolveMode(flags: RawFlags, terminal: Terminal): Mode {
  const json = flags.json ?? false;
  return {
    interactive: terminal.stdinIsTTY && terminal.stdoutIsTTY && !isCI(terminal.env) && !flags.yes && !json,
    json,
    yes: flags.yes ?? false,
    dryRun: flags.dryRun ?? false,
    force: flags.force ?? false,
    install: flags.install,
    cwd: path.resolve(terminal.cwd, flags.cwd ?? "."),
    cwdFlag: flags.cwd,
  };
}
