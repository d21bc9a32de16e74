import type { Options } from "../plan/options.js";

// The words of a writing run (add, and any command that writes a plan the same way): the
// questions it asks, the result's title, and how a run ends. The commands pass data; the ui asks
// here for the sentence.

/** A yes/no question a writing run may ask, as data. */
export type Confirmation =
  /** The route file exists and differs (no --force). */
  | { kind: "overwrite"; path: string }
  /** The env file is not ignored by git: may the run add it to .gitignore? */
  | { kind: "gitignore"; file: string }
  /** @clerk/nextjs is missing: install it now with `command`? */
  | { kind: "install"; command: string }
  /** The style needs a newer @clerk/nextjs of the same major: upgrade it after writing the files? */
  | { kind: "upgradeClerk"; style: string; uses: string; to: string; has: string; command: string }
  /** Asked again after "Show the diff first". */
  | { kind: "writeAfterDiff" };

export function confirmationText(question: Confirmation): string {
  switch (question.kind) {
    case "overwrite":
      return `${question.path} already exists. Overwrite it?`;
    case "gitignore":
      return `${question.file} is not ignored by git. Add it to .gitignore so the secret key is never committed?`;
    case "install":
      return `@clerk/nextjs is not installed. Install it now (${question.command})?`;
    case "upgradeClerk":
      return `The ${question.style} route uses ${question.uses}, which came in @clerk/nextjs ${question.to}; this project has ${question.has}. Upgrade it after writing the files (${question.command})?`;
    case "writeAfterDiff":
      return WRITE_THESE_FILES;
  }
}

export const WRITE_THESE_FILES = "Write these files?";

/** A long task the user waits for (shown with a spinner on a terminal). */
export type Task =
  { kind: "install"; packageManager: string } | { kind: "upgrade"; packageManager: string; to: string };

export function taskText(task: Task): string {
  return task.kind === "upgrade"
    ? `Upgrading @clerk/nextjs to ^${task.to} with ${task.packageManager}…`
    : `Installing @clerk/nextjs with ${task.packageManager}…`;
}

/** How a run ends. */
export type Closing =
  /** Files were written. */
  | "done"
  | "dryRun"
  /** The project already had everything. */
  | "unchanged"
  /** Cancelled at a prompt or by a signal before anything stayed written. */
  | "cancelled"
  /** An error before anything was written. */
  | "failed"
  /** The files were written, then the install failed. */
  | "installFailed";

export function closingText(closing: Closing): string {
  switch (closing) {
    case "done":
      return "Done.";
    case "dryRun":
      return "Dry run: nothing was written.";
    case "unchanged":
      return "Nothing to change.";
    case "cancelled":
      return "Cancelled: nothing was written.";
    case "failed":
      return "Nothing was written.";
    case "installFailed":
      return "The files were written; the install was not.";
  }
}

/** The success line of `add`; in a monorepo it names the app, since the paths below are the app's. */
export function addTitle(
  options: Pick<Options, "route" | "methods" | "style">,
  workspaceDir: string | undefined,
): string {
  const app = workspaceDir && workspaceDir !== "." ? ` in ${workspaceDir}` : "";
  return `${options.route.pattern}: ${options.methods.join(", ")} protected with the ${options.style.name} style${app}`;
}
