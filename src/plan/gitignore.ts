// Planning of the project's root .gitignore so the env file with the secret key stays out of git.
// Pure: text in, text out.
//
// Decision: we add the exact env path, anchored to the root with a leading "/" (e.g.
// "/.env.local"), not a broad pattern. create-next-app already ships `.env*` (older versions
// `.env*.local`), which covers us, and we detect that; when nothing covers the file, an exact line
// ignores only the file we write secrets into and never hides files the user commits on purpose
// (`.env.example`, `.env.production` with public values). When git itself is available, the
// caller should prefer its answer (see project/git.ts); gitignoreCovers is the fallback.

import ignore from "ignore";
import { appendLines, trimmedLines } from "./append-lines.js";

export const GITIGNORE_COMMENT = "# env file with Clerk keys: keep it out of git";

/**
 * Whether the rules in a root .gitignore ignore `relPath` (posix, relative to the project root),
 * decided by the `ignore` package (the gitignore matcher ESLint uses): comments, `!` negation,
 * anchors, trailing "/" for directories, `*`, `?`, `[...]`, `**`, and "a file inside an ignored
 * directory cannot be re-included". Case-sensitive, like git on Linux.
 */
export function gitignoreCovers(content: string, relPath: string): boolean {
  const path = relPath.replace(/^\/+/, "");
  if (path === "") return false;
  try {
    return ignore({ ignorecase: false }).add(content).ignores(path);
  } catch {
    return false; // a path `ignore` refuses (e.g. "../x"): not covered, so the exact line gets added
  }
}

/** The line we add for `envPath`: root-anchored, with glob characters escaped. */
export function gitignoreLineFor(envPath: string): string {
  const path = envPath
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
  const escaped = path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, "\\ ");
  return `/${escaped}`;
}

/**
 * Returns the .gitignore text that keeps `envPath` out of git: `before` unchanged when its rules
 * already ignore the file (so applying twice is a no-op), else `before` plus a short comment and
 * the root-anchored path, appended with the file's EOL and the same prefix/final-newline rules
 * as the env file. `before` null = no .gitignore yet.
 */
export function planGitignore(before: string | null, envPath: string): string {
  const normalized = envPath
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
  if (before !== null && gitignoreCovers(before, normalized)) return before;
  const line = gitignoreLineFor(normalized);
  const lines = trimmedLines(before ?? "").has(GITIGNORE_COMMENT) ? [line] : [GITIGNORE_COMMENT, line];
  return appendLines(before, lines);
}
