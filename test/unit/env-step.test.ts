import { describe, expect, it } from "vitest";
import type { FileChange } from "../../src/core/types.js";
import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { planEnvStep } from "../../src/plan/env-step.js";
import type { EnvTarget } from "../../src/project/env-target.js";
import { describeNotes } from "../../src/report/notes.js";

// Which keys go to which env file, given every env file Next.js loads.

interface Result {
  changes: FileChange[];
  unchanged: string[];
  warnings: string[];
  nextSteps: string[];
}
type Input = EnvTarget & { publishableKey: string; secretKey: string };

const empty = (): Result => ({ changes: [], unchanged: [], warnings: [], nextSteps: [] });
const input = (extra: Partial<Input>): Input => ({
  path: ".env.local",
  before: null,
  publishableKey: "",
  secretKey: "",
  gitignore: null,
  others: [],
  ...extra,
});
const options = normalizeOptions({ style: "userId" });

/** Runs the step with the keys as flags would give them, and collects its notes in words. */
function runStep(_options: typeof options, { publishableKey, secretKey, ...target }: Input, into: Result): void {
  const keys = { ...(publishableKey ? { publishableKey } : {}), ...(secretKey ? { secretKey } : {}) };
  const step = planEnvStep({ ..._options, keys }, "ts", target);
  const words = describeNotes(step.notes);
  into.changes.push(...step.changes);
  into.unchanged.push(...step.unchanged);
  into.warnings.push(...words.warnings);
  into.nextSteps.push(...words.nextSteps);
}

describe("planEnvStep", () => {
  it("does not add a placeholder that would hide a value set in .env", () => {
    const plan = empty();
    runStep(
      options,
      input({
        others: [
          { path: ".env", content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n" },
        ],
      }),
      plan,
    );
    expect(plan.changes).toEqual([]);
    expect(plan.nextSteps).toEqual([]);
  });

  it("says a value that is not a Clerk key is not one: a tracked .env's placeholder, the file next dev reads first", () => {
    const plan = empty();
    const content =
      "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\nCLERK_SECRET_KEY=your_clerk_secret_key\n";
    runStep(options, input({ others: [{ path: ".env", content }] }), plan);
    expect(plan.changes).toEqual([]);
    expect(plan.nextSteps).toEqual([
      'CLERK_SECRET_KEY in .env is "your_cle…", which is not a Clerk secret key (sk_test_… or sk_live_…): put your own there, from https://dashboard.clerk.com/last-active?path=api-keys',
    ]);
    // .env.local is read first: its value is the one the app gets.
    const local = empty();
    runStep(
      options,
      input({
        before: "CLERK_SECRET_KEY=sk_test_real\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=sk_test_swapped\n",
        others: [{ path: ".env", content }],
      }),
      local,
    );
    expect(local.nextSteps).toEqual([
      expect.stringContaining(
        'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY in .env.local is "sk_…", which is not a Clerk publishable key',
      ),
    ]);
  });

  it("treats an empty value elsewhere as unset: the keys land in the target and the next step says fill them in", () => {
    const plan = empty();
    runStep(
      options,
      input({
        secretKey: "sk_test_real",
        others: [{ path: ".env", content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\nCLERK_SECRET_KEY=\n" }],
      }),
      plan,
    );
    expect(plan.changes[0]?.after).toContain("CLERK_SECRET_KEY=sk_test_real");
    expect(plan.warnings).toEqual([]);
    expect(plan.nextSteps).toEqual([
      expect.stringContaining("Fill in NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY in .env.local"),
      expect.stringContaining("npx clerk@latest init"),
    ]);
  });

  it("a key set only for production: no empty placeholder over it, a next step instead", () => {
    const plan = empty();
    runStep(
      options,
      input({ before: "A=1\n", others: [{ path: ".env.production", content: "CLERK_SECRET_KEY=sk_live_x\n" }] }),
      plan,
    );
    expect(plan.changes[0]?.after).not.toContain("CLERK_SECRET_KEY");
    expect(plan.nextSteps.join("\n")).toContain("CLERK_SECRET_KEY is set only in .env.production");
  });

  it("creates no empty file (and no .gitignore line) when every key is set elsewhere", () => {
    const plan = empty();
    runStep(
      options,
      input({
        git: { ignored: false, tracked: false },
        others: [
          {
            path: ".env.development",
            content: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n",
          },
        ],
      }),
      plan,
    );
    expect(plan.changes).toEqual([]);
  });

  it("warns about a tracked env file only when this run writes to it", () => {
    const written = empty();
    runStep(options, input({ path: ".env", before: "A=1\n", git: { ignored: false, tracked: true } }), written);
    expect(written.warnings.join("\n")).toContain("tracked by git");
    const untouched = empty();
    runStep(
      options,
      input({
        path: ".env",
        before: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_y\n",
        git: { ignored: false, tracked: true },
      }),
      untouched,
    );
    expect(untouched.warnings).toEqual([]);
  });
});
