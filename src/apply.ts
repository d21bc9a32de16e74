import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { CliError } from "./core/errors.js";
import { checkNotSymlink, readText } from "./core/files.js";
import type { FileChange } from "./core/types.js";

// Writes a plan all-or-nothing: each file goes to a temporary file in its own folder and is
// renamed into place; on any failure every file already written is restored, every file and
// folder already created is removed, and the error is reported.

export interface ApplyHooks {
  /** Called before each file is renamed into place; throwing simulates a failure (tests). */
  beforeCommit?: (change: FileChange) => void | Promise<void>;
}

interface Done {
  change: FileChange;
  absolute: string;
}

/** Refuses to write over a file that changed since the plan read it, or over a symbolic link. */
export function checkUnchanged(root: string, changes: FileChange[]): void {
  for (const change of changes) {
    const file = path.join(root, change.path);
    checkNotSymlink(file, change.path);
    const current = readText(file, change.path, true);
    if (current !== change.before) {
      throw new CliError("FILE_CHANGED", `${change.path} changed on disk while this run was planning; nothing was written.`, {
        hint: "Run the command again.",
      });
    }
  }
}

/** Creates the missing folders above `file`, returning those it created (outermost first). */
async function ensureFolders(root: string, file: string): Promise<string[]> {
  const missing: string[] = [];
  let folder = path.dirname(file);
  while (folder !== root && folder.startsWith(root)) {
    try {
      await fs.stat(folder);
      break;
    } catch {
      missing.unshift(folder);
      folder = path.dirname(folder);
    }
  }
  for (const dir of missing) await fs.mkdir(dir);
  return missing;
}

async function writeAtomically(file: string, content: string, hooks: ApplyHooks, change: FileChange): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const mode = await fs.stat(file).then((s) => s.mode, () => undefined);
    await fs.writeFile(temporary, content);
    // writeFile's mode is masked by the umask; chmod keeps an existing file's mode exactly.
    if (mode !== undefined) await fs.chmod(temporary, mode);
    await hooks.beforeCommit?.(change);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
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
  checkUnchanged(root, changes);
  const done: Done[] = [];
  const createdFolders: string[] = [];
  for (const change of changes) {
    const absolute = path.join(root, change.path);
    try {
      createdFolders.push(...(await ensureFolders(root, absolute)));
      await writeAtomically(absolute, change.after, hooks, change);
      done.push({ change, absolute });
    } catch (error) {
      const problems = await rollBack(done, createdFolders);
      if (error instanceof CliError && problems.length === 0) throw error; // e.g. cancelled by a hook
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CliError(
        "WRITE_FAILED",
        `Could not write ${change.path} (${reason}). ${problems.length === 0 ? "Every file was restored: the project is as it was." : `Some files could not be restored: ${problems.join("; ")}`}`,
        { hint: "Check the folder's permissions and free disk space, then run again." },
      );
    }
  }
}
