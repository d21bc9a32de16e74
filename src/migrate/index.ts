// `migrate`, planned: (the middleware file, every route file with the audit's classification,
// the pages and other files the rules may protect) → the changes, as data. Pure: nothing here
// reads the disk. The order: read the rules (clerk/rules.ts), translate them (requirement.ts), put
// the check into each Route Handler whose only protection is a rule (handler-check.ts), then take
// the routes that now check for themselves out of the rules (rule-edits.ts), unless --keep-rules.
import { parseExpression } from "@babel/parser";
import { fileChange } from "../core/types.js";
import type { HandlerFacts, RouteFileFacts } from "../audit/classify.js";
import { noRules, readClerkRules, type ReadOptions, type ReadRules } from "../clerk/rules.js";
import { propertyName, unwrapTs } from "../js/nodes.js";
import { readSource, type SourceFile } from "../js/parse.js";
import { matchesPath, nextMatcherRegExp, readConfig, samplePaths } from "../next/matcher.js";
import type { RoutePath } from "../next/route-path.js";
import { entryCovering } from "../clerk/matcher-entry.js";
import { manualEdit, planRouteEdit } from "./handler-check.js";
import { exportedHandler } from "./route-exports.js";
import { ruleApplies, ruleSites, satisfies, unionRequirement, type RuleSite } from "./requirement.js";
import { planRuleEdits, type Resource } from "./rule-edits.js";
import type {
  Check,
  LeftItem,
  MigrateNote,
  MigrationPlan,
  RefusedMethod,
  Requirement,
  ResourceKind,
  RouteResult,
} from "./types.js";

export type * from "./types.js";

export interface MigrationRoute {
  route: RoutePath;
  /** From the project root, posix. */
  file: string;
  code: string;
  /** The audit's classification of each exported method. */
  facts: RouteFileFacts;
  /** Whether clerkMiddleware() runs on every path of the route (the audit's answer). */
  covered: boolean | "unknown";
  /** A Pages Router API route (pages/api): listed, never edited. */
  router?: "app" | "pages";
}

export interface MigrationInput {
  /** The middleware/proxy file Next runs, when it calls clerkMiddleware() (else nothing to migrate). */
  middleware?: { path: string; code: string; typescript: boolean; read?: ReadOptions };
  routes: MigrationRoute[];
  /** Pages, layouts, metadata files and Pages Router files: what a rule may protect besides Route Handlers. */
  others: Array<{ kind: Exclude<ResourceKind, "route">; file: string; route: RoutePath }>;
  /** Files with Server Functions ("use server"). */
  serverFunctions: string[];
  keepRules: boolean;
  /** A next.config file that declares rewrites, if any. */
  rewrites?: string;
}

// The audit's classes (strings, so a class the audit adds later counts as "relies on the rule":
// never migrated, never taken out of a rule, until it is listed here).
const NEEDS_CHECK = new Set<string>(["none", "unchecked"]);
const SESSION_CHECKS = new Set<string>(["protect", "auth-check", "currentUser"]);
/** Checks its caller without a session: a machine token, a signature, a shared secret. */
const VERIFIES_CALLER = new Set<string>(["machine", "webhook", "secret"]);

const isTypescript = (file: string) => /\.(ts|tsx|mts)$/.test(file);

/** A has()/auth.protect() argument as the audit lists it (`{ role: "org:admin" }`), as checks; undefined when unreadable. */
function parseChecks(texts: string[]): Check[] | undefined {
  const checks: Check[] = [];
  for (const text of texts) {
    let node;
    try {
      node = unwrapTs(parseExpression(text, { plugins: ["typescript"] }));
    } catch {
      return undefined;
    }
    if (node.type !== "ObjectExpression") return undefined;
    for (const prop of node.properties) {
      const key = prop.type === "ObjectProperty" ? propertyName(prop) : undefined;
      const value = prop.type === "ObjectProperty" ? unwrapTs(prop.value) : undefined;
      if (!key || value?.type !== "StringLiteral") return undefined;
      if (key === "role" || key === "permission" || key === "plan" || key === "feature")
        checks.push({ kind: key, value: value.value });
    }
  }
  return checks;
}

/** What one method does once the run is done: checks like `requirement` (migrated), checks by itself, or nothing reliable. */
type MethodState =
  | { kind: "migrated"; requirement: Requirement }
  | { kind: "session"; checks?: Check[] }
  | { kind: "verifier" }
  | { kind: "relies" };

