// `migrate` in words: per route what changed (and the behaviour change a signed-out caller sees),
// what was refused and the exact edit to make instead, what happened to the rules, and what is
// left to move by hand. Human text, or one JSON object for --json.
import type { Colors } from "picocolors/types.js";
import { flawWords } from "./audit.js";
import type {
  Check,
  KeptReason,
  LeftItem,
  MigrateNote,
  MigrationPlan,
  RefusalReason,
  RefusedMethod,
  Requirement,
  RouteResult,
  RuleChange,
  Untranslatable,
} from "../migrate/types.js";
import { renderDiff } from "./diff.js";
import type { Wrap } from "./index.js";

/** Clerk's guide for what this tool does not move (pages, layouts, Server Functions). */
export const MIGRATION_GUIDE =
  "https://clerk.com/docs/guides/development/upgrading/upgrade-guides/migrate-from-create-route-matcher";

/** A rule by its condition; the reader calls an unconditional auth.protect() "always". */
const ruleName = (text: string) => (text === "always" ? "auth.protect() on every request" : text);

const list = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
const methods = (names: string[]) => (names.includes("*") ? "every method" : list(names));

function checkWords(check: Check): string {
  return `the ${JSON.stringify(check.value)} ${check.kind}`;
}

/** "a session", "a session and the "org:admin" role". */
export function requirementWords(requirement: Requirement | undefined): string {
  if (!requirement || requirement.checks.length === 0) return "a session";
  return `a session and ${list(requirement.checks.map(checkWords))}`;
}

function untranslatableWords(why: Untranslatable): string {
  switch (why.kind) {
    case "shape":
      return "it does more than call auth.protect() under a createRouteMatcher condition";
    case "protectArgument":
      return `auth.protect(${why.text}) is not a role, permission, plan or feature this tool can check with has()`;
    case "machineTokens":
      return `auth.protect(${why.text}) accepts machine tokens, which a session check would refuse`;
    case "condition":
      return `its condition (${why.text}) tests more than the request's path, so the rule applies to some requests only and a check in the handler would block the others`;
    case "earlyExit":
      return `a statement before it may answer first (${why.text}), so the rule does not run on every request`;
    case "unknownRule":
      return "this tool cannot place it in the handler";
  }
}

export function refusalWords(reason: RefusalReason, middleware: string): string {
  switch (reason.kind) {
    case "rulesUnreadable":
      return `the rules in ${middleware} cannot be read (${reason.why})`;
    case "ruleUntranslatable":
      return `its rule ${ruleName(reason.rule)} cannot be moved exactly: ${untranslatableWords(reason.why)}`;
    case "partialRule":
      return `${reason.rule} protects only some of its paths: a check in the handler would block the others`;
    case "coverageUnknown":
      return `clerkMiddleware() may not run on every one of its paths (the matcher in ${middleware}), and auth() in the handler fails where it does not`;
    case "parseError":
      return `the file does not parse (${reason.error})`;
    case "wrapped":
      return `the handler is the result of a call (${reason.callee}(…)): the function that answers is inside it`;
    case "reexport":
      return `the handler is re-exported from ${reason.source}`;
    case "destructured":
      return "the handler is taken from an object (export const { GET } = …)";
    case "unknownHandler":
      return `how it is protected cannot be read${reason.note ? ` (${reason.note})` : ""}`;
    case "machine":
      return "it accepts machine tokens (auth({ acceptsToken })): a session check would refuse them";
    case "signatureVerified":
      return `it verifies its sender's signature (${reason.how}): the sender has no session`;
    case "generator":
      return "the handler is a generator function";
    case "notAFunction":
      return "the export is not a function this tool can edit";
  }
}

function keptWords(kept: KeptReason, middleware: string): string {
  switch (kept.kind) {
    case "keepRules":
      return "--keep-rules";
    case "always":
      return `${middleware} calls auth.protect() on every request`;
    case "notEditable":
      return `${kept.matcher ? `${kept.matcher} ` : "its matcher "}is used outside the rules or both as a protected and a public list, or its list is not written out as strings`;
    case "dependents": {
      const what = `${kept.resource.kind === "pagesRouter" ? "the Pages Router file" : `the ${kept.resource.kind}`} ${kept.resource.file}`;
      return `${kept.pattern ? `${JSON.stringify(kept.pattern)} also protects` : "taking it out would also unprotect"} ${what}`;
    }
    case "verifyFailed":
      return "the edit could not be checked to do exactly that, so the rules were left as they were";
  }
}

