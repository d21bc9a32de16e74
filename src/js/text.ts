// The text around nodes: quoting, indentation and where a line ends.
import type { Token } from "./parse.js";

/** Escapes for characters a string literal (and a `//` comment it is quoted in) cannot hold as they are. */
const CONTROL_ESCAPES: Record<string, string> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

/**
 * `value` as a string literal in `quote`s. Control characters and the line separators U+2028 and
 * U+2029 are escaped (`\n`, `\u2028`): a matcher string from the user's file (`"/dash\nboard"`)
 * quoted into a generated `//` comment must not end the comment and spill code onto a new line.
 */
export function quoteString(value: string, quote: '"' | "'"): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .split(quote)
    .join(`\\${quote}`)
    .replace(
      /[\u0000-\u001f\u007f\u2028\u2029]/g,
      (ch) => CONTROL_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return `${quote}${escaped}${quote}`;
}

/** Index of the line break that ends the line holding `pos` (or the end of the text). */
function lineEnd(code: string, pos: number): number {
  const newline = code.indexOf("\n", pos);
  if (newline === -1) return code.length;
  return code[newline - 1] === "\r" ? newline - 1 : newline;
}

/** The whitespace a line starts with, for the line holding `pos`. */
export function lineIndent(code: string, pos: number): string {
  const start = code.lastIndexOf("\n", pos - 1) + 1;
  return code.slice(start).match(/^[ \t]*/)?.[0] ?? "";
}

export function spansLines(code: string, start: number, end: number): boolean {
  return code.slice(start, end).includes("\n");
}

/**
 * Where to insert a new line after `anchor`: past comments that follow it on the same line
 * (`"/a", // note`), unless code follows on that line (`"/a"]`): then right at the anchor.
 */
export function endOfStatementLine(code: string, tokens: Token[], anchor: number): number {
  let end = lineEnd(code, anchor);
  for (const token of tokens) {
    if (token.start < anchor || token.start >= end) continue;
    if (!token.label.startsWith("Comment")) return anchor;
    if (token.end > end) end = lineEnd(code, token.end);
  }
  return end;
}
