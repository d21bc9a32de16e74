import { CliError } from "../core/errors.js";
import { valueOf, type StyleDeclaration } from "./declaration.js";
import { AUTHORIZATION_FLAGS, CHECK_LOCALS, authorizationView, checkApis, whoMayCallIt } from "./authorization.js";
import { listFlag } from "./flags.js";

// currentUser() after the auth check; only the chosen fields leave the server.
// Template: templates/currentUser.hbs.

/** The Backend User fields the route may return, and the expression that reads each one. */
export const USER_FIELDS: ReadonlyMap<string, string> = new Map([
  ["id", "user.id"],
  ["email", "user.primaryEmailAddress?.emailAddress ?? null"],
  ["phone", "user.primaryPhoneNumber?.phoneNumber ?? null"],
  ["firstName", "user.firstName"],
  ["lastName", "user.lastName"],
  ["fullName", "user.fullName"],
  ["username", "user.username"],
  ["imageUrl", "user.imageUrl"],
  ["hasImage", "user.hasImage"],
  ["externalId", "user.externalId"],
  ["publicMetadata", "user.publicMetadata"],
  ["createdAt", "user.createdAt"],
  ["updatedAt", "user.updatedAt"],
  ["lastSignInAt", "user.lastSignInAt"],
  ["lastActiveAt", "user.lastActiveAt"],
]);

export const DEFAULT_USER_FIELDS = ["id", "email", "firstName", "lastName"];

/** Fields refused with an explanation rather than "unknown field". privateMetadata above all. */
const REFUSED_USER_FIELDS: ReadonlyMap<string, string> = new Map([
  [
    "privateMetadata",
    'privateMetadata is for your server only (Clerk: it "should not be exposed to the frontend"); a Route Handler\'s JSON reaches the client.',
  ],
  [
    "unsafeMetadata",
    "unsafeMetadata can be written by the user from the browser; read it client-side with useUser() instead.",
  ],
  [
    "emailAddresses",
    'the full emailAddresses list carries verification and linking details; use "email" for the primary address.',
  ],
  ["phoneNumbers", 'the full phoneNumbers list carries verification details; use "phone" for the primary number.'],
  ["externalAccounts", "externalAccounts carries OAuth account details; pick the fields you need in code instead."],
]);

const pickFrom = `Pick from: ${[...USER_FIELDS.keys()].join(", ")}.`;

const fields = listFlag({
  flag: "--fields <list>",
  key: "fields",
  description: "currentUser only: fields to return (default id,email,firstName,lastName)",
  fallback: DEFAULT_USER_FIELDS,
  empty: { message: "--fields is empty.", hint: pickFrom },
  item(field) {
    const refused = REFUSED_USER_FIELDS.get(field);
    if (refused)
      throw new CliError("REFUSED_FIELD", `--fields may not include ${field}: ${refused}`, { hint: pickFrom });
    if (!USER_FIELDS.has(field))
      throw new CliError("INVALID_FIELDS", `Unknown user field "${field}" in --fields.`, { hint: pickFrom });
    return field;
  },
});

export const currentUser: StyleDeclaration = {
  name: "currentUser",
  aliases: ["current-user", "currentuser"],
  summary: "currentUser() after the auth check; chosen fields only",
  defaultRoute: "/api/current-user",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [fields, ...AUTHORIZATION_FLAGS],
  questions: [
    whoMayCallIt,
    {
      kind: "multiselect",
      flag: fields,
      message: "User fields to return (privateMetadata is never offered)",
      choices: [...USER_FIELDS.keys()].map((field) => ({ value: field, label: field })),
      initial: DEFAULT_USER_FIELDS,
    },
  ],
  globals: ["Object", "Record", "String"],
  locals: [
    "auth",
    "has",
    "missing",
    ...CHECK_LOCALS,
    "isAuthenticated",
    "userId",
    "currentUser",
    "user",
    "clerkApiFailure",
    "isClerkAPIResponseError",
    "headers",
  ],
  middleware: "clerk",
  clerkApis: ({ values }) => ["asyncAuth", "isAuthenticated", "retryAfter", ...checkApis(values)],
  view: ({ values }) => ({
    ...authorizationView(values),
    fields: valueOf(values, fields).map((key) => ({ key, expression: USER_FIELDS.get(key) })),
  }),
};
