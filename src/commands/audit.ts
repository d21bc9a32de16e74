import path from "node:path";
import { colorsFor } from "../ui/colors.js";
import { CliError } from "../core/errors.js";
import { detectProject } from "../project/detect.js";
import { auditJson, auditTable } from "../report/audit.js";
import { humanError, jsonError } from "../report/index.js";
import { evaluateAudit } from "../audit/evaluate.js";
import { scanRoutes } from "../audit/scan.js";

// `create-clerk-route audit`: read-only. Detect the project, read every route file once,
// decide, report. Exit 0 clean, 1 with failing findings (or any finding under --strict).

export interface AuditFlags {
  cwd?: string;
  json?: boolean;
  strict?: boolean;
  allowPublic?: string;
}

export interface AuditDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function runAudit(flags: AuditFlags, deps: AuditDeps): Promise<number> {
  try {
    const project = await detectProject(path.resolve(deps.cwd, flags.cwd ?? "."));
    // A middleware file that cannot be read (a FIFO, over 1 MB): the audit cannot decide coverage.
    const [unreadable] = project.unreadable.middleware;
    if (unreadable) throw unreadable;
    const allowPublic = (flags.allowPublic ?? "").split(",").map((glob) => glob.trim()).filter((glob) => glob !== "");
    const result = evaluateAudit(project, scanRoutes(project), { strict: flags.strict ?? false, allowPublic });
    deps.stdout.write(`${flags.json ? auditJson(result) : auditTable(result, colorsFor(deps.stdout, deps.env))}\n`);
    return result.ok ? 0 : 1;
  } catch (caught) {
    const error =
      caught instanceof CliError
        ? caught
        : new CliError("UNEXPECTED", `Unexpected error: ${(caught as Error)?.stack ?? String(caught)}`, { hint: "Please report this with the command you ran." });
    if (flags.json) deps.stdout.write(`${jsonError(error)}\n`);
    else deps.stderr.write(`${humanError(error, colorsFor(deps.stderr, deps.env))}\n`);
    return error.exitCode === 1 ? 2 : error.exitCode;
  }
}
