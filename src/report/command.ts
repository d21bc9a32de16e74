import type { Mode, Options } from "../core/options.js";
import { flagName, valueOf } from "../core/style.js";
import { shellQuote } from "../styles/flags.js";

// The non-interactive command that repeats an interactive run, e.g. in CI.

export function equivalentCommand(options: Options, mode: Pick<Mode, "cwdFlag" | "force">): string {
  // The folder (not the URL pattern) so that route groups like (admin) survive the round trip.
  const parts = ["npx create-clerk-route", shellQuote(`/${options.route.folder}`), "--style", options.style.name];
  if (options.methods.join(",") !== options.style.methods.default.join(",")) parts.push("--methods", options.methods.join(","));
  for (const flag of options.style.flags) {
    if (!options.values.has(flag)) continue;
    const value = valueOf(options.values, flag);
    const formatted = flag.format(value);
    if (formatted !== "" && formatted !== flag.format(flag.fallback)) parts.push(flagName(flag), formatted);
  }
  if (mode.cwdFlag) parts.push("--cwd", shellQuote(mode.cwdFlag));
  if (!options.middleware) parts.push("--no-middleware");
  if (!options.env) parts.push("--no-env");
  if (options.envFile) parts.push("--env-path", shellQuote(options.envFile.path)); // node 20 intercepts --env-file
  if (mode.force) parts.push("--force");
  parts.push("--yes");
  return parts.join(" ");
}
