import { nameFlag } from "./flags.js";

// Who may call a route beyond "signed in": the checks Clerk's has() and auth.protect() take.
// Shapes follow Clerk's keys: roles "org:admin" (or a bare "admin"), permissions
// "org:invoices:create". Quotes, spaces, dots and look-alike separators are refused.

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
  pattern: /^(?:org:)?[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/,
  example: "--permission org:invoices:read",
  shape: "a Clerk permission key (org:<feature>:<action>)",
});
