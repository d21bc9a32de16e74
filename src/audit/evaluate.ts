import picomatch from "picomatch";
import { CliError } from "../core/errors.js";
import type { Project } from "../project/detect.js";
import { findHandlers } from "../clerk/middleware-handler.js";
import { readClerkRules, ruleVerdict, type ReadRules, type RuleVerdict } from "../clerk/rules.js";
import { locateMiddleware } from "../next/middleware-file.js";
import { exemptionEdit, type ExemptionEdit, findExposures } from "../clerk/exposure.js";
import { coverage, mayRunOn, readConfig, routeMatcherSource, samplePaths } from "../next/matcher.js";
import { entryCovering } from "../clerk/matcher-entry.js";
import { readSource } from "../js/parse.js";
import { type AppRoute, type RoutePath, routePathOf } from "../next/route-path.js";
import { pathToRegexp } from "path-to-regexp";
import type { HandlerFacts, Protection } from "./classify.js";
import type { ScannedRoute } from "./scan.js";

// The audit's verdicts, from the scanned routes and the middleware file: pure data in, data out.
// Findings are data; report/audit.ts puts them into words (message and fix).

export const FINDING_CODES = ["NO_MIDDLEWARE", "NOT_COVERED", "WEBHOOK_PROTECTED", "MACHINE_PROTECTED", "UNCHECKED", "PUBLIC", "UNKNOWN"] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/**
 * Without --strict, only these fail the audit (exit 1): Clerk would fail at runtime, a webhook
 * never arrives, or a machine token never reaches its handler.
 */
export const FAILING_CODES: ReadonlySet<FindingCode> = new Set(["NO_MIDDLEWARE", "NOT_COVERED", "WEBHOOK_PROTECTED", "MACHINE_PROTECTED"]);

interface FindingBase {
  severity: "error" | "warning";
  /** The URL pattern and the file, for the words. */
  route: string;
  file: string;
  /** The middleware/proxy file, or the one to create. */
  proxy: string;
}

/**
 * How to exempt a route from the rule that protects it: its exact createRouteMatcher pattern
 * ("/api/hooks/clerk", "/api/docs/:slug*" for a catch-all), the other routes and pages that
 * pattern would also unprotect (`exposes`, with a path of each), and the edit that exempts only
 * the route's own paths (see clerk/exposure.ts).
 */
export interface RouteExemption {
  pattern: string;
  exposes: Array<{ file: string; path: string; caseOnly: boolean }>;
  edit?: ExemptionEdit;
}

export type Finding = FindingBase &
  (
    | { code: "NO_MIDDLEWARE"; why?: string; entry?: string }
    | { code: "NOT_COVERED"; entry?: string }
    | { code: "WEBHOOK_PROTECTED"; rule: string; exemption: RouteExemption }
    /** auth.protect() in the middleware takes session tokens only: API keys get 401 first. */
    | { code: "MACHINE_PROTECTED"; rule: string; exemption: RouteExemption }
    | { code: "UNCHECKED"; methods: string[] }
    | { code: "PUBLIC"; methods: string[] }
    /** Handlers this reader cannot decide (a parse error, a wrapped handler, a re-export). */
    | { code: "UNKNOWN"; methods: string[]; why: string }
  );

export interface AuditedRoute {
  route: string;
  file: string;
  methods: string[];
  /** One word when every method agrees, else "GET auth-check, POST none". */
  protection: string;
  handlers: Array<Pick<HandlerFacts, "method" | "protection" | "checks"> & { note?: string }>;
  /** The file does not parse: nothing in it could be decided. */
  parseError?: string;
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
  /** Whether the middleware may run on a path (its rules count only there). */
  mayRun(path: string): boolean;
  rules: ReadRules;
  /** clerkMiddleware() with a handler or options: only the route's own entry should be added. */
  customized: boolean;
  why?: string;
}

