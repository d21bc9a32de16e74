import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheLocation } from "../../src/entry/code-cache.js";
import { copyFixture, repoRoot, runCli } from "../support/project.js";

// The V8 code cache (src/code-cache.ts) only ever saves time: a missing, stale, corrupt, truncated
// or foreign cache file, or a folder that cannot be written, must give the same run as no cache.
// Each case runs the built bin with CREATE_CLERK_ROUTE_CACHE pointing at a folder of its own.

const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the example project whose proxy.ts is a Clerk one without the route: the parser loads. */
function patchProject(): string {
  const project = copyFixture("app-ts");
  temps.push(project);
  writeFileSync(path.join(project, "proxy.ts"), readFileSync(path.join(repoRoot, "test/fixtures/middleware/clerk-string-matcher/input.ts")));
  return project;
}

function generate(cache: string, project = patchProject()) {
  const result = runCli(["/api/projects/[id]", "--style", "userId", "--yes", "--cwd", project], { env: { CREATE_CLERK_ROUTE_CACHE: cache } });
  expect(result.status, result.output).toBe(0);
  return { result, proxy: readFileSync(path.join(project, "proxy.ts"), "utf8"), route: readFileSync(path.join(project, "app/api/projects/[id]/route.ts"), "utf8") };
}

const cacheFiles = (cache: string) => (existsSync(path.join(cache, version)) ? readdirSync(path.join(cache, version)).sort() : []);
const cacheOf = (cache: string, name: string) => path.join(cache, version, cacheFiles(cache).find((file) => file.startsWith(`${name}-`))!);

/** Splits a cache file into its header and body (see code-cache.ts: u32 length, JSON header, V8 data). */
function parts(file: string): { header: Record<string, unknown>; body: Buffer } {
  const raw = readFileSync(file);
  const length = raw.readUInt32LE(0);
  return { header: JSON.parse(raw.toString("utf8", 4, 4 + length)) as Record<string, unknown>, body: raw.subarray(4 + length) };
}

function join(header: Record<string, unknown>, body: Buffer): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([length, headerBytes, body]);
}

