import picomatch from "picomatch";
import { CliError } from "../core/errors.js";
import type { Project } from "../project/detect.js";
import { findHandlers, readClerkRules, ruleVerdict, type ReadRules, type RuleVerdict } from "../plan/middleware/handler.js";
import { locateMiddleware } from "../plan/middleware/locate.js";
import { coverage, entryCovering, readConfig, samplePaths } from "../plan/middleware/matcher.js";
import { readSource } from "../plan/middleware/module.js";
import { routePathOf } from "../core/route.js";
import { shellQuote } from "../core/shell.js";
import type { HandlerFacts, Protection } from "./classify.js";
import type { ScannedRoute } from "./scan.js";

// The audit's verdicts, from the scanned routes and the middleware file: pure data in, data out.
// Sentences live here only as each finding's message and fix (the report lays them out).

export const FINDING_CODES = ["NO_MIDDLEWARE", "NOT_COVERED", "WEBHOOK_PROTECTED", "UNCHECKED", "PUBLIC"] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/** Without --strict, only these fail the audit (exit 1): Clerk would fail at runtime, or a webhook never arrives. */
export const FAILING_CODES: ReadonlySet<FindingCode> = new Set(["NO_MIDDLEWARE", "NOT_COVERED", "WEBHOOK_PROTECTED"]);

export interface Finding {
  code: FindingCode;
  severity: "error" | "warning";
  message: string;
  fix: string;
}

export interface AuditedRoute {
  route: string;
  file: string;
  methods: string[];
  /** One word when every method agrees, else "GET auth-check, POST none". */
  protection: string;
  handlers: Array<Pick<HandlerFacts, "method" | "protection" | "checks"> & { note?: string }>;
  /** Whether clerkMiddleware() runs on every path of the route; "unknown" when it cannot be decided. */
  covered: boolean | "unknown";
  /** What the Clerk handler's own rules (createRouteMatcher + auth.protect) do on the route. */
  middlewareRule: RuleVerdict["kind"];
  findings: Finding[];
}

export interface AuditResult {
  ok: boolean;
  /** The middleware/proxy file Next runs, if any. */
  middleware?: string;
  routes: AuditedRoute[];
  findings: Partial<Record<FindingCode, number>>;
}

export interface AuditOptions {
  strict: boolean;
  /** Globs over route patterns (`/api/health`, `/api/public/**`) that may be public. */
  allowPublic: string[];
}

/** What the middleware does, once for the whole project. */
interface MiddlewareFacts {
  path?: string;
  /** Clerk runs there at all (a clerkMiddleware() export). */
  clerk: boolean | "unknown";
  covers(route: ScannedRoute["route"]): boolean | "unknown";
  rules: ReadRules;
  /** clerkMiddleware() with a handler or options: only the route's own entry should be added. */
  customized: boolean;
  why?: string;
}

function middlewareFacts(project: Project): MiddlewareFacts {
  const none: MiddlewareFacts = { clerk: false, covers: () => false, rules: { ok: true, rules: [] }, customized: false };
  let location;
  try {
    const context = { route: routePathOf([]), language: project.language, nextMajor: project.nextMajor, srcDir: project.srcDir };
    location = locateMiddleware(project.middlewareFiles, context);
  } catch (error) {
    // Two files, or one Next ignores: Next runs no (reliable) middleware.
    return { ...none, why: error instanceof CliError ? error.message : String(error) };
  }
  if (!location.existing) return none;
  const read = readSource(location.existing.content, location.path, location.typescript);
  if (!read.ok) return { ...none, path: location.path, clerk: "unknown", covers: () => "unknown", why: read.error };
  const [candidate, second] = findHandlers(read.source.ast, read.source.bindings, location.kind);
  const handler = second ? undefined : candidate?.handler;
  const clerk = handler?.kind === "clerk" ? true : handler?.kind === "user" ? false : "unknown";
  const config = readConfig(read.source.ast);
  const covers = (route: ScannedRoute["route"]): boolean | "unknown" => {
    if (clerk !== true) return clerk;
    if (!config.ok) return "unknown";
    const result = coverage(config.matcher, route);
    return result.covered ? true : result.lookahead !== undefined || result.invalidSource !== undefined ? "unknown" : false;
  };
  return {
    path: location.path,
    clerk,
    covers,
    rules: readClerkRules(read.source),
    customized: handler?.kind === "clerk" && handler.setup !== "bare",
    ...(clerk === false ? { why: `${location.path} does not call clerkMiddleware()` } : {}),
  };
}

function summary(handlers: HandlerFacts[], rule: RuleVerdict): string {
  const words = handlers.map((h) => (h.protection === "none" && rule.kind === "protected" ? "middleware-rule" : h.protection));
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? "none";
  return handlers.map((h, i) => `${h.method} ${words[i]}`).join(", ");
}

