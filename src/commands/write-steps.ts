import { applyInterruptibly } from "../apply/interruptible.js";
import type { ApplyHooks } from "../apply/write-plan.js";
import { checkUnchanged } from "../apply/write-plan.js";
import { CancelledError } from "../core/errors.js";
import type { Plan } from "../plan/types.js";
import type { Ui } from "../ui/index.js";

// The end of every command that writes a plan (add, migrate): check it as the real run would,
// let the user see it and say yes (interactive), then write it all-or-nothing under the project
// lock, rolled back by Ctrl-C, SIGTERM or SIGHUP.

export interface WriteDeps {
  applyHooks?: ApplyHooks;
  /** Where SIGINT, SIGTERM and SIGHUP arrive while files are written (default: process; tests pass their own). */
  signals?: NodeJS.EventEmitter;
}

/**
 * Refuses what the real run would refuse (a file changed since it was read, a symbolic link…),
 * a dry run included. Returns whether the run writes anything.
 */
export function checkWrites(root: string, plan: Pick<Plan, "changes">, dryRun: boolean): boolean {
  checkUnchanged(root, plan.changes);
  return !dryRun && plan.changes.length > 0;
}

/** The planned changes shown and a yes asked for (interactive); a no cancels the run. */
export async function confirmWrites(ui: Ui, plan: Plan): Promise<void> {
  if ((await ui.confirmPlan(plan)) === false) throw new CancelledError();
}

/** Writes the plan all-or-nothing; a stop signal rolls it back (CancelledError with the signal's exit code). */
export function writeChanges(root: string, plan: Pick<Plan, "changes">, deps: WriteDeps): Promise<void> {
  return applyInterruptibly(root, plan.changes, { signals: deps.signals, hooks: deps.applyHooks });
}
