import { FAILING_CODES, type FindingCode } from "../audit/codes.js";
import type { AuditResult, Finding } from "../audit/evaluate.js";
import { describeFinding } from "./audit.js";

// The audit for CI: SARIF 2.1.0 (one result per finding, at the file and the handler's line, so
// GitHub code scanning shows it on the pull request) and GitHub Actions workflow commands
// (`::error file=…,line=…::…`, shown as annotations beside the log). `prefix` is the audited
// project's folder relative to where the paths are read from (the repository), "" when the same.

const RULES: Record<FindingCode, string> = {
  NO_MIDDLEWARE: "A route calls Clerk, but no clerkMiddleware() runs in the project",
  NOT_COVERED: "A route calls Clerk, but the middleware's matcher does not run clerkMiddleware() on it",
  WEBHOOK_PROTECTED: "A signature-verified webhook route is protected by a middleware rule: the webhook never arrives",
  MACHINE_PROTECTED: "A machine-token route is protected by a session-only auth.protect() rule",
  SECRET_PROTECTED:
    "A shared-secret route (cron, another server) is turned away by a session rule before its own check",
  MIDDLEWARE_ONLY: "A handler has no check of its own: only a deprecated createRouteMatcher rule protects it",
  RULE_FLAW: "A middleware rule does something other than it seems to (an un-awaited auth.protect() blocks nothing)",
  UNCHECKED: "A handler calls Clerk but still answers signed-out callers",
  PUBLIC: "A handler has no check: anyone can call it",
  UNKNOWN: "How a route is protected cannot be read",
};

const pascal = (code: string) => code.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

function allFindings(
  results: Array<{ prefix: string; result: AuditResult }>,
): Array<{ prefix: string; finding: Finding }> {
  return results.flatMap(({ prefix, result }) =>
    [...result.problems, ...result.routes.flatMap((r) => r.findings)].map((finding) => ({ prefix, finding })),
  );
}

/** A relative path as a URI reference: each segment percent-encoded (`[id]` → `%5Bid%5D`). */
function uriOf(prefix: string, file: string): string {
  return `${prefix}${file}`.split("/").map(encodeURIComponent).join("/");
}

export function auditSarif(results: Array<{ prefix: string; result: AuditResult }>, version: string): string {
  const codes = Object.keys(RULES) as FindingCode[];
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "create-clerk-route audit",
            version,
            informationUri: "https://www.npmjs.com/package/create-clerk-route",
            rules: codes.map((code) => ({
              id: code,
              name: pascal(code),
              shortDescription: { text: RULES[code] },
              defaultConfiguration: { level: FAILING_CODES.has(code) ? "error" : "warning" },
            })),
          },
        },
        results: allFindings(results).map(({ prefix, finding }) => {
          const { message, fix } = describeFinding(finding);
          return {
            ruleId: finding.code,
            ruleIndex: codes.indexOf(finding.code),
            level: finding.severity,
            message: { text: `${message} Fix: ${fix}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uriOf(prefix, finding.file.replace(/\/$/, "")), uriBaseId: "%SRCROOT%" },
                  region: { startLine: Math.max(1, finding.line) },
                },
              },
            ],
            partialFingerprints: { route: `${prefix}${finding.file}:${finding.code}:${finding.route}` },
          };
        }),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

/** GitHub's escaping of a workflow command's data (%, CR, LF) and properties (also : and ,). */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One `::error` / `::warning` workflow command per finding. */
export function githubAnnotations(results: Array<{ prefix: string; result: AuditResult }>): string[] {
  return allFindings(results).map(({ prefix, finding }) => {
    const { message, fix } = describeFinding(finding);
    const kind = finding.severity === "error" ? "error" : "warning";
    return `::${kind} file=${escapeProperty(`${prefix}${finding.file}`)},line=${Math.max(1, finding.line)},title=${escapeProperty(`${finding.code} ${finding.route}`)}::${escapeData(`${message} Fix: ${fix}`)}`;
  });
}
