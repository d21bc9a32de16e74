import type { StyleDeclaration } from "./declaration.js";
import { AUTHORIZATION_FLAGS, CHECK_LOCALS, authorizationView, checkApis, whoMayCallIt } from "./authorization.js";

// The Backend API: users.getUser() / users.updateUser() from a validated JSON body.
// Template: templates/clerkClient.hbs.

export const clerkClient: StyleDeclaration = {
  name: "clerkClient",
  aliases: ["clerk-client", "clerkclient"],
  summary: "Backend API: users.updateUser() from a validated JSON body",
  defaultRoute: "/api/update-user",
  methods: {
    default: ["POST"],
    refused: {
      DELETE: {
        reason:
          "The clerkClient style has no DELETE handler: deleting the signed-in user's account is not a safe default.",
        hint: "Use GET (read the user) and POST, PUT or PATCH (update it), or write a DELETE handler by hand.",
      },
    },
  },
  readsBody: true,
  flags: [...AUTHORIZATION_FLAGS],
  questions: [whoMayCallIt],
  globals: ["Object", "Record", "String", "JSON", "Array"],
  locals: [
    "auth",
    "has",
    "missing",
    ...CHECK_LOCALS,
    "isAuthenticated",
    "userId",
    "clerkClient",
    "client",
    "user",
    "update",
    "body",
    "text",
    "key",
    "value",
    "parseNameUpdate",
    "NameUpdate",
    "clerkApiFailure",
    "isClerkAPIResponseError",
    "headers",
  ],
  middleware: "clerk",
  clerkApis: ({ values }) => ["asyncAuth", "isAuthenticated", "retryAfter", ...checkApis(values)],
  view: ({ values }) => authorizationView(values),
};
