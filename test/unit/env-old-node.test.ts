// Node 20.9–20.11 have no util.parseEnv: simulate that and check the dotenv fallback.
import { planEnvFileFacts } from "../support/env-facts.js";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:util", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:util")>();
  const { parseEnv: _removed, ...rest } = actual;
  return { ...rest, default: rest };
});

const { clerkEnvEntries, parseEnvText, planEnvFile } = await import("../../src/plan/env-file.js");

describe("without util.parseEnv (Node < 20.12)", () => {
  it("auto falls back to dotenv", () => {
    expect(Object.fromEntries(parseEnvText("export  A=1\nB: 2\n"))).toEqual({ A: "1", B: "2" });
  });

  it("forcing the node parser is a clear error", () => {
    expect(() => parseEnvText("A=1", "node")).toThrow(/util.parseEnv is not available/);
  });

  it("plans the same file", () => {
    const before = "export CLERK_SECRET_KEY=sk_test_abc\r\nOTHER=1";
    const plan = planEnvFileFacts(before, clerkEnvEntries({ publishableKey: "pk_test_abc" }));
    expect(plan.kept).toEqual(["CLERK_SECRET_KEY"]);
    expect(plan.after).toBe(
      `${before}\r\n\r\n# Clerk keys: https://dashboard.clerk.com/last-active?path=api-keys\r\n` +
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_abc\r\n",
    );
  });
});
