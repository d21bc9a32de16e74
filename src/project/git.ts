// A tiny git probe: is a file ignored / already committed? Used to decide whether the env file
// needs a .gitignore line and whether to warn that secrets may already be in git history.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export interface GitStatus {
  /** `root` is inside a git work tree (and git could be run). */
  inRepo: boolean;
  /** The ignore rules (.gitignore files, .git/info/exclude, core.excludesFile) match the path. */
  ignored: boolean;
  /** The path is in the index (committed or staged). */
  tracked: boolean;
}

const NOT_A_REPO: GitStatus = { inRepo: false, ignored: false, tracked: false };

/**
 * Variables that would point git at another repository than the one around `root` (they are
 * set, for example, while running inside a git hook).
 */
const REPO_OVERRIDES = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_COMMON_DIR",
  "GIT_OBJECT_DIRECTORY",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

function runGit(root: string, args: string[]): number | null {
  const env = { ...process.env };
  for (const name of REPO_OVERRIDES) delete env[name];
  const result = spawnSync("git", args, {
    cwd: root,
    env,
    shell: false,
    stdio: "ignore",
    timeout: 5_000,
    windowsHide: true,
  });
  // ENOENT (git not installed), a timeout or a signal: no answer.
  if (result.error || result.status === null) return null;
  return result.status;
}

function insideWorkTree(root: string): boolean {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, ".git"))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * Asks git about `relPath` (relative to `root`, posix slashes). Never throws: when git is
 * missing, times out (5 s per call) or `root` is not in a work tree, returns
 * { inRepo: false, ignored: false, tracked: false }.
 *
 * `ignored` answers "do the ignore rules match?" even for a tracked file (plain check-ignore says
 * "not ignored" for every tracked file). A file that is both tracked and ignored is still
 * committed: check `tracked` for that.
 *
 * One git process in the common case (an env file the rules already ignore): plain check-ignore
 * answers "ignored" only for a path that is not in the index, so that answer is complete. No
 * single git command answers both questions for a path that may not exist yet (ls-files and
 * status see only files on disk or in the index; check-ignore never says what is tracked), so
 * a path it does not ignore takes a second (ls-files), and a tracked one a third (check-ignore
 * --no-index, for the rules alone).
 */
export function gitStatusOf(root: string, relPath: string): GitStatus {
  // No .git (folder, or file for worktrees/submodules) here or above: no need to start git at all.
  if (!insideWorkTree(root)) return { ...NOT_A_REPO };
  // check-ignore: 0 = ignored, 1 = not ignored (or tracked), 128 = fatal (e.g. not a repository).
  const ignoreStatus = runGit(root, ["check-ignore", "-q", "--", relPath]);
  if (ignoreStatus === 0) return { inRepo: true, ignored: true, tracked: false };
  if (ignoreStatus !== 1) return { ...NOT_A_REPO };

  // ls-files --error-unmatch: 0 = in the index, 1 = not in the index.
  const trackedStatus = runGit(root, ["ls-files", "--error-unmatch", "--", relPath]);
  if (trackedStatus === 1) return { inRepo: true, ignored: false, tracked: false };
  if (trackedStatus !== 0) return { ...NOT_A_REPO };

  // Tracked: --no-index asks the ignore rules alone.
  const rulesStatus = runGit(root, ["check-ignore", "-q", "--no-index", "--", relPath]);
  if (rulesStatus !== 0 && rulesStatus !== 1) return { ...NOT_A_REPO };
  return { inRepo: true, ignored: rulesStatus === 0, tracked: true };
}
