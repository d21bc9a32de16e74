import { randomBytes } from "node:crypto";
import { closeSync, lstatSync, openSync, rmSync, statSync, writeSync, promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { CliError } from "../core/errors.js";
import { checkInsideProject, checkWritableTarget, notAFile, readText } from "../core/files.js";
import type { FileChange } from "../core/types.js";

// Writes a plan all-or-nothing, under a project lock: each file goes to a temporary file in its
// own folder and is renamed into place, after checking once more that the file is still what the
// plan read; on any failure every file already written is restored, every file and folder
// already created is removed, and the error is reported.

export interface ApplyHooks {
  /** Called before each file is renamed into place; throwing simulates a failure (tests). */
  beforeCommit?: (change: FileChange) => void | Promise<void>;
  /** Called before each folder is created; throwing simulates a failure (tests). */
  beforeMkdir?: (folder: string) => void | Promise<void>;
  /**
   * Called once every file is in place, before the lock is released: the last point at which the
   * run can still be undone. Throwing rolls every file back, as a failed write does.
   */
  beforeRelease?: () => void | Promise<void>;
  /** Called when the project lock was found stale, before this run takes it over (tests: a second run in between). */
  beforeTakeover?: () => void | Promise<void>;
  /** Called once the lock is held, before anything is checked or written: a signal can still stop the run with nothing to undo. */
  afterLock?: () => void | Promise<void>;
}

interface Done {
  change: FileChange;
  absolute: string;
}

/** The lock file in the project root while a run writes; it holds the writing process's PID. */
export const LOCK_FILE = ".create-clerk-route.lock";
/** Held, created with O_EXCL, by the one run taking over a stale lock, for the few calls it takes. */
export const TAKEOVER_FILE = `${LOCK_FILE}.takeover`;

function changedError(change: FileChange): CliError {
  return new CliError(
    "FILE_CHANGED",
    `${change.path} changed on disk while this run was planning; nothing was written.`,
    {
      hint: "Another program or run changed it: run the command again.",
    },
  );
}

/** Refuses to write a file that changed since the plan read it, or that is not a plain file inside the project. */
function checkOne(root: string, change: FileChange): void {
  const file = path.join(root, change.path);
  checkInsideProject(root, file, change.path);
  checkWritableTarget(file, change.path);
  if (readText(file, change.path, true) !== change.before) throw changedError(change);
}

/** Refuses to write over a file that changed since the plan read it, or over a symbolic link. */
export function checkUnchanged(root: string, changes: FileChange[]): void {
  for (const change of changes) checkOne(root, change);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by someone else
  }
}

function lockedError(holder: string, file = LOCK_FILE): CliError {
  return new CliError(
    "PROJECT_LOCKED",
    `Another run is changing this project (${file} is held by ${holder}); nothing was written.`,
    {
      hint: `Wait for it to finish and run again. If no other create-clerk-route is running, delete ${file}.`,
    },
  );
}

