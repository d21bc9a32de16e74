/**
 * Every failure the user can fix is a CliError: a stable code (for --json and tests), a message
 * that says what is wrong, and a hint that says how to fix it. The README's table of codes is
 * checked against ERROR_CODES by a test.
 */
export const ERROR_CODES = [
  "INVALID_ARGUMENTS",
  "INVALID_ROUTE",
  "INVALID_STYLE",
  "MISSING_STYLE",
  "CONFIRMATION_REQUIRED",
  "INVALID_METHOD",
  "DUPLICATE_METHOD",
  "INVALID_FIELDS",
  "REFUSED_FIELD",
  "INVALID_FLAG",
  "FLAG_NOT_FOR_STYLE",
  "INVALID_KEY",
  "CWD_NOT_FOUND",
  "CWD_NOT_DIRECTORY",
  "NOT_NEXT_PROJECT",
  "WORKSPACE_ROOT",
  "NO_APP_ROUTER",
  "INVALID_PACKAGE_JSON",
  "UNSUPPORTED_NEXT",
  "CLERK_TOO_OLD",
  "ROUTE_EXISTS",
  "ROUTE_CONFLICT",
  "PAGE_CONFLICT",
  "ROUTE_OUTSIDE_PROJECT",
  "ENV_FILE_OUTSIDE_PROJECT",
  "ENV_FILE_IS_DIRECTORY",
  "INVALID_ENV_FILE",
  "ENV_VALUE_UNQUOTABLE",
  "NOT_UTF8",
  "NOT_A_FILE",
  "FILE_TOO_LARGE",
  "SYMLINK_TARGET",
  "HARD_LINK_TARGET",
  "READ_ONLY_FILE",
  "PATH_OUTSIDE_PROJECT",
  "MIDDLEWARE_UNSAFE",
  "MIDDLEWARE_CONFLICT",
  "MIDDLEWARE_MISPLACED",
  "WRITE_FAILED",
  "FILE_CHANGED",
  "PROJECT_LOCKED",
  "INSTALL_FAILED",
  "CANCELLED",
  "UNEXPECTED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class CliError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The user cancelled a prompt (Ctrl-C), or a signal stopped the writes. Nothing was written. */
export class CancelledError extends CliError {
  /** 128 + the signal's number, as shells report it: SIGINT 130, SIGTERM 143, SIGHUP 129. */
  constructor(exitCode = 130) {
    super("CANCELLED", "Cancelled", { exitCode });
  }
}

/**
 * Any error as a CliError: a CliError as it is, anything else (a bug) as UNEXPECTED with its
 * stack, asking for a report. `wrote`: whether the command writes at all (the hint then says that
 * nothing was written).
 */
export function asCliError(caught: unknown, wrote: "nothing" | "read-only"): CliError {
  if (caught instanceof CliError) return caught;
  const report = "Please report this with the command you ran.";
  return new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, {
    hint: wrote === "nothing" ? `Nothing was written. ${report}` : report,
  });
}