/** One route that checks for itself now: what it checks, and whether it left the rules. */
export function routeWords(route: RouteResult, middleware: string): string {
  const where = `${route.route} (${route.file})`;
  const forbidden = route.requirement && route.requirement.checks.length > 0 ? ", 403 JSON naming what is missing" : "";
  const what =
    route.migrated.length > 0
      ? `${methods(route.migrated)} check${route.migrated.length === 1 ? "s" : ""} for ${requirementWords(route.requirement)}${forbidden}${route.reusedAuth.length > 0 ? ` (reusing its auth() call in ${methods(route.reusedAuth)})` : ""}`
      : "already checks for itself";
  if (route.outOfRules) return `${where}: ${what}; out of the rules.`;
  const kept = route.kept
    .map((k) => `${"rule" in k && k.kind !== "always" ? `${ruleName(k.rule)}: ` : ""}${keptWords(k, middleware)}`)
    .join("; ");
  return `${where}: ${what}; stays in the rules (${kept}), so the middleware still answers first and nothing changes for callers yet.`;
}

/** Said once, after the routes that left the rules. */
export const BEHAVIOUR_CHANGE =
  'Behaviour change for the routes out of the rules: a signed-out caller now gets the handler\'s own answer (401 {"error":"Unauthorized"} from the checks this run added) instead of the middleware\'s redirect to sign-in (page requests) or empty 404; a signed-in caller missing a role or permission gets 403 JSON instead of an empty 404.';

function refusedWords(route: RouteResult, refused: RefusedMethod[], middleware: string): string {
  const byReason = new Map<string, string[]>();
  for (const item of refused) {
    const words = refusalWords(item.reason, middleware);
    byReason.set(words, [...(byReason.get(words) ?? []), item.method]);
  }
  return `${route.route} (${route.file}) ${[...byReason].map(([words, names]) => `${methods(names)}: ${words}`).join("; ")}.`;
}

/** The manual edit for a refused route, as instructions and indented code (never re-flowed). */
function editLines(route: RouteResult, middleware: string, wrap: Wrap): string[] {
  const edit = route.edit;
  if (!edit) return [];
  const kinds = new Set(route.refused.map((r) => r.reason.kind));
  const exempt = `exempt ${route.route} from the rule in ${middleware} (add it to a createRouteMatcher list of public routes)`;
  if (kinds.size === 1 && kinds.has("signatureVerified")) {
    return [wrap("    ", `By hand: no session check; its signature check is its protection: ${exempt}.`), ""];
  }
  if (kinds.size === 1 && kinds.has("machine")) {
    return [
      wrap(
        "    ",
        `By hand: test the token auth({ acceptsToken }) returns (401 JSON when its isAuthenticated is false), then ${exempt}.`,
      ),
      "",
    ];
  }
  const who = methods(
    route.refused
      .map((r) => (r.reason.kind !== "machine" && r.reason.kind !== "signatureVerified" ? r.method : ""))
      .filter((m) => m !== ""),
  );
  const matcher = edit.matcherEntry
    ? `make config.matcher in ${middleware} cover every path of ${route.route} (add ${JSON.stringify(edit.matcherEntry)}), then `
    : "";
  const first = kinds.has("partialRule")
    ? `By hand: only the paths the rule protects need this check (test the path or the params first), at the top of the function that answers ${who}:`
    : `By hand: ${matcher}put this at the top of the function that answers ${who}${kinds.has("ruleUntranslatable") ? ", then add what the rule checks beyond a session" : ""}, then take the route out of the rule:`;
  const out = [wrap("    ", first), ""];
  for (const statement of edit.imports) out.push(`      ${statement}`);
  if (edit.imports.length > 0) out.push("");
  for (const line of edit.snippet.split("\n")) out.push(line === "" ? "" : `      ${line}`);
  out.push("");
  return out;
}

