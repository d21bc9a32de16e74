import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { AGENTS, LOCKS } from "package-manager-detector/constants";
import { CliError } from "../core/errors.js";
import { isTrusted, readManifestText } from "../core/files.js";
import { toProjectPath } from "../core/paths.js";
import type { PackageManager } from "../core/types.js";
import {
  compileWorkspacePatterns,
  isWorkspaceFolder,
  mayContainWorkspaces,
  parsePnpmWorkspacePackages,
} from "./workspace-glob.js";

// Monorepos, read from the disk: which package manager a project uses (through its workspace root),
// whether the project is one of a workspace's packages, and which Next.js apps a workspace root holds.

/** The monorepo around a Next.js app that is one of its workspaces. */
export interface Workspace {
  /** Absolute path of the workspace root (the folder with pnpm-workspace.yaml / `workspaces`). */
  root: string;
  /** The app's folder relative to the root, posix slashes; "." when the app is the root itself. */
  dir: string;
}

/** A Next.js app found among a workspace root's packages. */
export interface WorkspaceApp {
  /** Relative to the workspace root, posix slashes, e.g. "apps/web". */
  dir: string;
  /** Its package.json "name", when it has one. */
  name?: string;
}

interface Manifest {
  name?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  packageManager?: unknown;
  devEngines?: { packageManager?: unknown };
  workspaces?: unknown;
}

const PACKAGE_MANAGERS: readonly PackageManager[] = ["npm", "pnpm", "yarn", "bun"];
/** Folders never searched for workspaces (dot folders are skipped too). */
const SKIPPED_FOLDERS = new Set(["node_modules"]);
/** Bounds on the search below a workspace root: depth for `**` and folders visited. */
const MAX_DEPTH = 6;
const MAX_FOLDERS = 5_000;

function readManifest(dir: string): Manifest | undefined {
  const file = path.join(dir, "package.json");
  if (!isFile(file)) return undefined;
  const text = readManifestText(file); // never a blocking open: a FIFO here counts as no manifest
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** Without throwing for a missing file: the walk up probes a dozen names per folder. */
function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false; // EACCES, ENOTDIR, …
  }
}

/** The workspace globs declared in `dir` (pnpm-workspace.yaml, else package.json `workspaces`), or undefined. */
export function workspacePatternsAt(dir: string, manifest = readManifest(dir)): string[] | undefined {
  const pnpmFile = path.join(dir, "pnpm-workspace.yaml");
  if (isFile(pnpmFile)) {
    try {
      return parsePnpmWorkspacePackages(readManifestText(pnpmFile) ?? "");
    } catch {
      return [];
    }
  }
  // npm, bun and yarn: an array, or (yarn 1, bun) { packages: [...] }.
  const declared = manifest?.workspaces;
  if (declared === undefined) return undefined;
  const list = Array.isArray(declared) ? declared : (declared as { packages?: unknown } | null)?.packages;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
}

/** The folder holding `.git` (a folder, or a file for worktrees and submodules) at or above `dir`. */
export function gitRootOf(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, ".git"))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

function listsNext(manifest: Manifest | undefined): boolean {
  return manifest?.dependencies?.next !== undefined || manifest?.devDependencies?.next !== undefined;
}

/** The files whose presence in a folder decides its package manager (or makes it a workspace root). */
function hasSignal(dir: string, manifest: Manifest | undefined, patterns: string[] | undefined): boolean {
  const field = manifest?.packageManager !== undefined || manifest?.devEngines?.packageManager !== undefined;
  return patterns !== undefined || field || Object.keys(LOCKS).some((lock) => isFile(path.join(dir, lock)));
}

/**
 * A folder above the app may decide its package manager and be its workspace root (where
 * `--install` runs) only when nobody else controls it: the folder and the manifests that give the
 * signal are owned by this user or root and not writable by others. Otherwise anyone who can
 * write to a shared parent such as /tmp could choose what runs, and where.
 */
function trustedParent(dir: string): boolean {
  return (
    isTrusted(dir) &&
    ["package.json", "pnpm-workspace.yaml", "rush.json", ...Object.keys(LOCKS)].every((file) =>
      isTrusted(path.join(dir, file), true),
    )
  );
}

/**
 * The folder that decides the package manager: the first one from `dir` upwards with a lockfile,
 * a `packageManager` (or `devEngines.packageManager`) field or a workspace declaration, never
 * above the git root. undefined when there is none. A folder above `dir` that is not trusted
 * (see trustedParent) is passed over, and listed in `untrusted`.
 */
export function findPackageManagerRoot(
  dir: string,
  untrusted: string[] = [],
): { root: string; patterns?: string[] } | undefined {
  const start = path.resolve(dir);
  const stop = gitRootOf(start);
  for (let current = start; ; current = path.dirname(current)) {
    const manifest = readManifest(current);
    const patterns = workspacePatternsAt(current, manifest);
    if (hasSignal(current, manifest, patterns)) {
      if (current === start || trustedParent(current))
        return { root: current, ...(patterns !== undefined ? { patterns } : {}) };
      untrusted.push(current);
    }
    if (current === stop || path.dirname(current) === current) return undefined;
  }
}

