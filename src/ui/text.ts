import { auditOutput, type AuditReport } from "../report/audit-output.js";
import { CancelledError, type CliError } from "../core/errors.js";
import type { Plan } from "../plan/types.js";
import { humanError, humanPlan, type Wrap } from "../report/index.js";
import { closingText, type Closing } from "../report/run.js";
import { colorsFor } from "./colors.js";
import type { MigrationPlan } from "../migrate/types.js";
import { humanMigration } from "../report/migrate.js";
import type { MigrationResultView, ResultView, Ui, UiStreams } from "./index.js";

// Plain lines, no questions: the result on stdout, errors on stderr. On a terminal each line is
// wrapped to its width beside its prefix; into a pipe or a file nothing is wrapped (a script
// reads whole lines).

/**
 * The layout for human output to `stream`: wrapped to its width on a terminal, not at all into a
 * pipe or a file. The wrapping code (wrap-ansi, string-width) loads only then.
 */
export async function wrapFor(stream: { isTTY?: boolean; columns?: number }): Promise<Wrap | undefined> {
  if (stream.isTTY !== true) return undefined;
  const { columnsOf, hang } = await import("./wrap.js");
  const width = columnsOf(stream);
  return (prefix, text) => hang(prefix, text, width);
}

export class TextUi implements Ui {
  constructor(
    private readonly streams: UiStreams,
    private readonly wrap: boolean,
  ) {}

  start(): void {}

  async fillGaps<T>(flags: T): Promise<T> {
    return flags;
  }

  async chooseApp(): Promise<undefined> {
    return undefined;
  }

  async confirm(): Promise<undefined> {
    return undefined;
  }

  async confirmPlan(): Promise<undefined> {
    return undefined;
  }

  progress<T>(_task: unknown, run: () => Promise<T>): Promise<T> {
    return run();
  }

  async result(plan: Plan, view: ResultView): Promise<void> {
    const { stdout, env } = this.streams;
    const wrap = this.wrap ? await wrapFor(stdout) : undefined;
    stdout.write(
      `${humanPlan(plan, { dryRun: view.dryRun, colors: colorsFor(stdout, env), title: view.title, wrap })}\n`,
    );
    if (view.afterError) await this.error(view.afterError);
  }

  audit(report: AuditReport): void {
    this.streams.stdout.write(`${auditOutput(report, colorsFor(this.streams.stdout, this.streams.env))}\n`);
  }

  async confirmMigration(): Promise<undefined> {
    return undefined;
  }

  async migration(plan: MigrationPlan, view: MigrationResultView): Promise<void> {
    const { stdout, env } = this.streams;
    const wrap = this.wrap ? await wrapFor(stdout) : undefined;
    stdout.write(`${humanMigration(plan, { ...view, colors: colorsFor(stdout, env), ...(wrap ? { wrap } : {}) })}\n`);
  }

  end(): void {}

  async fail(error: CliError, _closing: Closing): Promise<void> {
    if (error instanceof CancelledError) this.streams.stderr.write(`${closingText("cancelled")}\n`);
    else await this.error(error);
  }

  private async error(error: CliError): Promise<void> {
    const { stderr, env } = this.streams;
    const wrap = this.wrap ? await wrapFor(stderr) : undefined;
    stderr.write(`${humanError(error, colorsFor(stderr, env), wrap)}\n`);
  }
}
