import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { CliError } from "./errors.js";
import { isInside } from "./paths.js";

// Every user file this tool reads goes through here. A file it rewrites must be UTF-8, so that
// writing it back keeps every byte the tool did not mean to change. Only regular files are read:
// a FIFO, socket, device or folder where a file belongs is an error, never a hang.

/** The largest file the run reads to patch (env files, proxy/middleware, the route, .gitignore). */
export const MAX_FILE_BYTES = 1024 * 1024;

function notAFile(label: string, stat: Stats): CliError {
  const kind = stat.isDirectory()
    ? "a folder"
    : stat.isFIFO()
      ? "a named pipe (FIFO)"
      : stat.isSocket()
        ? "a socket"
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? "a device"
          : "not a regular file";
  return new CliError("NOT_A_FILE", `${label} is ${kind}, not a regular file; this tool reads and writes regular files only.`, {
    hint: `Move ${label} out of the way, or skip this step (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).`,
  });
}

function tooLarge(label: string, size: number): CliError {
  return new CliError("FILE_TOO_LARGE", `${label} is ${(size / 1024 / 1024).toFixed(1)} MB; this tool only patches files up to 1 MB.`, {
    hint: `Edit ${label} by hand, or skip this step (--no-env for an env file, --no-middleware for proxy/middleware).`,
  });
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
    throw new CliError("NOT_UTF8", `${label} is not UTF-8 text; rewriting it would change bytes this tool does not mean to touch.`, {
      hint: "Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again, or leave that file out (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).",
    });
  }
  return text;
}

/**
 * Refuses to replace what is not a plain, singly linked file: a symbolic link (dangling or not;
 * it would become a plain file), a FIFO, socket, device or folder, or a file with several hard
 * links (the rename would split it from its other names). A missing path is fine.
 */
export function checkWritableTarget(file: string, label: string): Stats | undefined {
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  if (stat.isSymbolicLink()) {
    throw new CliError("SYMLINK_TARGET", `${label} is a symbolic link; writing it would replace the link with a plain file.`, {
      hint: "Edit the file it points to by hand, or skip this step (--no-env / --no-middleware).",
    });
  }
  if (!stat.isFile()) throw notAFile(label, stat);
  if (stat.nlink > 1) {
    throw new CliError("HARD_LINK_TARGET", `${label} has ${stat.nlink} hard links; replacing it would leave its other names with the old content.`, {
      hint: `Edit ${label} by hand, or make it a single file first (cp ${label} ${label}.copy && mv ${label}.copy ${label}).`,
    });
  }
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
    throw new CliError("PATH_OUTSIDE_PROJECT", `${label} leads outside the project (to ${path.join(real, path.basename(file))}).`, {
      hint: "A folder on the way is a symbolic link out of the project: replace it with a real folder, or skip this step.",
    });
  }
}
