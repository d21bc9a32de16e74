// The command line as commander hands it over, before anything is validated.

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