const NEEDS_CLERK: ReadonlySet<Protection> = new Set(["protect", "auth-check", "machine", "currentUser", "unchecked"]);

function routeFindings(scanned: ScannedRoute, middleware: MiddlewareFacts, rule: RuleVerdict, covered: boolean | "unknown", allowed: (route: string) => boolean): Finding[] {
  const { facts } = scanned;
  const pattern = scanned.route.pattern;
  const findings: Finding[] = [];
  const needsClerk = facts.handlers.some((h) => h.needsMiddleware && NEEDS_CLERK.has(h.protection));
  const proxyName = middleware.path ?? `${scanned.file.startsWith("src/") ? "src/" : ""}proxy.ts`;
  if (needsClerk && middleware.clerk === false) {
    findings.push({
      code: "NO_MIDDLEWARE",
      severity: "error",
      message: `${pattern} calls Clerk, but no clerkMiddleware() runs in this project${middleware.why ? ` (${middleware.why})` : ""}: auth() fails at runtime.`,
      fix: `Run npx create-clerk-route ${shellQuote(`/${scanned.route.folder}`)} --dry-run to see the ${proxyName} it would create or patch, or add clerkMiddleware() yourself.`,
    });
  } else if (needsClerk && covered === false) {
    const entry = entryCovering(scanned.route, middleware.customized);
    findings.push({
      code: "NOT_COVERED",
      severity: "error",
      message: `${pattern} calls Clerk, but the matcher in ${proxyName} does not run clerkMiddleware() on it: auth() fails at runtime.`,
      fix: entry ? `Add ${JSON.stringify(entry)} to config.matcher in ${proxyName}.` : `Add an entry covering ${pattern} to config.matcher in ${proxyName}.`,
    });
  }
  const unchecked = facts.handlers.filter((h) => h.protection === "unchecked").map((h) => h.method);
  if (unchecked.length > 0) {
    findings.push({
      code: "UNCHECKED",
      severity: "warning",
      message: `${pattern} (${unchecked.join(", ")}) calls auth() or currentUser() but never tests the result before answering.`,
      fix: "Return 401 when signed out first: const { isAuthenticated } = await auth(); if (!isAuthenticated) return NextResponse.json({ error: \"Unauthorized\" }, { status: 401 });",
    });
  }
  const open = facts.handlers.filter((h) => h.protection === "none").map((h) => h.method);
  if (open.length > 0 && rule.kind !== "protected" && !facts.markedPublic && !allowed(pattern)) {
    findings.push({
      code: "PUBLIC",
      severity: "warning",
      message: `${pattern} (${open.join(", ")}) has no check: anyone can call it.`,
      fix: `Add a check (e.g. the userId style: npx create-clerk-route ${shellQuote(`/${scanned.route.folder}`)} --style userId --force --dry-run), or mark it public on purpose: a "// clerk-audit: public" comment in ${scanned.file}, or --allow-public ${shellQuote(pattern)}.`,
    });
  }
  if (facts.handlers.some((h) => h.protection === "webhook") && rule.kind === "protected") {
    findings.push({
      code: "WEBHOOK_PROTECTED",
      severity: "error",
      message: `${pattern} verifies a webhook, but the clerkMiddleware() handler in ${proxyName} protects it (${rule.rule}): Clerk's servers carry no session, so the webhook never arrives.`,
      fix: `Make ${pattern} public in ${proxyName}: add ${JSON.stringify(`${pattern}(.*)`)} to the createRouteMatcher list of public routes, or take it out of the protected list.`,
    });
  }
  return findings;
}

export function evaluateAudit(project: Project, scanned: ScannedRoute[], options: AuditOptions): AuditResult {
  const middleware = middlewareFacts(project);
  const allowed = options.allowPublic.length > 0 ? picomatch(options.allowPublic) : () => false;
  const routes = scanned.map((entry): AuditedRoute => {
    const rule = ruleVerdict(middleware.rules, samplePaths(entry.route));
    const covered = middleware.covers(entry.route);
    const parseProblem = entry.facts.parseError;
    return {
      route: entry.route.pattern,
      file: entry.file,
      methods: entry.facts.handlers.map((h) => h.method),
      protection: parseProblem ? "unknown" : summary(entry.facts.handlers, rule),
      handlers: entry.facts.handlers.map((h) => ({ method: h.method, protection: h.protection, checks: h.checks, ...(h.note ? { note: h.note } : {}) })),
      covered,
      middlewareRule: rule.kind,
      findings: routeFindings(entry, middleware, rule, covered, allowed),
    };
  });
  const counts: Partial<Record<FindingCode, number>> = {};
  for (const finding of routes.flatMap((r) => r.findings)) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  const failing = routes.some((r) => r.findings.some((f) => options.strict || FAILING_CODES.has(f.code)));
  return { ok: !failing, ...(middleware.path ? { middleware: middleware.path } : {}), routes, findings: counts };
}
