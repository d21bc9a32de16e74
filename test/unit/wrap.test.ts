import pc from "picocolors";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.js";
import { humanError, humanPlan } from "../../src/report/index.js";
import { wrapFor } from "../../src/ui/text.js";
import { columnsOf, cutLines, hang, wrapCommand, wrapText } from "../../src/ui/wrap.js";
import { CliError } from "../../src/core/errors.js";

// Wrapping is presentation: the words stay, only the line breaks move.

const URL = "https://dashboard.clerk.com/last-active?path=api-keys";
const colors = pc.createColors(true);
const plain = pc.createColors(false);
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe("wrapText", () => {
  it("breaks at word boundaries, within the width, keeping every word", () => {
    const text =
      'Added "/(api|trpc)(.*)" to config.matcher in proxy.ts so clerkMiddleware() runs on /api/me and every other /api and /trpc route.';
    const wrapped = wrapText(text, 40);
    for (const line of wrapped.split("\n")) expect(stringWidth(line)).toBeLessThanOrEqual(40);
    expect(words(wrapped)).toEqual(words(text));
  });

  it("puts a word wider than the width on its own line, whole", () => {
    expect(wrapText(`Fill in the keys: ${URL} then run it`, 30).split("\n")).toEqual([
      "Fill in the keys:",
      URL,
      "then run it",
    ]);
  });

  it("repeats a line's own indentation on its wrapped lines", () => {
    expect(wrapText("    one two three four", 14)).toBe("    one two\n    three four");
  });

  it("measures colours as nothing and keeps them across breaks", () => {
    const wrapped = wrapText(colors.green("aaaa bbbb cccc"), 9);
    expect(wrapped.split("\n").map((line) => stringWidth(line))).toEqual([9, 4]);
    expect(wrapped.split("\n").every((line) => line.startsWith("\u001b[32m"))).toBe(true);
  });
});

describe("hang", () => {
  it("indents the wrapped lines under the text, not under the prefix", () => {
    expect(hang("1. ", "Create the JWT template in the Clerk dashboard", 24)).toBe(
      "1. Create the JWT\n   template in the Clerk\n   dashboard",
    );
  });

  it("measures a coloured prefix by what it shows", () => {
    expect(hang(`${colors.green("✔")} `, "one two three", 9)).toBe(`${colors.green("✔")} one two\n  three`);
  });
});

describe("wrapCommand", () => {
  const groups = [
    "npx create-clerk-route",
    "'/api/projects/[id]'",
    "--style userId",
    "--methods GET,PATCH",
    "--cwd '/tmp/my app'",
    "--yes",
  ];

  it("stays on one line when it fits", () => {
    expect(wrapCommand(groups, 200)).toBe(groups.join(" "));
  });

  it("breaks only between groups, with shell continuations, each line within the width", () => {
    const wrapped = wrapCommand(groups, 46);
    expect(wrapped).toBe(
      [
        "npx create-clerk-route '/api/projects/[id]' \\",
        "  --style userId --methods GET,PATCH \\",
        "  --cwd '/tmp/my app' --yes",
      ].join("\n"),
    );
    for (const line of wrapped.split("\n")) expect(line.length).toBeLessThanOrEqual(46);
    expect(wrapped.replace(/ \\\n {2}/g, " ")).toBe(groups.join(" "));
  });
});

describe("cutLines", () => {
  it("cuts a diff's rows at the width without losing or moving a character", () => {
    const row = `+${"x".repeat(25)} y`;
    expect(cutLines(row, 10).split("\n")).toEqual(["+xxxxxxxxx", "xxxxxxxxxx", "xxxxxx y"]);
  });
});

describe("columnsOf", () => {
  it("is the terminal's width, or 80 when it has none", () => {
    expect(columnsOf({ columns: 60 })).toBe(60);
    expect(columnsOf({})).toBe(80);
    expect(columnsOf({ columns: 0 })).toBe(80);
  });
});

describe("plain output", () => {
  const plan: Plan = {
    changes: [{ path: "app/api/me/route.ts", action: "create", before: null, after: "" }],
    unchanged: [],
    notes: [
      { kind: "fillKeys", keys: ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY"], file: ".env.local" },
      {
        kind: "styleNextStep",
        text: 'Create the "supabase" JWT template in the Clerk dashboard and set SUPABASE_URL.',
      },
    ],
  } as Plan;
  const options = { dryRun: false, colors: plain, title: "/api/me: GET protected with the token style" };

  it("into a pipe or a file: never wrapped (a script reads whole lines)", async () => {
    expect(await wrapFor({ isTTY: false, columns: 40 })).toBeUndefined();
    expect(await wrapFor({})).toBeUndefined();
    const text = humanPlan(plan, options);
    expect(text).toContain(`  1. Fill in NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY in .env.local: ${URL}`);
  });

  it("on a terminal: wrapped to its width, hanging under each item", async () => {
    const wrap = await wrapFor({ isTTY: true, columns: 60 });
    const text = humanPlan(plan, { ...options, wrap });
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).toContain(
      [
        "  1. Fill in NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and",
        "     CLERK_SECRET_KEY in .env.local:",
        `     ${URL}`,
        "  2. No Clerk account yet? npx clerk@latest init writes",
        "     temporary development keys to .env.local.",
        '  3. Create the "supabase" JWT template in the Clerk',
        "     dashboard and set SUPABASE_URL.",
      ].join("\n"),
    );
    expect(words(text)).toEqual(words(humanPlan(plan, options)));
  });

  it("an error and its hint, wrapped on a terminal, the hint's code left whole", async () => {
    const error = new CliError(
      "MIDDLEWARE_UNSAFE",
      "proxy.ts runs Auth.js: running two auth libraries in one middleware is a decision to make by hand.",
      {
        hint: "Make this edit by hand:\n\n    export default clerkMiddleware((auth, req, event) => authjsMiddleware(req, event));",
      },
    );
    expect(humanError(error, plain)).toBe(
      [
        `✖ ${error.message}`,
        "  Make this edit by hand:",
        "",
        "      export default clerkMiddleware((auth, req, event) => authjsMiddleware(req, event));",
      ].join("\n"),
    );
    const wrapped = humanError(error, plain, await wrapFor({ isTTY: true, columns: 50 }));
    expect(wrapped).toBe(
      [
        "✖ proxy.ts runs Auth.js: running two auth",
        "  libraries in one middleware is a decision to",
        "  make by hand.",
        "  Make this edit by hand:",
        "",
        // Code is never re-flowed (it would not paste): the terminal's own soft wrap keeps it one line.
        "      export default clerkMiddleware((auth, req, event) => authjsMiddleware(req, event));",
      ].join("\n"),
    );
  });
});
