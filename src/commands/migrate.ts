import path from "node:path";
import { formatEditedFiles } from "../apply/prettier.js";
import { evaluateAudit } from "../audit/evaluate.js";
import { clerkMajorOf, scanRoutes } from "../audit/scan.js";
import { CancelledError, CliError } from "../core/errors.js";
import { readText } from "../core/files.js";
import { planMigration, type MigrationPlan } from "../migrate/index.js";
import { locateMiddleware } from "../next/middleware-file.js";
import { detectProject, type Project } from "../project/detect.js";
import { clerkInstall, installCommandText } from "../project/install-command.js";
import { CLERK_APIS, clerkSupport, clerkTarget } from "../clerk/api-versions.js";
import { formatVersion } from "../core/version.js";
import { listProtectableFiles, listServerFunctionFiles, nextConfigWithRewrites } from "../project/protected-files.js";
import type { Ui, UiKind, UiStreams } from "../ui/index.js";
import { isCI } from "./resolve-options.js";
import { runCommand } from "./run-command.js";
import { checkWrites, writeChanges, type WriteDeps } from "./write-steps.js";

// `create-clerk-route migrate`: move Route Handler protection out of createRouteMatcher rules and
// into the handlers. Detect the project, read the middleware and every route file (the audit's
// own scan and classification), plan (migrate/, pure), show the diff first and ask (or --yes),
// then write all-or-nothing under the same lock and signals as `add` (commands/write-steps.ts).

export interface MigrateFlags {
  cwd?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  keepRules?: boolean;
}

export interface MigrateDeps extends UiStreams, WriteDeps {
  stdinIsTTY: boolean;
  cwd: string;
}

/** Reads what the plan needs from the disk and plans. */
async function planFromDisk(cwd: string, keepRules: boolean): Promise<{ plan: MigrationPlan; root: string }> {
  // Any Next.js with Route Handlers (13.2+): migrate edits routes that exist, it generates no new one.
  const project = await detectProject(cwd, { existingRoutes: true });
  const [unreadable] = project.unreadable.middleware;
  if (unreadable) throw unreadable;
  const location = locateMiddleware(project.middlewareFiles, {
    language: project.language,
    nextMajor: project.nextMajor,
    srcDir: project.srcDir,
  });
  const scanned = scanRoutes(project);
  const audit = evaluateAudit(project, scanned, { strict: false, allowPublic: [] });
  const covered = new Map(audit.routes.map((r) => [r.file, r.covered]));
  const routes = scanned.routes.map((entry) => ({
    route: entry.route,
    file: entry.file,
    router: entry.router,
    code: readText(path.join(project.root, entry.file), entry.file) ?? "",
    facts: entry.facts,
    covered: covered.get(entry.file) ?? ("unknown" as const),
  }));
  const rewrites = nextConfigWithRewrites(project);
  const major = clerkMajorOf(project);
  const read = { kind: location.kind, ...(major > 0 ? { clerkMajor: major } : {}) };
  const plan = planMigration({
    ...(location.existing
      ? { middleware: { path: location.path, code: location.existing.content, typescript: location.typescript, read } }
      : {}),
    routes,
    others: listProtectableFiles(project),
    serverFunctions: listServerFunctionFiles(project),
    keepRules,
    ...(rewrites ? { rewrites } : {}),
  });
  const routeEdits = plan.routes.some((route) => route.migrated.length > 0);
  if (routeEdits) refuseOldClerk(project);
  const formatted = await formatEditedFiles(plan.changes, project);
  const changes = formatted.changes.filter((c) => c.after !== c.before);
  const notes = [...plan.notes, ...formatted.failed.map((f) => ({ kind: "prettierFailed" as const, ...f }))];
  return { plan: { ...plan, changes, notes }, root: project.root };
}

/**
 * The checks migrate writes test `isAuthenticated` in what `await auth()` returns: a project whose
 * @clerk/nextjs lacks it (before 6.22.0) would answer 401 to every caller, so nothing is written.
 */
function refuseOldClerk(project: Project): void {
  const support = clerkSupport(clerkTarget(project.clerk));
  if (support.has("isAuthenticated")) return;
  const has = formatVersion(support.target.version!);
  throw new CliError(
    "CLERK_TOO_OLD",
    `migrate writes checks on isAuthenticated (const { isAuthenticated } = await auth()), which came in @clerk/nextjs ${CLERK_APIS.isAuthenticated.since}; this project has ${has}.`,
    {
      hint: `Nothing was written. Upgrade @clerk/nextjs to ^${CLERK_APIS.isAuthenticated.since} or later (${installCommandText(clerkInstall(project, `^${CLERK_APIS.isAuthenticated.since}`))}; before 6, npx @clerk/upgrade), then run migrate again.`,
    },
  );
}

function confirmationError(count: number): CliError {
  return new CliError(
    "CONFIRMATION_REQUIRED",
    `migrate would change ${count} file${count === 1 ? "" : "s"}, and there is no terminal to ask "Write these files?" on.`,
    {
      hint: "Pass --yes to write them (see the diff first with --dry-run).",
    },
  );
}

async function migrate(ui: Ui, flags: MigrateFlags, deps: MigrateDeps): Promise<number> {
  ui.start();
  const { plan, root } = await planFromDisk(path.resolve(deps.cwd, flags.cwd ?? "."), flags.keepRules ?? false);
  const dryRun = flags.dryRun ?? false;
  const writes = checkWrites(root, plan, dryRun); // a dry run refuses what the real run would refuse
  if (writes && !flags.yes) {
    const yes = await ui.confirmMigration(plan);
    if (yes === undefined) throw confirmationError(plan.changes.length);
    if (!yes) throw new CancelledError();
  }
  if (writes) await writeChanges(root, plan, deps);
  await ui.migration(plan, { dryRun, written: writes });
  ui.end(dryRun ? "dryRun" : writes ? "done" : "unchanged");
  return 0;
}

/** Runs `migrate`; returns the exit code. Never throws. */
export function runMigrate(flags: MigrateFlags, deps: MigrateDeps): Promise<number> {
  const interactive =
    deps.stdinIsTTY && deps.stdout.isTTY === true && !isCI(deps.env) && !flags.yes && !flags.json && !flags.dryRun;
  const kind: UiKind = flags.json ? "json" : interactive ? "interactive" : "text";
  return runCommand({ kind }, deps, (ui) => migrate(ui, flags, deps));
}
