import { DEFAULT_JWT_TEMPLATE, defaultMethods } from "./options.js";
import type { Options } from "./types.js";
import { DEFAULT_USER_FIELDS } from "./user-fields.js";

// The non-interactive command that repeats an interactive run, e.g. in CI.

function quote(value: string): string {
  // Brackets are quoted: zsh treats [id] as a glob and aborts with "no matches found".
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function equivalentCommand(options: Options, cwd?: string): string {
  // The folder (not the URL pattern) so that route groups like (admin) survive the round trip.
  const parts = ["npx create-clerk-route", quote(`/${options.route.folder}`)];
  parts.push("--style", options.style);
  if (options.methods.join(",") !== defaultMethods(options.style).join(",")) parts.push("--methods", options.methods.join(","));
  if (options.role) parts.push("--role", quote(options.role));
  if (options.permission) parts.push("--permission", quote(options.permission));
  if (options.style === "token" && options.jwtTemplate !== DEFAULT_JWT_TEMPLATE) parts.push("--jwt-template", quote(options.jwtTemplate));
  if (options.style === "currentUser" && options.fields.join(",") !== DEFAULT_USER_FIELDS.join(",")) {
    parts.push("--fields", options.fields.join(","));
  }
  if (cwd) parts.push("--cwd", quote(cwd));
  if (!options.middleware) parts.push("--no-middleware");
  if (!options.env) parts.push("--no-env");
  if (options.envFile) parts.push("--env-path", quote(options.envFile)); // node 20 intercepts --env-file
  if (options.force) parts.push("--force");
  parts.push("--yes");
  return parts.join(" ");
}
