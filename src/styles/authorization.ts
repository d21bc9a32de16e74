import { valueOf, type Question, type StyleFlag, type StyleValues } from "./declaration.js";
import { nameFlag } from "./flags.js";
import type { ClerkApi } from "../clerk/api-versions.js";

// Who may call a route beyond "signed in": the checks Clerk's has() and auth.protect() take.
// Shapes follow Clerk's keys: roles "org:admin" (or a bare "admin"), permissions
// "org:invoices:create", plans and features "pro", "user:pro" or "org:team". Quotes, spaces, dots
// and look-alike separators are refused. Every check given must hold.

export const role = nameFlag({
  flag: "--role <role>",
  key: "role",
  description: "require this organization role, e.g. org:admin",
  pattern: /^(?:org:)?[A-Za-z0-9_-]+$/,
  example: "--role org:admin",
  shape: "a Clerk role key (org:admin, or admin)",
});

export const permission = nameFlag({
  flag: "--permission <perm>",
  key: "permission",
  description: "require this organization permission, e.g. org:invoices:read",
  pattern: /^org:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/,
  example: "--permission org:invoices:read",
  shape: "a Clerk permission key (org:<feature>:<action>)",
});

const SLUG = /^(?:(?:user|org):)?[A-Za-z0-9_-]+$/;

export const plan = nameFlag({
  flag: "--plan <plan>",
  key: "plan",
  description: "require this Billing plan, e.g. pro, user:pro or org:team",
  pattern: SLUG,
  example: "--plan pro (either a user's or an organization's), --plan user:pro or --plan org:team",
  shape: "a plan slug (pro, user:pro or org:team)",
});

export const feature = nameFlag({
  flag: "--feature <feature>",
  key: "feature",
  description: "require this Billing feature, e.g. export, user:export or org:seats",
  pattern: SLUG,
  example: "--feature export, --feature user:export or --feature org:seats",
  shape: "a feature slug (export, user:export or org:seats)",
});

/** The checks in the order the generated code runs them. */
export const AUTHORIZATION_FLAGS: readonly StyleFlag<string | undefined>[] = [role, permission, plan, feature];

/** The "Who may call it?" step of the prompts. */
export const whoMayCallIt: Question = {
  kind: "oneOf",
  message: "Who may call it?",
  none: "Anyone signed in",
  options: [
    { flag: role, label: "A role", hint: "has({ role }), needs an active organization", message: "Role", placeholder: "org:admin" },
    { flag: permission, label: "A permission", hint: "has({ permission }), needs an active organization", message: "Permission", placeholder: "org:invoices:read" },
    { flag: plan, label: "A plan", hint: "has({ plan }), Clerk Billing", message: "Plan", placeholder: "pro" },
    { flag: feature, label: "A feature", hint: "has({ feature }), Clerk Billing", message: "Feature", placeholder: "export" },
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
    const value = valueOf(values, flag);
    if (value === undefined) return [];
    const kind = flag.key as Check["kind"];
    return [{ kind, value, argument: `{ ${kind}: ${JSON.stringify(value)} }` }];
  });
}

/** The template view of the checks: `checks` for the 403 block, `needsOrganization` for the comment. */
export function authorizationView(values: StyleValues): { checks: Check[]; needsOrganization: boolean } {
  const checks = checksOf(values);
  return { checks, needsOrganization: checks.some((check) => check.kind === "role" || check.kind === "permission") };
}

/** The @clerk/nextjs APIs the checks need: has({ plan }) and has({ feature }) came with Clerk Billing. */
export function checkApis(values: StyleValues): ClerkApi[] {
  return checksOf(values).some((check) => check.kind === "plan" || check.kind === "feature") ? ["billingChecks"] : [];
}
