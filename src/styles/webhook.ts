import { CliError } from "../core/errors.js";
import { valueOf, type StyleDeclaration, type StyleInput } from "./declaration.js";
import type { ClerkApi } from "../clerk/api-versions.js";
import type { RoutePath } from "../next/route-path.js";
import type { Method } from "../core/types.js";
import { maskValue } from "../clerk/keys.js";
import { list } from "../core/text.js";
import { listFlag } from "./flags.js";

// A verified Clerk webhook endpoint: verifyWebhook() from @clerk/nextjs/webhooks, a typed switch
// on evt.type, and no auth() call. Clerk calls it without a session, so the route must stay public
// (middleware: "public"). Template: templates/webhook.hbs (its header comment says so).

export const WEBHOOKS_URL = "https://dashboard.clerk.com/last-active?path=webhooks";
export const SIGNING_SECRET_ENV = "CLERK_WEBHOOK_SIGNING_SECRET";
const DEFAULT_ROUTE = "/api/webhooks/clerk";

/**
 * The env variable holding the route's signing secret. Each Dashboard endpoint has its own secret,
 * so two webhook routes cannot share one variable: the default route reads
 * CLERK_WEBHOOK_SIGNING_SECRET (verifyWebhook()'s default), any other route its own
 * CLERK_WEBHOOK_SIGNING_SECRET_<ROUTE>, named after the URL after /api (and /webhooks).
 */
export function signingSecretEnv(route: RoutePath): string {
  if (route.pattern === DEFAULT_ROUTE) return SIGNING_SECRET_ENV;
  const names = route.segments.flatMap((segment) =>
    segment.kind === "group" ? [] : [segment.kind === "static" ? segment.value : segment.name],
  );
  if (names[0] === "api") names.shift();
  if (names.length > 1 && /^webhooks?$/.test(names[0]!)) names.shift();
  const suffix = names
    .join("_")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toUpperCase();
  return suffix ? `${SIGNING_SECRET_ENV}_${suffix}` : SIGNING_SECRET_ENV;
}

/**
 * How a case reads its event's data: the typed fields it destructures, what it logs and what the
 * user's own code should do there. Fields are checked against @clerk/backend's types by the
 * snapshot type-check (the "all-events" snapshot has every event).
 */
interface Shape {
  fields: string[];
  /** `key: expression` lines of the logged object (no personal data: IDs, flags, statuses). */
  log: string[];
  /** A comment line above the destructuring, when the data is not what one would expect. */
  note?: string;
  /** The user's primary email address is read with the primaryEmail() helper. */
  email?: boolean;
}

const USER: Shape = {
  fields: ["id", "first_name", "last_name"],
  log: ["hasEmail: email !== null", "hasName: Boolean(first_name || last_name)"],
  email: true,
};
const DELETED: Shape = { fields: ["id"], log: [], note: "A deleted object carries only its ID." };
const SESSION: Shape = { fields: ["id", "user_id", "client_id"], log: ["userId: user_id", "clientId: client_id"] };
const MESSAGE: Shape = {
  fields: ["id", "user_id", "delivered_by_clerk"],
  log: ["userId: user_id ?? null", "deliveredByClerk: delivered_by_clerk"],
};
const ORGANIZATION: Shape = {
  fields: ["id", "name", "slug", "created_by"],
  log: ["name", "slug", "createdBy: created_by ?? null"],
};
const DOMAIN: Shape = {
  fields: ["id", "name", "organization_id"],
  log: ["domain: name", "organizationId: organization_id"],
};
const MEMBERSHIP: Shape = {
  fields: ["id", "role", "organization", "public_user_data"],
  log: ["organizationId: organization.id", "userId: public_user_data.user_id", "role"],
};
const INVITATION: Shape = {
  fields: ["id", "organization_id", "role", "status"],
  log: ["organizationId: organization_id", "role", "status: status ?? null"],
};
const ACCEPTED: Shape = {
  fields: ["id", "organization_id", "user_id", "role"],
  log: ["organizationId: organization_id", "userId: user_id", "role"],
};
/** ACCEPTED for a @clerk/nextjs whose invitation type has no user_id yet (see acceptedInvitationUserId). */
const ACCEPTED_WITHOUT_USER: Shape = {
  fields: ["id", "organization_id", "role"],
  log: ["organizationId: organization_id", "role"],
};
const KEYED: Shape = { fields: ["id", "key"], log: ["key"] };
const STATUS: Shape = { fields: ["id", "status"], log: ["status"] };
const PAYMENT: Shape = { fields: ["id", "status", "payment_id"], log: ["status", "paymentId: payment_id"] };
const SUBSCRIPTION: Shape = { fields: ["id", "status", "payer_id"], log: ["status", "payerId: payer_id"] };
const ITEM: Shape = { fields: ["id", "status", "plan_period"], log: ["status", "planPeriod: plan_period"] };

