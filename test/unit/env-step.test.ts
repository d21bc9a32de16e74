import { describe, expect, it } from "vitest";
import { normalizeOptions } from "../../src/options.js";
import { planEnvStep, type EnvInput } from "../../src/plan/env-step.js";
import type { Plan } from "../../src/types.js";

// Which keys go to which env file, given every env file Next.js loads.

const options = normalizeOptions({ style: "userId" });
const empty = (): Plan => ({ changes: [], unchanged: [], warnings: [], nextSteps: [] });
const input = (extra: Partial<EnvInput>): EnvInput => ({
  path: ".env.local",
  before: null,
  publishableKey: "",
  secretKey: "",
  gitignore: null,
  others: [],
  ...extra,
});

describe("planEnvStep", () => {
  it("does not add a placeholder that would hide a value set in .env", () => {
    const plan = empty();
    planEnvStep(options, input({ others: [{ path: ".env", content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n" }] }), plan);
    expect(plan.changes).toEqual([]);
    expect(plan.nextSteps).toEqual([]);
  });

  it("treats an empty value elsewhere as unset: the keys land in the target and the next step says fill them in", () => {
    const plan = empty();
    planEnvStep(
      options,
      input({ secretKey: "sk_test_real", others: [{ path: ".env", content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\nCLERK_SECRET_KEY=\n" }] }),
      plan,
    );
    expect(plan.changes[0]?.after).toContain("CLERK_SECRET_KEY=sk_test_real");
    expect(plan.warnings).toEqual([]);
    expect(plan.nextSteps).toEqual([expect.stringContaining("Fill in NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY in .env.local")]);
  });

  it("a key set only for production: no empty placeholder over it, a next step instead", () => {
    const plan = empty();
    planEnvStep(options, input({ before: "A=1\n", others: [{ path: ".env.production", content: "CLERK_SECRET_KEY=sk_live_x\n" }] }), plan);
    expect(plan.changes[0]?.after).not.toContain("CLERK_SECRET_KEY");
    expect(plan.nextSteps.join("\n")).toContain("CLERK_SECRET_KEY is set only in .env.production");
  });

  it("creates no empty file (and no .gitignore line) when every key is set elsewhere", () => {
    const plan = empty();
    planEnvStep(
      options,
      input({
        git: { ignored: false, tracked: false },
        others: [{ path: ".env.development", content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n" }],
      }),
      plan,
    );
    expect(plan.changes).toEqual([]);
  });

  it("warns about a tracked env file only when this run writes to it", () => {
    const written = empty();
    planEnvStep(options, input({ path: ".env", before: "A=1\n", git: { ignored: false, tracked: true } }), written);
    expect(written.warnings.join("\n")).toContain("tracked by git");
    const untouched = empty();
    planEnvStep(
      options,
      input({ path: ".env", before: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n", git: { ignored: false, tracked: true } }),
      untouched,
    );
    expect(untouched.warnings).toEqual([]);
  });
});
