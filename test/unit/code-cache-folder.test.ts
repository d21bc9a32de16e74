import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheFolder, trustedFolder } from "../../src/entry/cache-folder.js";
import {
  cacheFileName,
  cacheKey,
  encodeCache,
  readCache,
  writeCache,
  type CacheEntry,
} from "../../src/entry/code-cache.js";
import { repoRoot } from "../support/project.js";
import { trustedTestRoot } from "../support/trusted-folder.js";

// Issue 24, in-process: where the cache lives, which folders and files it trusts, and the swap
// race made deterministic by the seam between the folder check and the open (readCache's
// afterCheck). The other user is uid 12345: root makes folders theirs, and runs their moves as them.
// The built bin's side of the same rules is test/cli/code-cache.test.ts.

const posix = process.platform !== "win32";
const asRoot = posix && process.getuid?.() === 0;
const OTHER_UID = 12345;

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// Below the repository (git-ignored .tmp), not the shared temp folder: /tmp is writable by everyone.
// Below the repository when its path passes the cache's folder rule, else below ~/.cache (test/support/trusted-folder.ts).
const trustedRoot = trustedTestRoot("code-cache-unit") ?? path.join(repoRoot, ".tmp", "code-cache-unit");

function trusted(prefix = "ccr-folder-"): string {
  mkdirSync(trustedRoot, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(path.join(trustedRoot, prefix));
  temps.push(dir);
  return realpathSync(dir);
}

const ENTRY: CacheEntry = { bundle: "app.cjs", key: cacheKey("(function () {", Buffer.from("exports.answer = 42;")) };
const OURS = Buffer.from("the user's own V8 data");
const PLANTED = Buffer.from("another user's V8 data");

describe("where the cache lives", () => {
  const linux = { platform: "linux" as const, home: "/home/ada" };
  it("CREATE_CLERK_ROUTE_CACHE moves it or turns it off", () => {
    expect(cacheFolder({ CREATE_CLERK_ROUTE_CACHE: "/var/cache/ccr" }, linux)).toBe(path.resolve("/var/cache/ccr"));
    expect(cacheFolder({ CREATE_CLERK_ROUTE_CACHE: "rel" }, linux)).toBe(path.resolve("rel"));
    for (const off of ["off", "0", "false", "OFF", "no"])
      expect(cacheFolder({ CREATE_CLERK_ROUTE_CACHE: off }, linux)).toBeUndefined();
  });

  it.skipIf(!posix)("the OS cache folder; without an absolute home, nowhere (a temp folder is shared)", () => {
    expect(cacheFolder({}, linux)).toBe("/home/ada/.cache/create-clerk-route");
    expect(cacheFolder({ XDG_CACHE_HOME: "/xdg" }, linux)).toBe("/xdg/create-clerk-route");
    expect(cacheFolder({ XDG_CACHE_HOME: "relative" }, linux)).toBe("/home/ada/.cache/create-clerk-route");
    expect(cacheFolder({}, { ...linux, platform: "darwin" })).toBe("/home/ada/Library/Caches/create-clerk-route");
    expect(cacheFolder({}, { ...linux, home: "" })).toBeUndefined();
    expect(cacheFolder({}, { ...linux, home: "relative-home" })).toBeUndefined();
    expect(cacheFolder({ XDG_CACHE_HOME: "/xdg" }, { ...linux, home: "" })).toBe("/xdg/create-clerk-route");
  });
});

describe.skipIf(!posix)(
  "which folders are trusted: every folder up to the root is the user's or root's, and nobody else may write to it",
  () => {
    it("the user's own folder, by its real path (a symlink to it is resolved once)", () => {
      const dir = trusted();
      expect(trustedFolder(dir, false)).toBe(dir);
      symlinkSync(dir, `${dir}-link`);
      temps.push(`${dir}-link`);
      expect(trustedFolder(`${dir}-link`, false)).toBe(dir);
    });

    it("not when the folder or any folder above it is writable by others, sticky or not, or by its group", () => {
      for (const mode of [0o777, 0o1777, 0o775, 0o757]) {
        const parent = trusted();
        mkdirSync(path.join(parent, "cache"), { mode: 0o700 });
        chmodSync(parent, mode);
        expect(trustedFolder(path.join(parent, "cache"), false), mode.toString(8)).toBeUndefined();
        chmodSync(parent, 0o755);
        chmodSync(path.join(parent, "cache"), mode);
        expect(trustedFolder(path.join(parent, "cache"), false), mode.toString(8)).toBeUndefined();
      }
    });

    it("not in the shared temp folder", () => {
      const tmp = realpathSync(os.tmpdir());
      if ((statSync(tmp).mode & 0o022) === 0) return; // a private TMPDIR (macOS gives each user one) is the user's own
      const dir = mkdtempSync(path.join(tmp, "ccr-folder-"));
      temps.push(dir);
      expect(trustedFolder(dir, false)).toBeUndefined();
      expect(trustedFolder(path.join(dir, "new"), true)).toBeUndefined();
      expect(existsSync(path.join(dir, "new"))).toBe(false);
    });

    it.skipIf(!asRoot)("not when the folder or a folder above it belongs to another user (other than root)", () => {
      const parent = trusted();
      mkdirSync(path.join(parent, "cache"), { mode: 0o700 });
      chownSync(parent, OTHER_UID, OTHER_UID);
      expect(trustedFolder(path.join(parent, "cache"), false)).toBeUndefined();
      chownSync(parent, 0, 0);
      chownSync(path.join(parent, "cache"), OTHER_UID, OTHER_UID);
      expect(trustedFolder(path.join(parent, "cache"), false)).toBeUndefined();
    });

    it("not through a symlink into a folder others may write to", () => {
      const base = trusted();
      mkdirSync(path.join(base, "open", "cache"), { recursive: true, mode: 0o700 });
      chmodSync(path.join(base, "open"), 0o777);
      symlinkSync(path.join(base, "open"), path.join(base, "link"));
      expect(trustedFolder(path.join(base, "link", "cache"), false)).toBeUndefined();
    });

    it("missing folders are made (mode 700) only below a trusted one; nothing is made elsewhere", () => {
      const base = trusted();
      const made = trustedFolder(path.join(base, "a", "b"), true);
      expect(made).toBe(path.join(base, "a", "b"));
      for (const dir of [path.join(base, "a"), path.join(base, "a", "b")])
        expect(statSync(dir).mode & 0o777).toBe(0o700);
      const open = trusted();
      chmodSync(open, 0o777);
      expect(trustedFolder(path.join(open, "a", "b"), true)).toBeUndefined();
      expect(readdirSync(open)).toEqual([]);
      // A file or a dangling symlink where a folder belongs.
      writeFileSync(path.join(base, "file"), "");
      expect(trustedFolder(path.join(base, "file", "cache"), true)).toBeUndefined();
      symlinkSync(path.join(base, "nowhere"), path.join(base, "dangling"));
      expect(trustedFolder(path.join(base, "dangling"), true)).toBeUndefined();
      expect(existsSync(path.join(base, "nowhere"))).toBe(false);
    });
  },
);

describe.skipIf(!posix)("which cache files are read", () => {
  it("the user's own file, written by writeCache: read back; another key: not", () => {
    const cache = trusted();
    writeCache(cache, ENTRY, OURS);
    expect(readCache(cache, ENTRY)).toEqual(OURS);
    expect(statSync(path.join(cache, cacheFileName(ENTRY))).mode & 0o777).toBe(0o600);
    const other: CacheEntry = {
      bundle: "app.cjs",
      key: cacheKey("(function () {", Buffer.from("exports.answer = 43;")),
    };
    expect(readCache(cache, other)).toBeUndefined();
  });

  it("not a symlink, a hard link, a file others may write to, a FIFO (without hanging) or another user's file", () => {
    const file = (cache: string) => path.join(cache, cacheFileName(ENTRY));
    const outside = path.join(trusted(), "elsewhere");
    writeFileSync(outside, encodeCache(ENTRY.key, PLANTED), { mode: 0o600 });

    const symlinked = trusted();
    symlinkSync(outside, file(symlinked));
    expect(readCache(symlinked, ENTRY)).toBeUndefined();

    const linked = trusted();
    linkSync(outside, file(linked));
    expect(readCache(linked, ENTRY)).toBeUndefined();

    const writable = trusted();
    writeFileSync(file(writable), encodeCache(ENTRY.key, PLANTED));
    chmodSync(file(writable), 0o666);
    expect(readCache(writable, ENTRY)).toBeUndefined();

    const fifo = trusted();
    if (spawnSync("mkfifo", [file(fifo)]).status === 0) expect(readCache(fifo, ENTRY)).toBeUndefined();

    if (asRoot) {
      const theirs = trusted();
      writeFileSync(file(theirs), encodeCache(ENTRY.key, PLANTED), { mode: 0o600 });
      chownSync(file(theirs), OTHER_UID, OTHER_UID);
      expect(readCache(theirs, ENTRY)).toBeUndefined();
    }
  });
});

// The attack of issue 24: between the victim's check and its read, another user renames the cache
// folder away and puts in its place a symlink to a folder of theirs holding a planted cache. The
// seam runs that move at exactly that moment, as that user (uid 12345): no timing loop.
describe.skipIf(!asRoot)("the swap race, made deterministic by a seam between the check and the open", () => {
  /** A folder of the attacker's holding a plant the victim's check would accept if it came from the victim. */
  function attackerFolder(): string {
    const dir = path.join(trusted("ccr-attacker-"), "planted");
    mkdirSync(dir);
    writeFileSync(path.join(dir, cacheFileName(ENTRY)), encodeCache(ENTRY.key, PLANTED), { mode: 0o600 });
    chownSync(path.join(dir, cacheFileName(ENTRY)), OTHER_UID, OTHER_UID);
    chownSync(dir, OTHER_UID, OTHER_UID);
    return dir;
  }

  /** The attacker's move, run as uid 12345 from inside the cache folder's parent (no search rights needed above it). */
  function swap(cache: string, planted: string) {
    return spawnSync("sh", ["-c", 'mv "$1" "$1.gone" && ln -s "$2" "$1"', "swap", path.basename(cache), planted], {
      cwd: path.dirname(cache),
      uid: OTHER_UID,
      gid: OTHER_UID,
      encoding: "utf8",
    });
  }

  it("the issue's layout (the cache folder's parent is the other user's, mode 777): refused at the check, so there is nothing to race", () => {
    const parent = path.join(trusted(), `create-clerk-route-${process.getuid!()}`);
    mkdirSync(parent);
    chownSync(parent, OTHER_UID, OTHER_UID);
    chmodSync(parent, 0o777);
    const cache = path.join(parent, "cache");
    mkdirSync(cache, { mode: 0o700 });
    writeFileSync(path.join(cache, cacheFileName(ENTRY)), encodeCache(ENTRY.key, OURS), { mode: 0o600 });
    const planted = attackerFolder();
    let reachedOpen = false;
    expect(readCache(cache, ENTRY, { afterCheck: () => (reachedOpen = true) })).toBeUndefined();
    expect(reachedOpen).toBe(false);
    // And the refusal is what protects: in this folder the other user's move works.
    expect(swap(cache, planted).status).toBe(0);
    expect(readCache(cache, ENTRY)).toBeUndefined();
  });

  it("a trusted folder: the other user's move fails (no write access anywhere on the path), the user's own cache is read", () => {
    const cache = path.join(trusted(), "cache");
    writeCache(cache, ENTRY, OURS);
    const planted = attackerFolder();
    let attempt: ReturnType<typeof swap> | undefined;
    expect(readCache(cache, ENTRY, { afterCheck: () => (attempt = swap(cache, planted)) })).toEqual(OURS);
    expect(attempt?.status).not.toBe(0);
    expect(attempt?.stderr).toMatch(/denied|not permitted/i);
  });

  it("defence in depth, should a swap happen anyway (done here by root): the opened file is checked by its descriptor", () => {
    const planted = attackerFolder();
    // The folder swapped for a symlink to the attacker's folder: their file is not the user's own.
    const cache = path.join(trusted(), "cache");
    writeCache(cache, ENTRY, OURS);
    const swapFolder = () => {
      renameSync(cache, `${cache}.gone`);
      symlinkSync(planted, cache);
    };
    expect(readCache(cache, ENTRY, { afterCheck: swapFolder })).toBeUndefined();
    // The file swapped for a symlink: O_NOFOLLOW refuses to open it.
    const other = path.join(trusted(), "cache");
    writeCache(other, ENTRY, OURS);
    const swapFile = (file: string) => {
      unlinkSync(file);
      symlinkSync(path.join(planted, cacheFileName(ENTRY)), file);
    };
    expect(readCache(other, ENTRY, { afterCheck: swapFile })).toBeUndefined();
  });
});
