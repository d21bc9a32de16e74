import { resolveKeys } from "../keys.js";
import type { EnvInput } from "../plan/env-step.js";
import { chooseEnvFile } from "../plan/env.js";
import type { Options, Project } from "../types.js";
import { gitStatusOf } from "./git.js";
import { readOptional, resolveEnvFileOption } from "./targets.js";

// Reads what the env step needs: which env file to use, its content, the keys from flags or the
// environment, and what git thinks of the file.

/** undefined with --no-env. */
export function readEnvInput(
  project: Project,
  options: Options,
  env: NodeJS.ProcessEnv,
): (EnvInput & { keyWarnings: string[] }) | undefined {
  if (!options.env) return undefined;
  const override = options.envFile === undefined ? undefined : resolveEnvFileOption(project, options.envFile);
  let chosen = chooseEnvFile(project.envFiles, override);
  let git = gitStatusOf(project.root, chosen.path);
  if (override === undefined && chosen.path === ".env" && git.tracked) {
    // A committed .env holds shared, public defaults: secrets go to a new .env.local instead.
    chosen = { path: ".env.local", before: null };
    git = gitStatusOf(project.root, chosen.path);
  }
  const before = override !== undefined && chosen.before === null ? readOptional(project, chosen.path) : chosen.before;
  const keys = resolveKeys({ flagPublishable: options.publishableKey, flagSecret: options.secretKey, env });
  return {
    path: chosen.path,
    before,
    publishableKey: keys.publishableKey ?? "",
    secretKey: keys.secretKey ?? "",
    git: git.inRepo ? { ignored: git.ignored, tracked: git.tracked } : undefined,
    gitignore: git.inRepo ? readOptional(project, ".gitignore") : null,
    keyWarnings: keys.warnings,
    others: project.envFiles.filter((file) => file.path !== chosen.path),
  };
}
