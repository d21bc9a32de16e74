import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binPath, copyFixture, repoRoot } from "../support/project.js";
import { trustedTestRoot } from "../support/trusted-folder.js";

// The V8 code cache (src/code-cache.ts, src/cache-folder.ts), through the built bin. It only ever
// saves time: a missing, stale, corrupt, truncated or foreign cache file, or a folder that cannot
// be written, gives the same run as no cache. And it runs only bytecode that nobody but the user
// could have put there (issue 24): a folder another user can write to, anywhere on its path, is
// neither read nor written. Each case points CREATE_CLERK_ROUTE_CACHE at a folder of its own below
// <repo>/.tmp (git-ignored): the shared temp folder is writable by everyone, so no cache lives there.
// The cases check files and output only, never the cache's folder layout or file names, so the
// same cases can be run against an older loader.

const posix = process.platform !== "win32";
const asRoot = posix && process.getuid?.() === 0;
/** Another user, for the cases that need root to make a folder theirs. */
const OTHER_UID = 12345;

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// Below the repository when its path passes the cache's folder rule, else below ~/.cache (test/support/trusted-folder.ts).
const trustedRoot = trustedTestRoot("code-cache-cli") ?? path.join(repoRoot, ".tmp", "code-cache-cli");

/** A new empty folder that passes the cache's checks (below the repository, mode 700). */
function cacheDir(prefix: string): string {
  mkdirSync(trustedRoot, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(path.join(trustedRoot, prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the example project whose proxy.ts is a Clerk one without the route: the parser loads. */
function patchProject(): string {
  const project = copyFixture("app-ts");
  temps.push(project);
  writeFileSync(
    path.join(project, "proxy.ts"),
    readFileSync(path.join(repoRoot, "test/fixtures/middleware/clerk-string-matcher/input.ts")),
  );
  return project;
}

function runBin(bin: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", ...env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

function generate(cache: string, options: { project?: string; bin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const project = options.project ?? patchProject();
  const result = runBin(
    options.bin ?? binPath,
    ["/api/projects/[id]", "--style", "userId", "--yes", "--cwd", project],
    { CREATE_CLERK_ROUTE_CACHE: cache, ...options.env },
  );
  expect(result.status, result.output).toBe(0);
  return {
    result,
    proxy: readFileSync(path.join(project, "proxy.ts"), "utf8"),
    route: readFileSync(path.join(project, "app/api/projects/[id]/route.ts"), "utf8"),
  };
}

/** Every file below `dir` (not folders), relative to it, sorted. */
function cacheFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (lstatSync(full).isDirectory()) walk(full);
      else files.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return files.sort();
}

/** The cache file of the bundle file `name` (app.cjs, babel-parser.cjs) below `cache`. */
function cacheOf(cache: string, name: string): string {
  const found = cacheFiles(cache).filter((file) => path.basename(file).startsWith(`${name}-`));
  expect(found, `one cache file for ${name} in ${cache}`).toHaveLength(1);
  return path.join(cache, found[0]!);
}

/** Splits a cache file into its header and body (u32 length, JSON header, V8 data). */
function parts(file: string): { header: Record<string, unknown>; body: Buffer } {
  const raw = readFileSync(file);
  const length = raw.readUInt32LE(0);
  return {
    header: JSON.parse(raw.toString("utf8", 4, 4 + length)) as Record<string, unknown>,
    body: raw.subarray(4 + length),
  };
}

function join(header: Record<string, unknown>, body: Buffer): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([length, headerBytes, body]);
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

// Two copies of the package (bin/ and dist/) whose app.cjs have the same size and the same mtime:
// "good" is this build; "evil" prints PLANTED!!! where the build prints "Next steps".
const SAME_TIME = new Date("2024-05-01T12:00:00Z");
function packageCopy(change: (code: string) => string = (code) => code): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ccr-package-copy-"));
  temps.push(dir);
  for (const folder of ["bin", "dist"])
    cpSync(path.join(repoRoot, folder), path.join(dir, folder), { recursive: true });
  const app = path.join(dir, "dist/app.cjs");
  const code = readFileSync(app, "latin1");
  const changed = change(code);
  if (changed.length !== code.length) throw new Error("a package copy's app.cjs must keep its length");
  writeFileSync(app, changed, "latin1");
  utimesSync(app, SAME_TIME, SAME_TIME);
  return path.join(dir, "bin/create-clerk-route.js");
}
const good = packageCopy();
const evil = packageCopy((code) => code.replaceAll("Next steps", "PLANTED!!!"));

/**
 * What another user who can write to `target` would plant there: the name and header of the good
 * build's own cache file over the evil build's bytecode, with the body's checksum recomputed (a
 * SHA-256 anyone can compute). V8 checks only the source's length, which is the same.
 */
function plant(target: string): void {
  const legit = cacheDir("ccr-legit-");
  generate(legit, { bin: good });
  const bad = cacheDir("ccr-bad-");
  expect(generate(bad, { bin: evil }).result.stdout).toContain("PLANTED!!!");
  const legitFile = cacheOf(legit, "app.cjs");
  const { body } = parts(cacheOf(bad, "app.cjs"));
  const planted = path.join(target, path.relative(legit, legitFile));
  mkdirSync(path.dirname(planted), { recursive: true });
  writeFileSync(planted, join({ ...parts(legitFile).header, sha256: sha256(body) }, body));
}

describe("the code cache", () => {
  const reference = generate(cacheDir("ccr-cache-ref-"));

  it("the test folders are usable: a run writes the cache there", () => {
    const probe = cacheDir("ccr-cache-probe-");
    generate(probe);
    // Else every folder up from the repository must be the user's or root's, and not group/other-writable.
    expect(cacheFiles(probe), `no cache written in ${probe}`).not.toEqual([]);
  });

  it("a first run writes it (the parser's only when it was loaded), a second reads it and changes nothing", () => {
    const cache = cacheDir("ccr-cache-");
    const project = copyFixture("app-ts");
    temps.push(project);
    generate(cache, { project });
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/^app\.cjs-[0-9a-f]{16}\.ccr-cache$/)]);

    generate(cache);
    expect(cacheFiles(cache)).toEqual([
      expect.stringMatching(/^app\.cjs-/),
      expect.stringMatching(/^babel-parser\.cjs-/),
    ]);
    const before = cacheFiles(cache).map((file) => statSync(path.join(cache, file)).mtimeMs);
    const again = generate(cache);
    expect(again.proxy).toBe(reference.proxy);
    expect(again.route).toBe(reference.route);
    expect(again.result.stdout).toBe(reference.result.stdout);
    expect(cacheFiles(cache).map((file) => statSync(path.join(cache, file)).mtimeMs)).toEqual(before);
    // Readable by this user alone.
    if (posix) for (const file of cacheFiles(cache)) expect(statSync(path.join(cache, file)).mode & 0o077).toBe(0);
  });

  it("--help and --version load nothing, so they write nothing", () => {
    const cache = cacheDir("ccr-cache-help-");
    for (const flag of ["--help", "--version"])
      expect(runBin(binPath, [flag], { CREATE_CLERK_ROUTE_CACHE: cache }).status).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
  });

  it("a corrupt body (V8 would crash on it) is never used: same result, and the file is rewritten", () => {
    const cache = cacheDir("ccr-cache-corrupt-");
    generate(cache);
    for (const name of ["app.cjs", "babel-parser.cjs"]) {
      const file = cacheOf(cache, name);
      const raw = readFileSync(file);
      for (let i = 0; i < 64; i++) raw[Math.floor(raw.length / 2) + i]! ^= 0x5a;
      writeFileSync(file, raw);
    }
    const corrupt = readFileSync(cacheOf(cache, "app.cjs"));
    const run = generate(cache);
    expect(run.proxy).toBe(reference.proxy);
    expect(run.route).toBe(reference.route);
    const rewritten = parts(cacheOf(cache, "app.cjs"));
    expect(readFileSync(cacheOf(cache, "app.cjs")).equals(corrupt)).toBe(false);
    expect(sha256(rewritten.body)).toBe(rewritten.header.sha256);
  });

  it("truncated, empty or foreign files are ignored", () => {
    for (const damage of [
      (raw: Buffer) => raw.subarray(0, raw.length >> 1),
      () => Buffer.alloc(0),
      () => Buffer.from("not a cache"),
      (raw: Buffer) => raw.subarray(0, 3),
    ]) {
      const cache = cacheDir("ccr-cache-damaged-");
      generate(cache);
      for (const name of ["app.cjs", "babel-parser.cjs"])
        writeFileSync(cacheOf(cache, name), damage(readFileSync(cacheOf(cache, name))));
      const run = generate(cache);
      expect(run.proxy).toBe(reference.proxy);
      expect(run.route).toBe(reference.route);
    }
  });

  it("a stale cache with a valid checksum (V8 data made for other code) is rejected by V8 and rewritten", () => {
    const cache = cacheDir("ccr-cache-stale-");
    generate(cache);
    const app = parts(cacheOf(cache, "app.cjs"));
    const parser = parts(cacheOf(cache, "babel-parser.cjs"));
    // The app's header (so this tool reads it) over the parser's V8 data, with a matching checksum.
    const checksum = sha256(parser.body);
    writeFileSync(cacheOf(cache, "app.cjs"), join({ ...app.header, sha256: checksum }, parser.body));
    const run = generate(cache);
    expect(run.proxy).toBe(reference.proxy);
    expect(parts(cacheOf(cache, "app.cjs")).header.sha256).not.toBe(checksum);
  });

  it("an unwritable cache folder, or caching turned off, changes nothing", () => {
    const blocker = path.join(cacheDir("ccr-cache-file-"), "a-file");
    writeFileSync(blocker, "");
    expect(generate(path.join(blocker, "cache")).proxy).toBe(reference.proxy);
    const off = generate("off");
    expect(off.proxy).toBe(reference.proxy);
    expect(existsSync(path.join(repoRoot, "off"))).toBe(false);
  });

  it.skipIf(!posix)("a cache folder others may write to is neither read nor written", () => {
    const cache = cacheDir("ccr-cache-shared-");
    chmodSync(cache, 0o777);
    expect(generate(cache).proxy).toBe(reference.proxy);
    expect(cacheFiles(cache)).toEqual([]);
  });
});

// Issue 24: who can make the tool run bytecode of theirs.
describe.skipIf(!posix)("only the user can put bytecode in the cache", () => {
  it("control: the planted cache is potent (in the user's own folder, where only the user can put it, it runs)", () => {
    const cache = cacheDir("ccr-cache-potent-");
    plant(cache);
    expect(generate(cache, { bin: good }).result.stdout).toContain("PLANTED!!!");
  });

  /** A folder `cache` inside `parent`, which `setup` then opens up to others; the plant goes in `cache`. */
  function exposed(setup: (parent: string) => void): string {
    const parent = path.join(cacheDir("ccr-cache-exposed-"), "parent");
    mkdirSync(parent);
    const cache = path.join(parent, "cache");
    plant(cache);
    setup(parent);
    return cache;
  }

  const OPEN_PARENTS: [string, (parent: string) => void, boolean][] = [
    ["writable by anyone (777)", (parent) => chmodSync(parent, 0o777), true],
    ["sticky and writable by anyone, like /tmp (1777)", (parent) => chmodSync(parent, 0o1777), true],
    ["writable by its group (775)", (parent) => chmodSync(parent, 0o775), true],
    ["owned by another user (755)", (parent) => chownSync(parent, OTHER_UID, OTHER_UID), asRoot],
  ];
  for (const [label, setup, runnable] of OPEN_PARENTS) {
    it.skipIf(!runnable)(`a parent folder ${label}: a planted cache is not run, and nothing is written`, () => {
      const cache = exposed(setup);
      const before = cacheFiles(cache);
      const run = generate(cache, { bin: good });
      expect(run.result.stdout).not.toContain("PLANTED!!!");
      expect(run.proxy).toBe(generate(cacheDir("ccr-cache-ref-")).proxy);
      expect(cacheFiles(cache)).toEqual(before);
    });
  }

  it.skipIf(!asRoot)(
    "no home (HOME empty, no XDG_CACHE_HOME): no cache, not even in a temp folder another user opened (the issue's case)",
    () => {
      const tmp = cacheDir("ccr-cache-tmp-");
      // What the attacker prepared in the temp folder: the victim's per-user folder, theirs and open to all.
      const planted = path.join(tmp, `create-clerk-route-${process.getuid!()}`);
      plant(planted);
      chownSync(planted, OTHER_UID, OTHER_UID);
      chmodSync(planted, 0o777);
      const before = cacheFiles(tmp);
      const run = generate("", { bin: good, env: { HOME: "", TMPDIR: tmp } });
      expect(run.result.stdout).not.toContain("PLANTED!!!");
      expect(cacheFiles(tmp)).toEqual(before);
    },
  );

  it("a symlink on the way to a place others can write to: not used; to the user's own folder: followed", () => {
    const base = cacheDir("ccr-cache-links-");
    const open = path.join(base, "open");
    mkdirSync(open);
    plant(path.join(open, "cache"));
    chmodSync(open, 0o777);
    symlinkSync(open, path.join(base, "link"));
    symlinkSync(path.join(open, "cache"), path.join(base, "cache-link"));
    const before = cacheFiles(open);
    for (const cache of [path.join(base, "link", "cache"), path.join(base, "cache-link")]) {
      expect(generate(cache, { bin: good }).result.stdout).not.toContain("PLANTED!!!");
      expect(cacheFiles(open)).toEqual(before);
    }
    // A home or ~/.cache that is a symlink into the user's own folders keeps its cache.
    const own = path.join(base, "own");
    mkdirSync(own, { mode: 0o700 });
    symlinkSync(own, path.join(base, "own-link"));
    generate(path.join(base, "own-link", "cache"));
    expect(cacheFiles(own).length).toBeGreaterThan(0);
  });

  it("another build of the same size and mtime (other content) does not use this build's cache", () => {
    const cache = cacheDir("ccr-cache-build-");
    expect(generate(cache, { bin: evil }).result.stdout).toContain("PLANTED!!!");
    const run = generate(cache, { bin: good });
    expect(run.result.stdout).not.toContain("PLANTED!!!");
    expect(run.result.stdout).toContain("Next steps");
    // Both builds keep working from one folder.
    expect(generate(cache, { bin: evil }).result.stdout).toContain("PLANTED!!!");
    expect(generate(cache, { bin: good }).result.stdout).not.toContain("PLANTED!!!");
  });

  it("a write deletes only this tool's own cache files: the user's folders and files in CREATE_CLERK_ROUTE_CACHE survive", () => {
    const cache = cacheDir("ccr-cache-mine-");
    const folders = ["1.2.3-release-notes", "2024.05.01 holiday photos", "0.0.1", "app.cjs-0123456789abcdef.ccr-cache"];
    for (const folder of folders) {
      mkdirSync(path.join(cache, folder));
      writeFileSync(path.join(cache, folder, "keep.txt"), "mine");
    }
    const files = ["notes.txt", "app.cjs-v20.0.0-x64.cache", "2.0.0"];
    for (const file of files) writeFileSync(path.join(cache, file), "mine");
    const outside = path.join(cacheDir("ccr-cache-outside-"), "target.txt");
    writeFileSync(outside, "mine");
    symlinkSync(outside, path.join(cache, "app.cjs-aaaaaaaaaaaaaaaa.ccr-cache"));
    // This tool's own files from another build: replaced.
    const stale = ["app.cjs-fedcba9876543210.ccr-cache", "babel-parser.cjs-fedcba9876543210.ccr-cache"];
    for (const file of stale) writeFileSync(path.join(cache, file), "stale", { mode: 0o600 });
    if (asRoot) {
      writeFileSync(path.join(cache, "app.cjs-bbbbbbbbbbbbbbbb.ccr-cache"), "another user's");
      chownSync(path.join(cache, "app.cjs-bbbbbbbbbbbbbbbb.ccr-cache"), OTHER_UID, OTHER_UID);
    }

    generate(cache);
    const names = readdirSync(cache);
    for (const kept of [
      ...folders,
      ...files,
      "app.cjs-aaaaaaaaaaaaaaaa.ccr-cache",
      ...(asRoot ? ["app.cjs-bbbbbbbbbbbbbbbb.ccr-cache"] : []),
    ])
      expect(names).toContain(kept);
    for (const folder of folders) expect(readFileSync(path.join(cache, folder, "keep.txt"), "utf8")).toBe("mine");
    expect(readFileSync(outside, "utf8")).toBe("mine");
    for (const file of stale) expect(names).not.toContain(file);
    expect(
      names.filter(
        (name) =>
          /^(app|babel-parser)\.cjs-[0-9a-f]{16}\.ccr-cache$/.test(name) && lstatSync(path.join(cache, name)).isFile(),
      ).length,
    ).toBeGreaterThanOrEqual(2);
  });
});
