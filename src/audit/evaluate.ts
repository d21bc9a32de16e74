import picomatch from "picomatch";
import { CliError } from "../core/errors.js";
import type { Project } from "../project/detect.js";
import { calledInstance, clerkInstances, findHandlers, onlyDelegates } from "../clerk/middleware-handler.js";
import { type Flaw, noRules, readClerkRules, ruleVerdict, type ReadRules, type RuleVerdict } from "../clerk/rules.js";
import { locateMiddleware } from "../next/middleware-file.js";
import { exemptionEdit, type ExemptionEdit, findExposures } from "../clerk/exposure.js";
import { coverage, mayRunOn, readConfig, routeMatcherSource, samplePaths } from "../next/matcher.js";
import { entryCovering } from "../clerk/matcher-entry.js";
import { readSource } from "../js/parse.js";
import { type AppRoute, type RoutePath, routePathOf } from "../next/route-path.js";
import { pathToRegexp } from "path-to-regexp";
import type { HandlerFacts, Protection } from "./classify.js";
import { clerkMajorOf, type Scan, type ScannedRoute } from "./scan.js";
import { rulePathsFor } from "./rule-paths.js";
import { middlewareKindFor } from "../next/conventions.js";

// The audit's verdicts, from the scanned routes and the middleware file: pure data in, data out.
// Findings are data; report/audit.ts puts them into words (message and fix).

import { FAILING_CODES, type FindingCode } from "./codes.js";

export { FAILING_CODES, FINDING_CODES, type FindingCode } from "./codes.js";

interface FindingBase {
  severity: "error" | "warning";
  /** The URL pattern and the file, for the words ("*" and the config file for the whole project). */
  route: string;
  file: string;
  /** The handler's line in the file (1 for a file or folder as a whole). */
  line: number;
  /** The middleware/proxy file, or the one to create. */
  proxy: string;
  router: "app" | "pages";
  /** The installed (else declared) @clerk/nextjs major (0: unknown), for the exact check a fix names. */
  clerkMajor: number;
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
    /** A shared-secret route (cron, another server) that a session rule turns away before its own check. */
    | { code: "SECRET_PROTECTED"; rule: string; exemption: RouteExemption }
    /** No check of its own: only a createRouteMatcher + auth.protect() rule protects it (deprecated by Clerk). */
    | { code: "MIDDLEWARE_ONLY"; methods: string[]; rule: string }
    | { code: "UNCHECKED"; methods: string[]; notAwaited?: boolean }
    /** A middleware rule that does something other than it seems to (an un-awaited auth.protect(): it blocks nothing). */
    | { code: "RULE_FLAW"; flaw: Flaw }
    | { code: "PUBLIC"; methods: string[] }
    /** Handlers this reader cannot decide (a parse error, a wrapped handler, a re-export). */
    | { code: "UNKNOWN"; methods: string[]; why: string }
  );

export interface AuditedRoute {
  route: string;
  file: string;
  /** "app": an App Router Route Handler; "pages": a Pages Router API route (one handler for every method, "*"). */
  router: "app" | "pages";
  methods: string[];
  /** One word when every method agrees, else "GET auth-check, POST none"; the same words as handlers[]. */
  protection: string;
  handlers: Array<{
    method: string;
    protection: Protection | "middleware-rule";
    checks: string[];
    line: number;
    note?: string;
  }>;
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
  /** Findings about the project as a whole (a pageExtensions that cannot be read). */
  problems: Finding[];
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
  /** The file name Next reads for this project's major: proxy (16+) or middleware. */
  kind: "proxy" | "middleware";
  /** Why coverage cannot be decided, when it cannot (a lookahead, an invalid matcher, a file that does not parse). */
  coverageWhy?: string;
}

