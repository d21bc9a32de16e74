import { existsSync, lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { CliError } from "../core/errors.js";
import { realPathOf } from "../core/files.js";
import { isInside, toProjectPath } from "../core/paths.js";
import type { ExistingFile } from "../core/types.js";
import type { Project } from "./detect.js";
import { gitStatusOf } from "./git.js";
import { readOptional } from "./targets.js";

// Where the Clerk keys go: the one rule that picks the env file, and what the env step needs to
// know about it (its content, the other env files Next loads, what git thinks of it).

export interface EnvTarget {
  /** The env file to ensure, relative to the root (posix), and its current content. */
  path: string;
  before: string | null;
  /** Git facts about the env file; undefined outside a git repository. */
  git?: { ignored: boolean; tracked: boolean };
  /** Current .gitignore content (null when missing, or outside git). */
  gitignore: string | null;
  /** The other env files Next.js loads: a key set there must not be hidden by a placeholder. */
  others: ExistingFile[];
}

/** Names an env file may have: `.env` or `.env.<anything>` (what Next and create-next-app's ignore rule know). */
const ENV_FILE_NAME = /^\.env(\..+)?$/;
/** Folders no env file belongs in: git's and npm's own. */
const FORBIDDEN_FOLDERS = new Set([".git", "node_modules"]);

/**
 * An env file path given with --env-file / --env-path: named like an env file, inside the project
 * (also through symbolic links), outside .git/ and node_modules/. Returns it relative, posix.
 */
export function resolveEnvFileOption(project: Pick<Project, "root">, given: { path: string; flag: string }): string {
  const absolute = path.resolve(project.root, given.path.trim());
  const shown = `${given.flag} ${given.path}`;
  if (
    !isInside(project.root, absolute) ||
    absolute === project.root ||
    !isInside(realpathSync(project.root), realPathOf(absolute))
  ) {
    throw new CliError("ENV_FILE_OUTSIDE_PROJECT", `${shown} is outside the project.`, {
      hint: "Give a path inside the project, such as .env.local.",
    });
  }
  if (existsSync(absolute) && lstatSync(absolute).isDirectory()) {
    throw new CliError("ENV_FILE_IS_DIRECTORY", `${shown} is a folder.`, {
      hint: "Give a file path, such as .env.local.",
    });
  }
  const relative = toProjectPath(project.root, absolute);
  const folders = relative.split("/").slice(0, -1);
  if (!ENV_FILE_NAME.test(path.basename(absolute)) || folders.some((folder) => FORBIDDEN_FOLDERS.has(folder))) {
    throw new CliError(
      "INVALID_ENV_FILE",
      `${shown} is not an env file: the Clerk keys go into a file named .env or .env.<something>, outside .git/ and node_modules/.`,
      {
        hint: "Give a path such as .env.local or config/.env.local; files like package.json or .git/config are never written.",
      },
    );
  }
  return relative;
}

/**
 * Which env file to write: the given one, else ".env.local", else ".env", else a new ".env.local".
 * Next loads .env.local for every environment except `test`, and it is the conventional place for
 * secrets. A .env that git tracks holds shared, public defaults: secrets go to .env.local then.
 */
export function readEnvTarget(project: Project, given: { path: string; flag: string } | undefined): EnvTarget {
  const unreadable = project.unreadable?.env[0];
  if (unreadable) throw unreadable; // an env file Next loads is a FIFO, a folder or over 1 MB
  const find = (relative: string) => project.envFiles.find((file) => file.path === relative);
  if (given?.path.trim() === "") given = undefined; // `--env-file ""`: as if not given
  let chosen: string;
  if (given !== undefined) chosen = resolveEnvFileOption(project, given);
  else chosen = [".env.local", ".env"].find((candidate) => find(candidate)) ?? ".env.local";
  let git = gitStatusOf(project.root, chosen);
  if (given === undefined && chosen === ".env" && git.tracked) {
    chosen = ".env.local";
    git = gitStatusOf(project.root, chosen);
  }
  return {
    path: chosen,
    before: find(chosen)?.content ?? readOptional(project, chosen),
    git: git.inRepo ? { ignored: git.ignored, tracked: git.tracked } : undefined,
    gitignore: git.inRepo ? readOptional(project, ".gitignore") : null,
    others: project.envFiles.filter((file) => file.path !== chosen),
  };
}
