import { CliError } from "../core/errors.js";
import type { StyleDeclaration, StyleFlag } from "./declaration.js";
import { clerkClient } from "./clerk-client.js";
import { currentUser } from "./current-user.js";
import { machine } from "./machine.js";
import { protect } from "./protect.js";
import { token } from "./token.js";
import { userId } from "./user-id.js";
import { webhook } from "./webhook.js";

// The registry: every style the CLI offers, in the order prompts, --help and the README list them.
// Adding a style: its declaration (src/styles/<name>.ts), its template (templates/<name>.hbs) and
// one line here.

export const STYLES: readonly StyleDeclaration[] = [protect, userId, token, currentUser, clerkClient, machine, webhook];

const BY_NAME: ReadonlyMap<string, StyleDeclaration> = new Map(
  STYLES.flatMap((style) => [style.name, ...style.aliases].map((name) => [name.toLowerCase(), style] as const)),
);

export function findStyle(raw: string): StyleDeclaration {
  const style = BY_NAME.get(raw.trim().toLowerCase());
  if (!style) {
    throw new CliError("INVALID_STYLE", `Unknown style ${JSON.stringify(raw)}.`, {
      hint: `Pass --style with one of: ${STYLES.map((s) => s.name).join(", ")}.`,
    });
  }
  return style;
}

/** Every style flag once (styles may share one, e.g. --role), in declaration order. */
export function allStyleFlags(): StyleFlag[] {
  return [...new Set(STYLES.flatMap((style) => style.flags))];
}

/** The styles that accept a flag, for "only applies to" messages. */
export function stylesAccepting(flag: StyleFlag): StyleDeclaration[] {
  return STYLES.filter((style) => style.flags.includes(flag));
}
