import type { Colors } from "picocolors/types.js";
import type { AuditResult, Finding, RouteExemption } from "../audit/evaluate.js";

// The audit in words: a table by route, then each finding with its fix; or one JSON object in
// which every finding carries the same message and fix.

export function describeFinding(finding: Finding): { message: string; fix: string } {
  const { route, file, proxy } = finding;
  const matcherEntry = (entry: string | undefined) => (entry ? JSON.stringify(entry) : `an entry covering ${route}`);
  switch (finding.code) {
    case "NO_MIDDLEWARE":
      return {
        message: `${route} calls Clerk, but no clerkMiddleware() runs in this project${finding.why ? ` (${finding.why})` : ""}: auth() fails at runtime.`,
        fix: `Add ${proxy} (middleware.ts before Next.js 16) exporting clerkMiddleware() as its default, with ${matcherEntry(finding.entry)} in config.matcher.`,
      };
    case "NOT_COVERED":
      return {
        message: `${route} calls Clerk, but the matcher in ${proxy} does not run clerkMiddleware() on it: auth() fails at runtime.`,
        fix: `Add ${matcherEntry(finding.entry)} to config.matcher in ${proxy}.`,
      };
    case "WEBHOOK_PROTECTED":
      return {
        message: `${route} verifies a webhook, but the clerkMiddleware() handler in ${proxy} protects it (${finding.rule}): Clerk's servers carry no session, so the webhook never arrives.`,
        fix: `${exemptionFix(`Make ${route} public in ${proxy}`, route, finding.exemption)}.`,
      };
    case "MACHINE_PROTECTED":
      return {
        message: `${route} accepts machine tokens, but the clerkMiddleware() handler in ${proxy} protects it (${finding.rule}) with auth.protect(), which takes session tokens only: API keys, M2M and OAuth tokens get 401 before the handler runs.`,
        fix: `${exemptionFix(`Exempt ${route} from that rule in ${proxy}`, route, finding.exemption)}; the handler checks the token itself.`,
      };
    case "UNCHECKED":
      return {
        message: `${route} (${finding.methods.join(", ")}) calls auth() or currentUser() but never tests the result before answering.`,
        fix: 'Answer 401 first when signed out: const { isAuthenticated } = await auth(); if (!isAuthenticated) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });',
      };
    case "PUBLIC":
      return {
        message: `${route} (${finding.methods.join(", ")}) has no check: anyone can call it.`,
        fix: `Add a check to the handler (answer 401 when auth() says signed out), or say it is public on purpose: a "// clerk-audit: public" comment in ${file}, or --allow-public '${route}'.`,
      };
    case "UNKNOWN":
      return {
        message: `${route}${finding.methods.length > 0 ? ` (${finding.methods.join(", ")})` : ""}: how it is protected cannot be read (${finding.why}).`,
        fix: `Check ${file} by hand; write the check in the handler itself so the audit can read it, or mark a public route with "// clerk-audit: public".`,
      };
  }
}

/**
 * How to exempt the route from its rule without unprotecting anything else: its exact pattern
 * (never "(.*)": "/api/hooks/clerk(.*)" is also /api/hooks/clerk-admin), or, when that pattern
 * also matches other routes or pages the rule protects, the edit that exempts only the route.
 */
function exemptionFix(lead: string, route: string, exemption: RouteExemption): string {
  const pattern = JSON.stringify(exemption.pattern);
  if (exemption.exposes.length === 0) return `${lead}: add ${pattern} to a createRouteMatcher list of public routes that rule skips`;
  const shown = exemption.exposes
    .slice(0, 5)
    .map(({ file, path, caseOnly }) => `${file} (${path}${caseOnly ? ": createRouteMatcher ignores case, Next.js routes do not" : ""})`);
  const more = exemption.exposes.length - shown.length;
  const reached = `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  const but = `${lead}, but not with ${pattern} alone: it also matches ${reached}, which that rule protects today`;
  const { edit } = exemption;
  if (!edit) return `${but}; no createRouteMatcher list exempts only ${route}, so give it a path that no other route or page shares`;
  const own =
    edit.newRoute.kind === "pattern"
      ? `createRouteMatcher([${JSON.stringify(edit.newRoute.source)}])`
      : `createRouteMatcher([/${edit.newRoute.source}/]) (a regular expression: createRouteMatcher's patterns ignore case)`;
  const kept = edit.kept.map((entry) => JSON.stringify(entry.pattern)).join(", ");
  const condition = edit.kept.length > 0 ? "!isNewRoute(req) || isOtherRoute(req)" : "!isNewRoute(req)";
  const others = edit.kept.length > 0 ? ` and isOtherRoute = createRouteMatcher([${kept}]) (they keep your current protection)` : "";
  return `${but}. Exempt only ${route}'s own paths: put that rule inside if (${condition}), with isNewRoute = ${own}${others}`;
}

/** The result as --json prints it: every finding with its code, severity, message and fix. */
export function auditJson(result: AuditResult): string {
  return JSON.stringify({
    ...result,
    routes: result.routes.map((route) => ({
      ...route,
      findings: route.findings.map((finding) => ({ code: finding.code, severity: finding.severity, ...describeFinding(finding) })),
    })),
  });
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - text.length));
}

export function auditTable(result: AuditResult, colors: Colors): string {
  const header = ["route", "methods", "protection", "covered", "findings"];
  const rows = result.routes.map((route) => [
    route.route,
    route.methods.join(",") || "-",
    route.protection,
    route.covered === "unknown" ? "?" : route.covered ? "yes" : "no",
    route.findings.map((f) => f.code).join(",") || "-",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i]!))).join("  ");
  const out = [colors.bold(line(header))];
  for (const [index, row] of rows.entries()) {
    const findings = result.routes[index]!.findings;
    const text = line(row);
    out.push(findings.some((f) => f.severity === "error") ? colors.red(text) : findings.length > 0 ? colors.yellow(text) : text);
  }
  const all = result.routes.flatMap((route) => route.findings);
  if (all.length > 0) out.push("");
  for (const finding of all) {
    const mark = finding.severity === "error" ? colors.red("✖") : colors.yellow("!");
    const { message, fix } = describeFinding(finding);
    out.push(`${mark} ${finding.code} ${finding.file}: ${message}`, `  ${colors.dim("fix:")} ${fix}`);
  }
  const counted = Object.entries(result.findings).map(([code, count]) => `${count} ${code}`);
  out.push(
    "",
    `${result.routes.length} route file${result.routes.length === 1 ? "" : "s"}, ${counted.length > 0 ? counted.join(", ") : "no findings"}` +
      (result.middleware ? ` (middleware: ${result.middleware})` : " (no middleware/proxy file)"),
  );
  out.push(result.ok ? colors.green("✔ audit passed") : colors.red("✖ audit failed"));
  return out.join("\n");
}