/**
 * Every event type in @clerk/backend's WebhookEvent union (test/unit/webhook-events.test.ts keeps
 * this list equal to the installed package's), with its shape and the "sync" step in words.
 */
export const WEBHOOK_EVENTS: ReadonlyMap<string, { shape: Shape; sync: string }> = new Map([
  ["user.created", { shape: USER, sync: "insert the user" }],
  ["user.updated", { shape: USER, sync: "update the user" }],
  [
    "user.deleted",
    {
      shape: { ...DELETED, note: "A deleted user carries only its ID (and external_id, if set)." },
      sync: "delete or anonymise the user",
    },
  ],
  ["session.created", { shape: SESSION, sync: "record the sign-in" }],
  ["session.ended", { shape: SESSION, sync: "record the sign-out" }],
  ["session.removed", { shape: SESSION, sync: "record the removed session" }],
  ["session.revoked", { shape: SESSION, sync: "record the revoked session" }],
  ["email.created", { shape: MESSAGE, sync: "send the email yourself when delivered_by_clerk is false" }],
  ["sms.created", { shape: MESSAGE, sync: "send the SMS yourself when delivered_by_clerk is false" }],
  ["organization.created", { shape: ORGANIZATION, sync: "insert the organization" }],
  ["organization.updated", { shape: ORGANIZATION, sync: "update the organization" }],
  ["organization.deleted", { shape: DELETED, sync: "delete the organization" }],
  ["organizationDomain.created", { shape: DOMAIN, sync: "insert the domain" }],
  ["organizationDomain.updated", { shape: DOMAIN, sync: "update the domain" }],
  ["organizationDomain.deleted", { shape: DELETED, sync: "delete the domain" }],
  ["organizationMembership.created", { shape: MEMBERSHIP, sync: "add the user to the organization" }],
  ["organizationMembership.updated", { shape: MEMBERSHIP, sync: "update the member's role" }],
  ["organizationMembership.deleted", { shape: MEMBERSHIP, sync: "remove the user from the organization" }],
  ["organizationInvitation.created", { shape: INVITATION, sync: "record the invitation" }],
  ["organizationInvitation.revoked", { shape: INVITATION, sync: "mark the invitation revoked" }],
  ["organizationInvitation.accepted", { shape: ACCEPTED, sync: "mark the invitation accepted" }],
  ["role.created", { shape: KEYED, sync: "insert the role" }],
  ["role.updated", { shape: KEYED, sync: "update the role" }],
  ["role.deleted", { shape: KEYED, sync: "delete the role" }],
  ["permission.created", { shape: KEYED, sync: "insert the permission" }],
  ["permission.updated", { shape: KEYED, sync: "update the permission" }],
  ["permission.deleted", { shape: KEYED, sync: "delete the permission" }],
  ["waitlistEntry.created", { shape: STATUS, sync: "insert the waitlist entry" }],
  ["waitlistEntry.updated", { shape: STATUS, sync: "update the waitlist entry" }],
  ["paymentAttempt.created", { shape: PAYMENT, sync: "record the payment attempt" }],
  ["paymentAttempt.updated", { shape: PAYMENT, sync: "update the payment attempt" }],
  ["subscription.created", { shape: SUBSCRIPTION, sync: "insert the subscription" }],
  ["subscription.updated", { shape: SUBSCRIPTION, sync: "update the subscription" }],
  ["subscription.active", { shape: SUBSCRIPTION, sync: "mark the subscription active" }],
  ["subscription.pastDue", { shape: SUBSCRIPTION, sync: "mark the subscription past due" }],
  ["subscriptionItem.created", { shape: ITEM, sync: "insert the subscription item" }],
  ["subscriptionItem.updated", { shape: ITEM, sync: "update the subscription item" }],
  ["subscriptionItem.active", { shape: ITEM, sync: "mark the subscription item active" }],
  ["subscriptionItem.canceled", { shape: ITEM, sync: "mark the subscription item canceled" }],
  ["subscriptionItem.upcoming", { shape: ITEM, sync: "mark the subscription item upcoming" }],
  ["subscriptionItem.ended", { shape: ITEM, sync: "mark the subscription item ended" }],
  ["subscriptionItem.abandoned", { shape: ITEM, sync: "mark the subscription item abandoned" }],
  ["subscriptionItem.incomplete", { shape: ITEM, sync: "mark the subscription item incomplete" }],
  ["subscriptionItem.pastDue", { shape: ITEM, sync: "mark the subscription item past due" }],
  ["subscriptionItem.freeTrialEnding", { shape: ITEM, sync: "warn the payer that the free trial ends" }],
]);

