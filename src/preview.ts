import { createTwoFilesPatch } from "diff";
import type { Colors } from "picocolors/types.js";
import type { FileChange } from "./types.js";

// Dry-run output: a unified diff per planned change (new files in full), coloured when allowed.

export function renderDiff(change: FileChange, colors: Colors): string {
  const patch = createTwoFilesPatch(
    change.before === null ? "/dev/null" : `a/${change.path}`,
    `b/${change.path}`,
    change.before ?? "",
    change.after,
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
    .join("\n");
}
