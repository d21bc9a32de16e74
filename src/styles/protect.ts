import { CliError } from "../core/errors.js";
import { valueOf, type StyleDeclaration } from "../core/style.js";
import { permission, role } from "./authorization.js";

// await auth.protect(): Clerk answers for the handler when the caller is signed out (a redirect
// to sign-in) or lacks the role/permission (404). Template: templates/protect.hbs.

export const protect: StyleDeclaration = {
  name: "protect",
  aliases: [],
  summary: "await auth.protect(), optionally with a role or permission",
  defaultRoute: "/api/protected",
  methods: { default: ["GET"] },
  readsBody: false,
  flags: [role, permission],
  questions: [
    {
      kind: "oneOf",
      message: "Also require a role or permission?",
      none: "No, any signed-in user",
      options: [
        { flag: role, label: "A role", hint: "auth.protect({ role })", message: "Role", placeholder: "org:admin" },
        { flag: permission, label: "A permission", hint: "auth.protect({ permission })", message: "Permission", placeholder: "org:invoices:read" },
      ],
    },
  ],
  locals: ["auth", "userId"],
  middleware: "clerk",
  check(values) {
    if (values.has(role) && values.has(permission)) {
      throw new CliError("FLAG_CONFLICT", "--role and --permission cannot be combined: auth.protect() checks one of them.", {
        hint: "Pass either --role or --permission.",
      });
    }
  },
  view({ values }) {
    const roleKey = valueOf(values, role);
    const permissionKey = valueOf(values, permission);
    const protectArgs = roleKey ? `{ role: "${roleKey}" }` : permissionKey ? `{ permission: "${permissionKey}" }` : "";
    return { protectArgs, role: roleKey, permission: permissionKey };
  },
};
