import type { Colors } from "picocolors/types.js";
import type { CliError } from "../core/errors.js";
import type { Plan } from "../plan/notes.js";
import { renderDiff } from "./diff.js";
import { describeNotes } from "./notes.js";

// What the user reads at the end: human text, or one JSON object for --json.

export interface JsonReport {
  ok: true;
  dryRun: boolean;
  changes: Array<{ path: string; action: "create" | "modify" | "unchanged" }>;
  warnings: string[];
  nextSteps: string[];
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
  };
}

/** `changes`: when the error came after files were written (a failed install), what was written. */
export function jsonError(error: CliError, changes?: JsonReport["changes"]): string {
  const body = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  return JSON.stringify({ ok: false, error: body, ...(changes ? { changes } : {}) });
}

export function humanError(error: CliError, colors: Colors): string {
  const lines = [`${colors.red("✖")} ${error.message}`];
  if (error.hint) lines.push(error.hint.split("\n").map((line) => (line === "" ? "" : `  ${line}`)).join("\n"));
  return lines.join("\n");
}

/** One line per file: "created  path" / "modified path" (planned: "create  path" / "modify  path"). */
export function changeLines(plan: Plan, colors: Colors, tense: "done" | "planned"): string[] {
  return plan.changes.map((change) => {
    if (tense === "planned") return `${change.action === "create" ? "create" : "modify"}  ${change.path}`;
    return `${change.action === "create" ? colors.green("created ") : colors.yellow("modified")} ${change.path}`;
  });
}

export const NOTHING_TO_CHANGE = "Nothing to change: the project already has everything this run would add.";

export function humanPlan(plan: Plan, options: { dryRun: boolean; colors: Colors; title?: string }): string {
  const { colors } = options;
  const { warnings, nextSteps } = describeNotes(plan.notes);
  const out: string[] = [];
  if (options.title && plan.changes.length > 0 && !options.dryRun) out.push(`${colors.green("✔")} ${options.title}`);
  if (plan.changes.length === 0) out.push(`${colors.green("✔")} ${NOTHING_TO_CHANGE}`);
  if (options.dryRun && plan.changes.length > 0) {
    out.push(colors.bold("Dry run: nothing was written. Planned changes:"), "");
    for (const change of plan.changes) out.push(renderDiff(change, colors), "");
  } else {
    out.push(...changeLines(plan, colors, "done").map((line) => `  ${line}`));
  }
  for (const path of plan.unchanged) out.push(`  ${colors.dim("unchanged")} ${colors.dim(path)}`);
  if (warnings.length > 0) {
    out.push("");
    for (const warning of warnings) out.push(`${colors.yellow("!")} ${warning}`);
  }
  if (nextSteps.length > 0) {
    out.push("", colors.bold("Next steps:"));
    nextSteps.forEach((step, index) => out.push(`  ${index + 1}. ${step}`));
  }
  return out.join("\n");
}
