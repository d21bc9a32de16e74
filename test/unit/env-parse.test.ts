import util from "node:util";
import { planEnvFileFacts } from "../support/env-facts.js";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/core/errors.js";
import { formatEnvValue, parseEnvText, planEnvFile, type EnvParser } from "../../src/plan/env-file.js";

const hasNodeParser = typeof (util as { parseEnv?: unknown }).parseEnv === "function";
const PARSERS: EnvParser[] = hasNodeParser ? ["auto", "node", "dotenv"] : ["auto", "dotenv"];

const asObject = (m: Map<string, string>) => Object.fromEntries(m);

describe.each(PARSERS)("parseEnvText (%s)", (parser) => {
  it("reads quoted, multi-line and commented values", () => {
    const text = [
      "A=plain",
      'B="double quoted"',
      "C='single # not a comment'",
      'D="line one',
      'line two"',
      "E=value # trailing comment",
      "# F=commented-out",
      "G=",
      "",
    ].join("\n");
    expect(asObject(parseEnvText(text, parser))).toEqual({
      A: "plain",
      B: "double quoted",
      C: "single # not a comment",
      D: "line one\nline two",
      E: "value",
      G: "",
    });
  });

  it("understands every form of `export KEY=`", () => {
    const text = "export A=1\nexport  B=2\nexport\tC=3\n  export D=4\n";
    expect(asObject(parseEnvText(text, parser))).toEqual({ A: "1", B: "2", C: "3", D: "4" });
  });

  it("reads CRLF files", () => {
    expect(asObject(parseEnvText('A=1\r\nB="x\r\ny"\r\n', parser))).toEqual({ A: "1", B: "x\ny" });
  });

  it("finds a key that follows a line without '='", () => {
    expect(parseEnvText("JUNK\nCLERK_SECRET_KEY=sk_test_x\n", parser).get("CLERK_SECRET_KEY")).toBe("sk_test_x");
  });

  it("does not see a key inside a multi-line value", () => {
    const parsed = parseEnvText('PEM="-----\nCLERK_SECRET_KEY=nope\n-----"\n', parser);
    expect(parsed.has("CLERK_SECRET_KEY")).toBe(false);
  });

  it("last definition wins", () => {
    expect(parseEnvText("A=1\nA=2\n", parser).get("A")).toBe("2");
  });

  it("does not pollute Object.prototype with a __proto__ line", () => {
    parseEnvText("__proto__=x\nconstructor=y\n", parser);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(typeof ({} as { constructor: unknown }).constructor).toBe("function");
  });
});

describe("util.parseEnv quirks this module works around", () => {
  it.runIf(hasNodeParser)("raw util.parseEnv keeps part of `export  KEY` in the name", () => {
    const raw = (util as unknown as { parseEnv: (s: string) => Record<string, string> }).parseEnv("export  KEY=1\n");
    // If this starts failing, Node fixed it: normalizeKey stays harmless either way.
    expect(Object.keys(raw)).not.toEqual(["KEY"]);
    expect(parseEnvText("export  KEY=1\n", "node").get("KEY")).toBe("1");
  });
});

describe("formatEnvValue", () => {
  const tricky = [
    "",
    "plain",
    "pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk",
    "abc+/def==",
    "two words",
    " leading and trailing ",
    "a#b",
    "#starts-with-hash",
    "it's",
    'say "hi"',
    `it's "both"`,
    "multi\nline",
    "back\\slash",
    "ends with backslash\\",
    "back\\nslash-n",
    "$HOME and ${PATH}",
    "price: 5$",
    "https://x.supabase.co/rest/v1?a=b&c=d",
    "tab\there",
    "= leading equals",
    "'quoted-looking'",
  ];

  describe.each(PARSERS.filter((p) => p !== "auto"))("round-trips with %s", (parser) => {
    it.each(tricky)("%j", (value) => {
      const line = `KEY=${formatEnvValue("KEY", value)}\n`;
      const parsed = parseEnvText(line, parser).get("KEY");
      // Next resolves `\$` to `$` after parsing (its dotenv-expand step).
      expect(parsed?.replace(/\\\$/g, "$")).toBe(value);
      // And no `$` is left for Next to expand.
      expect(parsed).not.toMatch(/(^|[^\\])\$/);
    });
  });

  it("leaves base64-ish keys unquoted", () => {
    expect(formatEnvValue("K", "abc+/def==")).toBe("abc+/def==");
  });

  it("escapes dollars (Next expands $NAME)", () => {
    expect(formatEnvValue("K", "a$b")).toBe("a\\$b");
  });

  it("refuses a value containing all three quote characters", () => {
    expect(() => formatEnvValue("K", `'"\``)).toThrow(CliError);
    try {
      formatEnvValue("K", `'"\``);
    } catch (e) {
      expect((e as CliError).code).toBe("ENV_VALUE_UNQUOTABLE");
      expect((e as CliError).hint).toMatch(/by hand/);
    }
  });

  it("planEnvFile writes tricky values that read back exactly", () => {
    const entries = tricky.map((value, i) => ({ key: `K${i}`, value }));
    for (const parser of PARSERS) {
      const { after, added } = planEnvFileFacts("EXISTING=1\n", entries, { parser });
      expect(added).toHaveLength(tricky.length);
      const parsed = parseEnvText(after, parser);
      tricky.forEach((value, i) => expect(parsed.get(`K${i}`)?.replace(/\\\$/g, "$")).toBe(value));
      expect(parsed.get("EXISTING")).toBe("1");
    }
  });
});
