import type { RoutePath } from "./route.js";
import type { StyleDeclaration, StyleValues } from "./style.js";
import type { Method } from "./types.js";

/** Validated, normalized answers: everything the plan needs from the user. */
export interface Options {
  route: RoutePath;
  style: StyleDeclaration;
  methods: Method[];
  /** The style's own flags (see StyleDeclaration.flags), validated. */
  values: StyleValues;
  /** Create or patch proxy.ts / middleware.ts (--no-middleware: false). */
  middleware: boolean;
  /** Touch the env file (--no-env: false). */
  env: boolean;
  /** --env-file / --env-path as given, and which of the two spellings the user typed. */
  envFile?: { path: string; flag: "--env-file" | "--env-path" };
  /** Key values from flags, else from the environment; validated. */
  keys: { publishableKey?: string; secretKey?: string };
}

/** How this run behaves, as opposed to what it adds. Resolved once from flags and environment. */
export interface Mode {
  /** Prompts allowed: stdin and stdout are TTYs, CI unset, no --yes or --json. */
  interactive: boolean;
  json: boolean;
  /** --yes: never prompt, take defaults (at a workspace root: its only Next.js app). */
  yes: boolean;
  dryRun: boolean;
  /** Overwrite an existing route file. */
  force: boolean;
  /** true: --install, false: --no-install, undefined: ask (interactive) or only print the command. */
  install: boolean | undefined;
  /** Absolute project folder. */
  cwd: string;
  /**
   * --cwd as the user typed it, repeated in the echoed CI command; after picking an app at a
   * workspace root, that app's folder relative to where the command was run.
   */
  cwdFlag?: string;
}

/** Flags as commander hands them over: strings, unvalidated. Style flags keep commander's keys. */
export interface RawFlags {
  route?: string;
  style?: string;
  methods?: string;
  cwd?: string;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  /** commander's --no-middleware sets this to false. */
  middleware?: boolean;
  /** commander's --no-env sets this to false. */
  env?: boolean;
  envFile?: string;
  /** Which spelling named the env file (messages repeat the user's own). */
  envFileFlag?: "--env-file" | "--env-path";
  publishableKey?: string;
  secretKey?: string;
  /** true: --install, false: --no-install, undefined: ask (interactive) or skip. */
  install?: boolean;
  /**
   * The style flags (see StyleDeclaration.flags), by commander key, e.g. jwtTemplate. A repeatable
   * flag (StyleFlag.combine) given on the command line holds every occurrence, in order.
   */
  [styleFlag: string]: string | string[] | boolean | undefined;
}
