import type { StyleDeclaration } from "./declaration.js";
import { PRINT_WIDTH } from "../core/text.js";
import { AUTHORIZATION_FLAGS, authorizationView, checkApis, checksOf, whoMayCallIt } from "./authorization.js";

// await auth.protect(): Clerk answers for the handler when the caller is signed out (a redirect
// to sign-in) or fails a check (an empty 404). Template: templates/protect.hbs.

/**
 * `const { userId } = await auth.protect(…);` laid out the way prettier lays it out: one check is
 * auth.protect({ role }); several are one condition, (has) => has(a) && has(b), as every one must hold.
 */
function protectCall(checks: string[]): string {
  const head = "  const { userId } = await auth.protect(";
  if (checks.length <= 1) return `${head}${checks[0] ?? ""});`;
  const condition = checks.map((check) => `has(${check})`);
  const oneLine = `${head}(has) => ${condition.join(" && ")});`;
  if (oneLine.length <= PRINT_WIDTH) return oneLine;
  const argument = `    (has) => ${condition.join(" && ")},`;
  if (argument.length <= PRINT_WIDTH) return `${head}\n${argument}\n  );`;
  return `${head}\n    (has) =>\n${condition.map((c, i) => `      ${c}${i < condition.length - 1 ? " &&" : ","}`).join("\n")}\n  );`;
}

export const protect: StyleDeclaration = {
  name: "protect",
  aliases: [],
  summary: "await auth.protect(), optionally with a role, permission, plan or feature",
  defaultRoute: "/api/protected",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [...AUTHORIZATION_FLAGS],
  questions: [whoMayCallIt],
  locals: ["auth", "userId", "has"],
  middleware: "clerk",
  // Several checks are one (has) => … condition.
  clerkApis: ({ values }) => ["asyncAuth", ...(checksOf(values).length > 1 ? ["protectCondition" as const] : []), ...checkApis(values)],
  view({ values }) {
    const view = authorizationView(values);
    return { ...view, protectCall: protectCall(view.checks.map((check) => check.argument)) };
  },
};
