// The audit's finding codes, and which fail it without --strict: in a file of their own (no
// imports), so the words for CI (report/audit-ci.ts) can read them without loading the reader.

export const FINDING_CODES = [
  "NO_MIDDLEWARE",
  "NOT_COVERED",
  "WEBHOOK_PROTECTED",
  "MACHINE_PROTECTED",
  "SECRET_PROTECTED",
  "MIDDLEWARE_ONLY",
  "RULE_FLAW",
  "UNCHECKED",
  "PUBLIC",
  "UNKNOWN",
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

/**
 * Without --strict, only these fail the audit (exit 1): Clerk would fail at runtime, a webhook
 * never arrives, a machine token or a shared secret never reaches its handler, or a middleware rule
 * protects nothing.
 */
export const FAILING_CODES: ReadonlySet<FindingCode> = new Set([
  "NO_MIDDLEWARE",
  "NOT_COVERED",
  "WEBHOOK_PROTECTED",
  "MACHINE_PROTECTED",
  "SECRET_PROTECTED",
  "RULE_FLAW",
]);
