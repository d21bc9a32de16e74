import os from "node:os";
import path from "node:path";
import { applyChanges, checkUnchanged, type ApplyHooks } from "../apply/write-plan.js";
import type { RawFlags } from "../core/raw-flags.js";
import { colorsFor } from "../ui/colors.js";
import { CancelledError, CliError } from "../core/errors.js";
import type { Mode, Options } from "../plan/options.js";
import { formatWithProjectPrettier } from "../apply/prettier.js";
import { runInstall, type Installer } from "../apply/install.js";
import { clerkInstall, installCommandText } from "../project/install-command.js";
import { normalizeOptions, resolveMode } from "./resolve-options.js";
import { buildPlan, routeExistsError, settlePlan, type Note, type Plan } from "../plan/index.js";
import { canUpgrade, clerkFit } from "../plan/clerk-version.js";
import { CLERK_APIS } from "../clerk/api-versions.js";
import { formatVersion } from "../core/version.js";
import { detectProject, type Project } from "../project/detect.js";
import { readEnvTarget } from "../project/env-target.js";
import { readRouteTarget } from "../project/targets.js";
import { commandGroups } from "../report/command.js";
import { humanError, humanPlan, jsonError, jsonReport, wrapFor } from "../report/index.js";
import { workspaceRootApps, workspaceRootError } from "../project/workspace.js";
import { shellQuote } from "../core/shell.js";

// One run, start to end: mode → project (detected first, so a wrong folder fails before any
// question) → prompts → options → plan → apply → report.

export interface RunDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  installer?: Installer;
  applyHooks?: ApplyHooks;
  /** Where SIGINT, SIGTERM and SIGHUP arrive while files are written (default: process; tests pass their own). */
  signals?: NodeJS.EventEmitter;
}

type Prompts = typeof import("../ui/interactive.js");

async function planRun(project: Project, options: Options, upgradeClerk: boolean): Promise<{ plan: Plan; routePath: string }> {
  const route = readRouteTarget(project, options.route);
  const unreadableMiddleware = options.middleware ? project.unreadable?.middleware[0] : undefined;
  if (unreadableMiddleware) throw unreadableMiddleware; // a FIFO, folder or oversized proxy/middleware file
  const env = options.env ? readEnvTarget(project, options.envFile) : undefined;
  // The parser (the largest part of the bundle) loads only when there is a file to patch (or, with
  // --no-middleware, to tell whether the route works with it as it is).
  const reader = project.middlewareFiles.length > 0;
  const patchMiddleware = reader ? (await import("../plan/middleware/plan.js")).planMiddleware : undefined;
  const routeGate = reader ? (await import("../plan/middleware/route-gate.js")).routeGate : undefined;
  const plan = buildPlan({ project, options, route, env, patchMiddleware, routeGate, upgradeClerk });
  return { plan: await formatWithProjectPrettier(plan, project, [route.path]), routePath: route.path };
}

/**
 * The style needs a newer @clerk/nextjs (same major) than the project's: upgrade it with this run?
 * --install says yes, --no-install no; an interactive run asks. No: the plan refuses (CLERK_TOO_OLD).
 */
async function wantsClerkUpgrade(project: Project, options: Options, mode: Mode, prompts: Prompts | undefined): Promise<boolean> {
  const fit = clerkFit(project, options);
  if (fit.missing.length === 0 || !canUpgrade(fit) || mode.install === false) return false;
  if (mode.install === true) return true;
  if (!prompts) return false;
  const lacks = fit.missing.map((api) => CLERK_APIS[api].code).join(", ");
  const command = installCommandText(clerkInstall(project, `^${fit.upgradeTo}`));
  return prompts.confirm(
    `The ${options.style.name} route uses ${lacks}, which came in @clerk/nextjs ${fit.upgradeTo}; this project has ${formatVersion(fit.target.version!)}. Upgrade it after writing the files (${command})?`,
  );
}

/** Drops changes that change nothing; an existing route file is overwritten only with --force or a yes. */
async function settle(plan: Plan, routePath: string, mode: Mode, prompts: Prompts | undefined): Promise<Plan> {
  const settled = settlePlan(plan, routePath);
  if (!settled.overwrite || mode.force) return settled.plan;
  if (!prompts) throw routeExistsError(settled.overwrite);
  if (!(await prompts.confirm(`${settled.overwrite} already exists. Overwrite it?`, false))) throw new CancelledError();
  return settled.plan;
}

/**
 * Run at a workspace root that is not itself a Next.js app: the app to work on. Interactive: a
 * choice among its Next.js apps; --yes with exactly one app: that one, and a note says so;
 * otherwise WORKSPACE_ROOT names each app's --cwd. Anywhere else: the mode as it was.
 */
