import { describe, expect, it } from "vitest";
import { GITIGNORE_COMMENT, gitignoreCovers, gitignoreLineFor, planGitignore } from "../../src/plan/gitignore.js";

// The .gitignore create-next-app writes (trimmed), which already ignores every .env* file.
const CREATE_NEXT_APP = `# See https://help.github.com/articles/ignoring-files/ for more about ignoring files.

# dependencies
/node_modules
/.pnp
.pnp.*

# next.js
/.next/
/out/

# env files (can opt-in for committing if needed)
.env*

# typescript
*.tsbuildinfo
next-env.d.ts
`;

describe("planGitignore", () => {
  it("creates a .gitignore with a comment and the anchored path", () => {
    expect(planGitignore(null, ".env.local")).toBe(`${GITIGNORE_COMMENT}\n/.env.local\n`);
  });

  it("leaves create-next-app's .gitignore alone (.env* covers it)", () => {
    expect(planGitignore(CREATE_NEXT_APP, ".env.local")).toBe(CREATE_NEXT_APP);
    expect(planGitignore(CREATE_NEXT_APP, ".env")).toBe(CREATE_NEXT_APP);
  });

  it("appends to a .gitignore that does not cover the file, keeping it as a prefix", () => {
    const before = "node_modules\n.next\n";
    const after = planGitignore(before, ".env.local");
    expect(after).toBe(`node_modules\n.next\n\n${GITIGNORE_COMMENT}\n/.env.local\n`);
    expect(after.slice(0, before.length)).toBe(before);
  });

  it("keeps CRLF", () => {
    const before = "node_modules\r\n.next\r\n";
    expect(planGitignore(before, ".env")).toBe(`node_modules\r\n.next\r\n\r\n${GITIGNORE_COMMENT}\r\n/.env\r\n`);
  });

  it("adds one line break when the file lacks a final newline", () => {
    expect(planGitignore("node_modules", ".env.local")).toBe(`node_modules\n\n${GITIGNORE_COMMENT}\n/.env.local\n`);
  });

  it("empty .gitignore: just the block", () => {
    expect(planGitignore("", ".env.local")).toBe(`${GITIGNORE_COMMENT}\n/.env.local\n`);
  });

  it("is idempotent", () => {
    for (const before of [null, "", "node_modules", "a\r\nb\r\n", "!.env.local\n"]) {
      const once = planGitignore(before, ".env.local");
      expect(planGitignore(once, ".env.local")).toBe(once);
    }
  });

  it("adds a line after a negation that re-includes the file", () => {
    const before = ".env*\n!.env.local\n";
    const after = planGitignore(before, ".env.local");
    expect(after).toBe(`${before}\n${GITIGNORE_COMMENT}\n/.env.local\n`);
    expect(gitignoreCovers(after, ".env.local")).toBe(true);
  });

  it("does not repeat its comment if the user kept it but removed the path", () => {
    const before = `${GITIGNORE_COMMENT}\n`;
    expect(planGitignore(before, ".env")).toBe(`${GITIGNORE_COMMENT}\n/.env\n`);
  });

  it("normalizes ./ and backslashes, handles nested paths", () => {
    expect(planGitignore(null, "./config\\.env.local")).toBe(`${GITIGNORE_COMMENT}\n/config/.env.local\n`);
  });
});

describe("gitignoreLineFor", () => {
  it("anchors at the root and escapes glob characters", () => {
    expect(gitignoreLineFor(".env.local")).toBe("/.env.local");
    expect(gitignoreLineFor("env[1]*?.txt")).toBe("/env\\[1\\]\\*\\?.txt");
    expect(gitignoreLineFor("#weird")).toBe("/\\#weird");
  });

  it("the escaped line matches exactly that file", () => {
    const line = gitignoreLineFor("env[1]*.txt");
    expect(gitignoreCovers(line, "env[1]*.txt")).toBe(true);
    expect(gitignoreCovers(line, "env1x.txt")).toBe(false);
  });
});

describe("gitignoreCovers", () => {
  it.each([
    [".env*", ".env.local", true],
    [".env*", ".env", true],
    [".env*.local", ".env.local", true],
    [".env*.local", ".env", false],
    [".env.local", ".env.local", true],
    ["/.env.local", ".env.local", true],
    ["*.local", ".env.local", true],
    [".env", ".env.local", false],
    ["# .env.local", ".env.local", false],
    ["\\#.env", "#.env", true],
    [".env.local/", ".env.local", false],
    [".env*\n!.env.local", ".env.local", false],
    [".env*\n!.env.local\n.env.local", ".env.local", true],
    ["*", ".env.local", true],
    ["**/.env.local", ".env.local", true],
    [".env.local   ", ".env.local", true],
    [".env.[lL]ocal", ".env.local", true],
    [".env.[!l]ocal", ".env.local", false],
    ["?env.local", ".env.local", true],
    [".ENV.LOCAL", ".env.local", false],
    // nested paths
    [".env", "config/.env", true],
    ["/.env", "config/.env", false],
    ["config/", "config/.env", true],
    ["config/\n!config/.env", "config/.env", true],
    ["config/**", "config/.env", true],
    ["config/*", "config/.env", true],
    ["a/**/.env", "a/b/c/.env", true],
    ["a/**/.env", "a/.env", true],
    ["/config/.env", "config/.env", true],
    ["other/.env", "config/.env", false],
  ])("%j ignores %s: %s", (content, path, expected) => {
    expect(gitignoreCovers(content, path)).toBe(expected);
  });
});
