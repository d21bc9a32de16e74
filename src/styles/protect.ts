import type { StyleDeclaration } from "./declaration.js";
import { AUTHORIZATION_FLAGS, authorizationView, checkApis, checksOf, whoMayCallIt } from "./authorization.js";

// await auth.protect(): Clerk answers for the handler when the caller is signed out (a redirect
// to sign-in) or fails a check (an empty 404). Template: templates/protect.hbs: one check is
// auth.protect({ role }); several are one condition, (has) => has(a) && has(b), as every one must
// hold, laid out as prettier lays it out.

export const protect: StyleDeclaration = {
  name: "protect",
  aliases: [],
  summary: "await auth.protect(), optionally with a role, permission, plan or feature",
  defaultRoute: "/api/protected",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [...AUTHORIZATION_FLAGS],
  questions: [whoMayCallIt],
  globals: [],
  locals: ["auth", "userId", "has"],
  middleware: "clerk",
  // Several checks are one (has) => … condition.
  clerkApis: ({ values }) => [
    "asyncAuth",
    ...(checksOf(values).length > 1 ? ["protectCondition" as const] : []),
    ...checkApis(values),
  ],
  view({ values }) {
    const view = authorizationView(values);
    return { ...view, several: view.checks.length > 1 };
  },
};
