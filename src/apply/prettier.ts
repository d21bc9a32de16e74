import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FileChange } from "../core/types.js";
import type { Note, Plan } from "../plan/types.js";
import type { Project } from "../project/detect.js";
import { isCodeFile } from "../next/conventions.js";

// When the project has prettier installed, the code files this run writes are formatted with the
// project's own prettier and config. Otherwise the templates' create-next-app style stays.
// This tool never adds a formatter to the user's project.

interface Prettier {
  format(source: string, options: Record<string, unknown>): Promise<string> | string;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
  getFileInfo?(file: string, options?: Record<string, unknown>): Promise<{ ignored: boolean }>;
}

async function loadProjectPrettier(root: string): Promise<Prettier | undefined> {
  try {
    const require = createRequire(path.join(root, "package.json"));
    const entry = require.resolve("prettier");
    const loaded = (await import(pathToFileURL(entry).href)) as Prettier & { default?: Prettier };
    return typeof loaded.format === "function" ? loaded : loaded.default;
  } catch {
    return undefined;
  }
}

/**
 * Returns the plan with code files formatted by the project's prettier (or the plan as is).
 * `generated`: files whose whole content this tool wrote (the route file), formatted even when modified.
 */
export async function formatWithProjectPrettier(plan: Plan, project: Project, generated: string[]): Promise<Plan> {
  if (!project.hasPrettier) return plan;
  const prettier = await loadProjectPrettier(project.root);
  if (!prettier) return plan;
  const notes: Note[] = [];
  // Prettier's own defaults, resolved against the project rather than the current directory.
  const ignorePath = [path.join(project.root, ".gitignore"), path.join(project.root, ".prettierignore")];
  const changes = await Promise.all(
    plan.changes.map(async (change) => {
      // Never a patched user file: it keeps the user's own formatting.
      const whole = change.action === "create" || generated.includes(change.path);
      if (!whole || !isCodeFile(change.path)) return change;
      const file = path.join(project.root, change.path);
      try {
        if ((await prettier.getFileInfo?.(file, { ignorePath }))?.ignored) return change;
        const config = (await prettier.resolveConfig(file)) ?? {};
        return { ...change, after: await prettier.format(change.after, { ...config, filepath: file }) };
      } catch (error) {
        // A broken config or a missing plugin is the project's business: keep the template's style.
        const reason = ((error as Error).message ?? String(error)).split("\n")[0];
        notes.push({ kind: "prettierFailed", path: change.path, reason: reason ?? "" });
        return change;
      }
    }),
  );
  return { ...plan, changes, notes: [...plan.notes, ...notes] };
}

/**
 * Edited user files (a Route Handler given its check, a middleware whose rules shrank): each is
 * formatted with the project's prettier only when its content before the edit was already what
 * that prettier writes, so the only bytes prettier changes are in the inserted code. A file that
 * was not prettier-formatted keeps every byte the user wrote.
 */
export async function formatEditedFiles(
  changes: FileChange[],
  project: Project,
): Promise<{ changes: FileChange[]; failed: Array<{ path: string; reason: string }> }> {
  if (!project.hasPrettier) return { changes, failed: [] };
  const prettier = await loadProjectPrettier(project.root);
  if (!prettier) return { changes, failed: [] };
  const failed: Array<{ path: string; reason: string }> = [];
  const ignorePath = [path.join(project.root, ".gitignore"), path.join(project.root, ".prettierignore")];
  const formatted = await Promise.all(
    changes.map(async (change) => {
      if (change.before === null || !isCodeFile(change.path)) return change;
      const file = path.join(project.root, change.path);
      try {
        if ((await prettier.getFileInfo?.(file, { ignorePath }))?.ignored) return change;
        const options = { ...((await prettier.resolveConfig(file)) ?? {}), filepath: file };
        if ((await prettier.format(change.before, options)) !== change.before) return change;
        return { ...change, after: await prettier.format(change.after, options) };
      } catch (error) {
        failed.push({ path: change.path, reason: ((error as Error).message ?? String(error)).split("\n")[0] ?? "" });
        return change;
      }
    }),
  );
  return { changes: formatted, failed };
}
