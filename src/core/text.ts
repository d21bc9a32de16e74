// Text facts shared by every step that edits a user's file or writes words about it.

/** The file's line ending, judged by its first line break ("\n" for text without any). */
export function detectEol(text: string): "\r\n" | "\n" {
  const i = text.indexOf("\n");
  return i > 0 && text[i - 1] === "\r" ? "\r\n" : "\n";
}

/** `text` with every line break turned into `eol`. */
export function withEol(text: string, eol: "\r\n" | "\n"): string {
  return eol === "\n" ? text : text.replace(/\r?\n/g, eol);
}

/** prettier's default printWidth: generated code is laid out to fit it, the way prettier would. */
export const PRINT_WIDTH = 80;

/** "a", "a and b", "a, b and c" (or "or"). */
export function list(items: string[], and = "and"): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`;
}
