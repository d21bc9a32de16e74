import { existsSync, lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { CliError } from "../core/errors.js";
import { readText } from "../core/files.js";
import { isInside } from "../core/paths.js";
import { routeFilePath, type RoutePath } from "../next/route-path.js";
import { ANY_PAGE_EXTENSIONS } from "../next/conventions.js";
import type { Project } from "./detect.js";
import { findRouteConflict } from "../next/route-conflicts.js";

// Reads the files this run's answers point at (the route folder, the env file's git status),
// so that planning stays a pure function of plain data.

export interface RouteTarget {
  /** Relative path of the file to write. */
  path: string;
  /** Its current content, when it exists. */
  existing: string | null;
}

/** Refuses a route folder that (through a symlink) leads outside the project. */
function checkStaysInside(project: Project, folder: string): void {
  const rootReal = realpathSync(project.root);
  let current = project.root;
  for (const part of folder.split("/")) {
    current = path.join(current, part);
    if (!existsSync(current)) return;
    const real = realpathSync(current);
    if (!isInside(rootReal, real)) {
      const relative = path.relative(project.root, current);
      throw new CliError("ROUTE_OUTSIDE_PROJECT", `${relative} leads outside the project (to ${real}).`, {
        hint: lstatSync(current).isSymbolicLink()
          ? `It is a symbolic link: replace it with a real folder, or pick another route.`
          : "Pick another route.",
      });
    }
  }
}

/** The longest path the OS opens (PATH_MAX less its NUL byte); no check elsewhere. */
const PATH_LIMITS: Partial<Record<NodeJS.Platform, number>> = { linux: 4095, darwin: 1023 };

/**
 * Refuses a route whose files would not fit the file system's path limit, with the project's own
 * folder in front: the longest path the run uses is apply's temporary file below the route folder.
 */
function checkPathLength(absoluteFolder: string, target: string): void {
  const limit = PATH_LIMITS[process.platform];
  if (limit === undefined) return;
  const longest = Buffer.byteLength(
    path.join(absoluteFolder, ".create-clerk-route-00000000.tmp", `${path.posix.basename(target)}.tmp`),
  );
  if (longest > limit) {
    throw new CliError(
      "INVALID_ROUTE",
      `The route's files would have paths of ${longest} bytes inside this project; this system opens paths of up to ${limit} bytes.`,
      {
        hint: "Use a shorter route, or move the project to a shorter folder path.",
      },
    );
  }
}

export function readRouteTarget(project: Project, route: RoutePath): RouteTarget {
  const folder = `${project.appDir}/${route.folder}`;
  const target = routeFilePath(project.appDir, route, project.language);
  const absoluteFolder = path.join(project.root, folder);
  checkPathLength(absoluteFolder, target); // first: a path too long fails every call below with ENAMETOOLONG
  checkStaysInside(project, folder);

  const conflict = findRouteConflict([...new Set(project.appRoutes.map((existing) => existing.folder))], route, {
    appDir: project.appDir,
  });
  if (conflict) throw conflict;
  for (const ext of ANY_PAGE_EXTENSIONS) {
    if (existsSync(path.join(absoluteFolder, `page.${ext}`))) {
      throw new CliError(
        "PAGE_CONFLICT",
        `${folder}/page.${ext} exists: Next.js cannot have a page and a Route Handler in the same folder.`,
        {
          hint: "Pick another route (for example one under /api) or move the page.",
        },
      );
    }
  }
  for (const ext of ANY_PAGE_EXTENSIONS) {
    const other = `${folder}/route.${ext}`;
    if (other !== target && existsSync(path.join(project.root, other))) {
      throw new CliError(
        "ROUTE_EXISTS",
        `${other} already exists; writing ${path.posix.basename(target)} beside it would give Next.js two handlers for one route.`,
        {
          hint: `Delete or rename ${other} first, or pick another route.`,
        },
      );
    }
  }
  return { path: target, existing: readText(path.join(project.root, target), target) };
}

export function readOptional(project: Project, relativePath: string): string | null {
  return readText(path.join(project.root, relativePath), relativePath);
}