describe("the code cache", () => {
  const reference = generate(tempDir("ccr-cache-ref-"));

  it("a first run writes it (the parser's only when it was loaded), a second reads it and changes nothing", () => {
    const cache = tempDir("ccr-cache-");
    const project = copyFixture("app-ts");
    temps.push(project);
    generate(cache, project);
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/^app\.cjs-v[\d.]+-\w+\.cache$/)]);

    generate(cache);
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/^app\.cjs-/), expect.stringMatching(/^babel-parser\.cjs-/)]);
    const before = cacheFiles(cache).map((file) => statSync(path.join(cache, version, file)).mtimeMs);
    const again = generate(cache);
    expect(again.proxy).toBe(reference.proxy);
    expect(again.route).toBe(reference.route);
    expect(again.result.stdout).toBe(reference.result.stdout);
    expect(cacheFiles(cache).map((file) => statSync(path.join(cache, version, file)).mtimeMs)).toEqual(before);
    // Only this tool's files, readable by this user alone.
    if (process.platform !== "win32") expect(statSync(path.join(cache, version)).mode & 0o077).toBe(0);
  });

  it("--help and --version load nothing, so they write nothing", () => {
    const cache = tempDir("ccr-cache-help-");
    for (const flag of ["--help", "--version"]) expect(runCli([flag], { env: { CREATE_CLERK_ROUTE_CACHE: cache } }).status).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
  });

  it("a corrupt body (V8 would crash on it) is never used: same result, and the file is rewritten", () => {
    const cache = tempDir("ccr-cache-corrupt-");
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
    expect(createHash("sha256").update(rewritten.body).digest("hex")).toBe(rewritten.header.sha256);
  });

  it("truncated, empty or foreign files are ignored", () => {
    for (const damage of [(raw: Buffer) => raw.subarray(0, raw.length >> 1), () => Buffer.alloc(0), () => Buffer.from("not a cache"), (raw: Buffer) => raw.subarray(0, 3)]) {
      const cache = tempDir("ccr-cache-damaged-");
      generate(cache);
      for (const name of ["app.cjs", "babel-parser.cjs"]) writeFileSync(cacheOf(cache, name), damage(readFileSync(cacheOf(cache, name))));
      const run = generate(cache);
      expect(run.proxy).toBe(reference.proxy);
      expect(run.route).toBe(reference.route);
    }
  });

  it("a stale cache with a valid checksum (V8 data made for other code) is rejected by V8 and rewritten", () => {
    const cache = tempDir("ccr-cache-stale-");
    generate(cache);
    const app = parts(cacheOf(cache, "app.cjs"));
    const parser = parts(cacheOf(cache, "babel-parser.cjs"));
    // The app's header (so this tool reads it) over the parser's V8 data, with a matching checksum.
    const sha256 = createHash("sha256").update(parser.body).digest("hex");
    writeFileSync(cacheOf(cache, "app.cjs"), join({ ...app.header, sha256 }, parser.body));
    const run = generate(cache);
    expect(run.proxy).toBe(reference.proxy);
    expect(parts(cacheOf(cache, "app.cjs")).header.sha256).not.toBe(sha256);
  });

  it("a cache for another build of the same version (other size or mtime) is not read", () => {
    const cache = tempDir("ccr-cache-build-");
    generate(cache);
    const app = parts(cacheOf(cache, "app.cjs"));
    writeFileSync(cacheOf(cache, "app.cjs"), join({ ...app.header, mtimeMs: 1 }, app.body));
    expect(generate(cache).proxy).toBe(reference.proxy);
    expect(parts(cacheOf(cache, "app.cjs")).header.mtimeMs).not.toBe(1);
  });

  it("an unwritable cache folder, or caching turned off, changes nothing", () => {
    const blocker = path.join(tempDir("ccr-cache-file-"), "a-file");
    writeFileSync(blocker, "");
    expect(generate(path.join(blocker, "cache")).proxy).toBe(reference.proxy);
    const off = generate("off");
    expect(off.proxy).toBe(reference.proxy);
    expect(existsSync(path.join(process.cwd(), "off"))).toBe(false);
  });

  it.skipIf(process.platform === "win32")("a folder others may write to is neither read nor written", () => {
    const cache = tempDir("ccr-cache-shared-");
    mkdirSync(path.join(cache, version), { mode: 0o777 });
    chmodSync(path.join(cache, version), 0o777);
    expect(generate(cache).proxy).toBe(reference.proxy);
    expect(cacheFiles(cache)).toEqual([]);
  });

  it("a new version's first write removes older versions' folders", () => {
    const cache = tempDir("ccr-cache-old-");
    mkdirSync(path.join(cache, "0.0.1"), { recursive: true });
    writeFileSync(path.join(cache, "0.0.1", "app.cjs-v20.0.0-x64.cache"), "old");
    mkdirSync(path.join(cache, "unrelated"));
    generate(cache);
    expect(readdirSync(cache).sort()).toEqual([version, "unrelated"]);
  });
});

describe("where the cache lives", () => {
  const linux = { platform: "linux" as const, home: "/home/ada", tmp: "/tmp", uid: 1000 };
  it("CREATE_CLERK_ROUTE_CACHE moves it or turns it off", () => {
    expect(cacheLocation({ CREATE_CLERK_ROUTE_CACHE: "/var/cache/ccr" }, "1.2.3", linux)).toEqual({ base: "/var/cache/ccr", dir: "/var/cache/ccr/1.2.3" });
    for (const off of ["off", "0", "false", "OFF"]) expect(cacheLocation({ CREATE_CLERK_ROUTE_CACHE: off }, "1.2.3", linux)).toBeUndefined();
  });

  it.skipIf(process.platform === "win32")("the OS cache folder, keyed by the package version", () => {
    expect(cacheLocation({}, "1.2.3", linux)?.dir).toBe("/home/ada/.cache/create-clerk-route/1.2.3");
    expect(cacheLocation({ XDG_CACHE_HOME: "/xdg" }, "1.2.3", linux)?.dir).toBe("/xdg/create-clerk-route/1.2.3");
    expect(cacheLocation({ XDG_CACHE_HOME: "relative" }, "1.2.3", linux)?.dir).toBe("/home/ada/.cache/create-clerk-route/1.2.3");
    expect(cacheLocation({}, "1.2.3", { ...linux, platform: "darwin" })?.dir).toBe("/home/ada/Library/Caches/create-clerk-route/1.2.3");
    expect(cacheLocation({}, "1.2.3", { ...linux, home: "" })?.dir).toBe("/tmp/create-clerk-route-1000/1.2.3");
  });
});
