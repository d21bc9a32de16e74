import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  type Stats,
} from "node:fs";
import path from "node:path";
import { CliError } from "./errors.js";
import { isInside } from "./paths.js";

// Every user file this tool reads goes through here (readText; manifests through readManifestText,
// which says "no file" instead of failing). A file it rewrites must be UTF-8, so that writing it
// back keeps every byte the tool did not mean to change. Only regular files are read: a FIFO,
// socket, device or folder where a file belongs is an error, never a hang.

/** The largest file the run reads to patch (env files, proxy/middleware, the route, .gitignore). */
export const MAX_FILE_BYTES = 1024 * 1024;

/** NOT_A_FILE naming what `label` is instead (a folder, a FIFO, ...); `hint` replaces the usual one. */
export function notAFile(label: string, stat: Stats, hint?: string): CliError {
  const kind = stat.isDirectory()
    ? "a folder"
    : stat.isFIFO()
      ? "a named pipe (FIFO)"
      : stat.isSocket()
        ? "a socket"
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? "a device"
          : stat.isSymbolicLink()
            ? "a symbolic link"
            : "not a regular file";
  return new CliError(
    "NOT_A_FILE",
    `${label} is ${kind}, not a regular file; this tool reads and writes regular files only.`,
    {
      hint:
        hint ??
        `Move ${label} out of the way, or skip this step (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).`,
    },
  );
}

function tooLarge(label: string, size: number): CliError {
  return new CliError(
    "FILE_TOO_LARGE",
    `${label} is ${(size / 1024 / 1024).toFixed(1)} MB; this tool only patches files up to 1 MB.`,
    {
      hint: `Edit ${label} by hand, or skip this step (--no-env for an env file, --no-middleware for proxy/middleware).`,
    },
  );
}

/** Refuses what is not a regular file, or is one over MAX_FILE_BYTES. */
function checkReadable(stat: Stats, label: string): void {
  if (!stat.isFile()) throw notAFile(label, stat);
  if (stat.size > MAX_FILE_BYTES) throw tooLarge(label, stat.size);
}

/**
 * The file's text, or null when it does not exist (a dangling symbolic link counts as missing
 * here; apply refuses to write it). Planning reads leniently: a file that is not UTF-8 only
 * matters if the plan writes it, and apply checks that with readText(file, label, true).
 * The kind and size are checked with stat before opening, and again on the open descriptor
 * (opened non-blocking, so a FIFO swapped in meanwhile cannot hang the run).
 */
export function readText(file: string, label: string = file, strict = false): string | null {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return null;
  checkReadable(stat, label);
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    checkReadable(fstatSync(fd), label);
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const text = bytes.toString("utf8");
  if (strict && !Buffer.from(text, "utf8").equals(bytes)) {
    throw new CliError(
      "NOT_UTF8",
      `${label} is not UTF-8 text; rewriting it would change bytes this tool does not mean to touch.`,
      {
        hint: "Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again, or leave that file out (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).",
      },
    );
  }
  return text;
}

/**
 * A manifest read for detection (package.json, pnpm-workspace.yaml, node_modules/x/package.json),
 * through readText: undefined when it is missing or cannot be read as a regular file of at most
 * 1 MB (a FIFO, a folder, no permission). Detection treats such a file as absent, never hangs on it.
 */
export function readManifestText(file: string): string | undefined {
  try {
    return readText(file) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses to replace a file its owner made read-only (no owner write bit, e.g. chmod 444), or one
 * this process may not write: the atomic rename would replace it all the same, since it needs
 * only the folder's permission.
 */
function checkNotReadOnly(file: string, label: string, stat: Stats): void {
  let writable = (stat.mode & 0o200) !== 0;
  if (writable) {
    try {
      accessSync(file, constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    throw new CliError(
      "READ_ONLY_FILE",
      `${label} is read-only (mode ${(stat.mode & 0o777).toString(8).padStart(3, "0")}); this tool does not replace a file you cannot write.`,
      {
        hint: `Make it writable first (chmod u+w ${label}) if it should change, or skip this step (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).`,
      },
    );
  }
}

/**
 * Whether a folder or file may decide how this user's project is installed (a workspace root
 * above the project, its package.json): owned by this user or by root, and not writable by
 * others. A path that does not exist is `missing`. Windows has no such owners or modes: trusted.
 */
export function isTrusted(file: string, missing = false): boolean {
  if (typeof process.getuid !== "function") return true;
  const uid = process.getuid();
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined) return missing;
    return (stat.uid === uid || stat.uid === 0) && (stat.mode & 0o002) === 0;
  } catch {
    return false; // EACCES, ENOTDIR, ...
  }
}

/**
 * Refuses to replace what is not a plain, singly linked file: a symbolic link (dangling or not;
 * it would become a plain file), a FIFO, socket, device or folder, or a file with several hard
 * links (the rename would split it from its other names), or a read-only file. A missing path is fine.
 */
export function checkWritableTarget(file: string, label: string): Stats | undefined {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  if (stat.isSymbolicLink()) {
    throw new CliError(
      "SYMLINK_TARGET",
      `${label} is a symbolic link; writing it would replace the link with a plain file.`,
      {
        hint: "Edit the file it points to by hand, or skip this step (--no-env / --no-middleware).",
      },
    );
  }
  if (!stat.isFile()) throw notAFile(label, stat);
  if (stat.nlink > 1) {
    throw new CliError(
      "HARD_LINK_TARGET",
      `${label} has ${stat.nlink} hard links; replacing it would leave its other names with the old content.`,
      {
        hint: `Edit ${label} by hand, or make it a single file first (cp ${label} ${label}.copy && mv ${label}.copy ${label}).`,
      },
    );
  }
  checkNotReadOnly(file, label, stat);
  return stat;
}

/** The real path of the nearest existing ancestor of `absolute`, with the rest appended. */
export function realPathOf(absolute: string): string {
  const missing: string[] = [];
  let current = absolute;
  while (!existsSync(current) && path.dirname(current) !== current) {
    missing.unshift(path.basename(current));
    current = path.dirname(current);
  }
  return path.join(realpathSync(current), ...missing);
}

/** Refuses a path whose folders lead (through a symbolic link) outside the project. */
export function checkInsideProject(root: string, file: string, label: string): void {
  const real = realPathOf(path.dirname(file));
  if (!isInside(realpathSync(root), real)) {
    throw new CliError(
      "PATH_OUTSIDE_PROJECT",
      `${label} leads outside the project (to ${path.join(real, path.basename(file))}).`,
      {
        hint: "A folder on the way is a symbolic link out of the project: replace it with a real folder, or skip this step.",
      },
    );
  }
}
