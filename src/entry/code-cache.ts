// V8 code caching for the bundle's CommonJS files (the technique of the v8-compile-cache package):
// each file is compiled through vm.Script with the bytecode V8 produced for it on an earlier run,
// so a run deserializes instead of parsing and compiling again. Loaded by boot.ts, before the app.
//
// Who may write the cache is cache-folder.ts's business: bytecode is only read from, and written
// to, a folder that only the user (or root) can write, through every folder above it. This file
// decides which bytes belong to which script:
// - The key is a SHA-256 of the exact script V8 compiles (the bundle file's bytes and the wrapper
//   around them) and of the Node, V8 and CPU. V8 itself checks only the source's length and
//   would run bytecode made from any other program of that length.
// - V8 crashes on a corrupt body (tried: a segfault), so the body's SHA-256 is checked first.
// - A cache never breaks a run: anything missing, stale, foreign, truncated or corrupt is ignored
//   (and rewritten at exit); every write is a new file (O_EXCL) + rename, and its errors are swallowed.
// - Clean-up deletes only this tool's own files, recognised by their names (OWN_NAME), and never a folder.

import { createHash, randomBytes } from "node:crypto";
import { closeSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { closeQuietly, createOwnFile, openOwnFile, removeOwnFiles, trustedFolder } from "./cache-folder.js";

const MAGIC = "create-clerk-route code cache 2";
const MAX_HEADER = 4096;
/** Far above any real cache (about 1 MB for the parser): a bigger file is not a cache of ours. */
const MAX_FILE = 64 * 1024 * 1024;

/** `<bundle file>-<16 hex of the key>.ccr-cache`, and while one is being written, `<that>.<pid>-<8 hex>.tmp`. */
const OWN_NAME = /^([\w-]+\.cjs)-([0-9a-f]{16})\.ccr-cache(?:\.\d+-[0-9a-f]{8}\.tmp)?$/;

interface CacheHeader {
  magic: string;
  /** cacheKey() of the script it was made from, in full (the file name holds 16 hex of it). */
  key: string;
  /** Of the body (the V8 data). */
  sha256: string;
}

export interface CacheEntry {
  /** The bundle file's name, e.g. app.cjs. */
  bundle: string;
  /** cacheKey() of the script compiled from it. */
  key: string;
}

/** Called between the folder check and the open: a test seam (a swap attempt goes here). */
export interface ReadSeam {
  afterCheck?(file: string): void;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The script is `${head}${latin1(bytes)}\n})`: the head, the bytes, this Node, V8 and CPU bind it exactly. */
export function cacheKey(head: string, bytes: Buffer): string {
  return createHash("sha256")
    .update(`${MAGIC}\0${process.version}\0${process.versions.v8}\0${process.arch}\0${head}\0`)
    .update(bytes)
    .digest("hex");
}

export const cacheFileName = (entry: CacheEntry) => `${entry.bundle}-${entry.key.slice(0, 16)}.ccr-cache`;

/** Header length (u32 LE), JSON header, V8 data. */
export function encodeCache(key: string, data: Buffer): Buffer {
  const header: CacheHeader = { magic: MAGIC, key, sha256: sha256(data) };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([length, headerBytes, data]);
}

function decodeCache(raw: Buffer, key: string): Buffer | undefined {
  if (raw.length < 4) return undefined;
  const headerLength = raw.readUInt32LE(0);
  if (headerLength > MAX_HEADER || 4 + headerLength > raw.length) return undefined;
  const header = JSON.parse(raw.toString("utf8", 4, 4 + headerLength)) as Partial<CacheHeader>;
  if (header.magic !== MAGIC || header.key !== key) return undefined;
  const data = raw.subarray(4 + headerLength);
  return sha256(data) === header.sha256 ? data : undefined;
}

/** The V8 data cached for `entry` in `folder`, or undefined for any reason at all. */
export function readCache(folder: string, entry: CacheEntry, seam: ReadSeam = {}): Buffer | undefined {
  const real = trustedFolder(folder, false);
  if (real === undefined) return undefined;
  const file = path.join(real, cacheFileName(entry));
  seam.afterCheck?.(file);
  const opened = openOwnFile(file);
  if (opened === undefined) return undefined;
  try {
    if (opened.size > MAX_FILE) return undefined;
    // From the descriptor that was checked, never again by path.
    const raw = Buffer.allocUnsafe(opened.size);
    for (let done = 0; done < raw.length;) {
      const read = readSync(opened.fd, raw, done, raw.length - done, done);
      if (read === 0) return undefined;
      done += read;
    }
    return decodeCache(raw, entry.key);
  } catch {
    return undefined;
  } finally {
    closeQuietly(opened.fd);
  }
}

/** Writes `data` as `entry`'s cache, then deletes that bundle file's other caches (older builds, other Nodes). */
export function writeCache(folder: string, entry: CacheEntry, data: Buffer): void {
  const real = trustedFolder(folder, true);
  if (real === undefined) return;
  const name = cacheFileName(entry);
  const target = path.join(real, name);
  const temp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  let created = false;
  try {
    const fd = createOwnFile(temp);
    created = true;
    try {
      writeFileSync(fd, encodeCache(entry.key, data));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    removeOwnFiles(real, (other) => other !== name && OWN_NAME.exec(other)?.[1] === entry.bundle);
  } catch {
    if (created) {
      try {
        unlinkSync(temp);
      } catch {
        // Renamed already, or gone.
      }
    }
  }
}

interface Pending {
  folder: string;
  entry: CacheEntry;
  script: vm.Script;
}

const pending: Pending[] = [];

/** At exit, so the cache holds every function this run compiled (a patch run compiles most of the parser). */
function flush(): void {
  for (const { folder, entry, script } of pending.splice(0)) {
    try {
      writeCache(folder, entry, script.createCachedData());
    } catch {
      // createCachedData failed: no cache this time.
    }
  }
}

/**
 * Compiles `file` (a CommonJS body) as `(function (...params) { <file> })` and returns that
 * function; with a folder, through the code cache.
 */
export function compileCached(
  file: string,
  params: string[],
  folder: string | undefined,
): (...args: unknown[]) => unknown {
  const bytes = readFileSync(file);
  const head = `(function (${params.join(", ")}) {`;
  // The build emits ASCII only (esbuild's default charset; build.mjs checks it): latin1 is the cheap decode.
  const source = `${head}${bytes.toString("latin1")}\n})`;
  const run = (script: vm.Script) => script.runInThisContext() as (...args: unknown[]) => unknown;
  if (folder === undefined) return run(new vm.Script(source, { filename: file }));
  const entry: CacheEntry = { bundle: path.basename(file), key: cacheKey(head, bytes) };
  const cachedData = readCache(folder, entry);
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (pending.length === 0) process.once("exit", flush);
    pending.push({ folder, entry, script });
  }
  return run(script);
}
