import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";

// Text laid out for a terminal of a given width: wrapped at word boundaries (wrap-ansi, which keeps
// colours across breaks; widths by string-width, so colours count for nothing and wide characters
// for two). A word longer than the width (a URL, a long path) stays whole on its own line and may
// overflow: cutting it would make it impossible to copy. Presentation only: the words are the
// report's. Loaded only by the prompts and by a non-interactive run writing to a terminal.

/** A terminal's width: its `columns`, or 80 when it does not say (a pipe, a pseudo-terminal without a size). */
export function columnsOf(stream: { columns?: number }): number {
  return stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
}

/** Below this, wrapping stops helping: every word overflows anyway. */
const NARROWEST = 10;

/** The widest line of `text`, in terminal columns. */
export function widest(text: string): number {
  return Math.max(0, ...text.split("\n").map((line) => stringWidth(line)));
}

/**
 * Every line of `text` wrapped to `width` columns at word boundaries. A line's own indentation is
 * repeated on its wrapped lines, so indented hints and code stay indented.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split("\n")
    .map((line) => {
      const [, indent = "", rest = ""] = /^([ \t]*)(.*)$/s.exec(line) ?? [];
      if (rest === "") return line;
      const inner = Math.max(width - stringWidth(indent), NARROWEST);
      return wrapAnsi(rest, inner, { hard: false, trim: true })
        .split("\n")
        .map((row) => indent + row)
        .join("\n");
    })
    .join("\n");
}

/**
 * `prefix` (a symbol, "1. ", "created  ") followed by `text` wrapped to the columns left beside it;
 * every further line is indented to start under the text (a hanging indent).
 */
export function hang(prefix: string, text: string, width: number): string {
  const indent = " ".repeat(stringWidth(prefix));
  return wrapText(text, Math.max(width - indent.length, NARROWEST))
    .split("\n")
    .map((row, i) => (i === 0 ? prefix : row === "" ? "" : indent) + row)
    .join("\n");
}

/**
 * Text whose every character matters (a diff) cut into rows of at most `width` columns, as the
 * terminal itself would, so that a frame's gutter can be put before each row.
 */
export function cutLines(text: string, width: number): string {
  return wrapAnsi(text, Math.max(width, NARROWEST), { hard: true, wordWrap: false, trim: false });
}

/**
 * A shell command over several lines: breaks only between `groups` (a flag stays with its value),
 * each line but the last ending in ` \` so that the copied text still runs as one command, and
 * the lines after the first indented by two spaces.
 */
export function wrapCommand(groups: string[], width: number): string {
  const lines: string[] = [];
  for (const group of groups) {
    const last = lines.length - 1;
    if (last >= 0 && stringWidth(`${lines[last]} ${group} \\`) <= width) lines[last] += ` ${group}`;
    else lines.push(last < 0 ? group : `  ${group}`);
  }
  return lines.join(" \\\n");
}