/** Creates `file` with O_EXCL holding this PID: false when it already exists. */
function createExclusive(file: string, name: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    throw new CliError(
      "WRITE_FAILED",
      `Could not create ${name} in the project (${code ?? String(error)}); nothing was written.`,
      {
        hint: "Check the project folder's permissions and free disk space, then run again.",
      },
    );
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * A lock file's content, or undefined when it is gone. Only a regular file is opened (lstat first,
 * then readText's non-blocking open): a FIFO, folder or symbolic link in the lock's place is not a
 * lock of this tool's, and opening a FIFO to read would block the run for good, deaf to Ctrl-C.
 */
function readLock(file: string, name: string): string | undefined {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  const notOurs = (found: Stats) =>
    notAFile(
      name,
      found,
      `It is not a lock of this tool's (that is a regular file holding a PID): delete ${name} and run again.`,
    );
  if (!stat.isFile()) throw notOurs(stat);
  try {
    return readText(file, name) ?? undefined;
  } catch (error) {
    if (error instanceof CliError && error.code === "NOT_A_FILE")
      throw notOurs(lstatSync(file, { throwIfNoEntry: false }) ?? stat);
    if (error instanceof CliError) throw error;
    return undefined;
  }
}

/** The PID a lock holds; undefined while its creator is still writing it (or for anything else). */
function lockPid(content: string): number | undefined {
  const trimmed = content.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Removes the stale lock `file` still holding exactly `stale`, under TAKEOVER_FILE. Only a taker
 * removes a lock it did not create, and only while holding TAKEOVER_FILE: so between the check
 * and the removal no other run can have replaced the stale lock with its own (a run creates a lock
 * only where none exists, and the stale lock's process is gone). Two runs that both found the lock
 * stale: the second one either finds TAKEOVER_FILE taken, or the first one's new lock.
 */
function removeStaleLock(root: string, file: string, stale: string): void {
  const guard = path.join(root, TAKEOVER_FILE);
  if (!createExclusive(guard, TAKEOVER_FILE)) {
    const holder = lockPid(readLock(guard, TAKEOVER_FILE) ?? "");
    throw lockedError(holder === undefined ? "a run that is starting" : `process ${holder}`, TAKEOVER_FILE);
  }
  try {
    if (readLock(file, LOCK_FILE) === stale) rmSync(file, { force: true }); // else: gone or replaced; the caller looks again
  } finally {
    rmSync(guard, { force: true });
  }
}

/**
 * Takes the project lock: a file created with O_EXCL holding this PID. A lock whose PID is no
 * longer running is stale and taken over (see removeStaleLock); a live one (or one still being
 * written) refuses.
 */
export async function acquireLock(root: string, hooks: ApplyHooks = {}): Promise<() => void> {
  const file = path.join(root, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file, LOCK_FILE)) return () => rmSync(file, { force: true });
    const content = readLock(file, LOCK_FILE);
    if (content === undefined && attempt < 3) continue; // released meanwhile: try again
    const pid = lockPid(content ?? "");
    if (attempt >= 3 || pid === undefined || pid === process.pid || isAlive(pid)) {
      throw lockedError(pid === undefined ? "a run that is starting" : `process ${pid}`);
    }
    await hooks.beforeTakeover?.();
    removeStaleLock(root, file, content!); // stale: its process is gone
  }
}

/** Creates the missing folders above `file`, recording each in `created` as soon as it exists. */
async function ensureFolders(root: string, file: string, created: string[], hooks: ApplyHooks): Promise<void> {
  const missing: string[] = [];
  let folder = path.dirname(file);
  // statSync without throwing: a missing folder is the common case, and error objects cost.
  while (folder !== root && folder.startsWith(root) && statSync(folder, { throwIfNoEntry: false }) === undefined) {
    missing.unshift(folder);
    folder = path.dirname(folder);
  }
  for (const dir of missing) {
    await hooks.beforeMkdir?.(dir);
    await fs.mkdir(dir);
    created.push(dir);
  }
}

/**
 * Writes `content` beside `file` and renames it into place. The temporary file sits in a private
 * folder holding a `.gitignore` of `*`, written first: whatever stops the run (even SIGKILL or a
 * power cut), git ignores a leftover, so the secret key can never be committed by `git add .`.
 * An existing file keeps its mode, owner and group.
 */
async function writeAtomically(
  root: string,
  file: string,
  content: string,
  hooks: ApplyHooks,
  change: FileChange,
): Promise<void> {
  const folder = path.join(path.dirname(file), `.create-clerk-route-${randomBytes(4).toString("hex")}.tmp`);
  // Not named like the target: a running `next dev` must not see a second route.ts for a moment.
  const temporary = path.join(folder, `${path.basename(file)}.tmp`);
  try {
    await fs.mkdir(folder, { mode: 0o700 });
    await fs.writeFile(path.join(folder, ".gitignore"), "*\n");
    const existing = checkWritableTarget(file, change.path);
    await fs.writeFile(temporary, content, existing ? { mode: 0o600 } : {});
    if (existing) {
      // The rename keeps the temporary file's owner: as root on a user's file, give it back.
      const made = await fs.stat(temporary);
      if (made.uid !== existing.uid || made.gid !== existing.gid) await fs.chown(temporary, existing.uid, existing.gid);
      // writeFile's mode is masked by the umask; chmod keeps an existing file's mode exactly.
      await fs.chmod(temporary, existing.mode & 0o7777);
    }
    await hooks.beforeCommit?.(change);
    checkOne(root, change); // still what the plan read, right before it is replaced
    await fs.rename(temporary, file);
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

async function rollBack(done: Done[], createdFolders: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { change, absolute } of [...done].reverse()) {
    try {
      if (change.before === null) await fs.rm(absolute, { force: true });
      else await fs.writeFile(absolute, change.before);
    } catch (error) {
      problems.push(`${change.path}: ${(error as Error).message}`);
    }
  }
  for (const folder of [...createdFolders].reverse()) {
    await fs.rmdir(folder).catch(() => problems.push(`${folder}: could not remove`));
  }
  return problems;
}

export async function applyChanges(root: string, changes: FileChange[], hooks: ApplyHooks = {}): Promise<void> {
  const release = await acquireLock(root, hooks);
  try {
    await hooks.afterLock?.();
    await applyLocked(root, changes, hooks);
  } finally {
    release();
  }
}

async function applyLocked(root: string, changes: FileChange[], hooks: ApplyHooks): Promise<void> {
  checkUnchanged(root, changes);
  const done: Done[] = [];
  const createdFolders: string[] = [];
  let current: FileChange | undefined;
  try {
    for (const change of changes) {
      current = change;
      const absolute = path.join(root, change.path);
      await ensureFolders(root, absolute, createdFolders, hooks);
      await writeAtomically(root, absolute, change.after, hooks, change);
      done.push({ change, absolute });
    }
    current = undefined;
    await hooks.beforeRelease?.();
  } catch (error) {
    const problems = await rollBack(done, createdFolders);
    if (error instanceof CliError && problems.length === 0) throw error; // e.g. cancelled by a hook, or changed meanwhile
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const what = current ? `write ${current.path}` : "finish the writes";
    throw new CliError(
      "WRITE_FAILED",
      `Could not ${what} (${reason}). ${problems.length === 0 ? "Every file was restored: the project is as it was." : `Some files could not be restored: ${problems.join("; ")}`}`,
      { hint: "Check the folder's permissions and free disk space, then run again." },
    );
  }
}
