// Where the V8 code cache lives, and the rule that decides whether that folder may be used at all.
//
// Bytecode read from the cache runs as the user, and nothing in a cache file can prove who wrote
// it (its checksum anyone can compute; V8 checks only the source's length). So the folder itself
// is the boundary: it is used only when nobody but the user (or root) can write to it or to any
// folder above it. Then nobody else can plant a file there, nor swap a folder on the way for a
// symlink between the check and the open: the race is gone by construction, not by timing.
// Anything else (a shared or sticky folder such as /tmp, a group-writable home, an owner that is
// neither the user nor root, a path that cannot be resolved) means no cache: always safe, only slower.

import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  unlinkSync,
  type Stats,
} from "node:fs";
import path from "node:path";

/** The environment variable that moves the cache folder, or turns caching off ("off", "0", "false", "no"). */
export const CACHE_ENV = "CREATE_CLERK_ROUTE_CACHE";

const OWNED = "create-clerk-route";

export interface Platform {
  platform: NodeJS.Platform;
  /** os.homedir(), or "" when there is none. */
  home: string;
}

/**
 * The folder to use: $CREATE_CLERK_ROUTE_CACHE (resolved against the current folder), else
 * create-clerk-route/ in the OS cache folder (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches,
 * %LOCALAPPDATA%); undefined when caching is off or there is no absolute home to put it in (a temp
 * folder is shared with other users, so it is no fallback).
 */
export function cacheFolder(env: NodeJS.ProcessEnv, where: Platform): string | undefined {
  const chosen = env[CACHE_ENV];
  if (chosen !== undefined && chosen !== "")
    return /^(off|0|false|no)$/i.test(chosen) ? undefined : path.resolve(chosen);
  const absolute = (value: string | undefined) => (value && path.isAbsolute(value) ? value : undefined);
  const home = absolute(where.home);
  let root: string | undefined;
  if (where.platform === "win32") root = absolute(env.LOCALAPPDATA) ?? (home && path.join(home, "AppData", "Local"));
  else if (where.platform === "darwin") root = home && path.join(home, "Library", "Caches");
  else root = absolute(env.XDG_CACHE_HOME) ?? (home && path.join(home, ".cache"));
  return root ? path.join(root, OWNED) : undefined;
}

/** The uid files must belong to, or undefined where there are no POSIX owners (Windows: per-user ACLs). */
const ownUid = (): number | undefined => (typeof process.getuid === "function" ? process.getuid() : undefined);

/** A real folder (lstat: a symlink is not one) that only this user or root can write to. */
function trustedDir(stat: Stats, uid: number | undefined): boolean {
  if (!stat.isDirectory()) return false;
  return uid === undefined || ((stat.uid === uid || stat.uid === 0) && (stat.mode & 0o022) === 0);
}

/** Every folder from `real` up to the root is trusted; `real` has no symlinks (it came from realpath). */
function trustedChain(real: string, uid: number | undefined): boolean {
  for (let dir = real; ; dir = path.dirname(dir)) {
    if (!trustedDir(lstatSync(dir), uid)) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * The folder's real path when it may hold bytecode, else undefined. It is resolved once (a home
 * or ~/.cache that is a symlink is fine) and every folder of the resolved path is checked, from
 * the folder up to the root. With `create`, missing folders are made (mode 700), one at a time,
 * below the deepest existing one, and only once that one has passed the check.
 */
export function trustedFolder(folder: string, create: boolean): string | undefined {
  const uid = ownUid();
  try {
    const missing: string[] = [];
    let existing = folder;
    for (;;) {
      try {
        existing = realpathSync.native(existing);
        break;
      } catch (error) {
        const parent = path.dirname(existing);
        if (!create || (error as NodeJS.ErrnoException).code !== "ENOENT" || parent === existing) return undefined;
        missing.unshift(path.basename(existing));
        existing = parent;
      }
    }
    if (!trustedChain(existing, uid)) return undefined;
    for (const name of missing) {
      existing = path.join(existing, name);
      try {
        mkdirSync(existing, { mode: 0o700 });
      } catch (error) {
        // Another run made it first: it is checked like any other folder.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      if (!trustedDir(lstatSync(existing), uid)) return undefined;
    }
    return existing;
  } catch {
    return undefined;
  }
}

// O_NOFOLLOW: a symlink as the file itself fails the open. O_NONBLOCK: a FIFO cannot hang the run
// (it then fails the regular-file check). Both are 0 where the platform has no such flag.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** A regular file of this user's, with one name (no hard link to it elsewhere), that only the user can write. */
export function ownFile(stat: Stats, uid = ownUid()): boolean {
  return stat.isFile() && stat.nlink === 1 && (uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0));
}

/**
 * Opens `file` (in a folder trustedFolder() returned) for reading and checks what was opened, by
 * its descriptor: the fd of one of the user's own regular files, else undefined.
 */
export function openOwnFile(file: string): { fd: number; size: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, READ_FLAGS);
    const stat = fstatSync(fd);
    if (ownFile(stat)) return { fd, size: stat.size };
  } catch {
    // Missing, a symlink, unreadable: no cache.
  }
  if (fd !== undefined) closeQuietly(fd);
  return undefined;
}

/** Creates `file`, which must not exist yet (O_EXCL: never an existing file or a symlink), mode 600. */
export function createOwnFile(file: string): number {
  return openSync(file, CREATE_FLAGS, 0o600);
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do.
  }
}

/**
 * Deletes the entries of `folder` whose names `isStale` picks, when they are the user's own regular
 * files. Folders, symlinks and other users' files are left alone, whatever their names; nothing
 * is ever deleted recursively.
 */
export function removeOwnFiles(folder: string, isStale: (name: string) => boolean): void {
  for (const name of readdirSync(folder)) {
    if (!isStale(name)) continue;
    const file = path.join(folder, name);
    try {
      if (ownFile(lstatSync(file))) unlinkSync(file);
    } catch {
      // Gone already (another run), or not ours to delete.
    }
  }
}