function ruleChangeWords(change: RuleChange, middleware: string): string {
  switch (change.kind) {
    case "patternRemoved":
      return `${JSON.stringify(change.pattern)} removed from ${change.matcher}`;
    case "publicPatternAdded":
      return `${JSON.stringify(change.pattern)} added to ${change.matcher} (public)`;
    case "ruleRemoved":
      return `the rule ${ruleName(change.rule)} removed (nothing left to protect)`;
    case "matcherRemoved":
      return `${change.matcher} removed`;
    case "importRemoved":
      return `the ${change.name} import removed: no more deprecation warning from it`;
    case "handlerRemoved":
      return `the handler had nothing left: ${middleware} now calls clerkMiddleware() without one (its matcher is unchanged)`;
  }
}

function leftWords(item: LeftItem): string {
  const what: Record<LeftItem["kind"], string> = {
    page: "page",
    layout: "layout",
    metadata: "metadata file",
    pagesRouter: "Pages Router file",
    route: "Route Handler",
    serverFunction: "Server Functions in",
  };
  if (item.kind === "serverFunction")
    return `Server Functions in ${item.file}: they run at the URL of the page that calls them, protected by the same rules; check auth() in each.`;
  const rules = item.rules.length > 0 ? `: still protected by ${list(item.rules.map(ruleName))}` : "";
  const weak = item.kind === "route" ? " (it checks for itself, but not everything the rule demands)" : "";
  return `${what[item.kind]} ${item.route ?? ""} (${item.file})${rules}${weak}.`.replace("  (", " (");
}

function noteWords(note: MigrateNote): string {
  switch (note.kind) {
    case "rewrites":
      return `${note.file} declares rewrites: a pattern taken out of the rules may have protected a rewritten path this tool cannot see; check them.`;
    case "prettierFailed":
      return `Your prettier could not format ${note.path} (${note.reason}); the inserted code keeps the file's own style.`;
    case "ruleFlaw": {
      const words = flawWords(note.flaw, note.middleware);
      return `${words.message} migrate leaves that rule as it is and moves nothing it seems to protect: fix it first (${words.fix.replace(/\.$/, "")}).`;
    }
    case "rulesUnreadable":
      return `The rules in ${note.middleware} cannot be read (${note.why}): nothing was moved, and the pages, layouts and routes they may protect cannot be listed. Move their checks by hand (${MIGRATION_GUIDE}) or write the rules in a shape this tool reads.`;
    case "noRules":
      return note.middleware
        ? `${note.middleware} has no createRouteMatcher + auth.protect() rules: nothing to migrate.`
        : "No middleware/proxy file runs clerkMiddleware() here: nothing to migrate.";
  }
}

export interface MigrationView {
  dryRun: boolean;
  colors: Colors;
  wrap?: Wrap;
  /** The files were written (else: planned, or nothing to change). */
  written: boolean;
}

export function migrationTitle(plan: MigrationPlan): string {
  const migrated = plan.routes.filter((r) => r.migrated.length > 0).length;
  const out = plan.routes.filter((r) => r.outOfRules).length;
  const handlers =
    migrated === 1 ? "1 Route Handler now checks for itself" : `${migrated} Route Handlers now check for themselves`;
  return `${handlers}; ${out} out of the rules${plan.middleware ? ` in ${plan.middleware}` : ""}`;
}

