import path from "node:path";
import { colorsFor } from "../ui/colors.js";
import { CliError } from "../core/errors.js";
import { detectProject } from "../project/detect.js";
import { workspaceRootApps, workspaceRootError } from "../project/workspace.js";
import { auditJson, auditTable, printable } from "../report/audit.js";
import { auditSarif, githubAnnotations } from "../report/audit-ci.js";
import { humanError, jsonError } from "../report/index.js";
import { evaluateAudit, type AuditResult } from "../audit/evaluate.js";
import { scanRoutes } from "../audit/scan.js";

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

export interface AuditDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.0.0-dev";

type Format = "table" | "json" | "sarif";

function formatOf(flags: AuditFlags): Format {
  const format = flags.format ?? (flags.json ? "json" : "table");
  if (format !== "table" && format !== "json" && format !== "sarif") {
    throw new CliError("INVALID_ARGUMENTS", `--format ${format} is not one of table, json, sarif.`, { hint: "Use --format sarif for GitHub code scanning, --format json (or --json) for scripts." });
  }
  if (flags.json && format !== "json") throw new CliError("INVALID_ARGUMENTS", `--json and --format ${format} ask for two formats.`, { hint: "Pass one of them." });
  return format;
}

/** One audited app: its folder relative to the audit's folder ("" for the folder itself). */
interface AppAudit {
  app: string;
  root: string;
  result: AuditResult;
}

async function auditApp(root: string, app: string, flags: AuditFlags): Promise<AppAudit> {
  const project = await detectProject(root, { audit: true });
  // A middleware file that cannot be read (a FIFO, over 1 MB): the audit cannot decide coverage.
  const [unreadable] = project.unreadable.middleware;
  if (unreadable) throw unreadable;
  const allowPublic = (flags.allowPublic ?? "").split(",").map((glob) => glob.trim()).filter((glob) => glob !== "");
  return { app, root: project.root, result: evaluateAudit(project, scanRoutes(project), { strict: flags.strict ?? false, allowPublic }) };
}

/** At a workspace root that is not a Next.js app: every Next.js app of its workspaces, as `add` finds them. */
async function auditTargets(cwd: string, flags: AuditFlags): Promise<AppAudit[]> {
  const found = workspaceRootApps(cwd);
  if (!found) return [await auditApp(cwd, "", flags)];
  if (found.apps.length === 0) throw workspaceRootError(cwd, found, (dir) => dir);
  const audits: AppAudit[] = [];
  for (const app of found.apps) audits.push(await auditApp(path.join(cwd, app.dir), app.dir, flags));
  return audits;
}

/** Paths as CI reads them: relative to the workspace checkout (GITHUB_WORKSPACE) or where the audit ran. */
function prefixFor(root: string, deps: AuditDeps): string {
  const base = deps.env.GITHUB_WORKSPACE ? path.resolve(deps.env.GITHUB_WORKSPACE) : deps.cwd;
  const relative = path.relative(base, root).split(path.sep).join("/");
  return relative === "" || relative.startsWith("..") ? "" : `${relative}/`;
}

export async function runAudit(flags: AuditFlags, deps: AuditDeps): Promise<number> {
  let format: Format = flags.json ? "json" : "table";
  try {
    format = formatOf(flags);
    const audits = await auditTargets(path.resolve(deps.cwd, flags.cwd ?? "."), flags);
    const ok = audits.every((a) => a.result.ok);
    const withPrefix = audits.map((a) => ({ prefix: prefixFor(a.root, deps), result: a.result }));
    if (format === "sarif") {
      deps.stdout.write(`${auditSarif(withPrefix, VERSION)}\n`);
    } else if (format === "json") {
      const [only] = audits;
      const body = audits.length === 1 && only && only.app === "" ? auditJson(only.result) : JSON.stringify({ ok, apps: audits.map((a) => ({ app: a.app, ...JSON.parse(auditJson(a.result)) })) });
      deps.stdout.write(`${body}\n`);
    } else {
      const colors = colorsFor(deps.stdout, deps.env);
      const tables = audits.map((a) => (a.app === "" ? auditTable(a.result, colors) : `${colors.bold(`${printable(a.app)}:`)}\n${auditTable(a.result, colors)}`));
      deps.stdout.write(`${tables.join("\n\n")}\n`);
      if (deps.env.GITHUB_ACTIONS === "true") {
        const annotations = githubAnnotations(withPrefix);
        if (annotations.length > 0) deps.stdout.write(`${annotations.join("\n")}\n`);
      }
    }
    return ok ? 0 : 1;
  } catch (caught) {
    const error =
      caught instanceof CliError
        ? caught
        : new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, { hint: "Please report this with the command you ran." });
    if (format !== "table") deps.stdout.write(`${jsonError(error)}\n`);
    else deps.stderr.write(`${humanError(error, colorsFor(deps.stderr, deps.env))}\n`);
    return error.exitCode === 1 ? 2 : error.exitCode;
  }
}
