import { execFileSync, spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import {
  chmodSync,
  chownSync,
  existsSync,
  promises as fsPromises,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { applyChanges, LOCK_FILE, TAKEOVER_FILE } from "../../src/apply/write-plan.js";
import type { RawFlags } from "../../src/entry/cli.js";
import { run } from "../../src/commands/add.js";
import { maskEnvText } from "../../src/report/diff.js";
import { copyFixture, read, repoRoot, treeHash } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// Issue #11 in-process: the seams a spawned CLI cannot offer (signals delivered mid-write,
// injected folder and write failures, files owned by another user). CLI-level cases are in
// test/cli/attacks.test.ts.

const flags = (extra: Partial<RawFlags> = {}): RawFlags => ({
  route: "/api/projects/[id]",
  style: "userId",
  yes: true,
  ...extra,
});
const renameOriginal = fsPromises.rename.bind(fsPromises);
const rmOriginal = fsPromises.rm.bind(fsPromises);
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });

describe("item 2: SIGTERM and SIGHUP during apply", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGINT", 130],
  ])("%s while files are written rolls everything back and exits %i", async (signal, exitCode) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const signals = new EventEmitter();
    const d = deps(project, {
      signals,
      applyHooks: {
        beforeCommit: (change) => {
          if (change.path === "proxy.ts") signals.emit(signal);
        },
      },
    });
    expect(await run(flags(), d)).toBe(exitCode);
    expect(d.err()).toContain("Cancelled: nothing was written");
    expect(treeHash(project)).toBe(hash);
    expect(signals.listenerCount(signal)).toBe(0);
  });

  it.each([
    ["SIGINT", "rename", 130],
    ["SIGTERM", "rename", 143],
    ["SIGHUP", "rename", 129],
    ["SIGTERM", "clean-up", 143],
  ] as const)(
    "%s during the last file's %s (after the last check) still rolls everything back, exits %i and installs nothing",
    async (signal, step, exitCode) => {
      const project = copyFixture("app-ts");
      const hash = treeHash(project);
      const signals = new EventEmitter();
      const renamed: string[] = [];
      const rename = vi.spyOn(fsPromises, "rename").mockImplementation(async (from, to) => {
        await renameOriginal(from, to);
        renamed.push(path.relative(project, String(to)));
        if (step === "rename" && renamed.at(-1) === ".env.local") signals.emit(signal);
      });
      const rm = vi.spyOn(fsPromises, "rm").mockImplementation(async (target, options) => {
        await rmOriginal(target, options);
        if (step === "clean-up" && renamed.at(-1) === ".env.local" && String(target).includes(".create-clerk-route-"))
          signals.emit(signal);
      });
      const installer = vi.fn(async () => {});
      const d = deps(project, { signals, installer });
      try {
        expect(await run(flags({ install: true }), d), d.out()).toBe(exitCode);
      } finally {
        rename.mockRestore();
        rm.mockRestore();
      }
      expect(renamed.at(-1)).toBe(".env.local"); // the signal came after the plan's last rename
      expect(d.err()).toContain("Cancelled: nothing was written");
      expect(installer).not.toHaveBeenCalled();
      expect(treeHash(project)).toBe(hash);
      expect(signals.listenerCount(signal)).toBe(0);
    },
  );

  it("while the secret is in a temporary file, git ignores it even under an anchored /.env.local rule", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".gitignore"), "/.env.local\n");
    git(project, "init", "-q");
    let seen = 0;
    const d = deps(project, {
      env: { CI: "true", CLERK_SECRET_KEY: "sk_test_secretsecretsecret" },
      applyHooks: {
        beforeCommit: (change) => {
          if (change.path !== ".env.local") return;
          // Untracked, not ignored: what `git add .` would commit if the run died right now.
          const exposed = git(project, "ls-files", "--others", "--exclude-standard", "-z").split("\0").filter(Boolean);
          for (const file of exposed)
            expect(readFileSync(path.join(project, file), "utf8"), file).not.toContain("sk_test_secretsecretsecret");
          const all = git(project, "ls-files", "--others", "-z").split("\0").filter(Boolean);
          seen = all.filter((file) =>
            readFileSync(path.join(project, file), "utf8").includes("sk_test_secretsecretsecret"),
          ).length;
        },
      },
    });
    expect(await run(flags(), d), d.err()).toBe(0);
    expect(seen).toBe(1); // the temporary file existed, and it was ignored
    expect(read(project, ".env.local")).toContain("CLERK_SECRET_KEY=sk_test_secretsecretsecret");
  });
});

