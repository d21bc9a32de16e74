import path from "node:path";
import { statSync } from "node:fs";
import { CliError } from "../core/errors.js";
import { readText } from "../core/files.js";
import { isInside } from "../core/paths.js";
import { folderUrlSegments, routePathOf, type RoutePath } from "../next/route-path.js";
import { listRouteFiles, type WalkProblem } from "../project/app-routes.js";
import { DEFAULT_PAGE_EXTENSIONS, isCodeFile, MODULE_SUFFIXES } from "../next/conventions.js";
import {
  isRouteFileWith,
  NEXT_CONFIG_FILES,
  pageBaseName,
  readPageExtensions,
  type PageExtensions,
} from "../next/next-config.js";
import { aliasTargets, readImportAliases } from "../project/tsconfig-paths.js";
import type { Project } from "../project/detect.js";
import { nextConfigWithRewrites } from "../project/protected-files.js";
import { clerkMajorOf as majorOfVersion } from "../clerk/major.js";
import { createClassifier, type RouteFileFacts } from "./classify.js";
import type { ModuleSource } from "./modules.js";

// Reads what the audit needs from the disk, once: every App Router route file and Pages Router API
// route (parsed and classified as it is read, through the safe reader: a FIFO, a folder, a file
// over 1 MB or one that cannot be opened is an UNKNOWN for that file, never a hang or a crash), the
// project modules their handlers call, and what could not be looked into (an unreadable folder, a
// symbolic link out of the project, a pageExtensions that cannot be read). The verdicts are evaluate.ts's.

export interface ScannedRoute {
  /** The URL pattern as Next serves it: route groups removed, dynamic segments as written. */
  route: RoutePath;
  /** The file, from the project root (posix); a folder ends with "/". */
  file: string;
  router: "app" | "pages";
  facts: RouteFileFacts;
}

export interface Scan {
  routes: ScannedRoute[];
  /** next.config's pageExtensions, when it cannot be read (route files with other extensions are missed). */
  pageExtensions?: Extract<PageExtensions, { ok: false }>;
  /** The next.config file, when it declares rewrites (or cannot be read): the middleware sees paths before them. */
  rewrites?: string;
}

/** The installed (else declared) @clerk/nextjs major, 0 when unknown. */
export function clerkMajorOf(project: Project): number {
  return majorOfVersion(project.clerk.version) ?? 0;
}

/** Where an import leads: the project's own modules (relative, tsconfig paths, `@/`), read safely. */
function moduleSource(project: Project): ModuleSource {
  const aliases = readImportAliases(project.root, project.srcDir);
  // In a monorepo an app's tsconfig paths may lead to its workspace's shared packages
  // ("@pkg/*": ["../../packages/*/src"]): the audit reads code anywhere in the workspace.
  const realRoot = project.workspace?.root ?? project.root;
  return (specifier, fromFile) => {
    let bases: string[];
    if (specifier.startsWith(".")) bases = [path.resolve(project.root, path.dirname(fromFile), specifier)];
    else {
      bases = aliasTargets(aliases, specifier);
      if (bases.length === 0) return undefined; // a package
    }
    for (const base of bases) {
      for (const suffix of MODULE_SUFFIXES) {
        const file = base + suffix;
        if (!isInside(realRoot, file)) continue;
        let stat;
        try {
          stat = statSync(file, { throwIfNoEntry: false });
        } catch {
          continue;
        }
        if (!stat?.isFile() || (suffix === "" && !isCodeFile(file))) continue;
        const relative = path.relative(project.root, file).split(path.sep).join("/");
        try {
          const code = readText(file, relative);
          if (code !== null) return { kind: "project", path: relative, code };
        } catch (error) {
          return {
            kind: "unreadable",
            why: `calls code from ${relative}, which cannot be read (${describeReadError(error)})`,
          };
        }
      }
    }
    return specifier.startsWith(".")
      ? { kind: "unreadable", why: `imports ${specifier}, which is not a file in the project` }
      : undefined;
  };
}

function describeReadError(error: unknown): string {
  if (error instanceof CliError)
    return error.code === "FILE_TOO_LARGE"
      ? "over 1 MB"
      : error.message.replace(/^.* is /, "").replace(/, not a regular file.*$/, "");
  return (error as NodeJS.ErrnoException)?.code ?? String(error);
}

