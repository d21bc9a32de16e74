import path from "node:path";
import { evaluateAudit } from "../audit/evaluate.js";
import { scanRoutes } from "../audit/scan.js";
import { detectProject } from "../project/detect.js";
import type { UiStreams } from "../ui/index.js";
import { runCommand } from "./run-command.js";

// `create-clerk-route audit`: read-only. Detect the project, read every route file once,
// decide, report. Exit 0 clean, 1 with failing findings (or any finding under --strict), 2 when
// the audit could not run.

export interface AuditFlags {
  cwd?: string;
  json?: boolean;
  strict?: boolean;
  allowPublic?: string;
}

export interface AuditDeps extends UiStreams {
  cwd: string;
}

export function runAudit(flags: AuditFlags, deps: AuditDeps): Promise<number> {
  // The audit asks nothing; its table and its errors are not wrapped.
  const choice = { kind: flags.json ? "json" : "text", wrap: false } as const;
  const options = { readOnly: true, exitCode: (error: { exitCode: number }) => (error.exitCode === 1 ? 2 : error.exitCode) };
  return runCommand(
    choice,
    deps,
    async (ui) => {
      const project = await detectProject(path.resolve(deps.cwd, flags.cwd ?? "."));
      // A middleware file that cannot be read (a FIFO, over 1 MB): the audit cannot decide coverage.
      const [unreadable] = project.unreadable.middleware;
      if (unreadable) throw unreadable;
      const allowPublic = (flags.allowPublic ?? "").split(",").map((glob) => glob.trim()).filter((glob) => glob !== "");
      const result = evaluateAudit(project, scanRoutes(project), { strict: flags.strict ?? false, allowPublic });
      ui.audit(result);
      return result.ok ? 0 : 1;
    },
    options,
  );
}
