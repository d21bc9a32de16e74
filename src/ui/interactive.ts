import { stripVTControlCharacters } from "node:util";
import * as p from "@clack/prompts";
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import type { MigrationPlan } from "../migrate/types.js";
import type { AuditReport } from "../report/audit-output.js";
import { humanMigration } from "../report/migrate.js";
import type { RawFlags } from "../core/raw-flags.js";
import { CancelledError, type CliError } from "../core/errors.js";
import type { Plan } from "../plan/types.js";
import { renderDiff } from "../report/diff.js";
import { DRY_RUN_HEADING, NOTHING_TO_CHANGE, changeItems, isCode } from "../report/index.js";
import { describeNotes } from "../report/notes.js";
import {
  WRITE_THESE_FILES,
  closingText,
  confirmationText,
  taskText,
  type Closing,
  type Confirmation,
  type Task,
} from "../report/run.js";
import type { Choice } from "../styles/declaration.js";
import { colorsFor } from "./colors.js";
import type { MigrationResultView, ResultView, Ui, UiStreams } from "./index.js";
import { chooseApp, fillGaps, type Asker, type TextField } from "./questions.js";
import { TextUi } from "./text.js";
import { columnsOf, cutLines, hang, widest, wrapCommand, wrapText } from "./wrap.js";

// The interactive ui: @clack/prompts renders the questions (ui/questions.ts says what is asked)
// and the run's result in one frame. Only ever chosen when stdin and stdout are TTYs, CI is unset
// and neither --yes nor --json was given. Cancelling anywhere throws CancelledError.
//
// Everything printed in the frame is wrapped to the terminal's width first (clack 0.11 does not
// wrap its notes and log lines), so that every line starts with the frame's gutter and no box
// border is ever broken by the terminal.

/** What clack puts before each line of a log message or prompt: "│  " or a symbol and two spaces. */
const GUTTER = 3;
/** What a note's box adds around its text: "│  " on the left, "  │" on the right. */
const BOX = 6;

const columns = () => columnsOf(process.stdout);

/** Text for the frame: wrapped to the columns beside the gutter. */
const framed = (text: string) => wrapText(text, columns() - GUTTER);

/** A prefixed item ("1. ", "created  ") for the frame, or for a note's box. */
const item = (prefix: string, text: string, inset = GUTTER) => hang(prefix, text, columns() - inset);

/** A prompt's message over several lines: clack starts only the first with a symbol. */
const message = (text: string) =>
  framed(text)
    .split("\n")
    .join(`\n${pc.gray("│")}  `);

/**
 * A titled list: clack's note when every line fits inside its box, else the same lines as a log
 * message (a word wider than the box, such as a long URL, would push the box's border off the screen).
 */
function note(title: string, items: Array<[prefix: string, text: string]>): void {
  const boxed = items.map(([prefix, text]) => item(prefix, text, BOX)).join("\n");
  // clack sizes the box by characters, string-width by columns: it must fit by both counts.
  const size = (text: string) =>
    Math.max(widest(text), ...text.split("\n").map((line) => stripVTControlCharacters(line).length));
  if (size(boxed) <= columns() - BOX && size(title) <= columns() - BOX) p.note(boxed, title);
  else p.log.step([title, ...items.map(([prefix, text]) => item(prefix, text))].join("\n"));
}

function answer<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new CancelledError();
  return value;
}

/** A prompt validator from a field's parser: the parser's error message, or undefined when it accepts. */
function validator(field: TextField): (value: string | undefined) => string | undefined {
  return (value) => {
    if (!value && field.optional) return undefined;
    // A required answer left empty: say what to type (the flag's parser would only say what is wrong).
    if (!value?.trim() && !field.optional)
      return framed(`Type one${field.placeholder ? `, ${field.placeholder}` : ""} (Ctrl-C to stop).`);
    try {
      field.parse(value ?? "");
      return undefined;
    } catch (error) {
      // Shown after clack's "└  ": its further lines indented to match.
      return framed((error as Error).message)
        .split("\n")
        .join("\n   ");
    }
  };
}

/** The questions, asked with clack. */
const clackAsker: Asker = {
  async select(text: string, choices: Choice[]): Promise<string> {
    return answer(await p.select<string>({ message: message(text), options: choices }));
  },
  async multiselect(text: string, choices: Choice[], initial: string[]): Promise<string[]> {
    return answer(
      await p.multiselect<string>({ message: message(text), options: choices, initialValues: initial, required: true }),
    );
  },
  async text(text: string, field: TextField): Promise<string> {
    return answer(
      await p.text({
        message: message(text),
        placeholder: field.placeholder,
        ...(field.defaultValue !== undefined ? { defaultValue: field.defaultValue } : {}),
        validate: validator(field),
      }),
    );
  },
};

export class InteractiveUi implements Ui {
  private readonly colors: Colors;

  constructor(private readonly streams: UiStreams) {
    this.colors = colorsFor(streams.stdout, streams.env);
  }

  start(): void {
    p.intro(this.colors.bgCyan(this.colors.black(" create-clerk-route ")));
  }

