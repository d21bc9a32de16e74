import type { Colors } from "picocolors/types.js";
import type { AuditResult, Finding, RouteExemption } from "../audit/evaluate.js";
import type { Flaw } from "../clerk/rules.js";

// The audit in words: a table by route, then each finding with its fix; or one JSON object in
// which every finding carries the same message, fix and line. Names from the disk (folders,
// files) are printed with control characters escaped: a folder called "\r\x1b[2K" must not
// erase the terminal's lines.

/** Control characters (C0, DEL, C1) and bidirectional overrides, escaped as \xNN / \uNNNN. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    if (char === "\r") return "\\r";
    if (char === "\n") return "\\n";
    if (char === "\t") return "\\t";
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** The check a handler should make itself, for the project's Clerk and router. */
export function exactCheck(finding: Pick<Finding, "router" | "clerkMajor">): string {
  if (finding.router === "pages") {
    return 'import { getAuth } from "@clerk/nextjs/server"; … const { userId } = getAuth(req); if (!userId) return res.status(401).json({ error: "Unauthorized" });';
  }
  const call = finding.clerkMajor > 0 && finding.clerkMajor < 6 ? "auth()" : "await auth()";
  return `import { auth } from "@clerk/nextjs/server"; … const { userId } = ${call}; if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });`;
}

export function describeFinding(finding: Finding): { message: string; fix: string } {
  const route = printable(finding.route);
  const file = printable(finding.file);
  const proxy = printable(finding.proxy);
  const matcherEntry = (entry: string | undefined) => (entry ? JSON.stringify(entry) : `an entry covering ${route}`);
  switch (finding.code) {
    case "NO_MIDDLEWARE":
      return {
        message: `${route} calls Clerk, but no clerkMiddleware() runs in this project${finding.why ? ` (${printable(finding.why)})` : ""}: auth() fails at runtime.`,
        fix: `Add ${proxy} (middleware.ts before Next.js 16) exporting clerkMiddleware() as its default, with ${matcherEntry(finding.entry)} in config.matcher.`,
      };
    case "NOT_COVERED":
      return {
        message: `${route} calls Clerk, but the matcher in ${proxy} does not run clerkMiddleware() on it: auth() fails at runtime.`,
        fix: `Add ${matcherEntry(finding.entry)} to config.matcher in ${proxy}.`,
      };
    case "WEBHOOK_PROTECTED":
      return {
        message: `${route} verifies a webhook signature, but the clerkMiddleware() handler in ${proxy} protects it (${finding.rule}): the sender carries no session, so the webhook never arrives.`,
        fix: `${exemptionFix(`Make ${route} public in ${proxy}`, route, finding.exemption)}.`,
      };
    case "MACHINE_PROTECTED":
      return {
        message: `${route} accepts machine tokens, but the clerkMiddleware() handler in ${proxy} protects it (${finding.rule}) with auth.protect(), which takes session tokens only: API keys, M2M and OAuth tokens get 401 before the handler runs.`,
        fix: `${exemptionFix(`Exempt ${route} from that rule in ${proxy}`, route, finding.exemption)}; the handler checks the token itself.`,
      };
    case "SECRET_PROTECTED":
      return {
        message: `${route} checks a shared secret (a cron job or another server calls it, with no session), but the clerkMiddleware() handler in ${proxy} protects it (${finding.rule}): such a caller is turned away before the handler runs.`,
        fix: `${exemptionFix(`Exempt ${route} from that rule in ${proxy}`, route, finding.exemption)}; the handler checks the secret itself.`,
      };
    case "MIDDLEWARE_ONLY":
      return {
        message: `${route} (${finding.methods.join(", ")}) has no check of its own: only the createRouteMatcher rule in ${proxy} (${finding.rule}) protects it, and Clerk deprecated createRouteMatcher in @clerk/nextjs 7.5.14 (path rules drift from how Next routes requests).`,
        fix: `Check in the handler itself: ${exactCheck(finding)} Or run npx create-clerk-route migrate to move the middleware's rules into the handlers.`,
      };
    case "RULE_FLAW":
      return flawWords(finding.flaw, file);
    case "UNCHECKED":
      return {
        message: finding.notAwaited
          ? `${route} (${finding.methods.join(", ")}) calls auth.protect() without await: with @clerk/nextjs 6 and later it returns a promise, and a rejection nobody awaits blocks nothing, so signed-out callers get the handler's answer.`
          : `${route} (${finding.methods.join(", ")}) calls auth() or currentUser(), but a signed-out caller still gets an answer: no test of the result exits on every signed-out path.`,
        fix: finding.notAwaited
          ? `Write await auth.protect() (or return it), or answer 401 yourself: ${exactCheck(finding)}`
          : `Answer 401 first when signed out: ${exactCheck(finding)}`,
      };
    case "PUBLIC":
      return {
        message: `${route} (${finding.methods.join(", ")}) has no check: anyone can call it.`,
        fix: `Add a check to the handler (answer 401 when auth() says signed out), or say it is public on purpose: a "// clerk-audit: public" comment in ${file}, or --allow-public '${route}'.`,
      };
    case "UNKNOWN":
      return {
        message: `${route === "*" ? file : route}${finding.methods.length > 0 ? ` (${finding.methods.join(", ")})` : ""}: how it is protected cannot be read (${printable(finding.why)}).`,
        fix: `Check ${file} by hand; write the check in the handler itself so the audit can read it, or mark a public route with "// clerk-audit: public" (or --allow-public '${route}').`,
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
  if (exemption.exposes.length === 0)
    return `${lead}: add ${pattern} to a createRouteMatcher list of public routes that rule skips`;
  const shown = exemption.exposes
    .slice(0, 5)
    .map(
      ({ file, path, caseOnly }) =>
        `${file} (${path}${caseOnly ? ": createRouteMatcher ignores case, Next.js routes do not" : ""})`,
    );
  const more = exemption.exposes.length - shown.length;
  const reached = `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  const but = `${lead}, but not with ${pattern} alone: it also matches ${reached}, which that rule protects today`;
  const { edit } = exemption;
  if (!edit)
    return `${but}; no createRouteMatcher list exempts only ${route}, so give it a path that no other route or page shares`;
  const own =
    edit.newRoute.kind === "pattern"
      ? `createRouteMatcher([${JSON.stringify(edit.newRoute.source)}])`
      : `createRouteMatcher([/${edit.newRoute.source}/]) (a regular expression: createRouteMatcher's patterns ignore case)`;
  const kept = edit.kept.map((entry) => JSON.stringify(entry.pattern)).join(", ");
  const condition = edit.kept.length > 0 ? "!isNewRoute(req) || isOtherRoute(req)" : "!isNewRoute(req)";
  const others =
    edit.kept.length > 0 ? ` and isOtherRoute = createRouteMatcher([${kept}]) (they keep your current protection)` : "";
  return `${but}. Exempt only ${route}'s own paths: put that rule inside if (${condition}), with isNewRoute = ${own}${others}`;
}

/** The result as --json prints it: every finding with its code, severity, message and fix. */
export function auditJson(result: AuditResult): string {
  const words = (finding: Finding) => ({
    code: finding.code,
    severity: finding.severity,
    line: finding.line,
    ...describeFinding(finding),
  });
  return JSON.stringify({
    ...result,
    routes: result.routes.map((route) => ({ ...route, findings: route.findings.map(words) })),
    problems: result.problems.map((finding) => ({ file: finding.file, ...words(finding) })),
  });
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - text.length));
}

export function auditTable(result: AuditResult, colors: Colors): string {
  const header = ["route", "methods", "protection", "covered", "findings"];
  const rows = result.routes.map((route) => [
    printable(route.route),
    route.methods.join(",") || "-",
    route.protection,
    route.covered === "unknown" ? "?" : route.covered ? "yes" : "no",
    route.findings.map((f) => f.code).join(",") || "-",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i]!))).join("  ");
  const out = [colors.bold(line(header))];
  for (const [index, row] of rows.entries()) {
    const findings = result.routes[index]!.findings;
    const text = line(row);
    out.push(
      findings.some((f) => f.severity === "error")
        ? colors.red(text)
        : findings.length > 0
          ? colors.yellow(text)
          : text,
    );
  }
  const all = [...result.problems, ...result.routes.flatMap((route) => route.findings)];
  if (all.length > 0) out.push("");
  for (const finding of all) {
    const mark = finding.severity === "error" ? colors.red("✖") : colors.yellow("!");
    const { message, fix } = describeFinding(finding);
    out.push(
      `${mark} ${finding.code} ${printable(finding.file)}:${finding.line}: ${message}`,
      `  ${colors.dim("fix:")} ${fix}`,
    );
  }
  const counted = Object.entries(result.findings).map(([code, count]) => `${count} ${code}`);
  out.push(
    "",
    `${result.routes.length} route file${result.routes.length === 1 ? "" : "s"}, ${counted.length > 0 ? counted.join(", ") : "no findings"}` +
      (result.middleware ? ` (middleware: ${printable(result.middleware)})` : " (no middleware/proxy file)"),
  );
  out.push(result.ok ? colors.green("✔ audit passed") : colors.red("✖ audit failed"));
  return out.join("\n");
}

