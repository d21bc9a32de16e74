import { existsSync, lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { CliError } from "../core/errors.js";
import { routeFilePath } from "../plan/route.js";
import type { Options, Project } from "../types.js";
import { listAppRoutes } from "./app-routes.js";
import { readText } from "./read-text.js";
import { findRouteConflict } from "./route-conflicts.js";

// Reads the files this run's answers point at (the route folder, the env file's git status),
// so that planning stays a pure function of plain data.

const ROUTE_EXTENSIONS = ["ts", "js", "tsx", "jsx", "mjs"];
const PAGE_EXTENSIONS = ["tsx", "jsx", "ts", "js", "mdx", "md"];

export interface RouteTarget {
  /** Relative path of the file to write. */
  path: string;
  /** Its current content, when it exists. */
  existing: string | null;
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
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

export function readRouteTarget(project: Project, options: Options): RouteTarget {
  const folder = `${project.appDir}/${options.route.folder}`;
  checkStaysInside(project, folder);
  const target = routeFilePath(project, options);
  const absoluteFolder = path.join(project.root, folder);

  const conflict = findRouteConflict(listAppRoutes(path.join(project.root, project.appDir)), options.route, { appDir: project.appDir });
  if (conflict) throw conflict;
  for (const ext of PAGE_EXTENSIONS) {
    if (existsSync(path.join(absoluteFolder, `page.${ext}`))) {
      throw new CliError("PAGE_CONFLICT", `${folder}/page.${ext} exists: Next.js cannot have a page and a Route Handler in the same folder.`, {
        hint: "Pick another route (for example one under /api) or move the page.",
      });
    }
  }
  for (const ext of ROUTE_EXTENSIONS) {
    const other = `${folder}/route.${ext}`;
    if (other !== target && existsSync(path.join(project.root, other))) {
      throw new CliError("ROUTE_EXISTS", `${other} already exists; writing ${path.posix.basename(target)} beside it would give Next.js two handlers for one route.`, {
        hint: `Delete or rename ${other} first, or pick another route.`,
      });
    }
  }
  return { path: target, existing: readText(path.join(project.root, target), target) };
}

/** An env file path given with --env-file, checked to stay inside the project; returns it relative. */
export function resolveEnvFileOption(project: Project, envFile: string): string {
  const absolute = path.resolve(project.root, envFile);
  if (!isInside(project.root, absolute) || absolute === project.root) {
    throw new CliError("ENV_FILE_OUTSIDE_PROJECT", `--env-file ${envFile} is outside the project.`, {
      hint: "Give a path inside the project, such as .env.local.",
    });
  }
  if (existsSync(absolute) && lstatSync(absolute).isDirectory()) {
    throw new CliError("ENV_FILE_IS_DIRECTORY", `--env-file ${envFile} is a folder.`, { hint: "Give a file path, such as .env.local." });
  }
  return path.relative(project.root, absolute).split(path.sep).join("/");
}

export function readOptional(project: Project, relativePath: string): string | null {
  return readText(path.join(project.root, relativePath), relativePath);
}
