import { planEnvFileFacts } from "../support/env-facts.js";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { readEnvTarget } from "../../src/project/env-target.js";
import type { Project } from "../../src/project/detect.js";
import type { ExistingFile } from "../../src/core/types.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import util from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  CLERK_ENV_COMMENT,
  clerkEnvEntries,
  planEnvFile,
  type EnvEntry,
  type EnvParser,
} from "../../src/plan/env-file.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/env/", import.meta.url));
const PK = "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk";
const SK = "sk_test_FAKEfakeFAKEfake0123456789abcdef";

/** Both parsers when this Node has util.parseEnv, else only dotenv (Node 20.9–20.11). */
const PARSERS: EnvParser[] =
  typeof (util as { parseEnv?: unknown }).parseEnv === "function" ? ["node", "dotenv"] : ["dotenv"];

interface Expectation {
  added: string[];
  kept: string[];
  /** One regex per expected warning, in order. */
  warnings?: RegExp[];
  /** The output must equal the input byte for byte. */
  unchanged?: boolean;
}

const CLERK = ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY"];

const EXPECTED: Record<string, Expectation> = {
  "new-file": { added: CLERK, kept: [] },
  "new-file-with-keys": { added: CLERK, kept: [] },
  "empty-file": { added: CLERK, kept: [] },
  "existing-keys-kept": { added: [], kept: CLERK, unchanged: true },
  "empty-existing-value": {
    added: ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"],
    kept: ["CLERK_SECRET_KEY"],
    warnings: [/^CLERK_SECRET_KEY is in \.env\.local but empty; it was left empty/],
  },
  "flag-disagrees": {
    added: [],
    kept: CLERK,
    unchanged: true,
    warnings: [/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY in \.env\.local/, /^CLERK_SECRET_KEY in \.env\.local/],
  },
  crlf: { added: CLERK, kept: [] },
  "crlf-no-final-newline": { added: CLERK, kept: [] },
  "no-final-newline": { added: CLERK, kept: [] },
  "quoted-multiline": { added: ["CLERK_SECRET_KEY"], kept: ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"] },
  "export-entries": { added: [], kept: CLERK, unchanged: true },
  "comments-blank-lines": { added: CLERK, kept: [] },
  "header-already-present": { added: ["CLERK_SECRET_KEY"], kept: ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"] },
  "commented-out-optional": { added: [], kept: CLERK },
  "extra-entry-with-comment": { added: ["SUPABASE_URL", "SUPABASE_ANON_KEY"], kept: CLERK },
  "values-need-quotes": {
    added: ["WITH_SPACE", "WITH_HASH", "WITH_SINGLE", "WITH_BOTH", "WITH_DOLLAR", "BASE64", "URL"],
    kept: [],
  },
};

function loadCase(name: string): { before: string | null; entries: EnvEntry[] } {
  const dir = join(FIXTURES, name);
  const input = join(dir, "input.env");
  const before = existsSync(input) ? readFileSync(input, "utf8") : null;
  const { entries } = JSON.parse(readFileSync(join(dir, "entries.json"), "utf8")) as {
    entries: EnvEntry[];
  };
  return { before, entries };
}

describe("planEnvFile fixtures", () => {
  const cases = readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

  it("every fixture folder has expectations (and vice versa)", () => {
    expect(cases).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(cases)("%s", (name) => {
    const { before, entries } = loadCase(name);
    const expected = EXPECTED[name]!;
    const plan = planEnvFileFacts(before, entries, { fileName: ".env.local" });

    it("matches output.env", async () => {
      await expect(plan.after).toMatchFileSnapshot(join(FIXTURES, name, "output.env"));
    });

    it("reports added, kept and warnings", () => {
      expect(plan.added).toEqual(expected.added);
      expect(plan.kept).toEqual(expected.kept);
      const patterns = expected.warnings ?? [];
      expect(plan.warnings).toHaveLength(patterns.length);
      patterns.forEach((re, i) => expect(plan.warnings[i]).toMatch(re));
    });

    it("keeps every original byte as a prefix and ends with a line break", () => {
      if (before !== null) expect(plan.after.slice(0, before.length)).toBe(before);
      if (expected.unchanged) expect(plan.after).toBe(before);
      if (expected.added.length > 0) expect(plan.after.endsWith("\n")).toBe(true);
    });

    it("uses the file's line ending for what it adds", () => {
      const appended = plan.after.slice(before?.length ?? 0);
      if (before?.includes("\r\n")) {
        expect(appended).not.toMatch(/(^|[^\r])\n/);
        expect(appended).toMatch(/\r\n$/);
      } else {
        expect(appended).not.toContain("\r");
      }
    });

    it("is idempotent: applying the plan again changes nothing", () => {
      const again = planEnvFileFacts(plan.after, entries);
      expect(again.after).toBe(plan.after);
      expect(again.added).toEqual([]);
    });

    it.each(PARSERS)("gives the same result with the %s parser", (parser) => {
      const forced = planEnvFileFacts(before, entries, { fileName: ".env.local", parser });
      expect(forced).toEqual(plan);
    });

    it("never prints a secret value in full", () => {
      for (const warning of plan.warnings) {
        for (const entry of entries) {
          if (entry.value.length > 8) expect(warning).not.toContain(entry.value);
        }
        for (const secret of [SK, "sk_test_OTHERotherOTHER9876543210fedcba"]) {
          expect(warning).not.toContain(secret);
        }
      }
    });
  });
});

describe("planEnvFile details", () => {
  it("new file: exactly the comment block and both keys", () => {
    const { after } = planEnvFileFacts(null, clerkEnvEntries({}));
    expect(after).toBe(`# ${CLERK_ENV_COMMENT}\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\nCLERK_SECRET_KEY=\n`);
  });

  it("writes the keys it was given", () => {
    const { after } = planEnvFileFacts(null, clerkEnvEntries({ publishableKey: PK, secretKey: SK }));
    expect(after).toContain(`\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=${PK}\nCLERK_SECRET_KEY=${SK}\n`);
  });

  it("missing final newline: one separator line break, then a blank line before the comment", () => {
    const { after } = planEnvFileFacts("A=1", clerkEnvEntries({}));
    expect(after.startsWith("A=1\n\n# Clerk keys")).toBe(true);
  });

  it("does not add a blank line when the file already ends with one", () => {
    const { after } = planEnvFileFacts("A=1\n\n", clerkEnvEntries({}));
    expect(after.startsWith("A=1\n\n# Clerk keys")).toBe(true);
  });

  it("nothing missing: returns the very same string", () => {
    const before = `CLERK_SECRET_KEY=${SK}\r\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=${PK}`;
    const plan = planEnvFileFacts(before, clerkEnvEntries({ publishableKey: PK, secretKey: SK }));
    expect(plan.after).toBe(before);
    expect(plan.warnings).toEqual([]);
  });

  it("an empty entry value never warns, even if the file has a value", () => {
    const plan = planEnvFileFacts(`CLERK_SECRET_KEY=${SK}\n`, [{ key: "CLERK_SECRET_KEY", value: "" }]);
    expect(plan.warnings).toEqual([]);
    expect(plan.kept).toEqual(["CLERK_SECRET_KEY"]);
  });

  it("masks both values in the disagreement warning", () => {
    const other = "sk_live_SomeoneElsesKeyThatIsLong123";
    const plan = planEnvFileFacts(`CLERK_SECRET_KEY=${other}\n`, [{ key: "CLERK_SECRET_KEY", value: SK }]);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain("sk_live_…");
    expect(plan.warnings[0]).toContain("sk_test_…");
    expect(plan.warnings[0]).not.toContain(other);
    expect(plan.warnings[0]).not.toContain(SK);
    expect(plan.warnings[0]).toContain("the env file");
  });

  it("treats a `\\$`-escaped file value as equal to the plain value", () => {
    const plan = planEnvFileFacts("TOKEN=a\\$b\n", [{ key: "TOKEN", value: "a$b" }]);
    expect(plan.warnings).toEqual([]);
  });

  it("the first entry for a key wins", () => {
    const plan = planEnvFileFacts(null, [
      { key: "A", value: "1" },
      { key: "A", value: "2" },
    ]);
    expect(plan.after).toBe("A=1\n");
    expect(plan.added).toEqual(["A"]);
  });

  it("entries with different comments get separate blocks", () => {
    const { after } = planEnvFileFacts(null, [
      { key: "A", value: "", comment: "first" },
      { key: "B", value: "", comment: "first" },
      { key: "C", value: "", comment: "second\nline two" },
      { key: "D", value: "" },
    ]);
    expect(after).toBe("# first\nA=\nB=\n\n# second\n# line two\nC=\nD=\n");
  });

  it("a key without a comment appended to an existing file gets no blank line", () => {
    expect(planEnvFileFacts("A=1\n", [{ key: "B", value: "2" }]).after).toBe("A=1\nB=2\n");
  });

  it("rejects invalid variable names (programming error)", () => {
    expect(() => planEnvFileFacts(null, [{ key: "BAD-NAME", value: "" }])).toThrow(/BAD-NAME/);
  });

  it.each(PARSERS)("unclosed quote that would swallow appended lines: file left unchanged (%s)", (parser) => {
    // With util.parseEnv, `L="...` runs until the next double quote: our quoted value.
    // With dotenv the unclosed quote is read literally and appending is safe.
    const before = 'L="unterminated\nM=3\n';
    const plan = planEnvFileFacts(before, [{ key: "N", value: 'a "quoted" value' }], { parser });
    const check = planEnvFileFacts(plan.after, [], { parser });
    expect(check.after).toBe(plan.after);
    if (plan.added.length === 0) {
      expect(plan.after).toBe(before);
      expect(plan.warnings.join("\n")).toMatch(/Could not add N to the env file safely/);
    } else {
      expect(plan.after.startsWith(before)).toBe(true);
    }
  });

  it("a `KEY: value` line (util.parseEnv skips it, dotenv and so Next read it) counts as present", () => {
    for (const parser of PARSERS) {
      const before = "CLERK_SECRET_KEY: sk_test_abc\n";
      const plan = planEnvFileFacts(before, clerkEnvEntries({}), { parser });
      expect(plan.kept).toEqual(["CLERK_SECRET_KEY"]);
      expect(plan.added).toEqual(["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"]);
      expect(plan.after).toBe(`${before}\n# ${CLERK_ENV_COMMENT}\nNEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\n`);
    }
  });

  it.runIf(PARSERS.includes("node"))(
    "swallowing case is detected with util.parseEnv (Node >= 20.12, which has it)",
    () => {
      const before = 'L="unterminated\nM=3\n';
      // Whatever the primary parser, util.parseEnv's reading is checked too.
      for (const parser of ["node", "dotenv"] as const) {
        const plan = planEnvFileFacts(before, [{ key: "N", value: 'it\'s "x"' }], { parser });
        expect(plan.after).toBe(before);
        expect(plan.added).toEqual([]);
        expect(plan.warnings).toHaveLength(1);
      }
    },
  );
});

describe("readEnvTarget: which env file", () => {
  const local = { path: ".env.local", content: "A=1\n" };
  const dotenv = { path: ".env", content: "B=2\n" };
  const dev = { path: ".env.development", content: "C=3\n" };
  const root = mkdtempSync(join(tmpdir(), "ccr-env-target-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const choose = (envFiles: ExistingFile[], override?: string) => {
    const target = readEnvTarget(
      { root, envFiles } as Project,
      override === undefined ? undefined : { path: override, flag: "--env-path" },
    );
    return { path: target.path, before: target.before };
  };

  it("prefers .env.local", () => {
    expect(choose([dotenv, dev, local])).toEqual({ path: ".env.local", before: "A=1\n" });
  });

  it("falls back to .env", () => {
    expect(choose([dev, dotenv])).toEqual({ path: ".env", before: "B=2\n" });
  });

  it("creates .env.local when there is neither", () => {
    expect(choose([dev])).toEqual({ path: ".env.local", before: null });
    expect(choose([])).toEqual({ path: ".env.local", before: null });
  });

  it("uses an override that exists, with its content", () => {
    expect(choose([local, dev], ".env.development")).toEqual({ path: ".env.development", before: "C=3\n" });
  });

  it("uses an override that does not exist yet", () => {
    expect(choose([local], ".env.development.local")).toEqual({ path: ".env.development.local", before: null });
  });

  it("normalizes ./ and nested folders in the override", () => {
    expect(choose([local], "./.env.local")).toEqual({ path: ".env.local", before: "A=1\n" });
    expect(choose([], "config/.env")).toEqual({ path: "config/.env", before: null });
  });

  it("ignores an empty override", () => {
    expect(choose([dotenv], "")).toEqual({ path: ".env", before: "B=2\n" });
  });

  it.each([
    ".git/config",
    "package.json",
    "tsconfig.json",
    "app/page.tsx",
    ".git/hooks/pre-commit",
    "node_modules/.env",
    "config\\.env",
  ])("refuses %s: not an env file, or in a folder git or npm own", (override) => {
    expect(() => choose([], override)).toThrow(/--env-path .* is not an env file/);
  });

  it("refuses a path that leaves the project through a symbolic link", () => {
    const outside = mkdtempSync(join(tmpdir(), "ccr-env-outside-"));
    symlinkSync(outside, join(root, "config-link"));
    try {
      expect(() => choose([], "config-link/.env.local")).toThrow(
        /--env-path config-link\/.env.local is outside the project/,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
