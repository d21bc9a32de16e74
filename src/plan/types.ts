import type { FileChange } from "../core/types.js";
import type { LocationNote, PatchNote, UnchangedNote } from "./middleware/index.js";
import type { ClerkApi } from "../clerk/api-versions.js";
import type { RouteGate } from "./middleware/route-gate.js";

// What a plan step found worth telling the user, as data. The words are in report/notes.ts;
// a step never writes a sentence, and nothing matches notes by their text.

/**
 * --no-middleware left `path` alone, and the route cannot work with it as it is: there is none
 * ("missing"), its matcher misses the route ("notCovered": `entry` would cover it), it runs no
 * Clerk ("noClerk"), a rule of its clerkMiddleware() handler stops the webhook or machine callers
 * ("protected"), or it needs an edit this tool would refuse to make ("needsEdit").
 */
export interface MiddlewareReminder {
  kind: "middlewareSkipped";
  path: string;
  route: string;
  reason: "missing" | "notCovered" | "noClerk" | "protected" | "needsEdit";
  entry?: string;
}

export type Note =
  /** Which middleware file runs, and what a patch did to it (see plan/middleware/index.ts). */
  | LocationNote
  | PatchNote
  | MiddlewareReminder
  /**
   * The middleware `path` answers a signed-out caller on `route` before the route's own check: a
   * rule of its clerkMiddleware() handler protects it ("protected"), or its rules could not be
   * read ("unknown"). `style` names the route's own answer (what the caller does not get).
   */
  | { kind: "middlewareAnswersFirst"; path: string; route: string; style: string; gate: RouteGate }
  /** Only the warning that this tool cannot tell whether a route that must stay public is. */
  | Extract<UnchangedNote, { kind: "middlewareLeavesPublic" }>
  /**
   * @clerk/nextjs is missing: `command` installs it. `folder` (relative to the workspace root) when
   * it must run in the app's own folder of a monorepo; otherwise it runs in the project or anywhere
   * inside its workspace.
   */
  | { kind: "installClerk"; command: string; declared: boolean; folder?: string }
  /** Run at a workspace root with --yes: the only Next.js app among its workspaces was used. */
  | { kind: "workspaceAppChosen"; dir: string; cwdFlag: string }
  /**
   * The project's @clerk/nextjs (`version`: installed, or `declaredOnly` the lowest its range
   * allows) lacks `apis`, each with an equivalent the route uses instead (clerk/api-versions.ts).
   */
  | { kind: "clerkAdapted"; version: string; declaredOnly: boolean; apis: ClerkApi[] }
  /**
   * The style needs @clerk/nextjs `to` (it has `apis`), the project has `from`: `command` upgrades
   * it, run after the files are written (--install, or yes at the prompt); until then a next step.
   */
  | { kind: "upgradeClerk"; from: string; to: string; apis: ClerkApi[]; command: string; declaredOnly: boolean }
  /** A package.json field of the wrong type, ignored. */
  | { kind: "packageJsonFieldIgnored"; field: string; expected: string }
  /**
   * A folder above the project with a package.json, lockfile or workspace declaration that others
   * may write (or that another user owns): it decided neither the package manager nor the workspace.
   */
  | { kind: "untrustedParentIgnored"; dir: string }
  /** Something the style leaves for the user to do (a style's own words, see StyleDeclaration.nextSteps). */
  | { kind: "styleNextStep"; text: string }
  | { kind: "prettierFailed"; path: string; reason: string }
  | { kind: "keysFromDifferentInstances"; publishableLive: boolean }
  /** The key is in the env file but empty, and a value was given: left empty. */
  | { kind: "envKeyEmpty"; key: string; file: string; given: string }
  /** The key in the env file differs from the value given: the file's value was kept. */
  | { kind: "envKeyDiffers"; key: string; file: string; current: string; given: string }
  /** Appending would change how existing keys read: nothing appended. */
  | { kind: "envAppendUnsafe"; file: string; keys: string[]; broken: string[] }
  /** A value was given for a key another env file already sets: kept there. */
  | { kind: "envKeySetElsewhere"; key: string; where: string; file: string }
  /** Only a production env file sets the key: development needs it too. */
  | { kind: "envKeyProductionOnly"; key: string; where: string; file: string }
  /** `by`, read by `next dev` before `file`, defines the key as empty: the value in `file` never arrives. */
  | { kind: "envKeyShadowed"; key: string; by: string; file: string }
  | { kind: "fillKeys"; keys: string[]; file: string }
  /** The value the app gets for `key`, from `file`, is not shaped like a Clerk key (`shown`: its start, masked). */
  | { kind: "envKeyNotAKey"; key: string; file: string; shown: string }
  | { kind: "envTracked"; file: string }
  /** The env file was not ignored by git; `.gitignore` gets a line (adding) or the user declined. */
  | { kind: "envNotIgnored"; file: string; adding: boolean }
  /** .gitignore seems to cover the env file, yet git says it is not ignored. */
  | { kind: "envIgnoreRuleIneffective"; file: string };

export interface Plan {
  changes: FileChange[];
  /** Files the plan looked at and left as they are (e.g. middleware already covers the route). */
  unchanged: string[];
  notes: Note[];
}

/** The result of one plan step. */
export interface StepResult {
  changes: FileChange[];
  unchanged: string[];
  notes: Note[];
}

export function emptyStep(): StepResult {
  return { changes: [], unchanged: [], notes: [] };
}
