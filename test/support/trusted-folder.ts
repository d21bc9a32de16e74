import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { trustedFolder } from "../../src/entry/cache-folder.js";
import { repoRoot } from "./project.js";

// The code cache is only read from folders no other user can write (src/entry/cache-folder.ts).
// Its tests need such a folder: below the repository when the checkout's path passes that rule,
// else below the user's own cache folder (a clone in /tmp, writable by everyone, does not pass).

/** A folder for `name`'s cache tests that passes the cache's folder rule; undefined if none can be had. */
export function trustedTestRoot(name: string): string | undefined {
  const candidates = [path.join(repoRoot, ".tmp"), path.join(os.homedir(), ".cache", "create-clerk-route-tests")];
  for (const base of candidates) {
    try {
      mkdirSync(base, { recursive: true, mode: 0o700 });
    } catch {
      continue;
    }
    if (trustedFolder(base, false) === undefined) continue;
    const root = path.join(base, name);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    if (trustedFolder(root, false) !== undefined) return root;
  }
  return undefined;
}
