import { createTwoFilesPatch } from "diff";
import type { Colors } from "picocolors/types.js";
import type { FileChange } from "../core/types.js";

/** What a masked value shows: a Clerk key's public prefix (pk_test_, sk_live_, …), nothing else. */
function maskedValue(value: string): string {
  const prefix = /^["'`]?((?:pk|sk)_(?:test|live)_)/.exec(value)?.[1];
  return prefix ? `${prefix}…` : "…";
}

/**
 * An env file with every value masked: previews land in terminals and CI logs. Quoted values that
 * span several lines are followed to their closing quote, and their inner lines hidden too.
 */
export function maskEnvText(text: string): string {
  let openQuote: string | undefined;
  return text
    .split("\n")
    .map((line) => {
      if (openQuote) {
        if (line.includes(openQuote)) openQuote = undefined;
        return "…";
      }
      if (line.trim() === "" || line.trimStart().startsWith("#")) return line;
      const match = /^(\s*(?:export\s+)?[\w.-]+\s*[=:]\s*)(.*?)(\r?)$/.exec(line);
      if (!match) return "…";
      const [, head, value, cr] = match as unknown as [string, string, string, string];
      const quote = /^["'`]/.exec(value)?.[0];
      if (quote && value.slice(1).indexOf(quote) === -1) openQuote = quote;
      return value === "" ? line : `${head}${maskedValue(value)}${cr}`;
    })
    .join("\n");
}

export function renderDiff(change: FileChange, colors: Colors): string {
  const mask = (text: string) => (change.sensitive ? maskEnvText(text) : text);
  const patch = createTwoFilesPatch(
    change.before === null ? "/dev/null" : `a/${change.path}`,
    `b/${change.path}`,
    mask(change.before ?? ""),
    mask(change.after),
    undefined,
    undefined,
    { context: 3 },
  );
  return patch
    .split("\n")
    .slice(1) // drop the "Index:"/"====" header line diff writes first
    .filter((line) => !/^=+$/.test(line))
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return colors.bold(line);
      if (line.startsWith("+")) return colors.green(line);
      if (line.startsWith("-")) return colors.red(line);
      if (line.startsWith("@@")) return colors.cyan(line);
      return line;
    })
    .join("\n")
    .trimEnd();
}
