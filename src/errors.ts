/**
 * Every failure the user can fix is a CliError: a stable code (for --json and tests),
 * a message that says what is wrong, and a hint that says how to fix it.
 */
export class CliError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = "CliError";
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The user cancelled a prompt (Ctrl-C). Nothing was written. */
export class CancelledError extends CliError {
  constructor() {
    super("CANCELLED", "Cancelled", { exitCode: 130 });
  }
}
