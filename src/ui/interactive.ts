import { stripVTControlCharacters } from "node:util";
import * as p from "@clack/prompts";
import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import type { RawFlags } from "../core/raw-flags.js";
import { CancelledError, type CliError } from "../core/errors.js";
import { parseRoute } from "../next/route-path.js";
import type { Question, StyleDeclaration, StyleFlag } from "../styles/declaration.js";
import { allowedMethods, parseMethods, reservedNames } from "../styles/methods.js";
import type { Plan } from "../plan/types.js";
import { renderDiff } from "../report/diff.js";
import { DRY_RUN_HEADING, NOTHING_TO_CHANGE, changeItems, isCode } from "../report/index.js";
import { describeNotes } from "../report/notes.js";
import { columnsOf, cutLines, hang, widest, wrapCommand, wrapText } from "../report/wrap.js";
import { STYLES, findStyle } from "../styles/index.js";

// Fills the gaps the flags left, with @clack/prompts. Only ever called when stdin and stdout are
// TTYs, CI is unset and neither --yes nor --json was given. Cancelling anywhere throws
// CancelledError. Every answer is validated by the same function that validates its flag.
//
// Everything printed in the prompts' frame is wrapped to the terminal's width first (clack 0.11
// does not wrap its notes and log lines), so that every line starts with the frame's gutter and
// no box border is ever broken by the terminal.

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
const message = (text: string) => framed(text).split("\n").join(`\n${pc.gray("│")}  `);

/**
 * A titled list: clack's note when every line fits inside its box, else the same lines as a log
 * message (a word wider than the box, such as a long URL, would push the box's border off the screen).
 */
function note(title: string, items: Array<[prefix: string, text: string]>): void {
  const boxed = items.map(([prefix, text]) => item(prefix, text, BOX)).join("\n");
  // clack sizes the box by characters, string-width by columns: it must fit by both counts.
  const size = (text: string) => Math.max(widest(text), ...text.split("\n").map((line) => stripVTControlCharacters(line).length));
  if (size(boxed) <= columns() - BOX && size(title) <= columns() - BOX) p.note(boxed, title);
  else p.log.step([title, ...items.map(([prefix, text]) => item(prefix, text))].join("\n"));
}

function answer<T>(value: T | symbol): T {
  if (p.isCancel(value)) throw new CancelledError();
  return value;
}

/** A prompt validator from a parser: the parser's error message, or undefined when it accepts. */
function validator(parse: (value: string) => unknown): (value: string | undefined) => string | undefined {
  return (value) => {
    try {
      parse(value ?? "");
      return undefined;
    } catch (error) {
      // Shown after clack's "└  ": its further lines indented to match.
      return framed((error as Error).message).split("\n").join("\n   ");
    }
  };
}

export function intro(title: string): void {
  p.intro(title);
}

const given = (filled: RawFlags, flag: StyleFlag) => typeof filled[flag.key] === "string";

/**
 * clack shows a placeholder dimmed, like a default; Enter answers "" all the same. One that Enter
 * does not take reads as an example ("e.g. org:admin"), so nobody presses Enter to accept it.
 */
const example = (placeholder: string | undefined, takenByEnter = false) =>
  placeholder === undefined || takenByEnter ? placeholder : `e.g. ${placeholder}`;

async function ask(question: Question, filled: RawFlags): Promise<void> {
  if (question.when && !question.when(filled)) return;
  switch (question.kind) {
    case "text": {
      if (given(filled, question.flag)) return;
      const fallback = question.flag.fallback;
      const value = answer(
        await p.text({
          message: message(question.message),
          placeholder: example(question.placeholder, typeof fallback === "string" && fallback === question.placeholder),
          ...(typeof fallback === "string" ? { defaultValue: fallback } : {}),
          // An empty answer takes the flag's fallback (a default name, or an empty list).
          validate: (value) => (!value && fallback !== undefined ? undefined : validator(question.flag.parse)(value)),
        }),
      );
      if (value !== "") filled[question.flag.key] = value;
      return;
    }
    case "multiselect": {
      if (given(filled, question.flag)) return;
      const values = answer(
        await p.multiselect({ message: message(question.message), options: question.choices, initialValues: question.initial, required: true }),
      );
      filled[question.flag.key] = values.join(",");
      return;
    }
    case "oneOf": {
      if (question.options.some((option) => given(filled, option.flag))) return;
      const none = "__none__";
      const choice = answer(
        await p.select({
          message: message(question.message),
          options: [
            { value: none, label: question.none },
            ...question.options.map((option) => ({ value: option.flag.key, label: option.label, hint: option.hint })),
          ],
        }),
      );
      const option = question.options.find((o) => o.flag.key === choice);
      if (!option) return;
      // A required answer: an empty one would silently drop the check.
      const required = (value: string | undefined) =>
        value?.trim() ? validator(option.flag.parse)(value) : framed(`Type one, e.g. ${option.placeholder} (Ctrl-C to stop).`);
      filled[option.flag.key] = answer(
        await p.text({ message: message(option.message), placeholder: example(option.placeholder), validate: required }),
      );
      return;
    }
  }
}