function middlewareFacts(project: Project): MiddlewareFacts {
  const kind = middlewareKindFor(project.nextMajor);
  const none: MiddlewareFacts = {
    clerk: false,
    covers: () => false,
    mayRun: () => false,
    rules: noRules(),
    customized: false,
    kind,
  };
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
  if (!read.ok)
    return {
      ...none,
      path: location.path,
      clerk: "unknown",
      covers: () => "unknown",
      mayRun: () => true,
      why: read.error,
      coverageWhy: `${location.path} does not parse (${read.error})`,
    };
  const [candidate, second] = findHandlers(read.source.ast, read.source.bindings, location.kind);
  const handler = second ? undefined : candidate?.handler;
  // The user's own function that calls Clerk's middleware (clerkMiddleware(...)(req, event), the legacy
  // authMiddleware) on some paths: Clerk may run, where is not read here (never "no Clerk").
  const callsClerk = [...read.source.bindings.imports.values()].some(
    (i) =>
      i.source.startsWith("@clerk/nextjs") && (i.imported === "clerkMiddleware" || i.imported === "authMiddleware"),
  );
  const instance =
    handler?.kind === "user" ? calledInstance(handler.fn, clerkInstances(read.source.bindings)) : undefined;
  const delegates = handler?.kind === "user" && instance !== undefined && onlyDelegates(handler.fn, instance);
  const clerk =
    handler?.kind === "clerk" || delegates
      ? true
      : handler?.kind === "user" && !callsClerk && instance === undefined
        ? false
        : "unknown";
  const config = readConfig(read.source.ast);
  const clerkMajor = clerkMajorOf(project);
  const rules = readClerkRules(read.source, { ...(clerkMajor > 0 ? { clerkMajor } : {}), kind: location.kind });
  /**
   * A user's function that calls Clerk on some paths (`clerk(req, event)` under a test of the
   * path): where the one gate reader can tell. A route with one path is decided on it; a dynamic
   * route's sample paths cannot stand for all of its paths (`if (path.endsWith("/export")) skip`),
   * so there Clerk's running on every one is only "unknown" (a path where it does not run, known).
   */
  const clerkOn = (route: ScannedRoute["route"]): boolean | "unknown" => {
    if (clerk !== "unknown" || !rules.ok) return clerk;
    const runs = samplePaths(route).map((path) => rules.clerkRuns(path));
    if (runs.some((r) => r === false)) return false;
    const onePath = route.segments.every((segment) => segment.kind === "static" || segment.kind === "group");
    return onePath && runs.every((r) => r === true) ? true : "unknown";
  };
  const covers = (route: ScannedRoute["route"]): boolean | "unknown" => {
    const runs = clerkOn(route);
    if (runs !== true) return runs;
    if (!config.ok) return "unknown";
    const result = coverage(config.matcher, route);
    return result.covered
      ? true
      : result.lookahead !== undefined || result.invalidSource !== undefined
        ? "unknown"
        : false;
  };
  const coverageWhy = !config.ok
    ? `the matcher in ${location.path} cannot be read`
    : clerk === "unknown"
      ? `${location.path} exports a middleware this reader cannot follow`
      : `the matcher in ${location.path} may skip some of its paths (a lookahead or an entry this reader cannot compile)`;
  return {
    path: location.path,
    kind: location.kind,
    coverageWhy,
    clerk,
    covers,
    mayRun: (path) => !config.ok || mayRunOn(config.matcher, path),
    rules,
    customized: handler?.kind === "clerk" && handler.setup !== "bare",
    ...(clerk === false ? { why: `${location.path} does not call clerkMiddleware()` } : {}),
  };
}

/** Without a check of its own, a handler under a protecting middleware rule is protected by that rule. */
function effective(handler: HandlerFacts, rule: RuleVerdict): Protection | "middleware-rule" {
  return (handler.protection === "none" || handler.protection === "unchecked") && rule.kind === "protected"
    ? "middleware-rule"
    : handler.protection;
}

