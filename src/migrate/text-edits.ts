// Removing code with magic-string so that what stays looks as if the removed part had never been
// written: whole lines go with the comments above them, list items with their commas, and no
// double blank line is left behind.
import type { Node } from "@babel/types";
import type MagicString from "magic-string";
import type { Token } from "../js/parse.js";

/** Start of the line holding `pos`. */
function lineStart(code: string, pos: number): number {
  return code.lastIndexOf("\n", pos - 1) + 1;
}

/** Index just past the line break that ends the line holding `pos` (or the end of the text). */
function nextLineStart(code: string, pos: number): number {
  const newline = code.indexOf("\n", pos);
  return newline === -1 ? code.length : newline + 1;
}

const blank = (text: string) => text.trim() === "";

/**
 * The span of a statement with its own-line comments right above it (no blank line between) and a
 * comment on its last line, as [start, end).
 */
export function statementSpan(code: string, tokens: Token[], node: Node): [number, number] {
  let start = node.start ?? 0;
  const comments = tokens.filter((t) => t.label.startsWith("Comment"));
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]!;
    if (comment.end > start) continue;
    const between = code.slice(comment.end, start);
    const ownLine = blank(code.slice(lineStart(code, comment.start), comment.start));
    // Directly above: only the line break (and indentation) between; never across a blank line.
    if (!ownLine || !/^[ \t]*\r?\n[ \t]*$/.test(between)) break;
    start = comment.start;
  }
  let end = node.end ?? 0;
  const lineEnd = nextLineStart(code, end);
  const trailing = comments.find((t) => t.start >= end && t.start < lineEnd && blank(code.slice(end, t.start)));
  if (trailing) end = trailing.end;
  return [start, end];
}

/**
 * Removes [start, end): as whole lines when nothing else is on them (then a blank line left
 * between two blank lines, or right after an opening brace, goes too), else just the span.
 */
export function removeSpan(ms: MagicString, code: string, start: number, end: number): void {
  const from = lineStart(code, start);
  const to = nextLineStart(code, end);
  const alone = blank(code.slice(from, start)) && blank(code.slice(end, to));
  if (!alone) {
    ms.remove(start, end);
    return;
  }
  let stop = to;
  const before = from === 0 ? "" : code.slice(lineStart(code, from - 1), from);
  const after = code.slice(to, nextLineStart(code, to));
  const opensBlock = /[{[(]\s*$/.test(before);
  if ((from === 0 || blank(before) || opensBlock) && after !== "" && blank(after)) stop = nextLineStart(code, to);
  // The last line of the file without a line break: take the break before it instead.
  if (to === code.length && !code.endsWith("\n") && from > 0) {
    ms.remove(from - (code[from - 2] === "\r" ? 2 : 1), end);
    return;
  }
  ms.remove(from, stop);
}

/**
 * Removes items of a comma-separated list (array elements, import specifiers), with their commas,
 * keeping the list's layout. `items` are all the list's items in order; `drop` the indices to go.
 * Removing every item is the caller's business (the list itself goes, or becomes `[]`).
 */
export function removeListItems(
  ms: MagicString,
  code: string,
  tokens: Token[],
  items: Node[],
  drop: Set<number>,
): void {
  const next = (pos: number) => tokens.find((t) => t.start >= pos && !t.label.startsWith("Comment"));
  const sameLineComment = (pos: number) => {
    const lineEnd = code.indexOf("\n", pos);
    return tokens.find(
      (t) =>
        t.label.startsWith("Comment") &&
        t.start >= pos &&
        (lineEnd === -1 || t.start < lineEnd) &&
        blank(code.slice(pos, t.start)),
    );
  };
  const kept = items.map((_, i) => i).filter((i) => !drop.has(i));
  const lastKept = kept.at(-1) ?? -1;
  for (const index of drop) {
    const item = items[index]!;
    const comma = next(item.end ?? 0);
    let end = comma?.label === "," ? comma.end : (item.end ?? 0);
    end = sameLineComment(end)?.end ?? end;
    // One item per line: its lines go, with the comments right above it (a kept item's comma stays).
    if (
      blank(code.slice(lineStart(code, item.start ?? 0), item.start ?? 0)) &&
      blank(code.slice(end, nextLineStart(code, end)))
    ) {
      const [from] = statementSpan(code, tokens, item);
      ms.remove(lineStart(code, from), nextLineStart(code, end));
      continue;
    }
    if (index > lastKept) {
      // Inline, after the last kept item: the comma before it goes (a trailing one stays).
      if (drop.has(index - 1)) continue; // removed with the run that starts after the kept item
      const previous = items[index - 1];
      ms.remove(previous ? (previous.end ?? 0) : (item.start ?? 0), lastRemovedEnd(items, index, drop));
      continue;
    }
    // Inline, before a kept item: the item, its comma and the space up to the next item.
    const following = tokens.find((t) => t.start >= end);
    ms.remove(item.start ?? 0, following ? following.start : end);
  }
}

/** The end of the run of dropped items starting at `index` (they are all after the last kept one). */
function lastRemovedEnd(items: Node[], index: number, drop: Set<number>): number {
  let last = index;
  while (last + 1 < items.length && drop.has(last + 1)) last++;
  return items[last]!.end ?? 0;
}
