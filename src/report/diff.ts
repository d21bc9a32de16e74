import { createTwoFilesPatch } from "diff";
import type { Colors } from "picocolors/types.js";
import type { FileChange } from "../core/types.js";
import { parseEnvText } from "../plan/env-file.js";

/** What a masked value shows: a Clerk key's public prefix (pk_test_, sk_live_, …), nothing else. */
function maskedValue(value: string): string {
  const prefix = /^["'`]?((?:pk|sk)_(?:test|live)_)/.exec(value)?.[1];
  return prefix ? `${prefix}…` : "…";
}

/**
 * The lines of every multi-line value, as the parsers Next and Node use read them (dotenv and
 * util.parseEnv): a line inside a quoted value may look like a comment or a key.
 */
function multiLineValueLines(text: string): Set<string> {
  const lines = new Set<string>();
  for (const parser of ["dotenv", "node"] as const) {
    let values: Map<string, string>;
    try {
      values = parseEnvText(text, parser);
    } catch {
      continue; // util.parseEnv is missing on Node 20.9–20.11
    }
    for (const value of values.values()) {
      if (!/[\r\n]/.test(value)) continue;
      for (const line of value.split(/\r?\n|\r/)) if (line.trim() !== "") lines.add(line.trim());
    }
  }
  return lines;
}

/**
 * An env file with every value masked: previews land in terminals and CI logs. Quoted values that
 * span several lines are followed to their closing quote, and their inner lines hidden too; so is
 * any line holding a line of a multi-line value as the parsers read it, whatever it looks like.
 */
export function maskEnvText(text: string): string {
  let openQuote: string | undefined;
  const secretLines = [...multiLineValueLines(text)];
  return text
    .split("\n")
    .map((line) => {
      if (secretLines.some((secret) => line.includes(secret))) {
        const key = /^(\s*(?:export\s+)?[\w.-]+\s*[=:]\s*)["'`]/.exec(line)?.[1];
        return key ? `${key}…` : "…";
      }
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
