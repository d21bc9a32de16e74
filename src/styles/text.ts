import { PRINT_WIDTH } from "../core/text.js";

// Words for the styles' generated comments and next steps.

/** `// ` comment lines of at most PRINT_WIDTH columns; a quoted phrase ("Authorization: Bearer <token>") stays on one line. */
export function commentLines(text: string): string[] {
  const lines: string[] = [];
  let line = "//";
  for (const word of text.match(/(?:"[^"]*"|\S)+/g) ?? []) {
    if (line !== "//" && `${line} ${word}`.length > PRINT_WIDTH) {
      lines.push(line);
      line = "//";
    }
    line += ` ${word}`;
  }
  if (line !== "//") lines.push(line);
  return lines;
}

/** "a", "a and b", "a, b and c" (or "or"). */
export function list(items: string[], and = "and"): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`;
}