/** The name in a `packageManager` field ("pnpm@9.15.0") or `devEngines.packageManager.name`. */
function declaredManager(manifest: Manifest | undefined): string | undefined {
  if (typeof manifest?.packageManager === "string") return manifest.packageManager.replace(/^\^/, "").split("@")[0];
  const name = (manifest?.devEngines?.packageManager as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}

/**
 * The package manager of one folder, by package-manager-detector's rules (its lockfile list and
 * names): with a lockfile, the declared manager if it is one the library knows, else the
 * lockfile's; without one, the declared manager. Read here, through the safe reader, rather than
 * by the library's detect(), which opens package.json with a plain fs.readFile.
 */
function managerAt(dir: string, manifest: Manifest | undefined): string | undefined {
  const declared = declaredManager(manifest);
  const known = declared !== undefined && (AGENTS as readonly string[]).includes(declared) ? declared : undefined;
  if (isFile(path.join(dir, "rush.json"))) return "pnpm";
  const lock = Object.keys(LOCKS).find((name) => isFile(path.join(dir, name)));
  return known ?? (lock === undefined ? undefined : LOCKS[lock as keyof typeof LOCKS]);
}

/**
 * The project's package manager and, when it is one of a monorepo's packages, its workspace.
 * The folder found by findPackageManagerRoot decides: its `packageManager` field wins, then its
 * lockfile. Nothing found: npm. `untrusted`: folders above the app passed over (see trustedParent).
 */
export async function detectPackageManagerAndWorkspace(
  appDir: string,
): Promise<{ packageManager: PackageManager; workspace?: Workspace; untrusted: string[] }> {
  const app = path.resolve(appDir);
  const untrusted: string[] = [];
  const found = findPackageManagerRoot(app, untrusted);
  if (!found) return { packageManager: "npm", untrusted };
  const detected = managerAt(found.root, readManifest(found.root));
  const packageManager = PACKAGE_MANAGERS.find((name) => name === detected) ?? "npm";
  if (found.patterns === undefined) return { packageManager, untrusted };
  const dir = toProjectPath(found.root, app) || ".";
  const member = dir === "." || isWorkspaceFolder(compileWorkspacePatterns(found.patterns), dir);
  return member ? { packageManager, workspace: { root: found.root, dir }, untrusted } : { packageManager, untrusted };
}

/**
 * When `dir` is a workspace root that is not itself a Next.js app: its Next.js apps (package.json
 * listing `next`, and an app/, src/app/, pages/ or src/pages/ folder: a UI library that lists
 * `next` for its types is no app), found by expanding the workspace globs. undefined otherwise.
 */
export function workspaceRootApps(dir: string): { patterns: string[]; apps: WorkspaceApp[] } | undefined {
  const root = path.resolve(dir);
  const manifest = readManifest(root);
  const patterns = workspacePatternsAt(root, manifest);
  if (patterns === undefined || listsNext(manifest)) return undefined;
  const compiled = compileWorkspacePatterns(patterns);
  const apps: WorkspaceApp[] = [];
  const queue: Array<{ relative: string; depth: number }> = [{ relative: "", depth: 0 }];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_FOLDERS) {
    const { relative, depth } = queue.shift()!;
    visited++;
    let entries;
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      // Dirent.isDirectory() is false for symbolic links: no cycles, nothing outside the root.
      if (!entry.isDirectory() || entry.name.startsWith(".") || SKIPPED_FOLDERS.has(entry.name)) continue;
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (isWorkspaceFolder(compiled, child)) {
        const childManifest = readManifest(path.join(root, child));
        if (listsNext(childManifest) && hasRouterFolder(path.join(root, child)))
          apps.push({ dir: child, ...(typeof childManifest?.name === "string" ? { name: childManifest.name } : {}) });
      }
      if (depth + 1 < MAX_DEPTH && mayContainWorkspaces(compiled, child))
        queue.push({ relative: child, depth: depth + 1 });
    }
  }
  apps.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return { patterns, apps };
}

/** The apps of a workspace root, listed one per line for a message. */
export function listApps(apps: readonly WorkspaceApp[]): string {
  return apps.map((app) => `  ${app.dir}${app.name && app.name !== app.dir ? ` (${app.name})` : ""}`).join("\n");
}

/** Run at a workspace root without a terminal to ask on: which `--cwd` to add. */
export function workspaceRootError(
  root: string,
  found: { patterns: string[]; apps: WorkspaceApp[] },
  cwdFlagFor: (dir: string) => string,
): CliError {
  if (found.apps.length === 0) {
    return new CliError(
      "NOT_NEXT_PROJECT",
      `${root} is a workspace root, and none of its workspaces (${found.patterns.join(", ") || "none declared"}) lists "next" in package.json.`,
      { hint: "Run the command in your Next.js app's folder, or point to it with --cwd <dir>." },
    );
  }
  const first = cwdFlagFor(found.apps[0]!.dir);
  const which = found.apps.length === 1 ? "its Next.js app" : "one of its Next.js apps";
  return new CliError(
    "WORKSPACE_ROOT",
    `${root} is a workspace root, not a Next.js app. Pick ${which}:\n${listApps(found.apps)}`,
    {
      hint:
        found.apps.length === 1
          ? `Add --cwd ${first} to the command (or --yes to use the only app).`
          : `Add --cwd ${first} to the command (or the --cwd of another app above).`,
    },
  );
}

/** An App Router or Pages Router folder, where Next.js looks for them. */
function hasRouterFolder(app: string): boolean {
  return ["app", "src/app", "pages", "src/pages"].some((folder) => {
    try {
      return statSync(path.join(app, folder)).isDirectory();
    } catch {
      return false;
    }
  });
}
