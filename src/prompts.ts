import * as p from "@clack/prompts";
import type { Colors } from "picocolors/types.js";
import type { RawFlags } from "./cli.js";
import { CancelledError } from "./core/errors.js";
import { parseRoute } from "./core/route.js";
import type { Question, StyleDeclaration, StyleFlag } from "./core/style.js";
import { allowedMethods, parseMethods, reservedNames } from "./options.js";
import type { Plan } from "./plan/notes.js";
import { renderDiff } from "./report/diff.js";
import { NOTHING_TO_CHANGE, changeLines } from "./report/index.js";
import { describeNotes } from "./report/notes.js";
import { STYLES, findStyle } from "./styles/index.js";

// Fills the gaps the flags left, with @clack/prompts. Only ever called when stdin and stdout are
// TTYs, CI is unset and neither --yes nor --json was given. Cancelling anywhere throws
// CancelledError. Every answer is validated by the same function that validates its flag.

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
      return (error as Error).message;
    }
  };
}

export function intro(title: string): void {
  p.intro(title);
}

const given = (filled: RawFlags, flag: StyleFlag) => typeof filled[flag.key] === "string";

async function ask(question: Question, filled: RawFlags): Promise<void> {
  switch (question.kind) {
    case "text": {
      if (given(filled, question.flag)) return;
      const fallback = question.flag.fallback;
      const value = answer(
        await p.text({
          message: question.message,
          placeholder: question.placeholder,
          ...(typeof fallback === "string" ? { defaultValue: fallback } : {}),
          validate: (value) => (!value && typeof fallback === "string" ? undefined : validator(question.flag.parse)(value)),
        }),
      );
      if (value !== "") filled[question.flag.key] = value;
      return;
    }
    case "multiselect": {
      if (given(filled, question.flag)) return;
      const values = answer(
        await p.multiselect({ message: question.message, options: question.choices, initialValues: question.initial, required: true }),
      );
      filled[question.flag.key] = values.join(",");
      return;
    }
    case "oneOf": {
      if (question.options.some((option) => given(filled, option.flag))) return;
      const none = "__none__";
      const choice = answer(
        await p.select({
          message: question.message,
          options: [
            { value: none, label: question.none },
            ...question.options.map((option) => ({ value: option.flag.key, label: option.label, hint: option.hint })),
          ],
        }),
      );
      const option = question.options.find((o) => o.flag.key === choice);
      if (!option) return;
      // A required answer: an empty one would silently drop the check.
      filled[option.flag.key] = answer(
        await p.text({ message: option.message, placeholder: option.placeholder, validate: validator(option.flag.parse) }),
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

export async function confirm(message: string, initialValue = true): Promise<boolean> {
  return answer(await p.confirm({ message, initialValue }));
}

/**
 * Shows the planned changes (and what they mean for the user's own files), then asks. "Show the
 * diff first" prints every change as a diff and asks again.
 */
export async function confirmPlan(plan: Plan, colors: Colors): Promise<boolean> {
  p.note(changeLines(plan, colors, "planned").join("\n"), "Planned changes");
  for (const warning of describeNotes(plan.notes).warnings) p.log.warn(warning);
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
  for (const change of plan.changes) p.log.message(renderDiff(change, colors));
  return confirm("Write these files?");
}

/** The end of an interactive run, inside the prompts' frame. */
export function showResult(plan: Plan, title: string, ciCommand: string | undefined, colors: Colors): void {
  if (plan.changes.length > 0) p.log.success([title, ...changeLines(plan, colors, "done")].join("\n"));
  else p.log.success(NOTHING_TO_CHANGE);
  if (plan.unchanged.length > 0) p.log.message(plan.unchanged.map((file) => colors.dim(`unchanged ${file}`)).join("\n"));
  const { nextSteps } = describeNotes(plan.notes);
  if (nextSteps.length > 0) p.note(nextSteps.map((step, i) => `${i + 1}. ${step}`).join("\n"), "Next steps");
  if (ciCommand) p.log.info(`To repeat this in CI:\n${ciCommand}`);
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
