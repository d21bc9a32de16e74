import type { Colors } from "picocolors/types.js";
import type { CliError } from "../core/errors.js";
import type { Note, Plan } from "../plan/types.js";
import { renderDiff } from "./diff.js";
import { describeNotes } from "./notes.js";

// What the user reads at the end: human text, or one JSON object for --json.

export interface JsonReport {
  ok: true;
  dryRun: boolean;
  changes: Array<{ path: string; action: "create" | "modify" | "unchanged" }>;
  warnings: string[];
  nextSteps: string[];
  /** The same notes as data (each with its `kind`), for programs: warnings and nextSteps are their words. */
  notes: Note[];
}

export function jsonReport(plan: Plan, dryRun: boolean): JsonReport {
  return {
    ok: true,
    dryRun,
    changes: [
      ...plan.changes.map((c) => ({ path: c.path, action: c.action })),
      ...plan.unchanged.map((path) => ({ path, action: "unchanged" as const })),
    ],
    ...describeNotes(plan.notes),
    notes: plan.notes,
  };
}

/** `changes`: when the error came after files were written (a failed install), what was written. */
export function jsonError(error: CliError, changes?: JsonReport["changes"]): string {
  const body = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return JSON.stringify({ ok: false, error: body, ...(changes ? { changes } : {}) });
}

/**
 * How a line is laid out: `prefix` (a symbol, an indent, "1. ") then `text`. Plain output joins
 * them; on a terminal, the ui gives one that wraps `text` beside the prefix to the terminal's
 * width (ui/text.ts, `wrapFor`).
 */
export type Wrap = (prefix: string, text: string) => string;

const unwrapped: Wrap = (prefix, text) => prefix + text;

/** A hint's indented lines are code (the edit to make by hand): never re-flowed, or it would not paste. */
export const isCode = (line: string) => /^\s/.test(line);

export function humanError(error: CliError, colors: Colors, wrap: Wrap = unwrapped): string {
  const lines = [wrap(`${colors.red("✖")} `, error.message)];
  // Code is left whole: the terminal's own soft wrap keeps a long line copyable as one.
  const hintLine = (line: string) => (line === "" ? "" : isCode(line) ? `  ${line}` : wrap("  ", line));
  if (error.hint) lines.push(error.hint.split("\n").map(hintLine).join("\n"));
  return lines.join("\n");
}

/** One per file: ["created  ", path] / ["modified ", path] (planned: ["create  ", path] / ["modify  ", path]). */
export function changeItems(
  plan: Plan,
  colors: Colors,
  tense: "done" | "planned",
): Array<[prefix: string, path: string]> {
  return plan.changes.map((change) => {
    if (tense === "planned") return [`${change.action === "create" ? "create" : "modify"}  `, change.path];
    return [`${change.action === "create" ? colors.green("created ") : colors.yellow("modified")} `, change.path];
  });
}

export const NOTHING_TO_CHANGE = "Nothing to change: the project already has everything this run would add.";
export const DRY_RUN_HEADING = "Dry run: nothing was written. Planned changes:";

export function humanPlan(
  plan: Plan,
  options: { dryRun: boolean; colors: Colors; title?: string; wrap?: Wrap },
): string {
  const { colors } = options;
  const wrap = options.wrap ?? unwrapped;
  const { warnings, nextSteps } = describeNotes(plan.notes);
  const out: string[] = [];
  if (options.title && plan.changes.length > 0 && !options.dryRun)
    out.push(wrap(`${colors.green("✔")} `, options.title));
  if (plan.changes.length === 0) out.push(wrap(`${colors.green("✔")} `, NOTHING_TO_CHANGE));
  if (options.dryRun && plan.changes.length > 0) {
    out.push(wrap("", colors.bold(DRY_RUN_HEADING)), "");
    for (const change of plan.changes) out.push(renderDiff(change, colors), ""); // a diff is never re-wrapped
  } else {
    out.push(...changeItems(plan, colors, "done").map(([prefix, path]) => wrap(`  ${prefix}`, path)));
  }
  for (const path of plan.unchanged) out.push(wrap(`  ${colors.dim("unchanged")} `, colors.dim(path)));
  if (warnings.length > 0) {
    out.push("");
    for (const warning of warnings) out.push(wrap(`${colors.yellow("!")} `, warning));
  }
  if (nextSteps.length > 0) {
    out.push("", colors.bold("Next steps:"));
    nextSteps.forEach((step, index) => out.push(wrap(`  ${index + 1}. `, step)));
  }
  return out.join("\n");
}
