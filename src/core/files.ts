import { existsSync, lstatSync, readFileSync } from "node:fs";
import { CliError } from "./errors.js";

// Every user file this tool reads goes through here. A file it rewrites must be UTF-8, so that
// writing it back keeps every byte the tool did not mean to change.

/** The file's text, or null when it does not exist. Planning reads leniently: a file that is not
 * UTF-8 only matters if the plan writes it, and apply checks that with readText(file, label, true). */
export function readText(file: string, label: string = file, strict = false): string | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  const text = bytes.toString("utf8");
  if (strict && !Buffer.from(text, "utf8").equals(bytes)) {
    throw new CliError("NOT_UTF8", `${label} is not UTF-8 text; rewriting it would change bytes this tool does not mean to touch.`, {
      hint: "Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again, or leave that file out (--no-env for an env file, --no-middleware for proxy/middleware, another route for a route file).",
    });
  }
  return text;
}

/** Refuses to replace a symbolic link with a plain file. */
export function checkNotSymlink(file: string, label: string): void {
  if (existsSync(file) && lstatSync(file).isSymbolicLink()) {
    throw new CliError("SYMLINK_TARGET", `${label} is a symbolic link; writing it would replace the link with a plain file.`, {
      hint: "Edit the file it points to by hand, or skip this step (--no-env / --no-middleware).",
    });
  }
}
