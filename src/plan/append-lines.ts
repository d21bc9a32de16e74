// Appending lines to a user's text file without touching a single existing byte.
// Shared by the env-file and .gitignore planners.

import { detectEol } from "../core/text.js";

/** True when `text` (ending with a line break) ends with a blank line, or has only blank lines. */
function endsWithBlankLine(text: string): boolean {
  const withoutFinalBreak = text.replace(/\r?\n$/, "");
  const lastBreak = withoutFinalBreak.lastIndexOf("\n");
  return withoutFinalBreak.slice(lastBreak + 1).trim() === "";
}

/** The set of the file's lines, trimmed: to ask "is this exact line already there?". */
export function trimmedLines(text: string): Set<string> {
  return new Set(text.split(/\r?\n/).map((line) => line.trim()));
}

/**
 * Returns `before` + `lines`, each line ended with the file's EOL (LF for a new file).
 * - `before` stays an exact prefix of the result.
 * - If `before` lacks a final newline, one line break is inserted first.
 * - If the first appended line is a comment, it is separated from existing content by one
 *   blank line (unless the file already ends with one).
 * - The result always ends with a line break (we own the lines we add; editors, POSIX tools
 *   and git expect one).
 * - No lines: `before` unchanged ("" for a new file).
 */
export function appendLines(before: string | null, lines: string[]): string {
  let out = before ?? "";
  if (lines.length === 0) return out;
  const eol = before === null ? "\n" : detectEol(out);
  if (out !== "" && !out.endsWith("\n")) out += eol;
  if (out !== "" && lines[0]!.startsWith("#") && !endsWithBlankLine(out)) out += eol;
  return out + lines.map((line) => line + eol).join("");
}