function readNextConfig(
  project: Project,
): { path: string; content: string } | { path: string; unreadable: string } | undefined {
  for (const name of NEXT_CONFIG_FILES) {
    try {
      const content = readText(path.join(project.root, name), name);
      if (content !== null) return { path: name, content };
    } catch (error) {
      return { path: name, unreadable: describeReadError(error) };
    }
  }
  return undefined;
}

/** A route file, or a folder the walk could not enter, that the audit reports as unknown. */
function unreadable(route: RoutePath, file: string, router: "app" | "pages", why: string): ScannedRoute {
  return { route, file, router, facts: { handlers: [], markedPublic: false, parseError: why } };
}

function problemWhy(problem: WalkProblem): string {
  switch (problem.why) {
    case "unreadable":
      return `the folder cannot be read (${problem.detail ?? "error"}): the routes in it are not audited`;
    case "outside":
      return `a symbolic link to ${problem.detail ?? "a folder"} outside the project: the routes in it are not audited`;
    case "not-a-file":
      return "not a regular file (a FIFO, socket or device): not read";
  }
}

export function scanRoutes(project: Project): Scan {
  const classify = createClassifier({ clerkMajor: clerkMajorOf(project), resolve: moduleSource(project) });
  const config = readPageExtensions(readNextConfig(project));
  // Route Handlers and API routes are code: an extension such as md or mdx makes pages only.
  const extensions = (config.ok ? config.extensions : DEFAULT_PAGE_EXTENSIONS).filter((ext) => isCodeFile(`x.${ext}`));
  const routes: ScannedRoute[] = [];

  const read = (relative: string, route: RoutePath, router: "app" | "pages") => {
    let code: string | null;
    try {
      code = readText(path.join(project.root, relative), relative);
    } catch (error) {
      routes.push(unreadable(route, relative, router, `the file cannot be read (${describeReadError(error)})`));
      return;
    }
    routes.push({ route, file: relative, router, facts: classify(code ?? "", relative, router) });
  };

  const problems: WalkProblem[] = [];
  const appDir = project.appDir;
  if (appDir) {
    for (const { folder, file } of listRouteFiles(path.join(project.root, appDir), {
      accept: (name) => isRouteFileWith(name, extensions),
      within: project.root,
      problems,
    })) {
      const segments = folderUrlSegments(folder);
      if (segments === undefined) continue; // never routed (an intercepting route, a private folder)
      read(`${appDir}/${file}`, routePathOf(segments), "app");
    }
    for (const problem of problems.splice(0)) {
      const folder = problem.why === "not-a-file" ? path.posix.dirname(problem.path) : problem.path;
      const segments = folderUrlSegments(folder === "." ? "" : folder);
      if (segments === undefined) continue;
      const route = routePathOf(segments);
      const shown =
        problem.why === "not-a-file"
          ? route
          : { ...route, pattern: `${route.pattern === "/" ? "" : route.pattern}/**` };
      routes.push(
        unreadable(
          shown,
          `${appDir}/${problem.path}${problem.why === "not-a-file" ? "" : "/"}`,
          "app",
          problemWhy(problem),
        ),
      );
    }
  }
  const pagesDir = project.pagesDir;
  if (pagesDir) {
    const apiDir = path.join(project.root, pagesDir, "api");
    const files = listRouteFiles(apiDir, {
      accept: (name) => pageBaseName(name, extensions) !== undefined,
      within: project.root,
      problems,
      skip: (name) => name === "node_modules",
    });
    for (const { folder, file } of files) {
      const base = pageBaseName(path.posix.basename(file), extensions)!;
      const segments = folderUrlSegments(
        ["api", folder, base === "index" ? "" : base].filter((part) => part !== "").join("/"),
      );
      if (segments === undefined) continue;
      read(`${pagesDir}/api/${file}`, routePathOf(segments), "pages");
    }
    for (const problem of problems.splice(0)) {
      const route = routePathOf(folderUrlSegments(`api/${problem.path}`) ?? []);
      routes.push(
        unreadable(
          { ...route, pattern: `${route.pattern}${problem.why === "not-a-file" ? "" : "/**"}` },
          `${pagesDir}/api/${problem.path}${problem.why === "not-a-file" ? "" : "/"}`,
          "pages",
          problemWhy(problem),
        ),
      );
    }
  }
  routes.sort((a, b) => compare(a.route.pattern, b.route.pattern) || compare(a.file, b.file));
  const rewrites = nextConfigWithRewrites(project);
  return { routes, ...(config.ok ? {} : { pageExtensions: config }), ...(rewrites ? { rewrites } : {}) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