/** The report's sections as lines (an item's text is wrapped by `wrap`; code lines are left whole). */
export function humanMigration(plan: MigrationPlan, view: MigrationView): string {
  const { colors } = view;
  const wrap: Wrap = view.wrap ?? ((prefix, text) => prefix + text);
  const middleware = plan.middleware ?? "proxy.ts";
  const out: string[] = [];
  if (plan.changes.length === 0) out.push(wrap(`${colors.green("✔")} `, "Nothing to change."));
  else if (view.written) out.push(wrap(`${colors.green("✔")} `, migrationTitle(plan)));
  if (view.dryRun && plan.changes.length > 0) {
    out.push(colors.bold("Dry run: nothing was written. Planned changes:"), "");
    for (const change of plan.changes) out.push(renderDiff(change, colors), "");
  } else {
    for (const change of plan.changes)
      out.push(wrap(`  ${view.written ? colors.yellow("modified") : "modify  "} `, change.path));
  }
  for (const note of plan.notes) out.push(wrap(`${colors.yellow("!")} `, noteWords(note)));
  const handled = plan.routes.filter((r) => r.migrated.length > 0 || r.outOfRules);
  if (handled.length > 0) {
    out.push("", colors.bold("Route Handlers:"));
    for (const route of handled) out.push(wrap(`  ${colors.green("✔")} `, routeWords(route, middleware)));
    if (handled.some((route) => route.outOfRules)) out.push(wrap("  ", BEHAVIOUR_CHANGE));
  }
  if (plan.ruleChanges.length > 0) {
    out.push("", colors.bold(`Rules in ${middleware}:`));
    for (const change of plan.ruleChanges) out.push(wrap("  - ", ruleChangeWords(change, middleware)));
  }
  const refused = plan.routes.filter((r) => r.refused.length > 0);
  if (refused.length > 0) {
    out.push("", colors.bold("Refused (left as they were):"));
    for (const route of refused) {
      out.push(wrap(`  ${colors.red("✖")} `, refusedWords(route, route.refused, middleware)));
      out.push(...editLines(route, middleware, wrap));
    }
  }
  if (plan.left.length > 0) {
    out.push("", colors.bold("Left to migrate by hand:"), wrap("  ", `Clerk's guide: ${MIGRATION_GUIDE}`));
    for (const item of plan.left) out.push(wrap("  - ", leftWords(item)));
  }
  return out.join("\n").replace(/\n+$/, "");
}

export interface MigrationJson {
  ok: true;
  dryRun: boolean;
  middleware?: string;
  changes: Array<{ path: string; action: "create" | "modify" }>;
  routes: Array<{
    route: string;
    file: string;
    migrated: string[];
    reusedAuth: string[];
    selfChecked: string[];
    requires?: Requirement;
    outOfRules: boolean;
    behaviourChange?: string;
    kept: Array<{ kind: KeptReason["kind"]; message: string }>;
    refused: Array<{ method: string; code: RefusalReason["kind"]; message: string }>;
    edit?: { imports: string[]; snippet: string; matcherEntry?: string };
  }>;
  rules: Array<RuleChange & { message: string }>;
  left: Array<LeftItem & { message: string }>;
  warnings: string[];
  guide: string;
}

export function jsonMigration(plan: MigrationPlan, dryRun: boolean): MigrationJson {
  const middleware = plan.middleware ?? "proxy.ts";
  return {
    ok: true,
    dryRun,
    ...(plan.middleware ? { middleware: plan.middleware } : {}),
    changes: plan.changes.map((c) => ({ path: c.path, action: c.action })),
    routes: plan.routes.map((route) => ({
      route: route.route,
      file: route.file,
      migrated: route.migrated,
      reusedAuth: route.reusedAuth,
      selfChecked: route.selfChecked,
      ...(route.requirement ? { requires: route.requirement } : {}),
      outOfRules: route.outOfRules,
      ...(route.outOfRules
        ? {
            behaviourChange:
              route.migrated.length > 0
                ? "signed out: 401 JSON from the handler instead of a redirect to sign-in or an empty 404"
                : "signed out: the handler's own answer instead of a redirect to sign-in or an empty 404",
          }
        : {}),
      kept: route.kept.map((kept) => ({ kind: kept.kind, message: keptWords(kept, middleware) })),
      refused: route.refused.map((r) => ({
        method: r.method,
        code: r.reason.kind,
        message: refusalWords(r.reason, middleware),
      })),
      ...(route.edit ? { edit: route.edit } : {}),
    })),
    rules: plan.ruleChanges.map((change) => ({ ...change, message: ruleChangeWords(change, middleware) })),
    left: plan.left.map((item) => ({ ...item, message: leftWords(item) })),
    warnings: plan.notes.map(noteWords),
    guide: MIGRATION_GUIDE,
  };
}
