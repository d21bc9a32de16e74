import { CliError } from "../core/errors.js";
import { valueOf, type Question, type StyleFlag, type StyleValues } from "./declaration.js";
import { repeatedNameFlag } from "./flags.js";
import type { ClerkApi } from "../clerk/api-versions.js";

// Who may call a route beyond "signed in": the checks Clerk's has() and auth.protect() take.
// Shapes follow Clerk's keys: roles "org:admin" (or a bare "admin"), permissions
// "org:invoices:create", plans and features "pro", "user:pro" or "org:team". Quotes, spaces, dots
// and look-alike separators are refused. Every check given must hold, and each flag may be given
// several times (--permission org:invoices:read --permission org:invoices:delete): all of them.

export const role = repeatedNameFlag({
  flag: "--role <role>",
  key: "role",
  description: "require this organization role, e.g. org:admin",
  pattern: /^(?:org:)?[A-Za-z0-9_-]+$/,
  example: "--role org:admin",
  shape: "a Clerk role key (org:admin, or admin)",
  // A member has one role in the active organization: two roles can never both hold.
  combine(roles) {
    if (roles.length < 2) return;
    throw new CliError(
      "INVALID_FLAG",
      `--role is given ${roles.length} times (${roles.join(", ")}), and every check must hold: a member has one role in an organization, so no one could call the route.`,
      {
        hint: "Give one --role, or check a permission that each of those roles has (--permission org:<feature>:<action>).",
      },
    );
  },
});

export const permission = repeatedNameFlag({
  flag: "--permission <perm>",
  key: "permission",
  description: "require this organization permission, e.g. org:invoices:read",
  pattern: /^org:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/,
  example: "--permission org:invoices:read",
  shape: "a Clerk permission key (org:<feature>:<action>)",
});

const SLUG = /^(?:(?:user|org):)?[A-Za-z0-9_-]+$/;

export const plan = repeatedNameFlag({
  flag: "--plan <plan>",
  key: "plan",
  description: "require this Billing plan, e.g. pro, user:pro or org:team",
  pattern: SLUG,
  example: "--plan pro (either a user's or an organization's), --plan user:pro or --plan org:team",
  shape: "a plan slug (pro, user:pro or org:team)",
});

export const feature = repeatedNameFlag({
  flag: "--feature <feature>",
  key: "feature",
  description: "require this Billing feature, e.g. export, user:export or org:seats",
  pattern: SLUG,
  example: "--feature export, --feature user:export or --feature org:seats",
  shape: "a feature slug (export, user:export or org:seats)",
});

/** The checks in the order the generated code runs them. */
export const AUTHORIZATION_FLAGS: readonly StyleFlag<string[]>[] = [role, permission, plan, feature];

/** The "Who may call it?" step of the prompts. */
export const whoMayCallIt: Question = {
  kind: "oneOf",
  message: "Who may call it?",
  none: "Anyone signed in",
  options: [
    {
      flag: role,
      label: "A role",
      hint: "has({ role }), needs an active organization",
      message: "Role",
      placeholder: "org:admin",
    },
    {
      flag: permission,
      label: "A permission",
      hint: "has({ permission }), needs an active organization",
      message: "Permission",
      placeholder: "org:invoices:read",
    },
    { flag: plan, label: "A plan", hint: "has({ plan }), Clerk Billing", message: "Plan", placeholder: "pro" },
    {
      flag: feature,
      label: "A feature",
      hint: "has({ feature }), Clerk Billing",
      message: "Feature",
      placeholder: "export",
    },
  ],
};

export interface Check {
  kind: "role" | "permission" | "plan" | "feature";
  value: string;
  /** `{ role: "org:admin" }`, the argument of has() and auth.protect(). */
  argument: string;
}

/** The checks given, in order (an empty list: anyone signed in). */
export function checksOf(values: StyleValues): Check[] {
  return AUTHORIZATION_FLAGS.flatMap((flag) => {
    const kind = flag.key as Check["kind"];
    return valueOf(values, flag).map((value) => ({ kind, value, argument: `{ ${kind}: ${JSON.stringify(value)} }` }));
  });
}

/**
 * The checks of one kind, as the 403 block reports them: `missing.permission = "…"` for a kind
 * checked once; for a kind checked several times, `variable` (e.g. missingPermissions) collects
 * the failed ones and `missing.permission` is that list.
 */
export interface CheckGroup {
  kind: Check["kind"];
  checks: Check[];
  variable?: string;
}

/** Names the 403 block may declare (CheckGroup.variable): route parameters may not take them. */
export const CHECK_LOCALS = ["missingRoles", "missingPermissions", "missingPlans", "missingFeatures"];

function groupsOf(checks: Check[]): CheckGroup[] {
  const kinds = [...new Set(checks.map((check) => check.kind))];
  return kinds.map((kind) => {
    const ofKind = checks.filter((check) => check.kind === kind);
    const variable = `missing${kind[0]!.toUpperCase()}${kind.slice(1)}s`;
    return ofKind.length > 1 ? { kind, checks: ofKind, variable } : { kind, checks: ofKind };
  });
}

/**
 * The template view of the checks: `checks` for comments, `checkGroups` for the 403 block,
 * `missingType` (JavaScript: `missingTypeDoc`) for its `missing` object, `needsOrganization` for the comment.
 */
export function authorizationView(values: StyleValues): {
  checks: Check[];
  checkGroups: CheckGroup[];
  missingType: string;
  missingTypeDoc: string;
  needsOrganization: boolean;
} {
  const checks = checksOf(values);
  const checkGroups = groupsOf(checks);
  const missingType = checkGroups.some((group) => group.variable)
    ? "Record<string, string | string[]>"
    : "Record<string, string>";
  return {
    checks,
    checkGroups,
    missingType,
    // JSDoc's braces: a Handlebars template cannot write "{" right before "{{".
    missingTypeDoc: `{${missingType}}`,
    needsOrganization: checks.some((check) => check.kind === "role" || check.kind === "permission"),
  };
}

/** The @clerk/nextjs APIs the checks need: has({ plan }) and has({ feature }) came with Clerk Billing. */
export function checkApis(values: StyleValues): ClerkApi[] {
  return checksOf(values).some((check) => check.kind === "plan" || check.kind === "feature") ? ["billingChecks"] : [];
}
