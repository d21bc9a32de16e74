import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { readText } from "../core/files.js";
import { isInside } from "../core/paths.js";
import type { RoutePath } from "../next/route-path.js";
import { MODULE_SUFFIXES } from "../next/conventions.js";
import type { Project } from "../project/detect.js";
import { classifyRouteFile, type HelperReader, type RouteFileFacts } from "./classify.js";

// Reads what the audit needs from the disk, once: every route file (parsed and classified as it
// is read) and the helpers they import from the project. The verdicts are evaluate.ts's, pure.

export interface ScannedRoute {
  /** The URL pattern as Next serves it: route groups removed, dynamic segments as written. */
  route: RoutePath;
  /** The file, from the project root (posix). */
  file: string;
  facts: RouteFileFacts;
}


/** A project-local import (`./x`, `../x`, `@/x`, `~/x`) read as text, or undefined. */
function helperReader(project: Project): HelperReader {
  return (source, fromFile) => {
    const bases = source.startsWith(".")
      ? [path.resolve(project.root, path.dirname(fromFile), source)]
      : // @/ and ~/ point at the project root or src/ (create-next-app's "@/*" alias follows srcDir).
        [path.join(project.root, project.srcDir ? "src" : "", source.slice(2)), path.join(project.root, source.slice(2))];
    for (const base of bases) {
      for (const extension of MODULE_SUFFIXES) {
        const file = base + extension;
        if (!isInside(project.root, file) || !existsSync(file) || !statSync(file).isFile()) continue;
        const relative = path.relative(project.root, file).split(path.sep).join("/");
        const code = readText(file, relative);
        if (code !== null) return { code, path: relative };
      }
    }
    return undefined;
  };
}

export function scanRoutes(project: Project): ScannedRoute[] {
  const readHelper = helperReader(project);
  // The detected app tree: route files only (pages have no handlers), never-routed folders already left out.
  return project.appRoutes
    .filter((existing) => existing.kind === "route")
    .map(({ route, file }) => {
      const code = readText(path.join(project.root, file), file) ?? "";
      return { route, file, facts: classifyRouteFile(code, file, readHelper) };
    })
    .sort((a, b) => compare(a.route.pattern, b.route.pattern) || compare(a.file, b.file));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