function summary(handlers: AuditedRoute["handlers"]): string {
  const unique = [...new Set(handlers.map((h) => h.protection))];
  if (unique.length <= 1) return unique[0] ?? "none";
  return handlers.map((h) => `${h.method} ${h.protection}`).join(", ");
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
  const protects = (path: string) => !rules.ok || rules.rules.some((r) => r.mayProtect(path));
  const exposures = findExposures(
    route,
    appRoutes,
    (path) => middleware.mayRun(path) && regexp.test(path) && protects(path),
  );
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
  clerkMajor: number,
  /** The rule as it stops requests on the route's own paths (a rewrite aside): what a webhook, machine or secret caller meets. */
  blocking: RuleVerdict,
): Finding[] {
  const { facts } = scanned;
  const handlers = facts.handlers;
  const lineOf = (methods: string[]) =>
    handlers.find((h) => methods.includes(h.method))?.line ?? handlers[0]?.line ?? 1;
  const base = {
    route: scanned.route.pattern,
    file: scanned.file,
    line: lineOf([]),
    router: scanned.router,
    clerkMajor,
    proxy: middleware.path ?? `${scanned.file.startsWith("src/") ? "src/" : ""}${middleware.kind}.ts`,
  };
  const at = (methods: string[]) => ({ ...base, line: lineOf(methods) });
  const methods = (test: (h: HandlerFacts) => boolean) => handlers.filter(test).map((h) => h.method);
  const findings: Finding[] = [];
  const publicOnPurpose = facts.markedPublic || allowed(base.route);
  const needsClerk = handlers.some((h) => h.needsMiddleware && NEEDS_CLERK.has(h.protection));
  const entry =
    needsClerk && (middleware.clerk === false || covered === false)
      ? entryCovering(scanned.route, middleware.customized)
      : undefined;
  if (needsClerk && middleware.clerk === false) {
    findings.push({
      ...base,
      code: "NO_MIDDLEWARE",
      severity: "error",
      ...(middleware.why ? { why: middleware.why } : {}),
      ...(entry ? { entry } : {}),
    });
  } else if (needsClerk && covered === false) {
    findings.push({ ...base, code: "NOT_COVERED", severity: "error", ...(entry ? { entry } : {}) });
  }
  const ruleOnly =
    rule.kind === "protected" ? methods((h) => h.protection === "none" || h.protection === "unchecked") : [];
  if (ruleOnly.length > 0 && rule.kind === "protected") {
    findings.push({
      ...at(ruleOnly),
      code: "MIDDLEWARE_ONLY",
      severity: "warning",
      methods: ruleOnly,
      rule: rule.rule,
    });
  }
  const unchecked = rule.kind === "protected" ? [] : methods((h) => h.protection === "unchecked");
  if (unchecked.length > 0 && !publicOnPurpose) {
    const notAwaited = handlers.some(
      (h) => unchecked.includes(h.method) && h.note?.startsWith("auth.protect() is not awaited"),
    );
    findings.push({
      ...at(unchecked),
      code: "UNCHECKED",
      severity: "warning",
      methods: unchecked,
      ...(notAwaited ? { notAwaited } : {}),
    });
  }
  const open = rule.kind === "protected" ? [] : methods((h) => h.protection === "none");
  if (open.length > 0 && !publicOnPurpose) {
    if (rule.kind === "unknown")
      findings.push({
        ...at(open),
        code: "UNKNOWN",
        severity: "warning",
        methods: open,
        why: `no check of its own, and the middleware's rules cannot be read on it: ${rule.why}`,
      });
    else findings.push({ ...at(open), code: "PUBLIC", severity: "warning", methods: open });
  }
  if (publicOnPurpose) {
    // Said to be public: nothing to decide.
  } else if (facts.parseError !== undefined) {
    findings.push({ ...base, code: "UNKNOWN", severity: "warning", methods: [], why: facts.parseError });
  } else if (methods((h) => h.protection === "unknown").length > 0) {
    const unknown = methods((h) => h.protection === "unknown");
    const why = handlers.find((h) => h.protection === "unknown")?.note ?? "a shape this reader cannot follow";
    findings.push({ ...at(unknown), code: "UNKNOWN", severity: "warning", methods: unknown, why });
  }
  // Coverage that cannot be decided: neither Clerk's calls nor its rules can be trusted on every path.
  const reliesOnClerk = needsClerk || ruleOnly.length > 0;
  if (covered === "unknown" && reliesOnClerk && middleware.clerk !== false) {
    findings.push({
      ...base,
      code: "UNKNOWN",
      severity: "warning",
      methods: [],
      why:
        middleware.coverageWhy ??
        `whether clerkMiddleware() runs on every path of it cannot be decided from ${base.proxy}`,
    });
  }
  if (handlers.some((h) => h.protection === "webhook") && blocking.kind === "protected") {
    findings.push({
      ...at(methods((h) => h.protection === "webhook")),
      code: "WEBHOOK_PROTECTED",
      severity: "error",
      rule: blocking.rule,
      exemption: exemptionOf(scanned.route, appRoutes, middleware),
    });
  }
  if (handlers.some((h) => h.protection === "machine") && blocking.kind === "protected") {
    findings.push({
      ...at(methods((h) => h.protection === "machine")),
      code: "MACHINE_PROTECTED",
      severity: "error",
      rule: blocking.rule,
      exemption: exemptionOf(scanned.route, appRoutes, middleware),
    });
  }
  // A cron job or another server calls it with a shared secret and no session: a session rule turns it away first.
  if (handlers.some((h) => h.protection === "secret") && blocking.kind === "protected") {
    findings.push({
      ...at(methods((h) => h.protection === "secret")),
      code: "SECRET_PROTECTED",
      severity: "error",
      rule: blocking.rule,
      exemption: exemptionOf(scanned.route, appRoutes, middleware),
    });
  }
  // A caller without a session (a webhook's sender, a machine, a cron job) where a rule may turn it
  // away: whether it arrives cannot be said, so say so (a rule conditioned on an env variable…).
  const sessionless = methods(
    (h) => h.protection === "webhook" || h.protection === "machine" || h.protection === "secret",
  );
  const saidAlready = covered === "unknown" && reliesOnClerk; // the coverage finding above
  if (
    sessionless.length > 0 &&
    blocking.kind === "unknown" &&
    middleware.clerk !== false &&
    !publicOnPurpose &&
    !saidAlready
  ) {
    findings.push({
      ...at(sessionless),
      code: "UNKNOWN",
      severity: "warning",
      methods: sessionless,
      why: `its callers carry no session, and whether a rule in ${base.proxy} turns them away cannot be decided: ${blocking.why}`,
    });
  }
  return findings;
}

