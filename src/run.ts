import os from "node:os";
import path from "node:path";
import { applyChanges, checkUnchanged, type ApplyHooks } from "./apply.js";
import { colorsFor } from "./colors.js";
import { equivalentCommand } from "./command-line.js";
import { CancelledError, CliError } from "./core/errors.js";
import { formatWithProjectPrettier } from "./format.js";
import { clerkInstallArgs, clerkInstallStep, runInstall, type Installer } from "./install.js";
import { normalizeOptions } from "./options.js";
import { buildPlan, notIgnoredWarning, settlePlan } from "./plan/index.js";
import { detectProject } from "./project/detect.js";
import { readEnvInput } from "./project/env-target.js";
import { readRouteTarget } from "./project/targets.js";
import { humanError, humanPlan, jsonError, jsonReport } from "./report.js";
import type { Options, Plan, Project, RawFlags } from "./types.js";

// One run, start to end: prompts → options → project → plan → apply → report.

export interface RunDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  installer?: Installer;
  applyHooks?: ApplyHooks;
}

/** Prompts are allowed only on a real terminal, outside CI, without --yes or --json. */
export function canPrompt(flags: RawFlags, deps: RunDeps): boolean {
  const ci = deps.env.CI !== undefined && deps.env.CI !== "" && deps.env.CI !== "0" && deps.env.CI !== "false";
  return deps.stdinIsTTY && deps.stdout.isTTY === true && !ci && !flags.yes && !flags.json;
}

async function planRun(
  project: Project,
  options: Options,
  deps: RunDeps,
): Promise<{ plan: Plan; routePath: string; envPath?: string }> {
  const route = readRouteTarget(project, options);
  const env = readEnvInput(project, options, deps.env);
  // The parser (the largest part of the bundle) loads only when there is a file to patch.
  const patchMiddleware =
    options.middleware && project.middlewareFiles.length > 0 ? (await import("./plan/middleware/plan.js")).planMiddleware : undefined;
  const plan = buildPlan({ project, options, route, env, patchMiddleware });
  plan.warnings.unshift(...(env?.keyWarnings ?? []));
  const formatted = await formatWithProjectPrettier(plan, project, [route.path]);
  return { plan: formatted, routePath: route.path, envPath: env?.path };
}

async function execute(flags: RawFlags, deps: RunDeps): Promise<number> {
  const interactive = canPrompt(flags, deps);
  const colors = colorsFor(deps.stdout, deps.env);
  const say = (text: string) => {
    if (!flags.json) deps.stdout.write(`${text}\n`);
  };
  const prompts = interactive ? await import("./prompts.js") : undefined;
  prompts?.intro(colors.bgCyan(colors.black(" create-clerk-route ")));

  const cwd = path.resolve(deps.cwd, flags.cwd ?? ".");
  const project = detectProject(cwd);
  const filled = prompts ? await prompts.fillGaps(flags) : flags;
  const options = normalizeOptions(filled, { absoluteRoots: [project.root, os.homedir()] });

  let { plan, routePath, envPath } = await planRun(project, options, deps);
  try {
    plan = settlePlan(plan, options, routePath);
  } catch (error) {
    if (!(prompts && error instanceof CliError && error.code === "ROUTE_EXISTS")) throw error;
    if (!(await prompts.confirm(`${routePath} already exists. Overwrite it?`, false))) throw new CancelledError();
    options.force = true;
    plan = settlePlan(plan, options, routePath);
  }

  checkUnchanged(project.root, plan.changes); // a dry run refuses what the real run would refuse
  const wrote = !options.dryRun && plan.changes.length > 0;
  if (wrote && prompts) {
    if (envPath) plan = await askAboutGitignore(plan, envPath, prompts);
    if (!(await prompts.confirmPlan(plan, colors))) throw new CancelledError();
  }
  if (wrote) await applyInterruptibly(project.root, plan, deps);

  // From here on files may be written: a failed install is reported after the plan, never instead of it.
  const installed = options.dryRun ? { plan } : await installIfAsked(plan, project, flags, deps, prompts);
  plan = installed.plan;
  if (flags.json) {
    const report = jsonReport(plan, options.dryRun);
    deps.stdout.write(`${installed.error ? jsonError(installed.error, report.changes) : JSON.stringify(report)}\n`);
  } else {
    const title = `${options.route.pattern}: ${options.methods.join(", ")} protected with the ${options.style} style`;
    if (prompts && !options.dryRun) prompts.showResult(plan, title, wrote ? equivalentCommand(options, flags.cwd) : undefined, colors);
    else say(humanPlan(plan, { dryRun: options.dryRun, colors, title }));
    if (installed.error) deps.stderr.write(`${humanError(installed.error, colorsFor(deps.stderr, deps.env))}\n`);
  }
  if (installed.error) return installed.error.exitCode;
  prompts?.outro(options.dryRun ? "Dry run: nothing was written." : wrote ? "Done." : "Nothing to change.");
  return 0;
}