async function chooseWorkspaceApp(mode: Mode, prompts: Prompts | undefined): Promise<{ mode: Mode; note?: Note }> {
  const found = workspaceRootApps(mode.cwd);
  if (!found) return { mode };
  // The app's folder as the user would type it: below the --cwd they typed, or relative to where they are.
  const cwdFlagFor = (dir: string) => (mode.cwdFlag ? path.join(mode.cwdFlag, dir).split(path.sep).join("/") : dir);
  const withApp = (dir: string): Mode => ({ ...mode, cwd: path.join(mode.cwd, dir), cwdFlag: cwdFlagFor(dir) });
  if (prompts && found.apps.length > 0) return { mode: withApp(await prompts.selectWorkspaceApp(found.apps)) };
  if (mode.yes && found.apps.length === 1) {
    const dir = found.apps[0]!.dir;
    return { mode: withApp(dir), note: { kind: "workspaceAppChosen", dir, cwdFlag: shellQuote(cwdFlagFor(dir)) } };
  }
  throw workspaceRootError(mode.cwd, found, (dir) => shellQuote(cwdFlagFor(dir)));
}

async function execute(flags: RawFlags, initialMode: Mode, deps: RunDeps): Promise<number> {
  const colors = colorsFor(deps.stdout, deps.env);
  const prompts = initialMode.interactive ? await import("../ui/interactive.js") : undefined;
  prompts?.intro(colors.bgCyan(colors.black(" create-clerk-route ")));

  const chosen = await chooseWorkspaceApp(initialMode, prompts);
  const mode = chosen.mode;
  const project = await detectProject(mode.cwd);
  const filled = prompts ? await prompts.fillGaps(flags) : flags;
  const options = normalizeOptions(filled, { absoluteRoots: [project.root, os.homedir()], env: deps.env });

  const planned = await planRun(project, options, await wantsClerkUpgrade(project, options, mode, prompts));
  let plan = await settle(planned.plan, planned.routePath, mode, prompts);
  if (chosen.note) plan = { ...plan, notes: [chosen.note, ...plan.notes] };
  const overwrites = plan.changes.some((c) => c.path === planned.routePath && c.before !== null);

  checkUnchanged(project.root, plan.changes); // a dry run refuses what the real run would refuse
  const writes = !mode.dryRun && plan.changes.length > 0;
  if (writes && prompts) {
    if (options.env) plan = await askAboutGitignore(plan, prompts);
    if (!(await prompts.confirmPlan(plan, colors))) throw new CancelledError();
  }
  if (writes) await applyInterruptibly(project.root, plan, deps);

  // From here on files may be written: a failed install is reported after the plan, never instead of it.
  const installed = mode.dryRun ? { plan } : await installIfAsked(plan, project, mode, deps, prompts);
  plan = installed.plan;
  if (mode.json) {
    const report = jsonReport(plan, mode.dryRun);
    deps.stdout.write(`${installed.error ? jsonError(installed.error, report.changes) : JSON.stringify(report)}\n`);
  } else {
    // In a monorepo, the paths below are the app's: say which app.
    const app = project.workspace && project.workspace.dir !== "." ? ` in ${project.workspace.dir}` : "";
    const title = `${options.route.pattern}: ${options.methods.join(", ")} protected with the ${options.style.name} style${app}`;
    const ciCommand = writes ? commandGroups(options, { ...mode, force: mode.force || overwrites }) : undefined;
    if (prompts) prompts.showResult(plan, { title, ciCommand, dryRun: mode.dryRun }, colors);
    else deps.stdout.write(`${humanPlan(plan, { dryRun: mode.dryRun, colors, title, wrap: await wrapFor(deps.stdout) })}\n`);
    if (installed.error && prompts) prompts.showError(installed.error, "The files were written; the install was not.");
    else if (installed.error) deps.stderr.write(`${humanError(installed.error, colorsFor(deps.stderr, deps.env), await wrapFor(deps.stderr))}\n`);
  }
  if (installed.error) return installed.error.exitCode;
  prompts?.outro(mode.dryRun ? "Dry run: nothing was written." : writes ? "Done." : "Nothing to change.");
  return 0;
}

/** Signals that stop the writes: rolled back, then exit 128 + the signal's number, as a shell reports it. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Ctrl-C, SIGTERM or SIGHUP while files are being written rolls back what was written. A signal
 * is acted on before each rename and once more after the last one (its rename and clean-up
 * included), while the lock is still held: until the lock is released, a signal always means
 * "nothing was written", and the install never starts. From that last check to removing the
 * handlers the code is synchronous (lock release included): a signal arriving in those few
 * microseconds is dropped by Node when its last listener goes; one after that ends the process
 * the default way, with the files written.
 */
