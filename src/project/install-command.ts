import { shellQuote } from "../core/shell.js";
import type { PackageManager } from "../core/types.js";
import type { Project } from "./detect.js";

// The command that installs @clerk/nextjs with the project's own package manager, and where it
// runs (shown as a next step, or run with --install): built in one place.

const CLERK = "@clerk/nextjs";

/** One install command: what to run and where. */
export interface InstallCommand {
  packageManager: PackageManager;
  args: string[];
  /** Absolute folder to run it in: the project, or its workspace root. */
  cwd: string;
  /**
   * Set only when the command must run in the app's own folder inside a workspace (bun add, or
   * an app without a package name): that folder, relative to the workspace root, for the words.
   */
  folder?: string;
}

type InstallFacts = Pick<Project, "root" | "packageManager" | "clerk" | "packageName" | "workspace">;

/**
 * Installs or adds @clerk/nextjs. Declared but not installed: a plain install, which keeps the
 * declared range (in a workspace, at its root: it installs every workspace). Not declared: add it
 * to this app only. In a workspace, from the root with the package manager's own workspace flag:
 * `npm install @clerk/nextjs -w <dir>`, `pnpm --filter <name> add @clerk/nextjs`,
 * `yarn workspace <name> add @clerk/nextjs`; bun has no such flag for `add`, so `bun add` runs in
 * the app's folder (as do pnpm and yarn for an app without a name). An app that is the workspace
 * root itself: pnpm needs `-w` to add there. `range` ("^6.22.0"): an upgrade, added the same way.
 */
export function clerkInstall(project: InstallFacts, range?: string): InstallCommand {
  const { packageManager: pm, workspace } = project;
  const spec = range === undefined ? CLERK : `${CLERK}@${range}`;
  const add = pm === "npm" ? ["install", spec] : ["add", spec];
  // A range to upgrade to is added like a new dependency: it replaces the declared one.
  const declared = project.clerk.declared && range === undefined;
  if (!workspace) return { packageManager: pm, args: declared ? ["install"] : add, cwd: project.root };
  if (declared) return { packageManager: pm, args: ["install"], cwd: workspace.root };
  if (workspace.dir === ".")
    return { packageManager: pm, args: pm === "pnpm" ? ["add", "-w", CLERK] : add, cwd: workspace.root };
  const name = project.packageName;
  if (pm === "npm") return { packageManager: pm, args: [...add, "-w", workspace.dir], cwd: workspace.root };
  if (pm === "pnpm" && name) return { packageManager: pm, args: ["--filter", name, ...add], cwd: workspace.root };
  if (pm === "yarn" && name) return { packageManager: pm, args: ["workspace", name, ...add], cwd: workspace.root };
  return { packageManager: pm, args: add, cwd: project.root, folder: workspace.dir };
}

/** The command as the user would type it, e.g. "pnpm --filter web add @clerk/nextjs". */
export function installCommandText(command: Pick<InstallCommand, "packageManager" | "args">): string {
  return [command.packageManager, ...command.args.map(shellQuote)].join(" ");
}
