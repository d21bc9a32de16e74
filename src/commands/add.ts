import os from "node:os";
import path from "node:path";
import { runInstall, type Installer } from "../apply/install.js";
import { formatWithProjectPrettier } from "../apply/prettier.js";
import { CancelledError, CliError } from "../core/errors.js";
import type { RawFlags } from "../core/raw-flags.js";
import { shellQuote } from "../core/shell.js";
import { buildPlan, routeExistsError, settlePlan, type Note, type Plan } from "../plan/index.js";
import type { Mode, Options } from "../plan/options.js";
import { canUpgrade, clerkFit } from "../plan/clerk-version.js";
import { CLERK_APIS } from "../clerk/api-versions.js";
import { formatVersion } from "../core/version.js";
import { detectProject, type Project } from "../project/detect.js";
import { readEnvTarget } from "../project/env-target.js";
import { clerkInstall, installCommandText } from "../project/install-command.js";
import { readRouteTarget } from "../project/targets.js";
import { workspaceRootApps, workspaceRootError } from "../project/workspace.js";
import { commandGroups } from "../report/command.js";
import { addTitle } from "../report/run.js";
import { uiKind, type Ui, type UiStreams } from "../ui/index.js";
import { normalizeOptions, resolveMode } from "./resolve-options.js";
import { runCommand } from "./run-command.js";
import { checkWrites, confirmWrites, writeChanges, type WriteDeps } from "./write-steps.js";

// `create-clerk-route [route]`: an ordered list of steps over one context. Each step is a small
// function that reads the context and returns what it found (merged into the context for the
// steps after it); none prints a word or asks which ui it has: questions go to the ui, which
// answers `undefined` when nobody is there (the step then takes the non-interactive default).
//
//   start → workspace app → project (detected first, so a wrong folder fails before any
//   question) → options (prompts fill the gaps) → plan → settle (overwrite?) → check → gitignore?
//   → confirm → write → install → report

export interface RunDeps extends UiStreams, WriteDeps {
  stdinIsTTY: boolean;
  cwd: string;
  installer?: Installer;
}

export interface AddContext {
  readonly flags: RawFlags;
  readonly deps: RunDeps;
  readonly ui: Ui;
  mode: Mode;
  /** Set by the steps, in order. */
  workspaceNote?: Note;
  project?: Project;
  options?: Options;
  plan?: Plan;
  /** The route file's path from the project root. */
  routePath?: string;
  /** The route file exists and is replaced (--force, or a yes). */
  overwrites?: boolean;
  /** Something is written (not a dry run, and the plan changes something). */
  writes?: boolean;
  /** A failure after the files were written (the install): reported with the result. */
  afterError?: CliError;
  /** The style needs a newer @clerk/nextjs of the project's major, and the run upgrades it after writing. */
  upgradeClerk?: boolean;
}

type Step = (ctx: AddContext) => Promise<Partial<AddContext> | void>;

/** The context with `keys` set by earlier steps (a step run out of order is a bug). */
function need<K extends keyof AddContext>(ctx: AddContext, ...keys: K[]): AddContext & Required<Pick<AddContext, K>> {
  for (const key of keys)
    if (ctx[key] === undefined) throw new Error(`add: step needs ${String(key)}, which no earlier step set`);
  return ctx as AddContext & Required<Pick<AddContext, K>>;
}

const start: Step = async ({ ui }) => ui.start();

/**
 * Run at a workspace root that is not itself a Next.js app: the app to work on. Interactive: a
 * choice among its Next.js apps; --yes with exactly one app: that one, and a note says so;
 * otherwise WORKSPACE_ROOT names each app's --cwd. Anywhere else: the mode as it was.
 */
const workspaceApp: Step = async ({ mode, ui }) => {
  const found = workspaceRootApps(mode.cwd);
  if (!found) return;
  // The app's folder as the user would type it: below the --cwd they typed, or relative to where they are.
  const cwdFlagFor = (dir: string) => (mode.cwdFlag ? path.join(mode.cwdFlag, dir).split(path.sep).join("/") : dir);
  const withApp = (dir: string): Mode => ({ ...mode, cwd: path.join(mode.cwd, dir), cwdFlag: cwdFlagFor(dir) });
  const chosen = await ui.chooseApp(found.apps);
  if (chosen !== undefined) return { mode: withApp(chosen) };
  if (mode.yes && found.apps.length === 1) {
    const dir = found.apps[0]!.dir;
    return {
      mode: withApp(dir),
      workspaceNote: { kind: "workspaceAppChosen", dir, cwdFlag: shellQuote(cwdFlagFor(dir)) },
    };
  }
  throw workspaceRootError(mode.cwd, found, (dir) => shellQuote(cwdFlagFor(dir)));
};