describe("item 3: the project lock and the check right before each rename", () => {
  it("a file changed between planning and its rename stops the run with FILE_CHANGED; nothing of the run stays", async () => {
    const project = copyFixture("app-ts");
    const d = deps(project, {
      applyHooks: {
        beforeCommit: (change) => {
          if (change.path === ".env.local") writeFileSync(path.join(project, ".env.local"), "EDITED=1\n");
        },
      },
    });
    expect(await run(flags({ json: true }), d)).toBe(1);
    expect(JSON.parse(d.out()).error.code).toBe("FILE_CHANGED");
    expect(read(project, ".env.local")).toBe("EDITED=1\n");
    expect(existsSync(path.join(project, "proxy.ts"))).toBe(false);
    expect(existsSync(path.join(project, "app/api"))).toBe(false);
  });

  it("a second run during the first one's writes loses cleanly: no lost matcher entry, no false success", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(
      path.join(project, "proxy.ts"),
      readFileSync(path.join(repoRoot, "test/fixtures/middleware/clerk-handler-narrow/input.ts")),
    );
    let second: { code: number; out: string } | undefined;
    const first = deps(project, {
      applyHooks: {
        // The second run plans and applies while the first holds proxy.ts in a temporary file.
        beforeCommit: async (change) => {
          if (change.path !== "proxy.ts" || second) return;
          const d = deps(project);
          second = { code: await run(flags({ route: "/api/second", json: true, env: false }), d), out: d.out() };
        },
      },
    });
    expect(await run(flags({ route: "/api/first", json: true, env: false }), first)).toBe(0);
    expect(second?.code, second?.out).toBe(1);
    expect(JSON.parse(second!.out).error.code).toBe("PROJECT_LOCKED");
    const proxy = read(project, "proxy.ts");
    expect(proxy).toContain('"/api/first"');
    expect(proxy).not.toContain('"/api/second"');
    expect(existsSync(path.join(project, "app/api/second"))).toBe(false);
  });

  it("a stale lock (its process is gone) is taken over, and the lock is removed afterwards", async () => {
    const project = copyFixture("app-ts");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    }).stdout;
    writeFileSync(path.join(project, LOCK_FILE), `${dead}\n`);
    expect(await run(flags(), deps(project))).toBe(0);
    expect(existsSync(path.join(project, LOCK_FILE))).toBe(false);
    expect(existsSync(path.join(project, "app/api/projects/[id]/route.ts"))).toBe(true);
  });

  it("two runs that both find one stale lock: only one takes it over, the other fails with PROJECT_LOCKED", async () => {
    const project = copyFixture("app-ts");
    const lock = path.join(project, LOCK_FILE);
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    }).stdout;
    writeFileSync(lock, `${dead}\n`);
    const create = (file: string) => ({ path: file, action: "create" as const, before: null, after: `${file}\n` });
    let second: Promise<void> | undefined;
    let first: Promise<void> | undefined;
    let lockWhileSecondWrites: string | undefined;
    let secondHoldsLock!: () => void;
    const gate = new Promise<void>((resolve) => (secondHoldsLock = resolve));
    first = applyChanges(project, [create("first.txt")], {
      // The first run has judged the lock stale; the second one, which judged it stale too, takes it over now.
      beforeTakeover: async () => {
        second ??= applyChanges(project, [create("second.txt")], {
          beforeCommit: async () => {
            secondHoldsLock();
            await Promise.allSettled([first]); // the first run goes on while the second one holds the lock
            lockWhileSecondWrites = existsSync(lock) ? readFileSync(lock, "utf8") : "(removed)";
          },
        });
        second.catch(() => {}).finally(secondHoldsLock);
        await gate;
      },
    });
    await expect(first).rejects.toMatchObject({ code: "PROJECT_LOCKED" });
    await second;
    expect(lockWhileSecondWrites).toBe(`${process.pid}\n`);
    expect(existsSync(path.join(project, "first.txt"))).toBe(false);
    expect(read(project, "second.txt")).toBe("second.txt\n");
    expect(existsSync(lock)).toBe(false);
  });

  it("a stale lock whose takeover file was left by a killed run refuses with PROJECT_LOCKED naming that file", async () => {
    const project = copyFixture("app-ts");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    }).stdout;
    writeFileSync(path.join(project, LOCK_FILE), `${dead}\n`);
    writeFileSync(path.join(project, TAKEOVER_FILE), `${dead}\n`);
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run(flags({ json: true }), d)).toBe(1);
    const error = JSON.parse(d.out()).error;
    expect(error).toMatchObject({
      code: "PROJECT_LOCKED",
      message: expect.stringContaining(`${TAKEOVER_FILE} is held by process ${dead}`),
    });
    expect(error.hint).toContain(`delete ${TAKEOVER_FILE}`);
    expect(treeHash(project)).toBe(hash);
  });

  it("a live lock refuses with PROJECT_LOCKED and leaves the project and the lock as they were", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, LOCK_FILE), `${process.pid}\n`);
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run(flags({ json: true }), d)).toBe(1);
    expect(JSON.parse(d.out()).error.code).toBe("PROJECT_LOCKED");
    expect(treeHash(project)).toBe(hash);
  });
});

describe("item 6: every path written stays inside the project by its real path", () => {
  it("a folder that is a symbolic link out of the project is PATH_OUTSIDE_PROJECT, for any file", async () => {
    const project = copyFixture("app-ts");
    const outside = mkdtempSync(path.join(os.tmpdir(), "ccr-outside-"));
    symlinkSync(outside, path.join(project, "config"));
    const change = { path: "config/.env.local", action: "create" as const, before: null, after: "A=1\n" };
    await expect(applyChanges(project, [change])).rejects.toMatchObject({ code: "PATH_OUTSIDE_PROJECT" });
    expect(existsSync(path.join(outside, ".env.local"))).toBe(false);
  });
});

