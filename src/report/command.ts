import type { Mode, Options } from "../plan/options.js";
import { flagName, valueOf } from "../styles/declaration.js";
import { shellQuote } from "../core/shell.js";

// The non-interactive command that repeats an interactive run, e.g. in CI.

/**
 * The command (the words joined by spaces) as groups of words that belong on one line (a flag and its value), so that a
 * terminal too narrow for it can break it between groups only (see `wrapCommand`).
 */
export function commandGroups(options: Options, mode: Pick<Mode, "cwdFlag" | "force">): string[] {
  // The folder (not the URL pattern) so that route groups like (admin) survive the round trip.
  const groups = ["npx create-clerk-route", shellQuote(`/${options.route.folder}`), `--style ${options.style.name}`];
  if (options.methods.join(",") !== options.style.methods.default.join(","))
    groups.push(`--methods ${options.methods.join(",")}`);
  for (const flag of options.style.flags) {
    if (!options.values.has(flag)) continue;
    const value = valueOf(options.values, flag);
    // A repeatable flag (--permission a --permission b): one group per occurrence.
    const occurrences = flag.combine && Array.isArray(value) ? value.map((item: unknown) => [item]) : [value];
    for (const occurrence of occurrences) {
      const formatted = flag.format(occurrence);
      if (formatted !== "" && formatted !== flag.format(flag.fallback)) groups.push(`${flagName(flag)} ${formatted}`);
    }
  }
  if (mode.cwdFlag) groups.push(`--cwd ${shellQuote(mode.cwdFlag)}`);
  if (!options.middleware) groups.push("--no-middleware");
  if (!options.env) groups.push("--no-env");
  if (options.envFile) groups.push(`--env-path ${shellQuote(options.envFile.path)}`); // node 20 intercepts --env-file
  if (mode.force) groups.push("--force");
  groups.push("--yes");
  return groups;
}