const project: Step = async ({ mode }) => ({ project: await detectProject(mode.cwd) });

/** The prompts fill what the flags leave out; then everything is resolved once. */
const options: Step = async (ctx) => {
  const { ui, flags, deps, project } = need(ctx, "project");
  const filled = await ui.fillGaps(flags);
  return { options: normalizeOptions(filled, { absoluteRoots: [project.root, os.homedir()], env: deps.env }) };
};

/**
 * The style needs a newer @clerk/nextjs (same major) than the project's: upgrade it with this run?
 * --install says yes, --no-install no; an interactive run asks. No: the plan refuses (CLERK_TOO_OLD).
 */
const clerkUpgrade: Step = async (ctx) => {
  const { project, options, mode, ui } = need(ctx, "project", "options");
  const fit = clerkFit(project, options);
  if (fit.missing.length === 0 || !canUpgrade(fit) || mode.install === false) return { upgradeClerk: false };
  if (mode.install === true) return { upgradeClerk: true };
  const uses = fit.missing.map((api) => CLERK_APIS[api].code).join(", ");
  const command = installCommandText(clerkInstall(project, `^${fit.upgradeTo}`));
  const question = {
    kind: "upgradeClerk",
    style: options.style.name,
    uses,
    to: fit.upgradeTo!,
    has: formatVersion(fit.target.version!),
    command,
  } as const;
  return { upgradeClerk: (await ui.confirm(question)) === true };
};

const plan: Step = async (ctx) => {
  const { project, options, upgradeClerk } = need(ctx, "project", "options");
  const route = readRouteTarget(project, options.route);
  const unreadableMiddleware = options.middleware ? project.unreadable?.middleware[0] : undefined;
  if (unreadableMiddleware) throw unreadableMiddleware; // a FIFO, folder or oversized proxy/middleware file
  const env = options.env ? readEnvTarget(project, options.envFile) : undefined;
  // The parser (the largest part of the bundle) loads only when there is a file to patch (or, with
  // --no-middleware, to tell whether the route works with it as it is).
  const reader = project.middlewareFiles.length > 0;
  const patchMiddleware = reader ? (await import("../plan/middleware/plan.js")).planMiddleware : undefined;
  const routeGate = reader ? (await import("../plan/middleware/route-gate.js")).routeGate : undefined;
  const built = buildPlan({
    project,
    options,
    route,
    env,
    patchMiddleware,
    routeGate,
    upgradeClerk: upgradeClerk ?? false,
  });
  return { plan: await formatWithProjectPrettier(built, project, [route.path]), routePath: route.path };
};

/** Drops changes that change nothing; an existing route file is overwritten only with --force or a yes. */
const settle: Step = async (ctx) => {
  const { plan, routePath, mode, ui, workspaceNote } = need(ctx, "plan", "routePath");
  const settled = settlePlan(plan, routePath);
  if (settled.overwrite && !mode.force) {
    const overwrite = await ui.confirm({ kind: "overwrite", path: settled.overwrite }, false);
    if (overwrite === undefined) throw routeExistsError(settled.overwrite);
    if (!overwrite) throw new CancelledError();
  }
  const notes = workspaceNote ? [workspaceNote, ...settled.plan.notes] : settled.plan.notes;
  return {
    plan: { ...settled.plan, notes },
    overwrites: settled.plan.changes.some((c) => c.path === routePath && c.before !== null),
  };
};

/** A dry run refuses what the real run would refuse. */
const check: Step = async (ctx) => {
  const { project, plan, mode } = need(ctx, "project", "plan");
  return { writes: checkWrites(project.root, plan, mode.dryRun) };
};

