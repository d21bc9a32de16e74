import type { MigrationPlan } from "../migrate/types.js";
import type { AuditReport } from "../report/audit-output.js";
import type { CliError } from "../core/errors.js";
import type { RawFlags } from "../core/raw-flags.js";
import type { Plan } from "../plan/types.js";
import type { Closing, Confirmation, Task } from "../report/run.js";

// The one interface the commands talk to. Three implementations, chosen once per run by
// chooseUi(): interactive (clack prompts, in a frame, wrapped to the terminal), text (plain lines,
// wrapped on a terminal only, errors on stderr) and json (one object on stdout). A command never
// asks which one it has: a question comes back `undefined` when nobody is there to answer, and
// the command takes its non-interactive default. Words come from report/; wrapping and colours
// live here.

/** A run's result: the plan as applied (or, in a dry run, as it would be). */
export interface ResultView {
  /** The success line, e.g. "/api/me: GET protected with the userId style". */
  title: string;
  /** The command that repeats the run in CI, as `commandGroups` gives it; absent when nothing was written. */
  ciCommand?: string[];
  dryRun: boolean;
  /** An error after the files were written (a failed install): reported with the result, never instead of it. */
  afterError?: CliError;
}

export interface Ui {
  /** The start of a run (the prompts' frame opens). */
  start(): void;
  /** The flags with what they leave out asked for (only the interactive ui asks). */
  fillGaps(flags: RawFlags): Promise<RawFlags>;
  /** Run at a workspace root: the app to work on, or undefined when nobody can be asked. */
  chooseApp(apps: readonly { dir: string; name?: string }[]): Promise<string | undefined>;
  /** A yes/no question, or undefined when nobody can be asked. */
  confirm(question: Confirmation, initial?: boolean): Promise<boolean | undefined>;
  /** Shows the planned changes and asks "Write these files?"; undefined when nobody can be asked. */
  confirmPlan(plan: Plan): Promise<boolean | undefined>;
  /** Runs a long task (with a spinner on a terminal). */
  progress<T>(task: Task, run: () => Promise<T>): Promise<T>;
  /** What the run did (or would do): changes, warnings, next steps, the CI command. */
  result(plan: Plan, view: ResultView): Promise<void>;
  /** The audit's tables, its JSON or its SARIF. */
  audit(report: AuditReport): void;
  /**
   * migrate's question: every change as a diff first (the user's own files are edited), then what
   * it means route by route, then "Write these files?"; undefined when nobody can be asked.
   */
  confirmMigration(plan: MigrationPlan): Promise<boolean | undefined>;
  /** What migrate did (or would do): per route, what changed, what was refused and why, what is left. */
  migration(plan: MigrationPlan, view: MigrationResultView): Promise<void>;
  /** The end of a run that did not fail. */
  end(closing: Closing): void;
  /**
   * The end of a failed run: the error (a CancelledError as a cancel), and `closing` for what it
   * means for the files ("failed": nothing was written).
   */
  fail(error: CliError, closing: Closing): Promise<void>;
}

export interface MigrationResultView {
  dryRun: boolean;
  /** The files were written (else: planned, or nothing to change). */
  written: boolean;
}

/** Where a ui writes. */
export interface UiStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

export type UiKind = "interactive" | "text" | "json";

export interface UiChoice {
  kind: UiKind;
  /**
   * Plain output wrapped to the terminal's width (default true). The audit's output is a table and
   * its errors are left unwrapped.
   */
  wrap?: boolean;
}

/** --json wins; prompts only when the mode allows them (a real terminal, no CI, no --yes). */
export function uiKind(mode: { interactive: boolean; json: boolean }): UiKind {
  return mode.json ? "json" : mode.interactive ? "interactive" : "text";
}

/** The ui for this run. Each implementation loads only what it needs (clack for the prompts alone). */
export async function chooseUi(choice: UiChoice, streams: UiStreams): Promise<Ui> {
  switch (choice.kind) {
    case "json":
      return new (await import("./json.js")).JsonUi(streams);
    case "text":
      return new (await import("./text.js")).TextUi(streams, choice.wrap ?? true);
    case "interactive":
      return new (await import("./interactive.js")).InteractiveUi(streams);
  }
}