async function applyInterruptibly(root: string, plan: Plan, deps: RunDeps): Promise<void> {
  const signals = deps.signals ?? process;
  let exitCode: number | undefined;
  const handlers = Object.entries(STOP_SIGNALS).map(([signal, code]) => {
    const handler = () => {
      exitCode ??= code;
    };
    signals.on(signal, handler);
    return () => signals.off(signal, handler);
  });
  const stopIfSignalled = () => {
    if (exitCode !== undefined) throw new CancelledError(exitCode);
  };
  try {
    await applyChanges(root, plan.changes, {
      ...deps.applyHooks,
      beforeCommit: async (change) => {
        await deps.applyHooks?.beforeCommit?.(change);
        stopIfSignalled();
      },
      beforeRelease: async () => {
        await deps.applyHooks?.beforeRelease?.();
        stopIfSignalled();
      },
    });
  } finally {
    for (const off of handlers) off();
  }
}

/** Interactive runs ask before touching .gitignore (non-interactive runs add it and say so). */
async function askAboutGitignore(plan: Plan, prompts: Prompts): Promise<Plan> {
  const adding = plan.notes.find((note) => note.kind === "envNotIgnored" && note.adding);
  const change = plan.changes.find((c) => c.path === ".gitignore");
  if (!adding || adding.kind !== "envNotIgnored" || !change) return plan;
  if (await prompts.confirm(`${adding.file} is not ignored by git. Add it to .gitignore so the secret key is never committed?`)) return plan;
  return {
    ...plan,
    changes: plan.changes.filter((c) => c !== change),
    notes: plan.notes.map((note) => (note === adding ? { ...adding, adding: false } : note)),
  };
}

/**
 * Installs @clerk/nextjs when missing and asked to (--install, or yes at the prompt). Runs after
 * the files are written, so it never throws: a failure comes back for the report.
 */
async function installIfAsked(
  plan: Plan,
  project: Project,
  mode: Mode,
  deps: RunDeps,
  prompts: Prompts | undefined,
): Promise<{ plan: Plan; error?: CliError }> {
  // An upgrade in the plan was agreed to before planning (--install, or yes at the prompt).
  const upgrade = plan.notes.find((note) => note.kind === "upgradeClerk");
  if (!upgrade && (project.clerk.installed || mode.install === false)) return { plan };
  try {
    let wanted = mode.install === true || upgrade !== undefined;
    const command = upgrade?.kind === "upgradeClerk" ? clerkInstall(project, `^${upgrade.to}`) : clerkInstall(project);
    if (!wanted && prompts) wanted = await prompts.confirm(`@clerk/nextjs is not installed. Install it now (${installCommandText(command)})?`);
    if (!wanted) return { plan };
    const installer = deps.installer ?? runInstall;
    const task = () => installer(command.packageManager, command.args, command.cwd);
    const doing = upgrade?.kind === "upgradeClerk" ? `Upgrading @clerk/nextjs to ^${upgrade.to}` : "Installing @clerk/nextjs";
    if (prompts) await prompts.withSpinner(`${doing} with ${project.packageManager}…`, task);
    else await task();
    return { plan: { ...plan, notes: plan.notes.filter((note) => note.kind !== "installClerk" && note.kind !== "upgradeClerk") } };
  } catch (error) {
    if (error instanceof CancelledError) return { plan }; // Ctrl-C at the install question: just don't install
    const cause = error instanceof CliError ? error : new CliError("INSTALL_FAILED", String(error));
    return { plan, error: cause };
  }
}

/** Runs the CLI with parsed flags; returns the exit code. Never throws. */
export async function run(flags: RawFlags, deps: RunDeps): Promise<number> {
  // Resolved once, first (it cannot fail): from here on only the prompts read RawFlags, to fill them in.
  const mode = resolveMode(flags, { stdinIsTTY: deps.stdinIsTTY, stdoutIsTTY: deps.stdout.isTTY === true, env: deps.env, cwd: deps.cwd });
  try {
    return await execute(flags, mode, deps);
  } catch (caught) {
    const error =
      caught instanceof CliError
        ? caught
        : new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, {
            hint: "Nothing was written. Please report this with the command you ran.",
          });
    // An interactive run ends inside the prompts' frame (the module is already loaded by then).
    const prompts = mode.interactive && !mode.json ? await import("../ui/interactive.js").catch(() => undefined) : undefined;
    if (mode.json) {
      deps.stdout.write(`${jsonError(error)}\n`);
    } else if (error instanceof CancelledError) {
      if (prompts) prompts.cancelled("Cancelled: nothing was written.");
      else deps.stderr.write("Cancelled: nothing was written.\n");
    } else if (prompts) {
      prompts.showError(error, "Nothing was written.");
    } else {
      deps.stderr.write(`${humanError(error, colorsFor(deps.stderr, deps.env), await wrapFor(deps.stderr))}\n`);
    }
    return error.exitCode;
  }
}
