// Plain shapes shared by every layer. Stage-specific types live with their stage:
// RawFlags (core/raw-flags.ts), Options and Mode (plan/options.ts), Project (project/detect.ts),
// Plan and Note (plan/), reports (report/).

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export type Language = "ts" | "js";
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** A file as it was read from the project: path is relative to the project root, posix slashes. */
export interface ExistingFile {
  path: string;
  content: string;
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

export function fileChange(path: string, before: string | null, after: string, sensitive?: boolean): FileChange {
  return { path, action: before === null ? "create" : "modify", before, after, ...(sensitive ? { sensitive } : {}) };
}
