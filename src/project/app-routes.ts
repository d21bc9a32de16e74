import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import path from "node:path";
import { isInside } from "../core/paths.js";
import { isRoutableFileName, isRouteFileName } from "../next/conventions.js";
import { type AppRoute, folderUrlSegments, routePathOf } from "../next/route-path.js";

// Lists the folders of an App Router tree that Next.js turns into URLs: those holding a route.* or
// page.* file. One readdir per folder (file types come with the listing); only symbolic links cost
// an extra call. Links are followed while they stay inside the app folder, never in a cycle.

function skipFolder(name: string): boolean {
  return name === "node_modules" || name.startsWith("_");
}

interface Pending {
  /** Absolute path as reached (through links, if any). */
  absolute: string;
  /** Relative to the app folder, posix; "" for the app folder itself. */
  relative: string;
  /** Real path of the folder. */
  real: string;
  /** The folder this one was reached from (cycle guard). */
  parent: Pending | undefined;
  /** Whether a symbolic link was followed on the way here: only then can a cycle appear. */
  viaLink: boolean;
}

function onChain(folder: Pending, real: string): boolean {
  for (let at: Pending | undefined = folder; at !== undefined; at = at.parent) {
    if (at.real === real) return true;
  }
  return false;
}

function readFolder(absolute: string, onError?: (detail: string) => void): Dirent[] | undefined {
  try {
    return readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    // Removed while we walk, unreadable or not a folder: it routes nothing we could check.
    onError?.((error as NodeJS.ErrnoException).code ?? String(error));
    return undefined;
  }
}

function safeRealpath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** What a directory entry is, following a symbolic link only when asked. */
function entryType(dirent: Dirent, absolute: string): "file" | "dir" | "link" | "other" {
  if (dirent.isFile()) return "file";
  if (dirent.isDirectory()) return "dir";
  if (dirent.isSymbolicLink()) return "link";
  if (dirent.isBlockDevice() || dirent.isCharacterDevice() || dirent.isFIFO() || dirent.isSocket()) return "other";
  // Some file systems do not report a type with the listing.
  try {
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (stats?.isFile()) return "file";
    if (stats?.isDirectory()) return "dir";
  } catch {
    // fall through
  }
  return "other";
}

/**
 * The folders below `appDirAbsolute` (relative to it, posix slashes, sorted; "" for the app folder
 * itself) that hold a route.* or page.* file. Skips node_modules and private `_folders`; follows
 * symbolic links only while they lead to folders inside the app folder. Returns [] when the app
 * folder does not exist.
 */
export function listAppRoutes(appDirAbsolute: string): string[] {
  return [...new Set(listRoutableFiles(appDirAbsolute).map((file) => file.folder))].sort();
}

/**
 * Every route.* and page.* file Next.js routes (`appDir`: "app" or "src/app", below `root`), as
 * URLs, sorted by file; files in never-routed folders (intercepting routes) are left out.
 */
export function readAppRoutes(root: string, appDir: string): AppRoute[] {
  return listRoutableFiles(path.join(root, appDir))
    .flatMap(({ folder, name }): AppRoute[] => {
      const segments = folderUrlSegments(folder);
      if (segments === undefined) return [];
      const kind = isRouteFileName(name) ? "route" : "page";
      return [{ folder, file: `${appDir}/${join(folder, name)}`, kind, route: routePathOf(segments) }];
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The Route Handler files (route.ts, route.js, …) below the app folder, sorted by folder. */
export function listRouteFiles(
  appDirAbsolute: string,
  options: WalkOptions = {},
): Array<{ folder: string; file: string }> {
  const accept = options.accept ?? ((name: string) => isRoutableFileName(name));
  return listRoutableFiles(appDirAbsolute, { ...options, accept })
    .filter((file) => (options.accept ? true : isRouteFileName(file.name)))
    .map((file) => ({ folder: file.folder, file: join(file.folder, file.name) }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** What the walk could not look into, for a reader that must say so (the audit). */
export interface WalkProblem {
  /** Relative to the walked folder, posix. */
  path: string;
  why: "unreadable" | "outside" | "not-a-file";
  detail?: string;
}

export interface WalkOptions {
  /** File names to list (default: route.* and page.*). */
  accept?: (name: string) => boolean;
  /** Follow symbolic links to folders anywhere inside this real folder (default: the walked folder). */
  within?: string;
  /** Collects folders that cannot be read, links leading outside `within`, and accepted names that are not files. */
  problems?: WalkProblem[];
  /** Folders skipped besides node_modules and `_private` ones (the Pages Router walks every folder). */
  skip?: (name: string) => boolean;
}

/** Every accepted file (route.* and page.* by default): its folder (relative to the walked folder, posix) and name. */
function listRoutableFiles(appDirAbsolute: string, options: WalkOptions = {}): Array<{ folder: string; name: string }> {
  let rootReal: string;
  try {
    rootReal = realpathSync(appDirAbsolute);
  } catch {
    return [];
  }
  const accept = options.accept ?? ((name: string) => isRoutableFileName(name));
  const skip = options.skip ?? skipFolder;
  const withinReal = options.within ? (safeRealpath(options.within) ?? rootReal) : rootReal;
  const problems = options.problems;
  const found: Array<{ folder: string; name: string }> = [];
  const pending: Pending[] = [
    { absolute: appDirAbsolute, relative: "", real: rootReal, parent: undefined, viaLink: false },
  ];

  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const entries = readFolder(
      current.absolute,
      problems && ((detail) => problems.push({ path: current!.relative, why: "unreadable", detail })),
    );
    if (entries === undefined) continue;
    for (const dirent of entries) {
      const name = dirent.name;
      const absolute = path.join(current.absolute, name);
      const type = entryType(dirent, absolute);
      if (type === "file") {
        if (accept(name)) found.push({ folder: current.relative, name });
        continue;
      }
      if (type === "other") {
        if (accept(name)) problems?.push({ path: join(current.relative, name), why: "not-a-file" });
        continue;
      }
      if (type === "dir") {
        if (skip(name)) continue;
        const real = path.join(current.real, name);
        if (current.viaLink && onChain(current, real)) continue;
        pending.push({
          absolute,
          relative: join(current.relative, name),
          real,
          parent: current,
          viaLink: current.viaLink,
        });
        continue;
      }
      // A symbolic link: a route file (wherever it points), or a folder to follow if it stays inside.
      if (accept(name)) {
        const stats = safeStat(absolute);
        if (stats?.isFile()) {
          found.push({ folder: current.relative, name });
          continue;
        }
        if (stats && !stats.isDirectory()) {
          problems?.push({ path: join(current.relative, name), why: "not-a-file" });
          continue;
        }
      }
      if (skip(name)) continue;
      const stats = safeStat(absolute);
      if (!stats?.isDirectory()) continue;
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch {
        continue;
      }
      if (onChain(current, real)) continue;
      if (!isInside(withinReal, real)) {
        problems?.push({ path: join(current.relative, name), why: "outside", detail: real });
        continue;
      }
      pending.push({ absolute, relative: join(current.relative, name), real, parent: current, viaLink: true });
    }
  }
  return found;
}

function join(parent: string, name: string): string {
  return parent === "" ? name : `${parent}/${name}`;
}

function safeStat(absolute: string) {
  try {
    return statSync(absolute, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