export async function fillGaps(flags: RawFlags): Promise<RawFlags> {
  const filled: RawFlags = { ...flags };
  if (filled.style === undefined) {
    filled.style = answer(
      await p.select<string>({
        message: "How should the route be protected?",
        options: STYLES.map((style) => ({ value: style.name, label: style.name, hint: style.summary })),
      }),
    );
  }
  const style: StyleDeclaration = findStyle(filled.style);
  if (filled.route === undefined) {
    filled.route = answer(
      await p.text({
        message: "Route (URL path)",
        placeholder: style.defaultRoute,
        defaultValue: style.defaultRoute,
        validate: (value) => (value ? validator((route) => parseRoute(route, { reservedNames: reservedNames(style) }))(value) : undefined),
      }),
    );
  }
  if (filled.methods === undefined) {
    const methods = answer(
      await p.multiselect({
        message: "HTTP methods",
        options: allowedMethods(style).map((m) => ({ value: m, label: m })),
        initialValues: style.methods.default,
        required: true,
      }),
    );
    filled.methods = parseMethods(methods.join(","), style).join(",");
  }
  for (const question of style.questions) await ask(question, filled);
  return filled;
}

/** Run at a workspace root: which of its Next.js apps (the run goes on there). */
export async function selectWorkspaceApp(apps: readonly { dir: string; name?: string }[]): Promise<string> {
  return answer(
    await p.select<string>({
      message: "This is a workspace root. Add the route to which Next.js app?",
      options: apps.map((app) => ({ value: app.dir, label: app.dir, ...(app.name && app.name !== app.dir ? { hint: app.name } : {}) })),
    }),
  );
}

export async function confirm(text: string, initialValue = true): Promise<boolean> {
  return answer(await p.confirm({ message: message(text), initialValue }));
}

/**
 * Shows the planned changes (and what they mean for the user's own files), then asks. "Show the
 * diff first" prints every change as a diff and asks again.
 */
export async function confirmPlan(plan: Plan, colors: Colors): Promise<boolean> {
  note("Planned changes", changeItems(plan, colors, "planned"));
  for (const warning of describeNotes(plan.notes).warnings) p.log.warn(framed(warning));
  const choice = answer(
    await p.select({
      message: "Write these files?",
      options: [
        { value: "yes", label: "Yes" },
        { value: "diff", label: "Show the diff first" },
        { value: "no", label: "No" },
      ],
    }),
  );
  if (choice !== "diff") return choice === "yes";
  showDiffs(plan, colors);
  return confirm("Write these files?");
}

/** Every change as a diff, each row cut to the frame (a diff's characters are never re-flowed). */
function showDiffs(plan: Plan, colors: Colors): void {
  for (const change of plan.changes) p.log.message(cutLines(renderDiff(change, colors), columns() - GUTTER));
}

export interface ResultView {
  title: string;
  /** The command that repeats the run, as `commandGroups` gives it; absent when nothing was written. */
  ciCommand?: string[];
  dryRun: boolean;
}

/** The end of an interactive run, inside the prompts' frame. */
export function showResult(plan: Plan, view: ResultView, colors: Colors): void {
  const { warnings, nextSteps } = describeNotes(plan.notes);
  if (plan.changes.length === 0) {
    p.log.success(framed(NOTHING_TO_CHANGE));
  } else if (view.dryRun) {
    p.log.step(framed(DRY_RUN_HEADING));
    showDiffs(plan, colors);
  } else {
    p.log.success([framed(view.title), ...changeItems(plan, colors, "done").map(([prefix, path]) => item(prefix, path))].join("\n"));
  }
  if (plan.unchanged.length > 0) p.log.message(plan.unchanged.map((file) => item(colors.dim("unchanged "), colors.dim(file))).join("\n"));
  // A run that writes showed its warnings before asking; a dry run asks nothing.
  if (view.dryRun || plan.changes.length === 0) for (const warning of warnings) p.log.warn(framed(warning));
  if (nextSteps.length > 0) note("Next steps", nextSteps.map((step, i) => [`${i + 1}. `, step]));
  if (view.ciCommand) p.log.info(`To repeat this in CI:\n${wrapCommand(view.ciCommand, columns() - GUTTER)}`);
}

/**
 * An error inside the frame (the hint indented under it), then the frame's end. Code in the hint
 * is cut at the width like a diff, never re-flowed: a comment wrapped at a space would read as code.
 */
export function showError(error: CliError, closing: string): void {
  const hintLine = (line: string) => (line === "" ? "" : isCode(line) ? cutLines(`  ${line}`, columns() - GUTTER) : item("  ", line));
  const hint = error.hint ? error.hint.split("\n").map(hintLine) : [];
  p.log.error([framed(error.message), ...hint].join("\n"));
  p.cancel(framed(closing).split("\n").join("\n   "));
}

/** Cancelled at a prompt: the frame's end. */
export function cancelled(closing: string): void {
  p.cancel(closing);
}

export function outro(message: string): void {
  p.outro(message);
}

export async function withSpinner<T>(message: string, task: () => Promise<T>): Promise<T> {
  const spinner = p.spinner();
  spinner.start(message);
  try {
    const result = await task();
    spinner.stop(message.replace(/…$/, "") + " done");
    return result;
  } catch (error) {
    spinner.stop(`${message.replace(/…$/, "")} failed`, 1);
    throw error;
  }
}
