import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { planEnvStep } from "../../src/plan/env-step.js";
import { describeNotes } from "../../src/report/notes.js";

const EMPTY_TARGET = { path: ".env.local", before: null, gitignore: null, others: [] };
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/core/errors.js";
import {
  CLERK_API_KEYS_URL,
  maskValue,
  keysFromDifferentInstances,
  resolveKeys,
  validatePublishableKey,
  validateSecretKey,
} from "../../src/clerk/keys.js";

const PK = "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk";
const PK_LIVE = "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k";
const SK = "sk_test_FAKEfakeFAKEfake0123456789abcdef";
const SK_LIVE = "sk_live_FAKEfakeFAKEfake0123456789abcdef";

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  }
  throw new Error("expected a CliError, nothing was thrown");
}

describe("validatePublishableKey / validateSecretKey", () => {
  it.each([PK, PK_LIVE, "pk_test_a", "pk_test_a-b_c$d=e+f/g"])("accepts %s", (key) => {
    expect(validatePublishableKey(key)).toBe(key);
  });

  it.each([SK, SK_LIVE, "sk_test_x"])("accepts %s", (key) => {
    expect(validateSecretKey(key)).toBe(key);
  });

  it("trims a pasted trailing newline or spaces", () => {
    expect(validateSecretKey(`  ${SK}\n`)).toBe(SK);
  });

  it.each([
    ["", /is empty/],
    ["   ", /is empty/],
    ["pk_test_", /nothing after pk_test_/],
    ["pk_prod_abcdef", /must start with pk_test_ or pk_live_/],
    ["PK_TEST_abcdef", /must start with pk_test_ or pk_live_/],
    ["pk_test_abc def", /contains a space at position 12/],
    ['pk_test_abc"def', /contains a quote/],
    ["pk_test_abc\ndef", /contains a line break/],
    ["pk_test_abc#def", /contains "#"/],
    [SK, /looks like a secret key \(sk_…\), not a publishable key/],
  ])("rejects publishable %j", (value, message) => {
    const err = errorOf(() => validatePublishableKey(value));
    expect(err.code).toBe("INVALID_KEY");
    expect(err.message).toMatch(message);
    expect(err.hint).toContain(CLERK_API_KEYS_URL);
  });

  it.each([
    ["sk_test_", /nothing after sk_test_/],
    ["sk_abc_0123456789abcdef", /must start with sk_test_ or sk_live_/],
    [PK, /looks like a publishable key \(pk_…\), not a secret key/],
    ["sk_live_abc!def", /contains "!"/],
  ])("rejects secret %j", (value, message) => {
    const err = errorOf(() => validateSecretKey(value));
    expect(err.code).toBe("INVALID_KEY");
    expect(err.message).toMatch(message);
    expect(err.hint).toBe(`Copy the secret key from ${CLERK_API_KEYS_URL}`);
  });

  it("never echoes the whole value, only its first 8 characters", () => {
    const secret = "sk_tset_ThisIsARealLookingSecret1234567890";
    const err = errorOf(() => validateSecretKey(secret));
    expect(err.message).toContain('"sk_tset_…"');
    expect(err.message).not.toContain("ThisIsARealLookingSecret");
    const bad = "sk_live_RealSecretPart with space";
    const err2 = errorOf(() => validateSecretKey(bad));
    expect(err2.message).not.toContain("RealSecretPart");
  });

  it("names the source in the message", () => {
    const err = errorOf(() => validateSecretKey("nope", "The --secret-key value"));
    expect(err.message.startsWith("The --secret-key value")).toBe(true);
  });
});

describe("maskValue", () => {
  it("shows 8 characters of long values", () => {
    expect(maskValue(SK)).toBe("sk_test_…");
  });
  it("shows less of short values", () => {
    expect(maskValue("abcdefghij")).toBe("abc…");
    expect(maskValue("ab")).toBe("a…");
    expect(maskValue("")).toBe("…");
  });
});

describe("resolveKeys", () => {
  it("flags win over the environment", () => {
    const r = resolveKeys({
      flagPublishable: PK,
      flagSecret: SK,
      env: { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "garbage", CLERK_SECRET_KEY: "garbage" },
    });
    expect(r).toEqual({ publishableKey: PK, secretKey: SK });
  });

  it("falls back to the same-named environment variables", () => {
    const r = resolveKeys({
      env: { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: PK, CLERK_SECRET_KEY: `${SK}\n` },
    });
    expect(r.publishableKey).toBe(PK);
    expect(r.secretKey).toBe(SK);
  });

  it("mixes sources per key", () => {
    const r = resolveKeys({
      flagSecret: SK,
      env: { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: PK, CLERK_SECRET_KEY: "sk_test_fromEnvIgnored" },
    });
    expect(r).toEqual({ publishableKey: PK, secretKey: SK });
  });

  it("returns nothing when neither is set; empty env variables count as unset", () => {
    expect(resolveKeys({ env: {} })).toEqual({});
    expect(resolveKeys({ env: { CLERK_SECRET_KEY: "", NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: " " } })).toEqual({});
  });

  it("an empty flag is an error", () => {
    const err = errorOf(() => resolveKeys({ flagSecret: "", env: { CLERK_SECRET_KEY: SK } }));
    expect(err.message).toBe("The --secret-key value is empty.");
  });

  it("validates environment values and says where they came from", () => {
    const err = errorOf(() => resolveKeys({ env: { CLERK_SECRET_KEY: PK } }));
    expect(err.code).toBe("INVALID_KEY");
    expect(err.message).toMatch(/^The CLERK_SECRET_KEY environment variable looks like a publishable key/);
    const err2 = errorOf(() => resolveKeys({ flagPublishable: "pk_nope", env: {} }));
    expect(err2.message).toMatch(/^The --publishable-key value/);
  });

  it("warns when test and live keys are mixed", () => {
    const keys = resolveKeys({ flagPublishable: PK, flagSecret: SK_LIVE, env: {} });
    expect(keysFromDifferentInstances(keys)).toBe(true);
    const [warning] = describeNotes(
      planEnvStep(normalizeOptions({ style: "userId", publishableKey: PK, secretKey: SK_LIVE }), "ts", EMPTY_TARGET)
        .notes,
    ).warnings;
    expect(warning).toMatch(/publishable key is a test key but the secret key is a live key/);
    expect(warning).not.toContain(SK_LIVE);
    expect(keysFromDifferentInstances(resolveKeys({ flagPublishable: PK_LIVE, flagSecret: SK_LIVE, env: {} }))).toBe(
      false,
    );
  });
});