export const DEFAULT_EVENTS = ["user.created", "user.updated", "user.deleted"];

/** Events newer than verifyWebhook() itself, by the @clerk/nextjs API that brought them (clerk/api-versions.ts). */
const NEWER_EVENTS: ReadonlyMap<string, ClerkApi> = new Map([
  ...[...WEBHOOK_EVENTS.keys()]
    .filter((type) => /^(paymentAttempt|subscription|subscriptionItem)\./.test(type))
    .map((type): [string, ClerkApi] => [type, "billingWebhookEvents"]),
  ...["subscription.pastDue", "subscriptionItem.pastDue", "subscriptionItem.freeTrialEnding"].map(
    (type): [string, ClerkApi] => [type, "latestBillingWebhookEvents"],
  ),
  ["organizationInvitation.accepted", "acceptedInvitationUserId"],
]);

const eventHint = `Clerk's event types (@clerk/backend's WebhookEvent): ${[...WEBHOOK_EVENTS.keys()].join(", ")}.`;

const events = listFlag({
  flag: "--events <list>",
  key: "events",
  description: "webhook only: event types to handle (default user.created,user.updated,user.deleted)",
  fallback: DEFAULT_EVENTS,
  empty: { message: "--events is empty.", hint: eventHint },
  item(event) {
    if (!WEBHOOK_EVENTS.has(event)) {
      const near = [...WEBHOOK_EVENTS.keys()].find((known) => known.toLowerCase() === event.toLowerCase());
      throw new CliError("INVALID_FIELDS", `Unknown webhook event "${event}" in --events.`, {
        hint: near ? `Did you mean ${near}?` : eventHint,
      });
    }
    return event;
  },
});

