import { createTwoFilesPatch } from "diff";
import type { Colors } from "picocolors/types.js";
import { maskValue } from "./keys.js";
import type { FileChange } from "./types.js";

/** An env-file line with its value masked: previews land in terminals and CI logs. */
export function maskEnvLine(line: string): string {
  if (line.trim() === "" || line.trimStart().startsWith("#")) return line;
  const match = /^(\s*(?:export\s+)?[\w.-]+\s*[=:]\s*)(.*)$/.exec(line);
  if (!match) return "…"; // a continuation line of a multi-line value
  const value = match[2]!;
  return value === "" ? line : `${match[1]}${maskValue(value.replace(/^["'`]/, ""))}`;
}

// Dry-run output: a unified diff per planned change (new files in full), coloured when allowed.

export function renderDiff(change: FileChange, colors: Colors): string {
  const mask = (text: string) => (change.sensitive ? text.split("\n").map(maskEnvLine).join("\n") : text);
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
