// Clerk API key checks. Only the shape is checked (prefix + allowed characters): the CLI never
// calls Clerk, so a well-formed but revoked key still passes. Error messages never echo a whole
// value, because the value may be a real secret pasted into the wrong place.

import { CliError } from "../core/errors.js";

export const CLERK_API_KEYS_URL = "https://dashboard.clerk.com/last-active?path=api-keys";

export const PUBLISHABLE_KEY_ENV = "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY";
export const SECRET_KEY_ENV = "CLERK_SECRET_KEY";

/** Characters that may follow the pk_/sk_ prefix (base64, base64url and Clerk's own ids). */
const KEY_BODY_CHAR = /[A-Za-z0-9_$=+/-]/;

type KeyKind = "publishable" | "secret";

const PREFIXES: Record<KeyKind, readonly [string, string]> = {
  publishable: ["pk_test_", "pk_live_"],
  secret: ["sk_test_", "sk_live_"],
};

/**
 * A value shortened for messages: the first 8 characters (enough to show "sk_test_" or a
 * typo in the prefix) when the value is long, fewer when showing 8 would reveal most of it.
 */
export function maskValue(value: string): string {
  const shown = value.length >= 16 ? 8 : Math.min(3, Math.floor(value.length / 2));
  return `${value.slice(0, shown)}…`;
}

function describeChar(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === "\t") return "a tab";
  if (ch === "\n" || ch === "\r") return "a line break";
  if (ch === '"' || ch === "'" || ch === "`") return `a quote (${ch})`;
  return `"${ch}"`;
}

function checkKey(kind: KeyKind, raw: string, label: string): string {
  function fail(message: string): never {
    throw new CliError("INVALID_KEY", message, {
      hint: `Copy the ${kind} key from ${CLERK_API_KEYS_URL}`,
    });
  }

  // Surrounding whitespace (a pasted trailing newline) is harmless: drop it.
  const value = raw.trim();
  if (value === "") fail(`${label} is empty.`);

  const [test, live] = PREFIXES[kind];
  const other: KeyKind = kind === "publishable" ? "secret" : "publishable";
  const prefix = [test, live].find((p) => value.startsWith(p));
  if (prefix === undefined) {
    if (PREFIXES[other].some((p) => value.startsWith(p))) {
      fail(
        `${label} looks like a ${other} key (${value.slice(0, 3)}…), not a ${kind} key. ` +
          `Did you swap the two keys?`,
      );
    }
    fail(`${label} ("${maskValue(value)}") must start with ${test} or ${live}.`);
  }

  const body = value.slice(prefix.length);
  if (body === "") fail(`${label} has nothing after ${prefix}.`);

  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (!KEY_BODY_CHAR.test(ch)) {
      fail(
        `${label} ("${maskValue(value)}") contains ${describeChar(ch)} at position ` +
          `${prefix.length + i + 1}; Clerk keys only contain letters, digits and _ $ = + / -.`,
      );
    }
  }
  return value;
}

/**
 * Checks that `value` looks like a Clerk publishable key (pk_test_… or pk_live_…) and returns
 * it without surrounding whitespace. Throws CliError("INVALID_KEY") otherwise.
 * `label` names the value in the message, e.g. "The --publishable-key value".
 */
export function validatePublishableKey(value: string, label = "The publishable key"): string {
  return checkKey("publishable", value, label);
}

/** Same as validatePublishableKey for secret keys (sk_test_… or sk_live_…). */
export function validateSecretKey(value: string, label = "The secret key"): string {
  return checkKey("secret", value, label);
}

export interface ResolvedKeys {
  publishableKey?: string;
  secretKey?: string;
}

export interface ResolveKeysInput {
  flagPublishable?: string;
  flagSecret?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Picks each key from its flag, else from the same-named environment variable
 * (NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY / CLERK_SECRET_KEY), and validates what it finds.
 * A flag that is present but empty is an error (the user typed it); an empty or
 * whitespace-only environment variable counts as unset (common in CI and shells).
 */
export function resolveKeys({ flagPublishable, flagSecret, env }: ResolveKeysInput): ResolvedKeys {
  const result: ResolvedKeys = {};
  const fromEnv = (name: string) => {
    const value = env[name];
    return value !== undefined && value.trim() !== "" ? value : undefined;
  };
  if (flagPublishable !== undefined) {
    result.publishableKey = validatePublishableKey(flagPublishable, "The --publishable-key value");
  } else if (fromEnv(PUBLISHABLE_KEY_ENV) !== undefined) {
    result.publishableKey = validatePublishableKey(
      fromEnv(PUBLISHABLE_KEY_ENV)!,
      `The ${PUBLISHABLE_KEY_ENV} environment variable`,
    );
  }
  if (flagSecret !== undefined) {
    result.secretKey = validateSecretKey(flagSecret, "The --secret-key value");
  } else if (fromEnv(SECRET_KEY_ENV) !== undefined) {
    result.secretKey = validateSecretKey(fromEnv(SECRET_KEY_ENV)!, `The ${SECRET_KEY_ENV} environment variable`);
  }
  return result;
}

/** Whether the two keys are one live and one test key: they cannot come from one Clerk instance. */
export function keysFromDifferentInstances(keys: ResolvedKeys): boolean {
  if (keys.publishableKey === undefined || keys.secretKey === undefined) return false;
  return keys.publishableKey.startsWith("pk_live_") !== keys.secretKey.startsWith("sk_live_");
}