export function evaluateAudit(project: Project, scan: Scan, options: AuditOptions): AuditResult {
  const middleware = middlewareFacts(project);
  const clerkMajor = clerkMajorOf(project);
  const allowed = options.allowPublic.length > 0 ? picomatch(options.allowPublic) : () => false;
  const routes = scan.routes.map((entry): AuditedRoute => {
    const covered = middleware.covers(entry.route);
    // The handler's rules only apply where the middleware runs at all, and on every path of the route.
    const read = () => ruleVerdict(middleware.rules, rulePathsFor(entry.route, middleware.rules));
    // Coverage that cannot be decided matters only where a rule could stop a caller: rules that stop
    // no one on the route's paths even where the middleware runs leave it public either way.
    const blocking: RuleVerdict =
      covered === false
        ? { kind: "public" }
        : covered === "unknown"
          ? middleware.rules.ok && read().kind === "public"
            ? { kind: "public" }
            : { kind: "unknown", why: middleware.coverageWhy ?? "the middleware may not run on every path of it" }
          : read();
    // The middleware sees a request's path before next.config's rewrites: a path no rule matches may
    // be rewritten to this route, so a rule is no protection the audit can vouch for there.
    const rule: RuleVerdict =
      blocking.kind === "protected" && scan.rewrites
        ? {
            kind: "unknown",
            why: `${scan.rewrites} declares rewrites, and the middleware sees a request's path before it is rewritten: a path that ${blocking.rule} does not match may be rewritten to this route`,
          }
        : blocking;
    const parseProblem = entry.facts.parseError;
    const handlers = entry.facts.handlers.map((h) => ({
      method: h.method,
      protection: effective(h, rule),
      checks: h.checks,
      line: h.line,
      ...(h.note ? { note: h.note } : {}),
    }));
    return {
      route: entry.route.pattern,
      file: entry.file,
      router: entry.router,
      methods: entry.facts.handlers.map((h) => h.method),
      protection: parseProblem ? "unknown" : summary(handlers),
      handlers,
      ...(parseProblem !== undefined ? { parseError: parseProblem } : {}),
      covered,
      middlewareRule: rule.kind,
      findings: routeFindings(entry, middleware, rule, covered, allowed, project.appRoutes, clerkMajor, blocking),
    };
  });
  const problems: Finding[] = [];
  // A rule that protects nothing (or throws): an error at its line, whatever the routes it seems to cover.
  if (middleware.rules.ok && middleware.path) {
    const proxy = middleware.path;
    for (const flaw of middleware.rules.flaws) {
      problems.push({
        route: "*",
        file: proxy,
        line: flaw.line || 1,
        router: "app",
        clerkMajor,
        proxy,
        code: "RULE_FLAW",
        severity: "error",
        flaw,
      });
    }
  }
  if (scan.pageExtensions) {
    const base = {
      route: "*",
      file: scan.pageExtensions.file,
      line: 1,
      router: "app" as const,
      clerkMajor,
      proxy: middleware.path ?? `${middleware.kind}.ts`,
    };
    problems.push({
      ...base,
      code: "UNKNOWN",
      severity: "warning",
      methods: [],
      why: `which files are routes cannot be read from ${scan.pageExtensions.file} (${scan.pageExtensions.why}): only route files with the default extensions were audited`,
    });
  }
  const counts: Partial<Record<FindingCode, number>> = {};
  for (const finding of [...routes.flatMap((r) => r.findings), ...problems])
    counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  const failing = [...routes.flatMap((r) => r.findings), ...problems].some(
    (f) => options.strict || FAILING_CODES.has(f.code),
  );
  return {
    ok: !failing,
    ...(middleware.path ? { middleware: middleware.path } : {}),
    routes,
    problems,
    findings: counts,
  };
}
