import { auditOutput, type AuditReport } from "../report/audit-output.js";
import { colorsFor } from "./colors.js";
import type { CliError } from "../core/errors.js";
import type { Plan } from "../plan/types.js";
import { jsonError, jsonReport } from "../report/index.js";
import type { MigrationPlan } from "../migrate/types.js";
import { jsonMigration } from "../report/migrate.js";
import type { MigrationResultView, ResultView, Ui, UiStreams } from "./index.js";

// --json: one JSON object on stdout and nothing else, never wrapped, no questions. A cancel is
// an error like any other ({ ok: false, error: { code: "CANCELLED" } }).

export class JsonUi implements Ui {
  constructor(private readonly streams: UiStreams) {}

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
    const report = jsonReport(plan, view.dryRun);
    // A failed install after the writes: the error, with what was written.
    this.streams.stdout.write(
      `${view.afterError ? jsonError(view.afterError, report.changes) : JSON.stringify(report)}\n`,
    );
  }

  audit(report: AuditReport): void {
    this.streams.stdout.write(`${auditOutput(report, colorsFor(this.streams.stdout, this.streams.env))}\n`);
  }

  async confirmMigration(): Promise<undefined> {
    return undefined;
  }

  async migration(plan: MigrationPlan, view: MigrationResultView): Promise<void> {
    this.streams.stdout.write(`${JSON.stringify(jsonMigration(plan, view.dryRun))}\n`);
  }

  end(): void {}

  async fail(error: CliError): Promise<void> {
    this.streams.stdout.write(`${jsonError(error)}\n`);
  }
}