/** A middleware rule that does something other than it seems to, and how to make it do what it says. */
export function flawWords(flaw: Flaw, file: string): { message: string; fix: string } {
  switch (flaw.kind) {
    case "unawaitedProtect":
      return {
        message: `${file}:${flaw.line}: ${printable(flaw.code)} is neither awaited nor returned${flaw.major === undefined ? " (the project's @clerk/nextjs version is not known)" : ""}: from @clerk/nextjs 6 on it returns a promise, and a rejection nobody awaits blocks nothing, so this rule protects nothing and its routes answer signed-out callers.`,
        fix: "Write await auth.protect() (or return it), or better, check in each handler itself (npx create-clerk-route migrate).",
      };
    case "syncAuth":
      return {
        message: `${file}:${flaw.line}: ${printable(flaw.code)} is the @clerk/nextjs 5 form: from 6 on auth() returns a promise, so protect() throws (every request fails) and userId is undefined.`,
        fix: "Write await auth.protect(), or const { userId } = await auth().",
      };
    case "protectMissing":
      return {
        message: `${file}:${flaw.line}: ${printable(flaw.code)} does not exist before @clerk/nextjs 6: the call throws on every request it runs on.`,
        fix: "Write auth().protect() for @clerk/nextjs 5, or upgrade @clerk/nextjs.",
      };
    case "legacyRemoved":
      return {
        message: `${file}:${flaw.line}: authMiddleware() was removed in @clerk/nextjs 6: this file does not build.`,
        fix: "Replace it with clerkMiddleware() (Clerk's upgrade guide: https://clerk.com/docs/upgrade-guides/core-2/nextjs).",
      };
  }
}
