import path from "node:path";
import { CliError } from "../core/errors.js";
import { evaluateAudit } from "../audit/evaluate.js";
import { scanRoutes } from "../audit/scan.js";
import { detectProject } from "../project/detect.js";
import { workspaceRootApps, workspaceRootError } from "../project/workspace.js";
import type { AppAudit, AuditReport } from "../report/audit-output.js";
import type { UiStreams } from "../ui/index.js";
import { runCommand } from "./run-command.js";

// `create-clerk-route audit`: read-only. Detect the project (any Next.js 13+, App Router and/or
// Pages Router API routes; at a monorepo's root, every Next.js app of its workspaces), read every
// route file once, decide, report as a table, JSON or SARIF (and GitHub annotations in Actions).
// Exit 0 clean, 1 with failing findings (or any finding under --strict), 2 when it could not run.

export interface AuditFlags {
  cwd?: string;
  json?: boolean;
  strict?: boolean;
  allowPublic?: string;
  format?: string;
}

export interface AuditDeps extends UiStreams {
  cwd: string;
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";

type Format = AuditReport["format"];

function formatOf(flags: AuditFlags): Format {
  const format = flags.format ?? (flags.json ? "json" : "table");
  if (format !== "table" && format !== "json" && format !== "sarif") {
    throw new CliError("INVALID_ARGUMENTS", `--format ${format} is not one of table, json, sarif.`, {
      hint: "Use --format sarif for GitHub code scanning, --format json (or --json) for scripts.",
    });
  }
  if (flags.json && format !== "json")
    throw new CliError("INVALID_ARGUMENTS", `--json and --format ${format} ask for two formats.`, {
      hint: "Pass one of them.",
    });
  return format;
}

async function auditApp(root: string, app: string, flags: AuditFlags, deps: AuditDeps): Promise<AppAudit> {
  const project = await detectProject(root, { existingRoutes: true });
  // A middleware file that cannot be read (a FIFO, over 1 MB): the audit cannot decide coverage.
  const [unreadable] = project.unreadable.middleware;
  if (unreadable) throw unreadable;
  const allowPublic = (flags.allowPublic ?? "")
    .split(",")
    .map((glob) => glob.trim())
    .filter((glob) => glob !== "");
  const result = evaluateAudit(project, scanRoutes(project), { strict: flags.strict ?? false, allowPublic });
  return { app, prefix: prefixFor(project.root, deps), result };
}

/** At a workspace root that is not a Next.js app: every Next.js app of its workspaces, as `add` finds them. */
async function auditTargets(cwd: string, flags: AuditFlags, deps: AuditDeps): Promise<AppAudit[]> {
  const found = workspaceRootApps(cwd);
  if (!found) return [await auditApp(cwd, "", flags, deps)];
  if (found.apps.length === 0) throw workspaceRootError(cwd, found, (dir) => dir);
  const audits: AppAudit[] = [];
  for (const app of found.apps) audits.push(await auditApp(path.join(cwd, app.dir), app.dir, flags, deps));
  return audits;
}

/** Paths as CI reads them: relative to the workspace checkout (GITHUB_WORKSPACE) or where the audit ran. */
function prefixFor(root: string, deps: AuditDeps): string {
  const base = deps.env.GITHUB_WORKSPACE ? path.resolve(deps.env.GITHUB_WORKSPACE) : deps.cwd;
  const relative = path.relative(base, root).split(path.sep).join("/");
  return relative === "" || relative.startsWith("..") ? "" : `${relative}/`;
}

export function runAudit(flags: AuditFlags, deps: AuditDeps): Promise<number> {
  // The audit asks nothing; its table and its errors are not wrapped. JSON and SARIF runs answer errors in JSON.
  const structured = flags.json === true || flags.format === "json" || flags.format === "sarif";
  const choice = { kind: structured ? "json" : "text", wrap: false } as const;
  const options = {
    readOnly: true,
    exitCode: (error: { exitCode: number }) => (error.exitCode === 1 ? 2 : error.exitCode),
  };
  return runCommand(
    choice,
    deps,
    async (ui) => {
      const format = formatOf(flags);
      const apps = await auditTargets(path.resolve(deps.cwd, flags.cwd ?? "."), flags, deps);
      ui.audit({ format, apps, annotations: deps.env.GITHUB_ACTIONS === "true", version: VERSION });
      return apps.every((a) => a.result.ok) ? 0 : 1;
    },
    options,
  );
}
