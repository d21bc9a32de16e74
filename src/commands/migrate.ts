import path from "node:path";
import { checkUnchanged } from "../apply/write-plan.js";
import { formatEditedFiles } from "../apply/prettier.js";
import { evaluateAudit } from "../audit/evaluate.js";
import { scanRoutes } from "../audit/scan.js";
import { CancelledError, CliError } from "../core/errors.js";
import { readText } from "../core/files.js";
import { planMigration, type MigrationPlan } from "../migrate/index.js";
import { locateMiddleware } from "../next/middleware-file.js";
import { detectProject } from "../project/detect.js";
import { listProtectableFiles, listServerFunctionFiles, nextConfigWithRewrites } from "../project/protected-files.js";
import { humanMigration, jsonMigration } from "../report/migrate.js";
import { humanError, jsonError, wrapFor } from "../report/index.js";
import { colorsFor } from "../ui/colors.js";
import { applyInterruptibly, type RunDeps } from "./add.js";
import { isCI } from "./resolve-options.js";

// `create-clerk-route migrate`: move Route Handler protection out of createRouteMatcher rules and
// into the handlers. Detect the project, read the middleware and every route file (the audit's
// own scan and classification), plan (migrate/, pure), show the diff first and ask (or --yes),
// then write all-or-nothing under the same lock and signals as `add`.

export interface MigrateFlags {
  cwd?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  keepRules?: boolean;
}

type Prompts = typeof import("../ui/interactive.js");

/** Reads what the plan needs from the disk and plans. */
async function planFromDisk(cwd: string, keepRules: boolean): Promise<{ plan: MigrationPlan; root: string }> {
  const project = await detectProject(cwd);
  const [unreadable] = project.unreadable.middleware;
  if (unreadable) throw unreadable;
  const location = locateMiddleware(project.middlewareFiles, { language: project.language, nextMajor: project.nextMajor, srcDir: project.srcDir });
  const scanned = scanRoutes(project);
  const audit = evaluateAudit(project, scanned, { strict: false, allowPublic: [] });
  const covered = new Map(audit.routes.map((r) => [r.file, r.covered]));
  const routes = scanned.map((entry) => ({
    route: entry.route,
    file: entry.file,
    code: readText(path.join(project.root, entry.file), entry.file) ?? "",
    facts: entry.facts,
    covered: covered.get(entry.file) ?? ("unknown" as const),
  }));
  const rewrites = nextConfigWithRewrites(project);
  const plan = planMigration({
    ...(location.existing ? { middleware: { path: location.path, code: location.existing.content, typescript: location.typescript } } : {}),
    routes,
    others: listProtectableFiles(project),
    serverFunctions: listServerFunctionFiles(project),
    keepRules,
    ...(rewrites ? { rewrites } : {}),
  });
  const formatted = await formatEditedFiles(plan.changes, project);
  const changes = formatted.changes.filter((c) => c.after !== c.before);
  const notes = [...plan.notes, ...formatted.failed.map((f) => ({ kind: "prettierFailed" as const, ...f }))];
  return { plan: { ...plan, changes, notes }, root: project.root };
}

function confirmationError(count: number): CliError {
  return new CliError("CONFIRMATION_REQUIRED", `migrate would change ${count} file${count === 1 ? "" : "s"}, and there is no terminal to ask "Write these files?" on.`, {
    hint: "Pass --yes to write them (see the diff first with --dry-run).",
  });
}

async function execute(flags: MigrateFlags, deps: RunDeps, interactive: boolean): Promise<number> {
  const colors = colorsFor(deps.stdout, deps.env);
  const prompts: Prompts | undefined = interactive ? await import("../ui/interactive.js") : undefined;
  prompts?.intro(colors.bgCyan(colors.black(" create-clerk-route migrate ")));
  const { plan, root } = await planFromDisk(path.resolve(deps.cwd, flags.cwd ?? "."), flags.keepRules ?? false);
  checkUnchanged(root, plan.changes); // a dry run refuses what the real run would refuse
  const dryRun = flags.dryRun ?? false;
  const writes = !dryRun && plan.changes.length > 0;
  if (writes && !prompts && !flags.yes) throw confirmationError(plan.changes.length);
  if (writes && prompts) {
    const summary = humanMigration(plan, { dryRun: false, colors, written: false, wrap: prompts.frameWrap() });
    if (!(await prompts.confirmDiffFirst(plan.changes, summary, colors))) throw new CancelledError();
  }
  if (writes) await applyInterruptibly(root, plan, deps);

  if (flags.json) {
    deps.stdout.write(`${JSON.stringify(jsonMigration(plan, dryRun))}\n`);
  } else if (prompts) {
    prompts.showReport(humanMigration(plan, { dryRun, colors, written: writes, wrap: prompts.frameWrap() }));
    prompts.outro(dryRun ? "Dry run: nothing was written." : writes ? "Done." : "Nothing to change.");
  } else {
    deps.stdout.write(`${humanMigration(plan, { dryRun, colors, written: writes, wrap: await wrapFor(deps.stdout) })}\n`);
  }
  return 0;
}

/** Runs `migrate`; returns the exit code. Never throws. */
export async function runMigrate(flags: MigrateFlags, deps: RunDeps): Promise<number> {
  const interactive = deps.stdinIsTTY && deps.stdout.isTTY === true && !isCI(deps.env) && !flags.yes && !flags.json && !flags.dryRun;
  try {
    return await execute(flags, deps, interactive);
  } catch (caught) {
    const error =
      caught instanceof CliError
        ? caught
        : new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, {
            hint: "Nothing was written. Please report this with the command you ran.",
          });
    const prompts = interactive ? await import("../ui/interactive.js").catch(() => undefined) : undefined;
    if (flags.json) {
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
