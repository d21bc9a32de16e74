import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { copyFixture, read, repoRoot } from "../support/project.js";
import { startInPty, type PtySession, type ScreenLine } from "../support/pty.js";

// The screens fit the terminal: the main interactive flows run in pseudo-terminals 60, 80 and
// 120 columns wide, and the screen a user is left with (replayed in a terminal emulator, prompts
// redrawn in place) must have no line the terminal had to wrap, and every line inside the
// prompts' frame: starting with its gutter or one of clack's symbols.

const ENTER = "\r";
const DOWN = "\u001b[B";
const WIDTHS = [60, 80, 120];

/** The frame's gutter and clack's symbols: every line of an interactive screen starts with one. */
const FRAMED = /^[│┌└├◇◆▲●■○◻◼◒◐◓◑]/u;

function describeScreen(lines: ScreenLine[]): string {
  return lines.map((line) => `${line.wrapped ? "↪" : " "}${line.text}`).join("\n");
}

/**
 * Every line fits, and none was wrapped by the terminal except a single word wider than the screen
 * (a long URL, a regular expression in code: cutting it would make it impossible to copy); with
 * `framed`, every line is inside the frame.
 */
function expectFits(lines: ScreenLine[], columns: number, framed = true): void {
  const screen = describeScreen(lines);
  expect(lines.length, screen).toBeGreaterThan(3);
  lines.forEach((line, i) => {
    expect(stringWidth(line.text), screen).toBeLessThanOrEqual(columns);
    if (line.wrapped) {
      let start = i;
      while (start > 0 && lines[start]!.wrapped) start--;
      const rows = lines.slice(start, i + 1);
      // A row the terminal continued is full: a shorter one ended in spaces, trimmed (a break at a space).
      const full = rows.slice(0, -1).every((row) => stringWidth(row.text) === columns);
      const content = rows
        .map((row) => row.text)
        .join("")
        .replace(/^[│■▲●◇◆]?\s*/u, "");
      expect(
        full && !/\s/.test(content),
        `a line wider than ${columns} columns, continued here (line ${i + 1}):\n${screen}`,
      ).toBe(true);
      return;
    }
    if (framed) expect(line.text, `a line outside the frame:\n${screen}`).toMatch(FRAMED);
    // A box's right border ends its line: the top and bottom corners are the last characters.
    if (/[╮╯]/.test(line.text)) expect(line.text.trimEnd(), screen).toMatch(/[╮╯]$/);
  });
}

async function finish(session: PtySession, code = 0): Promise<ScreenLine[]> {
  expect(await session.exit, session.output()).toBe(code);
  return session.screen();
}

/** A copy of app-ts whose proxy.ts runs Clerk, with a matcher that lacks /api. */
function projectWithClerkProxy(): string {
  const project = copyFixture("app-ts");
  copyFileSync(
    path.join(repoRoot, "test/fixtures/middleware/clerk-string-matcher/input.ts"),
    path.join(project, "proxy.ts"),
  );
  return project;
}

/** A copy of app-ts with @clerk/nextjs installed (so there is no install step). */
function projectWithClerkInstalled(): string {
  const project = copyFixture("app-ts");
  const clerk = path.join(project, "node_modules/@clerk/nextjs");
  mkdirSync(clerk, { recursive: true });
  writeFileSync(path.join(clerk, "package.json"), JSON.stringify({ name: "@clerk/nextjs", version: "7.9.0" }));
  return project;
}