/** Ctrl-C while files are being written rolls back what was written, then exits 130. */
async function applyInterruptibly(root: string, plan: Plan, deps: RunDeps): Promise<void> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on("SIGINT", onSigint);
  try {
    await applyChanges(root, plan.changes, {
      beforeCommit: async (change) => {
        await deps.applyHooks?.beforeCommit?.(change);
        if (interrupted) throw new CancelledError();
      },
    });
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** Interactive runs ask before touching .gitignore (non-interactive runs add it and say so). */
async function askAboutGitignore(plan: Plan, envPath: string, prompts: typeof import("./prompts.js")): Promise<Plan> {
  const change = plan.changes.find((c) => c.path === ".gitignore");
  if (!change) return plan;
  if (await prompts.confirm(`${envPath} is not ignored by git. Add it to .gitignore so the secret key is never committed?`)) return plan;
  return {
    ...plan,
    changes: plan.changes.filter((c) => c !== change),
    warnings: plan.warnings.map((w) => (w === notIgnoredWarning(envPath, true) ? notIgnoredWarning(envPath, false) : w)),
  };
}

/**
 * Installs @clerk/nextjs when missing and asked to (--install, or yes at the prompt). Runs after
 * the files are written, so it never throws: a failure comes back for the report.
 */
async function installIfAsked(
  plan: Plan,
  project: Project,
  flags: RawFlags,
  deps: RunDeps,
  prompts: typeof import("./prompts.js") | undefined,
): Promise<{ plan: Plan; error?: CliError }> {
  if (project.clerk.installed || flags.install === false) return { plan };
  try {
    let wanted = flags.install === true;
    if (!wanted && prompts) wanted = await prompts.confirm(`@clerk/nextjs is not installed. Install it with ${project.packageManager}?`);
    if (!wanted) return { plan };
    const installer = deps.installer ?? runInstall;
    const task = () => installer(project.packageManager, clerkInstallArgs(project), project.root);
    if (prompts) await prompts.withSpinner(`Installing @clerk/nextjs with ${project.packageManager}…`, task);
    else await task();
    return { plan: { ...plan, nextSteps: plan.nextSteps.filter((step) => step !== clerkInstallStep(project)) } };
  } catch (error) {
    if (error instanceof CancelledError) return { plan }; // Ctrl-C at the install question: just don't install
    const cause = error instanceof CliError ? error : new CliError("INSTALL_FAILED", String(error));
    return { plan, error: cause };
  }
}

/** Runs the CLI with parsed flags; returns the exit code. Never throws. */
export async function run(flags: RawFlags, deps: RunDeps): Promise<number> {
  try {
    return await execute(flags, deps);
  } catch (caught) {
    const error =
      caught instanceof CliError
        ? caught
        : new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, {
            hint: "Nothing was written. Please report this with the command you ran.",
          });
    if (flags.json) {
      deps.stdout.write(`${jsonError(error)}\n`);
    } else if (error instanceof CancelledError) {
      deps.stderr.write("Cancelled: nothing was written.\n");
    } else {
      deps.stderr.write(`${humanError(error, colorsFor(deps.stderr, deps.env))}\n`);
    }
    return error.exitCode;
  }
}