  fillGaps(flags: RawFlags): Promise<RawFlags> {
    return fillGaps(flags, clackAsker);
  }

  chooseApp(apps: readonly { dir: string; name?: string }[]): Promise<string | undefined> {
    return apps.length > 0 ? chooseApp(apps, clackAsker) : Promise.resolve(undefined);
  }

  async confirm(question: Confirmation, initialValue = true): Promise<boolean> {
    return answer(await p.confirm({ message: message(confirmationText(question)), initialValue }));
  }

  /**
   * Shows the planned changes (and what they mean for the user's own files), then asks. "Show the
   * diff first" prints every change as a diff and asks again.
   */
  async confirmPlan(plan: Plan): Promise<boolean> {
    note("Planned changes", changeItems(plan, this.colors, "planned"));
    for (const warning of describeNotes(plan.notes).warnings) p.log.warn(framed(warning));
    const choice = answer(
      await p.select({
        message: WRITE_THESE_FILES,
        options: [
          { value: "yes", label: "Yes" },
          { value: "diff", label: "Show the diff first" },
          { value: "no", label: "No" },
        ],
      }),
    );
    if (choice !== "diff") return choice === "yes";
    this.showDiffs(plan);
    return this.confirm({ kind: "writeAfterDiff" });
  }

  async progress<T>(task: Task, run: () => Promise<T>): Promise<T> {
    const text = taskText(task).replace(/…$/, "");
    const spinner = p.spinner();
    spinner.start(taskText(task));
    try {
      const result = await run();
      spinner.stop(`${text} done`);
      return result;
    } catch (error) {
      spinner.stop(`${text} failed`, 1);
      throw error;
    }
  }

  /** The end of an interactive run, inside the prompts' frame. */
  async result(plan: Plan, view: ResultView): Promise<void> {
    const { colors } = this;
    const { warnings, nextSteps } = describeNotes(plan.notes);
    if (plan.changes.length === 0) {
      p.log.success(framed(NOTHING_TO_CHANGE));
    } else if (view.dryRun) {
      p.log.step(framed(DRY_RUN_HEADING));
      this.showDiffs(plan);
    } else {
      p.log.success(
        [framed(view.title), ...changeItems(plan, colors, "done").map(([prefix, path]) => item(prefix, path))].join(
          "\n",
        ),
      );
    }
    if (plan.unchanged.length > 0)
      p.log.message(plan.unchanged.map((file) => item(colors.dim("unchanged "), colors.dim(file))).join("\n"));
    // A run that writes showed its warnings before asking; a dry run asks nothing.
    if (view.dryRun || plan.changes.length === 0) for (const warning of warnings) p.log.warn(framed(warning));
    if (nextSteps.length > 0)
      note(
        "Next steps",
        nextSteps.map((step, i) => [`${i + 1}. `, step]),
      );
    if (view.ciCommand) p.log.info(`To repeat this in CI:\n${wrapCommand(view.ciCommand, columns() - GUTTER)}`);
    if (view.afterError) this.showError(view.afterError, "installFailed");
  }

  /** The audit asks nothing: its table, as the text ui prints it. */
  audit(report: AuditReport): void {
    new TextUi(this.streams, false).audit(report);
  }

  async confirmMigration(plan: MigrationPlan): Promise<boolean> {
    p.log.step(framed("Planned changes:"));
    this.showDiffs(plan);
    p.log.message(
      cutLines(
        humanMigration(plan, { dryRun: false, written: false, colors: this.colors, wrap: item }),
        columns() - GUTTER,
      ),
    );
    return this.confirm({ kind: "writeAfterDiff" });
  }

  async migration(plan: MigrationPlan, view: MigrationResultView): Promise<void> {
    p.log.message(cutLines(humanMigration(plan, { ...view, colors: this.colors, wrap: item }), columns() - GUTTER));
  }

  end(closing: Closing): void {
    p.outro(closingText(closing));
  }

  async fail(error: CliError, closing: Closing): Promise<void> {
    if (error instanceof CancelledError) p.cancel(closingText("cancelled"));
    else this.showError(error, closing);
  }

  /** Every change as a diff, each row cut to the frame (a diff's characters are never re-flowed). */
  private showDiffs(plan: Pick<Plan, "changes">): void {
    for (const change of plan.changes) p.log.message(cutLines(renderDiff(change, this.colors), columns() - GUTTER));
  }

  /**
   * An error inside the frame (the hint indented under it), then the frame's end. Code in the hint
   * is cut at the width like a diff, never re-flowed: a comment wrapped at a space would read as code.
   */
  private showError(error: CliError, closing: Closing): void {
    const hintLine = (line: string) =>
      line === "" ? "" : isCode(line) ? cutLines(`  ${line}`, columns() - GUTTER) : item("  ", line);
    const hint = error.hint ? error.hint.split("\n").map(hintLine) : [];
    p.log.error([framed(error.message), ...hint].join("\n"));
    p.cancel(framed(closingText(closing)).split("\n").join("\n   "));
  }
}