describe.concurrent.each(WIDTHS)("at %i columns, nothing breaks the frame", (columns) => {
  it("a fresh project, every question asked", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty(["--cwd", project], { columns });
    await session.waitFor(/How should the route be protected/);
    session.type(DOWN + ENTER); // userId
    await session.waitFor(/Route \(URL path\)/);
    session.type("/api/projects/[id]" + ENTER);
    await session.waitFor(/HTTP methods/);
    session.type(ENTER); // GET
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // anyone signed in
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    await session.waitFor(/not installed\. Install it/);
    session.type(DOWN + ENTER); // No
    const lines = await finish(session);
    expectFits(lines, columns);
    const text = lines.map((line) => line.text).join("\n");
    expect(text).toContain("Next steps");
    expect(text).toMatch(/└ {2}Done\./);
    expect(read(project, "app/api/projects/[id]/route.ts")).toContain("export async function GET(");
  });

  it("a patched proxy.ts, with the warning that says how", async () => {
    const project = projectWithClerkProxy();
    const session = startInPty(["/api/me", "--style", "userId", "--methods", "GET", "--no-install", "--cwd", project], {
      columns,
    });
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // anyone signed in
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    const lines = await finish(session);
    expectFits(lines, columns);
    const text = lines.map((line) => line.text.replace(/^[│▲]\s+/, "")).join(" ");
    expect(text).toContain(
      'Added "/(api|trpc)(.*)" to config.matcher in proxy.ts so clerkMiddleware() runs on /api/me',
    );
    expect(read(project, "proxy.ts")).toContain("/(api|trpc)(.*)");
  });

  it("the token style, its three next steps and the CI command", async () => {
    const project = projectWithClerkInstalled();
    const session = startInPty(["/api/external-data", "--style", "token", "--methods", "GET", "--cwd", project], {
      columns,
    });
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // anyone signed in
    await session.waitFor(/Clerk JWT template/);
    session.type(ENTER); // supabase
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    const lines = await finish(session);
    expectFits(lines, columns);
    const text = lines.map((line) => line.text).join("\n");
    expect(text).toMatch(/^│ {2}1\. Fill in/m);
    expect(text).toMatch(/^│ {2}2\. No Clerk account yet\? npx clerk@latest init/m);
    expect(text).toMatch(/^│ {2}3\. Create the "supabase" JWT template/m);
    expect(text).toContain("https://dashboard.clerk.com/last-active?path=api-keys");
    // The command, over several lines, still runs as one when copied: each break is a `\` continuation.
    const command = text.slice(text.indexOf("To repeat this in CI:"));
    const joined = command
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/^│\s+/, ""))
      .join("\n")
      .replace(/ \\\n/g, " ");
    expect(joined).toMatch(/^npx create-clerk-route \/api\/external-data --style token --cwd \S+ --yes$/m);
  });

  it("an error: a proxy.ts it cannot patch, the manual edit shown inside the frame", async () => {
    const project = copyFixture("app-ts");
    copyFileSync(
      path.join(repoRoot, "test/fixtures/middleware/refuse-authjs-default/input.ts"),
      path.join(project, "proxy.ts"),
    );
    const session = startInPty(["/api/me", "--style", "userId", "--no-install", "--cwd", project], { columns });
    await session.waitFor(/HTTP methods/);
    session.type(ENTER); // GET
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // anyone signed in
    const lines = await finish(session, 1);
    expectFits(lines, columns);
    const text = lines.map((line) => line.text).join("\n");
    expect(text).toMatch(/^■ {2}\S/m);
    expect(text).toContain("--no-middleware");
    expect(text).toMatch(/└ {2}Nothing was written\./);
  });

  it("a dry run: each diff cut to the frame, every character kept", async () => {
    const project = copyFixture("src-app");
    const session = startInPty(
      ["/api/me", "--style", "userId", "--methods", "GET", "--no-install", "--dry-run", "--cwd", project],
      { columns },
    );
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // anyone signed in
    const lines = await finish(session);
    expectFits(lines, columns);
    const text = lines.map((line) => line.text).join("\n");
    expect(text).toContain("+++ b/src/middleware.ts");
    expect(text).toMatch(/└ {2}Dry run: nothing was written\./);
  });

  it("a run without prompts on a terminal wraps its plain output too", async () => {
    const project = projectWithClerkProxy();
    const session = startInPty(["/api/me", "--style", "token", "--yes", "--no-install", "--cwd", project], { columns });
    const lines = await finish(session);
    expectFits(lines, columns, false);
    const text = lines.map((line) => line.text).join("\n");
    expect(text).toMatch(/^! Added "\/\(api\|trpc\)\(\.\*\)" to config\.matcher/m);
    expect(text).toMatch(/^ {2}2\. Fill in/m);
  });
});

describe("the README's example sessions", () => {
  /** The code blocks of "## Example session" that show a command: [command line, screen lines]. */
  function sessions(): Array<{ command: string; screen: string[] }> {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("## Example session"),
      readme.indexOf("\n## ", readme.indexOf("## Example session") + 1),
    );
    return [...section.matchAll(/```\n\$ (.*)\n([\s\S]*?)```/g)].map((match) => ({
      command: match[1]!,
      screen: match[2]!.trimEnd().split("\n"),
    }));
  }

  /** The words of a shell command line as the shell would pass them (single quotes only). */
  const argv = (command: string) => [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(2);

  it("are what an 80-column terminal shows", async () => {
    const [flags, prompts] = sessions();
    expect(flags?.command).toMatch(/--yes$/);
    expect(prompts?.command).toMatch(/--style token --methods GET$/);

    const first = startInPty(argv(flags!.command), { columns: 80, cwd: copyFixture("app-ts") });
    // Compared without trailing spaces (the intro's title ends in a coloured one; editors drop them).
    expect((await finish(first)).map((line) => line.text.trimEnd())).toEqual(flags!.screen);

    const second = startInPty(argv(prompts!.command), { columns: 80, cwd: copyFixture("app-ts") });
    await second.waitFor(/Who may call it\?/);
    second.type(ENTER); // anyone signed in
    await second.waitFor(/Clerk JWT template/);
    second.type(ENTER); // supabase
    await second.waitFor(/Write these files\?/);
    second.type(ENTER);
    await second.waitFor(/not installed\. Install it/);
    second.type(DOWN + ENTER); // No
    const lines = await finish(second);
    expectFits(lines, 80);
    expect(lines.map((line) => line.text.trimEnd())).toEqual(prompts!.screen);
  });
});