function methodState(handler: HandlerFacts, migrated: Set<string>, requirement: Requirement | undefined): MethodState {
  if (migrated.has(handler.method) && requirement) return { kind: "migrated", requirement };
  if (SESSION_CHECKS.has(handler.protection)) {
    const checks = parseChecks(handler.checks);
    return checks ? { kind: "session", checks } : { kind: "session" };
  }
  if (VERIFIES_CALLER.has(handler.protection)) return { kind: "verifier" };
  return { kind: "relies" };
}

/** Whether a method keeps checking what `site` demanded once the rule no longer covers it. */
function methodSafe(state: MethodState, site: RuleSite): boolean {
  if (!site.translation.ok) return false;
  const needed = site.translation.requirement;
  switch (state.kind) {
    case "migrated":
      return satisfies(state.requirement.checks, needed);
    case "session":
      return state.checks !== undefined && satisfies(state.checks, needed);
    case "verifier":
      return needed.checks.length === 0;
    case "relies":
      return false;
  }
}

/**
 * Whether the middleware may run on a path at all (an entry with has/missing conditions counts):
 * its rules protect nothing elsewhere, and taking them away there changes nothing.
 */
function matcherMayRun(source: SourceFile | undefined): (path: string) => boolean {
  const config = source ? readConfig(source.ast) : undefined;
  if (!config?.ok || config.matcher.kind === "everywhere") return () => true;
  const regexps = config.matcher.entries.map((entry) => nextMatcherRegExp(entry.source));
  if (regexps.some((regexp) => regexp === undefined)) return () => true;
  return (path) => regexps.some((regexp) => matchesPath(regexp!, path));
}

function readRules(middleware: MigrationInput["middleware"]): { source?: SourceFile; rules: ReadRules } {
  if (!middleware) return { rules: noRules() };
  const read = readSource(middleware.code, middleware.path, middleware.typescript);
  if (!read.ok) return { rules: { ok: false, why: read.error } };
  return { source: read.source, rules: readClerkRules(read.source, middleware.read) };
}

