import type { StyleDeclaration } from "./declaration.js";
import { AUTHORIZATION_FLAGS, CHECK_LOCALS, authorizationView, checkApis, whoMayCallIt } from "./authorization.js";

// const { isAuthenticated, userId } = await auth(): 401 JSON when signed out. Template: templates/userId.hbs.

export const userId: StyleDeclaration = {
  name: "userId",
  aliases: ["user-id", "userid"],
  summary: "await auth(); 401 JSON when signed out",
  defaultRoute: "/api/user-id",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [...AUTHORIZATION_FLAGS],
  questions: [whoMayCallIt],
  globals: ["Object", "Record"],
  locals: ["auth", "has", "missing", ...CHECK_LOCALS, "isAuthenticated", "userId"],
  middleware: "clerk",
  clerkApis: ({ values }) => ["asyncAuth", "isAuthenticated", ...checkApis(values)],
  view: ({ values }) => authorizationView(values),
};
