import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitignoreCovers, planGitignore } from "../../src/plan/gitignore.js";
import { gitStatusOf } from "../../src/project/git.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ccr-git-"));
  temps.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): void {
  const env = { ...process.env };
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  delete env.GIT_INDEX_FILE;
  const r = spawnSync(
    "git",
    ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
    { cwd, env, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
}

function write(root: string, rel: string, content = ""): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

function repo(): string {
  const dir = tempDir();
  git(dir, "init", "-q");
  return dir;
}

describe("gitStatusOf", () => {
  it("untracked, not ignored", () => {
    const root = repo();
    write(root, ".env.local", "A=1\n");
    expect(gitStatusOf(root, ".env.local")).toEqual({ inRepo: true, ignored: false, tracked: false });
  });

  it("ignored by .gitignore", () => {
    const root = repo();
    write(root, ".gitignore", ".env*\n");
    write(root, ".env.local", "A=1\n");
    expect(gitStatusOf(root, ".env.local")).toEqual({ inRepo: true, ignored: true, tracked: false });
  });

  it("ignored even when the file does not exist yet", () => {
    const root = repo();
    write(root, ".gitignore", ".env*\n");
    expect(gitStatusOf(root, ".env.local")).toEqual({ inRepo: true, ignored: true, tracked: false });
  });

  it("tracked (committed) and, despite a matching rule, reported as ignored too", () => {
    const root = repo();
    write(root, ".env", "A=1\n");
    git(root, "add", ".env");
    git(root, "commit", "-q", "-m", "oops");
    write(root, ".gitignore", ".env\n");
    expect(gitStatusOf(root, ".env")).toEqual({ inRepo: true, ignored: true, tracked: true });
  });

  it("staged counts as tracked", () => {
    const root = repo();
    write(root, ".env.local", "A=1\n");
    git(root, "add", ".env.local");
    expect(gitStatusOf(root, ".env.local")).toEqual({ inRepo: true, ignored: false, tracked: true });
  });

  it("works from a project in a subfolder of the repository", () => {
    const root = repo();
    write(root, "apps/web/.gitignore", "/.env.local\n");
    write(root, "apps/web/.env.local", "A=1\n");
    expect(gitStatusOf(join(root, "apps/web"), ".env.local")).toEqual({
      inRepo: true,
      ignored: true,
      tracked: false,
    });
  });

  it("a path starting with a dash is not taken for an option", () => {
    const root = repo();
    expect(gitStatusOf(root, "-v")).toEqual({ inRepo: true, ignored: false, tracked: false });
  });

  // Only meaningful when the temp folder is not itself inside a repository.
  const tmpInRepo = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: tmpdir() }).status === 0;
  it.skipIf(tmpInRepo)(
    "outside any repository: inRepo false (skipped when the temp folder is inside a git work tree)",
    () => {
      const dir = tempDir();
      expect(gitStatusOf(dir, ".env.local")).toEqual({ inRepo: false, ignored: false, tracked: false });
    },
  );

  it("git not installed (empty PATH): inRepo false, no throw", () => {
    const root = repo();
    const saved = process.env.PATH;
    process.env.PATH = "";
    try {
      expect(gitStatusOf(root, ".env.local")).toEqual({ inRepo: false, ignored: false, tracked: false });
    } finally {
      process.env.PATH = saved;
    }
  });

  // A shell wrapper around the real git counts the calls: needs a POSIX shell and git on PATH.
  const realGit =
    process.platform === "win32"
      ? ""
      : (spawnSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).stdout?.trim() ?? "");
  it.runIf(realGit !== "")(
    "counts its git processes: one for an env file the rules ignore, two for one they do not, three for a tracked one (POSIX shell and git only)",
    () => {
      const real = realGit;
      const bin = tempDir();
      const log = join(bin, "calls.log");
      writeFileSync(join(bin, "git"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
      const root = repo();
      write(root, ".gitignore", ".env*\n");
      write(root, ".env", "A=1\n");
      git(root, "add", "-f", ".env");
      git(root, "commit", "-q", "-m", "oops");
      const saved = process.env.PATH;
      process.env.PATH = `${bin}:${saved}`;
      const calls = (rel: string) => {
        writeFileSync(log, "");
        const status = gitStatusOf(root, rel);
        return { status, processes: readFileSync(log, "utf8").split("\n").filter(Boolean).length };
      };
      try {
        expect(calls(".env.local")).toEqual({ status: { inRepo: true, ignored: true, tracked: false }, processes: 1 });
        expect(calls("notes.txt")).toEqual({ status: { inRepo: true, ignored: false, tracked: false }, processes: 2 });
        expect(calls(".env")).toEqual({ status: { inRepo: true, ignored: true, tracked: true }, processes: 3 });
      } finally {
        process.env.PATH = saved;
      }
    },
  );

  it("a root that does not exist: inRepo false, no throw", () => {
    expect(gitStatusOf(join(tempDir(), "missing"), ".env")).toEqual({
      inRepo: false,
      ignored: false,
      tracked: false,
    });
  });
});

describe("gitignoreCovers agrees with git check-ignore", () => {
  const cases: Array<[string, string]> = [
    [".env*", ".env.local"],
    [".env*.local", ".env"],
    [".env*.local", ".env.local"],
    ["*.local", ".env.local"],
    [".env", ".env.local"],
    [".env.local/", ".env.local"],
    [".env*\n!.env.local", ".env.local"],
    [".env*\n!.env.local\n/.env.local", ".env.local"],
    ["**/.env.local", ".env.local"],
    [".env.local   ", ".env.local"],
    [".env.[!l]ocal", ".env.local"],
    ["[]a].env", "].env"],
    ["\\#.env", "#.env"],
    [".env", "config/.env"],
    ["/.env", "config/.env"],
    ["config/", "config/.env"],
    ["config/\n!config/.env", "config/.env"],
    ["config/*", "config/.env"],
    ["a/**/.env", "a/b/c/.env"],
    ["a/**/.env", "a/.env"],
    ["other/.env", "config/.env"],
    ["# .env", ".env"],
    ["", ".env.local"],
    [".ENV.LOCAL", ".env.local"],
    ["config\n!config/.env", "config/.env"],
    ["**/config/**", "config/.env"],
    ["config/**/\n!config/.env", "config/.env"],
    [".env.\\local", ".env.local"],
    ["/*\n!/config/\n/config/*\n!/config/.env", "config/.env"],
  ];

  it.each(cases)("%j / %s", (content, path) => {
    const root = repo();
    write(root, ".gitignore", `${content}\n`);
    write(root, path, "A=1\n");
    const r = spawnSync("git", ["check-ignore", "-q", "--no-index", "--", path], { cwd: root });
    expect(gitignoreCovers(content, path)).toBe(r.status === 0);
  });

  it("after planGitignore, git ignores the env file", () => {
    for (const [content, path] of cases) {
      const root = repo();
      write(root, ".gitignore", planGitignore(content, path));
      write(root, path, "A=1\n");
      expect(gitStatusOf(root, path).ignored, `${JSON.stringify(content)} / ${path}`).toBe(true);
    }
  });
});
