import type { RawFlags } from "../core/raw-flags.js";
import { parseRoute } from "../next/route-path.js";
import type { Choice, Question, StyleDeclaration, StyleFlag } from "../styles/declaration.js";
import { STYLES, findStyle } from "../styles/index.js";
import { allowedMethods, parseMethods, reservedNames } from "../styles/methods.js";

// What an interactive run asks, in order, to fill the gaps the flags left: the style, the route,
// the methods (from the style registry), then the style's own questions (its declaration's
// `questions`, each asked only when `when` holds for the answers so far). Every answer is
// validated by the same parser that validates its flag. How a question is shown is the
// renderer's business (ui/interactive.ts, with clack): it implements Asker.

/** A free-text answer. */
export interface TextField {
  placeholder?: string;
  /** What an empty answer gives (shown by the renderer, returned when the answer is empty). */
  defaultValue?: string;
  /** An empty answer is accepted as it is (it means the default). */
  optional: boolean;
  /** The flag's own parser: throws a CliError whose message the renderer shows under the answer. */
  parse(value: string): unknown;
}

/** Shows one question and returns the answer; cancelling throws CancelledError. */
export interface Asker {
  select(message: string, choices: Choice[]): Promise<string>;
  /** At least one answer is required. */
  multiselect(message: string, choices: Choice[], initial: string[]): Promise<string[]>;
  text(message: string, field: TextField): Promise<string>;
}

const given = (filled: RawFlags, flag: StyleFlag) => filled[flag.key] !== undefined;

/**
 * A placeholder is shown dimmed, like a default, and Enter answers "" all the same. One that Enter
 * does not take reads as an example ("e.g. org:admin"), so nobody presses Enter to accept it.
 */
const example = (placeholder: string | undefined, takenByEnter = false) =>
  placeholder === undefined || takenByEnter ? placeholder : `e.g. ${placeholder}`;

async function ask(question: Question, filled: RawFlags, asker: Asker): Promise<void> {
  if (question.when && !question.when(filled)) return;
  switch (question.kind) {
    case "text": {
      if (given(filled, question.flag)) return;
      const fallback = question.flag.fallback;
      const value = await asker.text(question.message, {
        placeholder: example(question.placeholder, typeof fallback === "string" && fallback === question.placeholder),
        ...(typeof fallback === "string" ? { defaultValue: fallback } : {}),
        // An empty answer takes the flag's fallback (a default name, or an empty list).
        optional: fallback !== undefined,
        parse: question.flag.parse,
      });
      if (value !== "") filled[question.flag.key] = value;
      return;
    }
    case "multiselect": {
      if (given(filled, question.flag)) return;
      filled[question.flag.key] = (await asker.multiselect(question.message, question.choices, question.initial)).join(
        ",",
      );
      return;
    }
    case "oneOf": {
      if (question.options.some((option) => given(filled, option.flag))) return;
      const none = "__none__";
      const choice = await asker.select(question.message, [
        { value: none, label: question.none },
        ...question.options.map((option) => ({ value: option.flag.key, label: option.label, hint: option.hint })),
      ]);
      const option = question.options.find((o) => o.flag.key === choice);
      if (!option) return;
      // A required answer: an empty one would silently drop the check.
      filled[option.flag.key] = await asker.text(option.message, {
        placeholder: example(option.placeholder),
        optional: false,
        parse: option.flag.parse,
      });
      return;
    }
  }
}

/** The flags with every gap asked for. */
export async function fillGaps(flags: RawFlags, asker: Asker): Promise<RawFlags> {
  const filled: RawFlags = { ...flags };
  if (filled.style === undefined) {
    filled.style = await asker.select(
      "How should the route be protected?",
      STYLES.map((style) => ({ value: style.name, label: style.name, hint: style.summary })),
    );
  }
  const style: StyleDeclaration = findStyle(filled.style);
  if (filled.route === undefined) {
    filled.route = await asker.text("Route (URL path)", {
      placeholder: style.defaultRoute,
      defaultValue: style.defaultRoute,
      optional: true,
      parse: (route) => parseRoute(route, { reservedNames: reservedNames(style) }),
    });
  }
  if (filled.methods === undefined) {
    const methods = await asker.multiselect(
      "HTTP methods",
      allowedMethods(style).map((m) => ({ value: m, label: m })),
      style.methods.default,
    );
    filled.methods = parseMethods(methods.join(","), style).join(",");
  }
  for (const question of style.questions) await ask(question, filled, asker);
  return filled;
}

/** Run at a workspace root: which of its Next.js apps (the run goes on there). */
export function chooseApp(apps: readonly { dir: string; name?: string }[], asker: Asker): Promise<string> {
  return asker.select(
    "This is a workspace root. Add the route to which Next.js app?",
    apps.map((app) => ({
      value: app.dir,
      label: app.dir,
      ...(app.name && app.name !== app.dir ? { hint: app.name } : {}),
    })),
  );
}