/** Interactive runs ask before touching .gitignore (the others add it, and a note says so). */
const gitignore: Step = async (ctx) => {
  const { plan, options, writes, ui } = need(ctx, "plan", "options", "writes");
  const adding = plan.notes.find((note) => note.kind === "envNotIgnored" && note.adding);
  const change = plan.changes.find((c) => c.path === ".gitignore");
  if (!writes || !options.env || !adding || adding.kind !== "envNotIgnored" || !change) return;
  if ((await ui.confirm({ kind: "gitignore", file: adding.file })) !== false) return;
  return {
    plan: {
      ...plan,
      changes: plan.changes.filter((c) => c !== change),
      notes: plan.notes.map((note) => (note === adding ? { ...adding, adding: false } : note)),
    },
  };
};

const confirm: Step = async (ctx) => {
  const { plan, writes, ui } = need(ctx, "plan", "writes");
  if (writes) await confirmWrites(ui, plan);
};

const write: Step = async (ctx) => {
  const { project, plan, writes, deps } = need(ctx, "project", "plan", "writes");
  if (writes) await writeChanges(project.root, plan, deps);
};

/**
 * Installs @clerk/nextjs when missing and asked to (--install, or yes at the question). Runs after
 * the files are written, so it never throws: a failure is kept for the report.
 */
const install: Step = async (ctx) => {
  const { plan, project, mode, ui, deps } = need(ctx, "plan", "project");
  // An upgrade in the plan was agreed to before planning (--install, or yes at the question).
  const upgrade = plan.notes.find((note) => note.kind === "upgradeClerk");
  if (mode.dryRun || (!upgrade && (project.clerk.installed || mode.install === false))) return;
  try {
    const to = upgrade?.kind === "upgradeClerk" ? upgrade.to : undefined;
    const command = to ? clerkInstall(project, `^${to}`) : clerkInstall(project);
    const wanted =
      mode.install === true ||
      to !== undefined ||
      (await ui.confirm({ kind: "install", command: installCommandText(command) })) === true;
    if (!wanted) return;
    const installer = deps.installer ?? runInstall;
    const task = to
      ? ({ kind: "upgrade", packageManager: project.packageManager, to } as const)
      : ({ kind: "install", packageManager: project.packageManager } as const);
    await ui.progress(task, () => installer(command.packageManager, command.args, command.cwd));
    return {
      plan: {
        ...plan,
        notes: plan.notes.filter((note) => note.kind !== "installClerk" && note.kind !== "upgradeClerk"),
      },
    };
  } catch (error) {
    if (error instanceof CancelledError) return; // Ctrl-C at the install question: just don't install
    return { afterError: error instanceof CliError ? error : new CliError("INSTALL_FAILED", String(error)) };
  }
};

/** From here on files may be written: a failed install is reported after the plan, never instead of it. */
const report: Step = async (ctx) => {
  const { plan, options, project, mode, writes, overwrites, afterError, ui } = need(
    ctx,
    "plan",
    "options",
    "project",
    "writes",
    "overwrites",
  );
  const ciCommand = writes ? commandGroups(options, { ...mode, force: mode.force || overwrites }) : undefined;
  await ui.result(plan, {
    title: addTitle(options, project.workspace?.dir),
    ciCommand,
    dryRun: mode.dryRun,
    afterError,
  });
  if (!afterError) ui.end(mode.dryRun ? "dryRun" : writes ? "done" : "unchanged");
};

/** The steps of `add`, in order. */
export const ADD_STEPS: readonly Step[] = [
  start,
  workspaceApp,
  project,
  options,
  clerkUpgrade,
  plan,
  settle,
  check,
  gitignore,
  confirm,
  write,
  install,
  report,
];

/** Runs the CLI with parsed flags; returns the exit code. Never throws. */
export async function run(flags: RawFlags, deps: RunDeps): Promise<number> {
  // Resolved once, first (it cannot fail): from here on only the prompts read RawFlags, to fill them in.
  const mode = resolveMode(flags, {
    stdinIsTTY: deps.stdinIsTTY,
    stdoutIsTTY: deps.stdout.isTTY === true,
    env: deps.env,
    cwd: deps.cwd,
  });
  return runCommand({ kind: uiKind(mode) }, deps, async (ui) => {
    const ctx: AddContext = { flags, deps, ui, mode };
    for (const step of ADD_STEPS) Object.assign(ctx, await step(ctx));
    return ctx.afterError?.exitCode ?? 0;
  });
}
