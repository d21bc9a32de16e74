import type { Colors } from "picocolors/types.js";
import type { AuditResult } from "../audit/evaluate.js";
import { auditJson, auditTable, printable } from "./audit.js";
import { auditSarif, githubAnnotations } from "./audit-ci.js";

// The audit's whole output, in the format asked for: a table per app (with GitHub workflow
// annotations beside it in Actions), one JSON object, or one SARIF log.

/** One audited app: its folder below where the audit ran ("" for that folder itself), its paths' prefix as CI reads them, its result. */
export interface AppAudit {
  app: string;
  prefix: string;
  result: AuditResult;
}

export interface AuditReport {
  format: "table" | "json" | "sarif";
  apps: AppAudit[];
  /** GITHUB_ACTIONS=true: workflow annotations after the tables. */
  annotations: boolean;
  /** This tool's version, for SARIF's driver. */
  version: string;
}

export function auditOutput(report: AuditReport, colors: Colors): string {
  const { apps } = report;
  if (report.format === "sarif") return auditSarif(apps, report.version);
  if (report.format === "json") {
    const [only] = apps;
    if (apps.length === 1 && only && only.app === "") return auditJson(only.result);
    const ok = apps.every((a) => a.result.ok);
    return JSON.stringify({
      ok,
      apps: apps.map((a) => ({ app: a.app, ...(JSON.parse(auditJson(a.result)) as object) })),
    });
  }
  const tables = apps.map((a) =>
    a.app === ""
      ? auditTable(a.result, colors)
      : `${colors.bold(`${printable(a.app)}:`)}\n${auditTable(a.result, colors)}`,
  );
  const annotations = report.annotations ? githubAnnotations(apps) : [];
  return [tables.join("\n\n"), ...(annotations.length > 0 ? [annotations.join("\n")] : [])].join("\n");
}
