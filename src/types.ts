// The shapes every stage passes to the next one:
// cli (RawFlags) → prompts → options (Options) → project (Project) → plan (Plan) → apply → report.

export const STYLES = ["protect", "userId", "token", "currentUser", "clerkClient"] as const;
export type Style = (typeof STYLES)[number];

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export type Language = "ts" | "js";
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** Flags as commander hands them over: strings, unvalidated. */
export interface RawFlags {
  route?: string;
  style?: string;
  methods?: string;
  role?: string;
  permission?: string;
  jwtTemplate?: string;
  fields?: string;
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
  publishableKey?: string;
  secretKey?: string;
  /** true: --install, false: --no-install, undefined: ask (interactive) or skip. */
  install?: boolean;
}

import type { RoutePath } from "./core/route.js";
export type { RoutePath, RouteSegment } from "./core/route.js";

/** Validated, normalized answers. Everything the plan needs from the user. */
export interface Options {
  route: RoutePath;
  style: Style;
  methods: Method[];
  role?: string;
  permission?: string;
  jwtTemplate: string;
  fields: string[];
  force: boolean;
  dryRun: boolean;
  middleware: boolean;
  env: boolean;
  envFile?: string;
  publishableKey?: string;
  secretKey?: string;
}

/** A file as it was read from the project: path is relative to the project root, posix slashes. */
export interface ExistingFile {
  path: string;
  content: string;
}

/** What detection found. Plain data: every later step takes it as input. */
export interface Project {
  /** Absolute path of the project root. */
  root: string;
  /** "app" or "src/app". */
  appDir: string;
  /** true when the App Router lives in src/app. */
  srcDir: boolean;
  language: Language;
  nextMajor: number;
  /** Where nextMajor came from, for messages. */
  nextVersionSource: "installed" | "declared";
  clerk: { installed: boolean; declared: boolean; version?: string };
  packageManager: PackageManager;
  /** Middleware/proxy files found anywhere Next looks or users misplace them. */
  middlewareFiles: ExistingFile[];
  /** Env files found in the root (.env.local, .env, ...), with contents. */
  envFiles: ExistingFile[];
  /** Whether prettier is installed in the project (node_modules/prettier). */
  hasPrettier: boolean;
}

export type ChangeAction = "create" | "modify";

export interface FileChange {
  /** Relative to the project root, posix slashes. */
  path: string;
  action: ChangeAction;
  /** null when the file does not exist yet. */
  before: string | null;
  after: string;
  /** Holds secrets (an env file): previews mask its values. */
  sensitive?: boolean;
}

export interface Plan {
  changes: FileChange[];
  /** Files the plan looked at and left as they are (e.g. middleware already covers the route). */
  unchanged: string[];
  warnings: string[];
  nextSteps: string[];
}