/** Svix secrets: "whsec_" and base64. Messages never echo the whole value. */
const webhookSecret = {
  flag: "--webhook-secret <secret>",
  key: "webhookSecret",
  description: `webhook only: the endpoint's signing secret (whsec_…), for the env file's ${SIGNING_SECRET_ENV} (${SIGNING_SECRET_ENV}_<ROUTE> for a route other than ${DEFAULT_ROUTE}; default: that variable from the environment); never printed`,
  fallback: undefined as string | undefined,
  environment: signingSecretEnv,
  parse(raw: string): string | undefined {
    const value = raw.trim();
    const hint = `Copy the endpoint's Signing Secret from ${WEBHOOKS_URL}`;
    if (!value.startsWith("whsec_")) {
      throw new CliError("INVALID_KEY", `The webhook signing secret ("${maskValue(value)}") must start with whsec_.`, {
        hint,
      });
    }
    if (!/^whsec_[A-Za-z0-9+/=]+$/.test(value)) {
      throw new CliError(
        "INVALID_KEY",
        `The webhook signing secret ("${maskValue(value)}") may only hold base64 characters after whsec_.`,
        { hint },
      );
    }
    return value;
  },
  // A secret: never repeated in the echoed CI command.
  format: () => "",
};

const REFUSED = { reason: "Clerk delivers webhooks with POST only.", hint: "Pass --methods POST (the default)." };

function selected(input: StyleInput): string[] {
  return valueOf(input.values, events);
}

export const webhook: StyleDeclaration = {
  name: "webhook",
  aliases: ["webhooks"],
  summary: "verifyWebhook(): a Clerk webhook endpoint, public, typed per event",
  defaultRoute: "/api/webhooks/clerk",
  methods: {
    default: ["POST"],
    refused: Object.fromEntries((["GET", "PUT", "PATCH", "DELETE"] as Method[]).map((method) => [method, REFUSED])),
  },
  readsBody: true,
  requestType: "NextRequest",
  flags: [events, webhookSecret],
  questions: [
    {
      kind: "multiselect",
      flag: events,
      message: "Events to handle",
      choices: [...WEBHOOK_EVENTS.keys()].map((event) => ({ value: event, label: event })),
      initial: DEFAULT_EVENTS,
    },
  ],
  globals: ["process", "console", "Boolean"],
  locals: [
    ...new Set([
      "verifyWebhook",
      "WebhookEvent",
      "NextRequest",
      "evt",
      "email",
      "primaryEmail",
      "user",
      "primary",
      "address",
      ...[...WEBHOOK_EVENTS.values()].flatMap(({ shape }) => shape.fields),
    ]),
  ],
  middleware: "public",
  clerkApis: (input) => ["verifyWebhook", ...new Set(selected(input).flatMap((type) => NEWER_EVENTS.get(type) ?? []))],
  env: (input) => {
    const secret = valueOf(input.values, webhookSecret);
    const comment = `Clerk webhook signing secret${input.route.pattern === DEFAULT_ROUTE ? "" : ` of the ${input.route.pattern} endpoint`}: ${WEBHOOKS_URL}`;
    return [{ key: signingSecretEnv(input.route), value: secret ?? "", comment }];
  },
  nextSteps: (input) => [
    `Add an endpoint for ${input.route.pattern} at ${WEBHOOKS_URL}, subscribed to ${list(selected(input))}, and put its Signing Secret in ${signingSecretEnv(input.route)}.`,
    `To receive webhooks on your machine, expose the dev server publicly (for example \`ngrok http 3000\`) and give Clerk that URL followed by ${input.route.pattern}.`,
  ],
  view(input) {
    const chosen = selected(input);
    const cases = chosen.map((type) => {
      const { shape: newest, sync } = WEBHOOK_EVENTS.get(type)!;
      const shape =
        newest === ACCEPTED && !input.clerk.has("acceptedInvitationUserId") ? ACCEPTED_WITHOUT_USER : newest;
      return {
        type,
        fields: shape.fields.join(", "),
        log: shape.log,
        note: shape.note,
        email: shape.email ?? false,
        sync,
      };
    });
    const secretEnv = signingSecretEnv(input.route);
    return {
      events: chosen,
      secretEnv,
      // verifyWebhook()'s signingSecret option: a route other than the default has its own variable.
      ownSecret: secretEnv !== SIGNING_SECRET_ENV,
      cases,
      primaryEmail: cases.some((c) => c.email),
    };
  },
};
