import type { Colors } from "picocolors/types.js";
import { CliError } from "./core/errors.js";
import { renderDiff } from "./preview.js";
import type { Plan } from "./types.js";

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
    warnings: plan.warnings,
    nextSteps: plan.nextSteps,
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

export function humanPlan(plan: Plan, options: { dryRun: boolean; colors: Colors; title?: string }): string {
  const { colors } = options;
  const out: string[] = [];
  if (options.title && plan.changes.length > 0 && !options.dryRun) out.push(`${colors.green("✔")} ${options.title}`);
  if (plan.changes.length === 0) {
    out.push(`${colors.green("✔")} Nothing to change: the project already has everything this run would add.`);
  }
  if (options.dryRun && plan.changes.length > 0) {
    out.push(colors.bold("Dry run: nothing was written. Planned changes:"), "");
    for (const change of plan.changes) out.push(renderDiff(change, colors), "");
  } else {
    for (const change of plan.changes) {
      const verb = change.action === "create" ? colors.green("created ") : colors.yellow("modified");
      out.push(`  ${verb} ${change.path}`);
    }
  }
  for (const path of plan.unchanged) out.push(`  ${colors.dim("unchanged")} ${colors.dim(path)}`);
  if (plan.warnings.length > 0) {
    out.push("");
    for (const warning of plan.warnings) out.push(`${colors.yellow("!")} ${warning}`);
  }
  if (plan.nextSteps.length > 0) {
    out.push("", colors.bold("Next steps:"));
    plan.nextSteps.forEach((step, index) => out.push(`  ${index + 1}. ${step}`));
  }
  return out.join("\n");
}