export function planMigration(input: MigrationInput): MigrationPlan {
  const notes: MigrateNote[] = [];
  const { source, rules } = readRules(input.middleware);
  const plan: MigrationPlan = {
    ...(input.middleware ? { middleware: input.middleware.path } : {}),
    changes: [],
    routes: [],
    ruleChanges: [],
    left: [],
    notes,
  };
  if (!rules.ok && input.middleware)
    notes.push({ kind: "rulesUnreadable", middleware: input.middleware.path, why: rules.why });
  if (rules.ok && input.middleware)
    for (const flaw of rules.flaws) notes.push({ kind: "ruleFlaw", middleware: input.middleware.path, flaw });
  if (rules.ok && rules.rules.length === 0) {
    if (rules.flaws.length === 0)
      notes.push({ kind: "noRules", ...(input.middleware ? { middleware: input.middleware.path } : {}) });
    return plan;
  }
  const middlewarePath = input.middleware?.path ?? "proxy.ts";
  const sites = rules.ok && source ? ruleSites(source, rules.rules) : [];

  const mayRun = matcherMayRun(source);
  const pathsOf = (route: RoutePath) => samplePaths(route).filter(mayRun);
  const resources: Resource[] = [];
  const candidates = new Set<string>();
  const results = new Map<string, RouteResult>();

  for (const entry of input.routes) {
    const paths = pathsOf(entry.route);
    if (entry.router === "pages") {
      resources.push({
        ref: { kind: "pagesRouter", file: entry.file, route: entry.route.pattern },
        route: entry.route,
        paths,
        safeWithout: () => false,
      });
      continue;
    }
    const handlers = entry.facts.handlers;
    const needing = handlers.filter((h) => NEEDS_CHECK.has(h.protection)).map((h) => h.method);
    const unknown = handlers.filter((h) => h.protection === "unknown");
    const base: RouteResult = {
      route: entry.route.pattern,
      file: entry.file,
      migrated: [],
      reusedAuth: [],
      selfChecked: [],
      refused: [],
      outOfRules: false,
      kept: [],
    };
    const refuseAll = (reason: RouteResult["refused"][number]["reason"]) => {
      const methods = entry.facts.parseError !== undefined ? ["*"] : [...needing, ...unknown.map((h) => h.method)];
      if (methods.length === 0) return;
      const parsed = readSource(entry.code, entry.file, isTypescript(entry.file));
      const matcherEntry = reason.kind === "coverageUnknown" ? entryCovering(entry.route, true) : undefined;
      results.set(entry.file, {
        ...base,
        refused: methods.map((method) => ({ method, reason })),
        edit: {
          ...manualEdit(parsed.ok ? parsed.source : undefined, { checks: [] }, middlewarePath),
          ...(matcherEntry ? { matcherEntry } : {}),
        },
      });
    };
    if (paths.length === 0) {
      // The middleware never runs here: its rules protect nothing, and losing them changes nothing.
      resources.push({
        ref: { kind: "route", file: entry.file, route: entry.route.pattern },
        route: entry.route,
        paths,
        safeWithout: () => true,
      });
      continue;
    }
    if (!rules.ok) {
      refuseAll({ kind: "rulesUnreadable", why: rules.why });
      resources.push({
        ref: { kind: "route", file: entry.file, route: entry.route.pattern },
        route: entry.route,
        paths,
        safeWithout: () => false,
      });
      continue;
    }
    const protecting = sites.filter((site) => paths.every((path) => ruleApplies(site.rule, path)));
    const partial = sites.filter(
      (site) => !protecting.includes(site) && paths.some((path) => ruleApplies(site.rule, path)),
    );
    const ref = { kind: "route" as const, file: entry.file, route: entry.route.pattern };
    const relying = (why: RouteResult["refused"][number]["reason"]) => {
      refuseAll(why);
      resources.push({ ref, route: entry.route, paths, safeWithout: () => false });
    };
    if (protecting.length === 0 && partial.length === 0) {
      resources.push({ ref, route: entry.route, paths, safeWithout: () => true });
      continue;
    }
    if (entry.facts.parseError !== undefined) {
      relying({ kind: "parseError", error: entry.facts.parseError });
      continue;
    }
    if (partial.length > 0 && (needing.length > 0 || unknown.length > 0)) {
      relying({ kind: "partialRule", rule: partial[0]!.rule.text });
      continue;
    }
    // Some path clerkMiddleware() may not run on: auth() in the handler would fail there.
    if (entry.covered !== true && (needing.length > 0 || unknown.length > 0)) {
      relying({ kind: "coverageUnknown" });
      continue;
    }
    const untranslatable = protecting.find((site) => !site.translation.ok);
    if (untranslatable && !untranslatable.translation.ok && (needing.length > 0 || unknown.length > 0)) {
      relying({ kind: "ruleUntranslatable", rule: untranslatable.rule.text, why: untranslatable.translation.why });
      continue;
    }
    const requirement = untranslatable
      ? undefined
      : unionRequirement(
          protecting.map((site) => (site.translation.ok ? site.translation.requirement : { checks: [] })),
        );

    const result: RouteResult = { ...base, ...(requirement ? { requirement } : {}) };
    const refused: RefusedMethod[] = unknown.map((h) => {
      const parsed = readSource(entry.code, entry.file, isTypescript(entry.file));
      const resolved = parsed.ok
        ? exportedHandler(parsed.source.ast, parsed.source.bindings, parsed.source.code, h.method)
        : undefined;
      return {
        method: h.method,
        reason: resolved && !resolved.ok ? resolved.reason : { kind: "unknownHandler", note: h.note ?? "" },
      };
    });
    let edited: ReturnType<typeof planRouteEdit> | undefined;
    if (needing.length > 0 && requirement) {
      edited = planRouteEdit({
        file: entry.file,
        code: entry.code,
        typescript: isTypescript(entry.file),
        methods: needing,
        requirement,
        middleware: middlewarePath,
        ...(source ? { fallback: source.style } : {}),
      });
      refused.push(...edited.refused);
      result.migrated = edited.migrated;
      result.reusedAuth = edited.reusedAuth;
      if (edited.after !== undefined && edited.after !== entry.code)
        plan.changes.push(fileChange(entry.file, entry.code, edited.after));
    }
    result.refused = handlers
      .map((h) => refused.find((r) => r.method === h.method))
      .filter((r): r is RefusedMethod => r !== undefined);
    if (result.refused.length > 0) {
      const reread = edited?.source ? undefined : readSource(entry.code, entry.file, isTypescript(entry.file));
      result.edit = manualEdit(
        edited?.source ?? (reread?.ok ? reread.source : undefined),
        requirement ?? { checks: [] },
        middlewarePath,
      );
    }
    const migrated = new Set(result.migrated);
    const states = handlers.map((h) => methodState(h, migrated, requirement));
    result.selfChecked = handlers
      .filter((h, i) => states[i]!.kind === "session" || states[i]!.kind === "verifier")
      .map((h) => h.method);
    const safeWithout = (site: RuleSite) => states.every((state) => methodSafe(state, site));
    resources.push({ ref, route: entry.route, paths, safeWithout });
    if (result.refused.length === 0 && protecting.length > 0 && entry.covered === true && protecting.every(safeWithout))
      candidates.add(entry.file);
    if (result.migrated.length > 0 || result.refused.length > 0 || candidates.has(entry.file))
      results.set(entry.file, result);
  }

  const routeFiles = new Set(input.routes.map((entry) => entry.file));
  for (const other of input.others.filter((o) => !routeFiles.has(o.file))) {
    resources.push({
      ref: { kind: other.kind, file: other.file, route: other.route.pattern },
      route: other.route,
      paths: pathsOf(other.route),
      safeWithout: () => false,
    });
  }

  let remaining: Map<string, string[]>;
  if (source && rules.ok && candidates.size > 0 && !input.keepRules) {
    const edits = planRuleEdits({
      source,
      sites,
      resources,
      candidates,
      ...(input.middleware?.read ? { read: input.middleware.read } : {}),
    });
    for (const [file, outcome] of edits.outcome) {
      const result = results.get(file);
      if (!result) continue;
      result.outOfRules = outcome.out;
      result.kept = outcome.kept;
    }
    remaining = edits.remaining;
    plan.ruleChanges = edits.changes;
    if (edits.after !== undefined && input.middleware)
      plan.changes.push(fileChange(input.middleware.path, input.middleware.code, edits.after));
    if (input.rewrites && edits.changes.some((c) => c.kind === "patternRemoved" || c.kind === "publicPatternAdded"))
      notes.push({ kind: "rewrites", file: input.rewrites });
  } else {
    remaining = new Map(
      resources.map((r) => [
        r.ref.file,
        sites.filter((site) => r.paths.some((path) => ruleApplies(site.rule, path))).map((site) => site.rule.text),
      ]),
    );
    for (const file of candidates) {
      const result = results.get(file);
      if (result && input.keepRules) result.kept = [{ kind: "keepRules" }];
    }
  }
  // Candidates that changed nothing and stay where they were are not worth a line.
  for (const [file, result] of results) {
    if (result.migrated.length === 0 && result.refused.length === 0 && !result.outOfRules) results.delete(file);
  }

  const left: LeftItem[] = [];
  for (const resource of resources) {
    const protectedBy = remaining.get(resource.ref.file) ?? [];
    if (protectedBy.length === 0 || resource.ref.kind === "route") continue;
    left.push({
      kind: resource.ref.kind,
      file: resource.ref.file,
      ...(resource.ref.route ? { route: resource.ref.route } : {}),
      rules: protectedBy,
    });
  }
  // Routes still inside a rule that neither this run nor their own code checks fully.
  for (const resource of resources) {
    if (
      resource.ref.kind !== "route" ||
      results.get(resource.ref.file)?.refused.length ||
      candidates.has(resource.ref.file)
    )
      continue;
    const protectedBy = remaining.get(resource.ref.file) ?? [];
    if (
      protectedBy.length > 0 &&
      sites.some((site) => resource.paths.some((p) => ruleApplies(site.rule, p)) && !resource.safeWithout(site))
    ) {
      left.push({
        kind: "route",
        file: resource.ref.file,
        ...(resource.ref.route ? { route: resource.ref.route } : {}),
        rules: protectedBy,
      });
    }
  }
  if (left.some((item) => item.kind === "page" || item.kind === "layout" || item.kind === "pagesRouter")) {
    for (const file of input.serverFunctions) left.push({ kind: "serverFunction", file, rules: [] });
  }
  plan.routes = [...results.values()].sort((a, b) =>
    a.route < b.route ? -1 : a.route > b.route ? 1 : a.file < b.file ? -1 : 1,
  );
  plan.left = left;
  return plan;
}