describe("item 8: owner, group, mode and hard links", () => {
  it("running as root on a user's mode-600 env file keeps its owner, group and mode", async () => {
    const project = copyFixture("app-ts");
    const env = path.join(project, ".env.local");
    chownSync(env, 1234, 2345);
    chmodSync(env, 0o600);
    expect(await run(flags(), deps(project))).toBe(0);
    const stat = statSync(env);
    expect(read(project, ".env.local")).toContain("CLERK_SECRET_KEY=");
    expect([stat.uid, stat.gid, stat.mode & 0o7777]).toEqual([1234, 2345, 0o600]);
  });

  it("a file with several hard links is refused (HARD_LINK_TARGET); both names keep the old content", async () => {
    const project = copyFixture("app-ts");
    linkSync(path.join(project, ".env.local"), path.join(project, "shared.env"));
    const hash = treeHash(project);
    const d = deps(project, {});
    expect(await run(flags({ json: true }), d)).toBe(1);
    expect(JSON.parse(d.out()).error).toMatchObject({
      code: "HARD_LINK_TARGET",
      message: expect.stringContaining(".env.local has 2 hard links"),
    });
    expect(treeHash(project)).toBe(hash);
  });
});

describe("item 10: a failed folder creation", () => {
  it("removes the folders it created before the failure", async () => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const d = deps(project, {
      applyHooks: {
        beforeMkdir: (folder) => {
          if (path.basename(folder) === "projects")
            throw Object.assign(new Error("no inodes left"), { code: "ENOSPC" });
        },
      },
    });
    expect(await run(flags(), d)).toBe(1);
    expect(d.err()).toContain("Every file was restored");
    expect(existsSync(path.join(project, "app/api"))).toBe(false);
    expect(treeHash(project)).toBe(hash);
  });

  it("a file where a folder must go fails cleanly too", async () => {
    const project = copyFixture("app-ts");
    mkdirSync(path.join(project, "app/api"));
    writeFileSync(path.join(project, "app/api/projects"), "not a folder\n");
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run(flags(), d)).toBe(1);
    expect(treeHash(project)).toBe(hash);
  });
});

describe("item 5: an empty key in an env file next dev reads first", () => {
  it.each([
    [".env.development.local", ".env.local"],
    [".env.development", ".env"],
  ])("CLERK_SECRET_KEY= in %s shadows the key written to %s: a warning and a next step", async (shadowing, target) => {
    const project = copyFixture("app-ts");
    if (target === ".env") {
      writeFileSync(path.join(project, ".env"), readFileSync(path.join(project, ".env.local")));
      writeFileSync(path.join(project, ".env.local"), "");
      execFileSync("rm", [path.join(project, ".env.local")]);
    }
    writeFileSync(path.join(project, shadowing), "CLERK_SECRET_KEY=\n");
    const d = deps(project, { env: { CI: "true", CLERK_SECRET_KEY: "sk_test_realvaluerealvalue" } });
    expect(await run(flags({ json: true }), d)).toBe(0);
    const report = JSON.parse(d.out());
    expect(read(project, target)).toContain("CLERK_SECRET_KEY=sk_test_realvaluerealvalue");
    expect(report.warnings).toContainEqual(
      expect.stringContaining(`CLERK_SECRET_KEY is empty in ${shadowing}, which next dev reads before ${target}`),
    );
    expect(report.nextSteps).toContainEqual(
      `Delete the empty CLERK_SECRET_KEY= line from ${shadowing} (or fill it in there).`,
    );
  });

  it("a file next dev reads after the target does not shadow it", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".env.development"), "CLERK_SECRET_KEY=\n");
    const d = deps(project, { env: { CI: "true", CLERK_SECRET_KEY: "sk_test_realvaluerealvalue" } });
    expect(await run(flags({ json: true }), d)).toBe(0);
    expect(JSON.parse(d.out()).warnings.join("\n")).not.toContain("is empty in");
  });
});

describe("item 11: masking follows the parsers, not the line shapes", () => {
  it("hides a comment-shaped line inside an escaped-quote value", () => {
    const masked = maskEnvText('A="x\\"\n#SECRET_sk_live_abc\n"\n# a real comment\nB=2\n');
    expect(masked).not.toContain("SECRET");
    expect(masked).toContain("# a real comment");
    expect(masked).toContain("B=…");
  });
});

describe("item 15: messages repeat the flag the user typed", () => {
  it.each(["--env-file", "--env-path"] as const)("%s package.json is refused naming %s", async (flag) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run(flags({ envFile: "package.json", envFileFlag: flag, json: true }), d)).toBe(1);
    const error = JSON.parse(d.out()).error;
    expect(error.code).toBe("INVALID_ENV_FILE");
    expect(error.message).toContain(`${flag} package.json is not an env file`);
    expect(treeHash(project)).toBe(hash);
  });
});
