import type { Flaw } from "../clerk/rules.js";
// What `migrate` plans, as data: which Route Handlers get their own check, which are refused and
// why, what happens to the clerkMiddleware() rules, and what is left to move by hand. The words
// are in report/migrate.ts; nothing here is a sentence except the reader's own `why` texts.
import type { FileChange } from "../core/types.js";

/** A check beyond "signed in", as Clerk's has() takes it: `{ role: "org:admin" }`. */
export interface Check {
  kind: "role" | "permission" | "plan" | "feature";
  value: string;
}

/** What a rule demands of a caller: always a session, plus every check listed. */
export interface Requirement {
  checks: Check[];
}

/** Why a rule cannot be moved into a handler exactly (then its routes are refused). */
export type Untranslatable =
  /** The rule's statement is not `if (<matchers>) await auth.protect(…)` / `await auth.protect(…)` alone. */
  | { kind: "shape" }
  /** auth.protect() with an argument this tool cannot turn into has() checks. */
  | { kind: "protectArgument"; text: string }
  /** auth.protect({ token }) accepts machine tokens: a session check would refuse them. */
  | { kind: "machineTokens"; text: string }
  /** The rule's condition tests more than createRouteMatcher paths (the method, a header…): it applies to some requests only. */
  | { kind: "condition"; text: string }
  /** A statement before the rule may answer first (an early return): the rule does not always run. */
  | { kind: "earlyExit"; text: string }
  /** A rule the reader knows but this planner does not (a newer reader's shape). */
  | { kind: "unknownRule" };

/** Why a route (or one of its methods) was left as it was. */
export type RefusalReason =
  /** The reader could not follow the clerkMiddleware() handler at all. */
  | { kind: "rulesUnreadable"; why: string }
  | { kind: "ruleUntranslatable"; rule: string; why: Untranslatable }
  /** A rule protects some of the route's paths only: a check in the handler would block the others. */
  | { kind: "partialRule"; rule: string }
  /** clerkMiddleware() may not run on every path of the route: auth() would fail where it does not. */
  | { kind: "coverageUnknown" }
  | { kind: "parseError"; error: string }
  /** `export const GET = withAuth(async () => …)`: the function that answers is inside a call. */
  | { kind: "wrapped"; callee: string }
  | { kind: "reexport"; source: string }
  /** `export const { GET, POST } = handlers`. */
  | { kind: "destructured" }
  /** The audit could not tell how the handler is protected (a helper it cannot follow…). */
  | { kind: "unknownHandler"; note: string }
  /** auth({ acceptsToken }): a machine route; a session check would refuse its tokens. */
  | { kind: "machine" }
  /** A signature-verified webhook (svix, Stripe, …): its sender has no session. */
  | { kind: "signatureVerified"; how: string }
  | { kind: "generator" }
  /** Not a function this tool can edit (a class, a value). */
  | { kind: "notAFunction" };

/** The exact edit to make by hand for a refused route. */
export interface ManualEdit {
  /** The check to put at the top of the function that answers, in the file's own style. */
  snippet: string;
  /** Imports the snippet needs that the file lacks, as statements. */
  imports: string[];
  /** For a route the matcher does not cover everywhere: the config.matcher entry that would. */
  matcherEntry?: string;
}

export interface RefusedMethod {
  method: string;
  reason: RefusalReason;
}

/** Why a route stays inside a rule although its handler now checks for itself. */
export type KeptReason =
  | { kind: "keepRules" }
  /** `await auth.protect()` on every request: no list to take the route out of. */
  | { kind: "always"; rule: string }
  /** The matcher is used outside the rules, or its list is not an array of literals. */
  | { kind: "notEditable"; rule: string; matcher?: string }
  /** Taking the route out would also unprotect a resource that does not check for itself. */
  | { kind: "dependents"; rule: string; pattern?: string; resource: ResourceRef }
  /** The edit could not be read back to do exactly what was planned: nothing in the rules changed. */
  | { kind: "verifyFailed"; rule: string };

/** A page, layout or other file the rules protect, by kind and file. */
export interface ResourceRef {
  kind: ResourceKind;
  file: string;
  /** The URL pattern, when it has one. */
  route?: string;
}

export type ResourceKind = "route" | "page" | "layout" | "metadata" | "pagesRouter";

/** One Route Handler file the rules protect. */
export interface RouteResult {
  route: string;
  file: string;
  /** Methods that got their own check in this run. */
  migrated: string[];
  /** Methods whose existing auth() call was reused (a subset of `migrated`). */
  reusedAuth: string[];
  /** Methods already checking for themselves. */
  selfChecked: string[];
  refused: RefusedMethod[];
  /** The edit to make by hand for the refused methods. */
  edit?: ManualEdit;
  /** What the check demands (the rules' requirement); absent when the rules could not be translated. */
  requirement?: Requirement;
  /** Taken out of every rule by this run: signed-out callers now get the handler's 401 JSON. */
  outOfRules: boolean;
  /** Why the route stays in a rule (empty when it is out, or refused). */
  kept: KeptReason[];
}

/** What changed in the middleware's rules. */
export type RuleChange =
  | { kind: "patternRemoved"; matcher: string; pattern: string }
  | { kind: "publicPatternAdded"; matcher: string; pattern: string; route: string }
  | { kind: "ruleRemoved"; rule: string }
  | { kind: "matcherRemoved"; matcher: string }
  | { kind: "importRemoved"; name: string }
  /** The handler had nothing left: clerkMiddleware() is now called without it. */
  | { kind: "handlerRemoved" };

/** Something still protected by a rule that this tool does not move: to do by hand. */
export interface LeftItem {
  kind: ResourceKind | "serverFunction";
  file: string;
  route?: string;
  /** The rules (their test text) that protect it. */
  rules: string[];
}

export type MigrateNote =
  /** next.config has rewrites: a removed pattern may have protected a rewritten path this tool cannot see. */
  | { kind: "rewrites"; file: string }
  /** The project's prettier could not format a file: it keeps the inserted code's own style. */
  | { kind: "prettierFailed"; path: string; reason: string }
  /** No clerkMiddleware() rules at all: nothing to migrate. */
  | { kind: "noRules"; middleware?: string }
  /** The middleware cannot be read: nothing is moved, and what its rules protect cannot be listed. */
  | { kind: "rulesUnreadable"; middleware: string; why: string }
  /** A rule that does something other than it seems to (an un-awaited auth.protect(), a Clerk 5 form on 6+): left as it is. */
  | { kind: "ruleFlaw"; middleware: string; flaw: Flaw };

export interface MigrationPlan {
  /** The middleware/proxy file whose rules were read (and maybe edited). */
  middleware?: string;
  changes: FileChange[];
  routes: RouteResult[];
  ruleChanges: RuleChange[];
  left: LeftItem[];
  notes: MigrateNote[];
}