function middlewareFacts(project: Project): MiddlewareFacts {
  const none: MiddlewareFacts = { clerk: false, covers: () => false, mayRun: () => false, rules: { ok: true, rules: [] }, customized: false };
  let location;
  try {
    const context = { language: project.language, nextMajor: project.nextMajor, srcDir: project.srcDir };
    location = locateMiddleware(project.middlewareFiles, context);
  } catch (error) {
    // Two files, or one Next ignores: Next runs no (reliable) middleware.
    return { ...none, why: error instanceof CliError ? error.message : String(error) };
  }
  if (!location.existing) return none;
  const read = readSource(location.existing.content, location.path, location.typescript);
  if (!read.ok) return { ...none, path: location.path, clerk: "unknown", covers: () => "unknown", mayRun: () => true, why: read.error };
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
    mayRun: (path) => !config.ok || mayRunOn(config.matcher, path),
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

/**
 * The route's exact pattern, and what exempting it would also unprotect: the paths Next.js serves
 * from other routes and pages that the pattern matches and a rule protects today.
 */
function exemptionOf(route: RoutePath, appRoutes: readonly AppRoute[], middleware: MiddlewareFacts): RouteExemption {
  const pattern = routeMatcherSource(route);
  const regexp = pathToRegexp(pattern);
  const { rules } = middleware;
  const protects = (path: string) => !rules.ok || rules.rules.some((r) => r.protects(path));
  const exposures = findExposures(route, appRoutes, (path) => middleware.mayRun(path) && regexp.test(path) && protects(path));
  const edit = exposures.length > 0 ? exemptionEdit(route, exposures) : undefined;
  return {
    pattern,
    exposes: exposures.map(({ route: existing, path, caseOnly }) => ({ file: existing.file, path, caseOnly })),
    ...(edit ? { edit } : {}),
  };
}

function routeFindings(
  scanned: ScannedRoute,
  middleware: MiddlewareFacts,
  rule: RuleVerdict,
  covered: boolean | "unknown",
  allowed: (route: string) => boolean,
  appRoutes: readonly AppRoute[],
): Finding[] {
  const { facts } = scanned;
  const base = {
    route: scanned.route.pattern,
    file: scanned.file,
    proxy: middleware.path ?? `${scanned.file.startsWith("src/") ? "src/" : ""}proxy.ts`,
  };
  const methods = (protection: Protection) => facts.handlers.filter((h) => h.protection === protection).map((h) => h.method);
  const findings: Finding[] = [];
  const needsClerk = facts.handlers.some((h) => h.needsMiddleware && NEEDS_CLERK.has(h.protection));
  const entry = entryCovering(scanned.route, middleware.customized);
  if (needsClerk && middleware.clerk === false) {
    findings.push({ ...base, code: "NO_MIDDLEWARE", severity: "error", ...(middleware.why ? { why: middleware.why } : {}), ...(entry ? { entry } : {}) });
  } else if (needsClerk && covered === false) {
    findings.push({ ...base, code: "NOT_COVERED", severity: "error", ...(entry ? { entry } : {}) });
  }
  if (methods("unchecked").length > 0) findings.push({ ...base, code: "UNCHECKED", severity: "warning", methods: methods("unchecked") });
  if (methods("none").length > 0 && rule.kind !== "protected" && !facts.markedPublic && !allowed(base.route)) {
    findings.push({ ...base, code: "PUBLIC", severity: "warning", methods: methods("none") });
  }
  const publicOnPurpose = facts.markedPublic || allowed(base.route);
  if (publicOnPurpose) {
    // Said to be public: nothing to decide.
  } else if (facts.parseError !== undefined) {
    findings.push({ ...base, code: "UNKNOWN", severity: "warning", methods: [], why: facts.parseError });
  } else if (methods("unknown").length > 0) {
    const why = facts.handlers.find((h) => h.protection === "unknown")?.note ?? "a shape this reader cannot follow";
    findings.push({ ...base, code: "UNKNOWN", severity: "warning", methods: methods("unknown"), why });
  }
  if (facts.handlers.some((h) => h.protection === "webhook") && rule.kind === "protected") {
    findings.push({ ...base, code: "WEBHOOK_PROTECTED", severity: "error", rule: rule.rule, exemption: exemptionOf(scanned.route, appRoutes, middleware) });
  }
  if (facts.handlers.some((h) => h.protection === "machine") && rule.kind === "protected") {
    findings.push({ ...base, code: "MACHINE_PROTECTED", severity: "error", rule: rule.rule, exemption: exemptionOf(scanned.route, appRoutes, middleware) });
  }
  return findings;
}

export function evaluateAudit(project: Project, scanned: ScannedRoute[], options: AuditOptions): AuditResult {
  const middleware = middlewareFacts(project);
  const allowed = options.allowPublic.length > 0 ? picomatch(options.allowPublic) : () => false;
  const routes = scanned.map((entry): AuditedRoute => {
    const covered = middleware.covers(entry.route);
    // The handler's rules only apply where the middleware runs at all.
    const rule: RuleVerdict = covered === false ? { kind: "public" } : ruleVerdict(middleware.rules, samplePaths(entry.route));
    const parseProblem = entry.facts.parseError;
    return {
      route: entry.route.pattern,
      file: entry.file,
      methods: entry.facts.handlers.map((h) => h.method),
      protection: parseProblem ? "unknown" : summary(entry.facts.handlers, rule),
      handlers: entry.facts.handlers.map((h) => ({ method: h.method, protection: h.protection, checks: h.checks, ...(h.note ? { note: h.note } : {}) })),
      ...(parseProblem !== undefined ? { parseError: parseProblem } : {}),
      covered,
      middlewareRule: rule.kind,
      findings: routeFindings(entry, middleware, rule, covered, allowed, project.appRoutes),
    };
  });
  const counts: Partial<Record<FindingCode, number>> = {};
  for (const finding of routes.flatMap((r) => r.findings)) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  const failing = routes.some((r) => r.findings.some((f) => options.strict || FAILING_CODES.has(f.code)));
  return { ok: !failing, ...(middleware.path ? { middleware: middleware.path } : {}), routes, findings: counts };
}
