// V8 code caching for the bundle's CommonJS files (the technique of the v8-compile-cache package):
// each file is compiled through vm.Script with the bytecode V8 produced for it on an earlier run,
// so a run deserializes instead of parsing and compiling again. Loaded by boot.ts, before the app.
//
// Never breaks a run: a missing, stale (another source, Node or V8), truncated or corrupt cache
// file is ignored (and rewritten at exit); a cache folder that cannot be created, is not the
// user's own or is writable by others is not used at all; every write is a temp file + rename,
// and its errors are swallowed. V8 checks only a cache's header (version, flags, source length)
// and crashes on a corrupt body, so the body carries a SHA-256 that is checked before V8 sees it.

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import path from "node:path";
import vm from "node:vm";

/** The environment variable that moves the cache folder, or turns caching off ("off", "0", "false"). */
export const CACHE_ENV = "CREATE_CLERK_ROUTE_CACHE";

const MAGIC = "create-clerk-route code cache 1";
const OWNED = "create-clerk-route";

interface CacheHeader {
  magic: string;
  /** The source it was made for, the Node and the CPU: a cache of anything else is not read. */
  key: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface CacheLocation {
  /** The folder holding this version's cache files. */
  dir: string;
  /** The folder that holds one sub-folder per version (old versions are removed when a new one writes). */
  base: string;
}

interface Platform {
  platform: NodeJS.Platform;
  home: string;
  tmp: string;
  uid: number | undefined;
}

/**
 * Where this version's cache lives: $CREATE_CLERK_ROUTE_CACHE, else the OS cache folder
 * (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%), else a per-user folder in the
 * temp folder; undefined when caching is off.
 */
export function cacheLocation(env: NodeJS.ProcessEnv, version: string, where: Platform): CacheLocation | undefined {
  const chosen = env[CACHE_ENV];
  if (chosen !== undefined && chosen !== "") {
    if (/^(off|0|false|no)$/i.test(chosen)) return undefined;
    const base = path.resolve(chosen);
    return { base, dir: path.join(base, version) };
  }
  let root: string | undefined;
  if (where.platform === "win32") root = env.LOCALAPPDATA || (where.home && path.join(where.home, "AppData", "Local"));
  else if (where.platform === "darwin") root = where.home && path.join(where.home, "Library", "Caches");
  else root = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : where.home && path.join(where.home, ".cache");
  const base = root ? path.join(root, OWNED) : path.join(where.tmp, `${OWNED}-${where.uid ?? "user"}`);
  return { base, dir: path.join(base, version) };
}

/** A folder is safe to read bytecode from when it is a real folder of this user that nobody else may write to. */
function safeFolder(dir: string): boolean {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return false;
  if (process.platform === "win32" || typeof process.getuid !== "function") return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

function cacheKey(file: string): string {
  return `${path.basename(file)} ${process.version} ${process.arch}`;
}

function cacheFileOf(location: CacheLocation, file: string): string {
  return path.join(location.dir, `${path.basename(file)}-${process.version}-${process.arch}.cache`);
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The cached bytecode for `file` as it is now, or undefined for any reason at all. */
function readCache(location: CacheLocation, file: string, source: Stats): Buffer | undefined {
  try {
    if (!safeFolder(location.dir)) return undefined;
    const raw = readFileSync(cacheFileOf(location, file));
    const headerLength = raw.readUInt32LE(0);
    if (headerLength > 4096 || 4 + headerLength > raw.length) return undefined;
    const header = JSON.parse(raw.toString("utf8", 4, 4 + headerLength)) as Partial<CacheHeader>;
    if (header.magic !== MAGIC || header.key !== cacheKey(file) || header.size !== source.size || header.mtimeMs !== source.mtimeMs) return undefined;
    const data = raw.subarray(4 + headerLength);
    return sha256(data) === header.sha256 ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(location: CacheLocation, file: string, source: Stats, data: Buffer): void {
  const target = cacheFileOf(location, file);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(location.dir, { recursive: true, mode: 0o700 });
    if (!safeFolder(location.dir)) return;
    const header: CacheHeader = { magic: MAGIC, key: cacheKey(file), size: source.size, mtimeMs: source.mtimeMs, sha256: sha256(data) };
    const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(headerBytes.length, 0);
    writeFileSync(temp, Buffer.concat([length, headerBytes, data]), { mode: 0o600 });
    renameSync(temp, target);
    removeOtherVersions(location);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** Old versions' folders next to this one (only this tool's own base folder is ever touched). */
function removeOtherVersions(location: CacheLocation): void {
  if (path.dirname(location.dir) !== location.base || !safeFolder(location.base)) return;
  const own = path.basename(location.dir);
  for (const name of readdirSync(location.base)) {
    if (name !== own && /^\d+\.\d+\.\d+/.test(name)) rmSync(path.join(location.base, name), { recursive: true, force: true });
  }
}

interface Pending {
  location: CacheLocation;
  file: string;
  source: Stats;
  script: vm.Script;
}

const pending: Pending[] = [];

/** At exit, so the cache holds every function this run compiled (a patch run compiles most of the parser). */
function flush(): void {
  for (const { location, file, source, script } of pending.splice(0)) {
    try {
      writeCache(location, file, source, script.createCachedData());
    } catch {
      // createCachedData failed: no cache this time.
    }
  }
}

/**
 * Compiles `file` (a CommonJS body) as `(function (...params) { <file> })` and returns that
 * function; with a location, through the code cache.
 */
export function compileCached(file: string, params: string[], location: CacheLocation | undefined): (...args: unknown[]) => unknown {
  // The build emits ASCII only (esbuild's default charset; build.mjs checks it): latin1 is the cheap decode.
  const code = readFileSync(file, "latin1");
  const source = location ? statSync(file) : undefined;
  const cachedData = location && source ? readCache(location, file, source) : undefined;
  const script = new vm.Script(`(function (${params.join(", ")}) {${code}\n})`, { filename: file, cachedData });
  if (location && source && (cachedData === undefined || script.cachedDataRejected)) {
    if (pending.length === 0) process.once("exit", flush);
    pending.push({ location, file, source, script });
  }
  return script.runInThisContext() as (...args: unknown[]) => unknown;
}
