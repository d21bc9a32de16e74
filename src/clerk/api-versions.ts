// The first @clerk/nextjs version that has each API the generated code uses: one table, read by
// the plan (generate for the project's version, or refuse naming the version it needs) and by the
// styles (which say what their output uses, and pick an equivalent where one exists).
//
// How the versions were found: each @clerk/nextjs release was installed with its @clerk/*
// dependencies held at the lowest version its package.json allows (what an old lockfile may
// hold; @clerk/nextjs depends on them with ^ ranges), and every generated route of every style
// was type-checked against it; the first release whose types have the API is the one below. The
// integration suite checks generated files against real older releases
// (test/integration/clerk-versions.test.ts).
import { compareVersions, formatVersion, parseVersion, rangeFloor, type Version } from "../core/version.js";

export interface ClerkApiFact {
  /** The first @clerk/nextjs release that has it. */
  since: string;
  /** What it is, as code the user would recognise. */
  code: string;
  /**
   * The generated code has an equivalent for older releases (see the styles and templates), so
   * a project without the API still gets a route that behaves as the comment says.
   */
  equivalent?: boolean;
}

export const CLERK_APIS = {
  /** auth() returns a promise, auth.protect(), clerkClient() as a function: @clerk/nextjs 6, made for Next.js 15's async request APIs. */
  asyncAuth: { since: "6.0.0", code: "await auth()" },
  /** auth.protect((has) => …): its parameter is typed from 6.0.2 (an implicit any before). */
  protectCondition: { since: "6.0.2", code: "auth.protect((has) => …)" },
  /** ClerkAPIResponseError.retryAfter. Without it a rate-limited call still answers 503, without Retry-After. */
  retryAfter: { since: "6.13.0", code: "error.retryAfter", equivalent: true },
  /** verifyWebhook() and the WebhookEvent type, from @clerk/nextjs/webhooks. */
  verifyWebhook: { since: "6.13.0", code: 'verifyWebhook() from "@clerk/nextjs/webhooks"' },
  /** has({ plan }) and has({ feature }) (Clerk Billing), in has() and auth.protect(). */
  billingChecks: { since: "6.15.0", code: "has({ plan }) / has({ feature })" },
  /** isAuthenticated in what auth() returns. Without it the route tests userId, which is null exactly when signed out. */
  isAuthenticated: { since: "6.22.0", code: "isAuthenticated", equivalent: true },
  /** auth({ acceptsToken }) with API keys, OAuth tokens and session tokens, its result narrowed by tokenType and isAuthenticated. */
  acceptsToken: { since: "6.22.0", code: "auth({ acceptsToken })" },
  /** "m2m_token" in acceptsToken (called "machine_token" before). */
  m2mToken: { since: "6.30.0", code: 'acceptsToken: "m2m_token"' },
  /** Clerk Billing webhook events: paymentAttempt.*, subscription.* and subscriptionItem.* (but the three below). */
  billingWebhookEvents: { since: "6.27.0", code: "Clerk Billing webhook events" },
  /** subscription.pastDue, subscriptionItem.pastDue and subscriptionItem.freeTrialEnding. */
  latestBillingWebhookEvents: {
    since: "6.32.0",
    code: "subscription.pastDue, subscriptionItem.pastDue and subscriptionItem.freeTrialEnding",
  },
  /** user_id in an organizationInvitation.accepted event. Without it the case reads the invitation without the user's ID. */
  acceptedInvitationUserId: { since: "6.34.0", code: "user_id of organizationInvitation.accepted", equivalent: true },
} as const satisfies Record<string, ClerkApiFact>;

export type ClerkApi = keyof typeof CLERK_APIS;

/** Which Clerk the generated code is for. */
export interface ClerkTarget {
  /** The version to generate for; undefined: the newest (nothing installed or declared, or a range without a floor). */
  version?: Version;
  /** Where it comes from: node_modules, or the lowest version package.json's range allows. */
  source?: "installed" | "declared";
}

/** What the generated code may use: every API, unless the target is older than the API. */
export interface ClerkSupport {
  target: ClerkTarget;
  has(api: ClerkApi): boolean;
}

/** The generated code has an equivalent for a release without `api`. */
export function hasEquivalent(api: ClerkApi): boolean {
  return (CLERK_APIS[api] as ClerkApiFact).equivalent === true;
}

export function sinceOf(api: ClerkApi): Version {
  return parseVersion(CLERK_APIS[api].since)!;
}

export function clerkSupport(target: ClerkTarget = {}): ClerkSupport {
  return { target, has: (api) => target.version === undefined || compareVersions(target.version, sinceOf(api)) >= 0 };
}

/** Every API: the newest @clerk/nextjs. */
export const NEWEST_CLERK: ClerkSupport = clerkSupport();

/**
 * The version to generate for: the installed one (exact), else the floor of the declared range
 * (what an old lockfile may still hold), else none (a new install gets the newest).
 */
export function clerkTarget(clerk: { installed: boolean; declared: boolean; version?: string }): ClerkTarget {
  if (clerk.version === undefined) return {};
  const version = clerk.installed ? parseVersion(clerk.version) : rangeFloor(clerk.version);
  return version ? { version, source: clerk.installed ? "installed" : "declared" } : {};
}

/** The lowest release that has every one of `apis`. */
export function minimumFor(apis: readonly ClerkApi[]): string {
  const newest = apis.map(sinceOf).sort(compareVersions).at(-1);
  return newest ? formatVersion(newest) : CLERK_APIS.asyncAuth.since;
}
