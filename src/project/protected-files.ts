// What a clerkMiddleware() rule may protect besides Route Handlers, read from the disk for
// `migrate`: pages, layouts and metadata files of the App Router, Pages Router files, files with
// Server Functions ("use server"), and whether next.config declares rewrites. Reads only.
import { existsSync, readdirSync } from "node:fs";
import type { Node } from "@babel/types";
import { NEXT_CONFIG_FILES } from "../next/next-config.js";
import path from "node:path";
import { readText } from "../core/files.js";
import { readModule } from "../js/parse.js";
import { walk } from "../js/nodes.js";
import {
  CODE_EXTENSIONS,
  DEFAULT_PAGE_EXTENSIONS,
  isLayoutFileName,
  isPageFileName,
  metadataServedName,
} from "../next/conventions.js";
import {
  folderUrlSegments,
  parseFolderSegment,
  routePathOf,
  type RoutePath,
  type RouteSegment,
} from "../next/route-path.js";
import { listRouteFiles } from "./app-routes.js";
import type { Project } from "./detect.js";

export interface ProtectableFile {
  kind: "page" | "layout" | "metadata" | "pagesRouter";
  /** From the project root, posix. */
  file: string;
  route: RoutePath;
}

/** Pages, layouts and metadata files below the app folder, with the URL each is served at. */
function appFiles(project: Project): ProtectableFile[] {
  const accept = (name: string) =>
    isPageFileName(name) || isLayoutFileName(name) || metadataServedName(name) !== undefined;
  return listRouteFiles(path.join(project.root, project.appDir), { accept }).flatMap(
    ({ folder, file: relative }): ProtectableFile[] => {
      const segments = folderUrlSegments(folder);
      if (segments === undefined) return [];
      const name = relative.slice(relative.lastIndexOf("/") + 1);
      const file = `${project.appDir}/${relative}`;
      const served = metadataServedName(name);
      if (!isPageFileName(name) && !isLayoutFileName(name) && served !== undefined) {
        return [{ kind: "metadata", file, route: routePathOf([...segments, { kind: "static", value: served }]) }];
      }
      return [{ kind: isPageFileName(name) ? "page" : "layout", file, route: routePathOf(segments) }];
    },
  );
}

const PAGES_SPECIAL = new Set(["_app", "_document", "_error", "_middleware"]);

/** Files of the Pages Router (pages/ or src/pages/), each at its URL: `pages/blog/[slug].tsx` → /blog/[slug]. */
function pagesRouterFiles(project: Project): ProtectableFile[] {
  const folder = project.pagesDir;
  if (!folder) return [];
  const root = path.join(project.root, folder);
  const found: ProtectableFile[] = [];
  const visit = (dir: string, segments: RouteSegment[], depth: number) => {
    if (depth > 12) return;
    let entries;
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
        visit(relative, [...segments, parseFolderSegment(entry.name)], depth + 1);
        continue;
      }
      const dot = entry.name.lastIndexOf(".");
      if (!entry.isFile() || dot <= 0 || !DEFAULT_PAGE_EXTENSIONS.includes(entry.name.slice(dot + 1))) continue;
      const base = entry.name.slice(0, dot);
      if (base.includes(".") || (segments.length === 0 && PAGES_SPECIAL.has(base))) continue;
      const own = base === "index" ? segments : [...segments, parseFolderSegment(base)];
      found.push({ kind: "pagesRouter", file: `${folder}/${relative}`, route: routePathOf(own) });
    }
  };
  visit("", [], 0);
  return found.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Everything besides Route Handlers that a rule may protect. */
export function listProtectableFiles(project: Project): ProtectableFile[] {
  return [...appFiles(project), ...pagesRouterFiles(project)];
}

const SKIPPED_FOLDERS = new Set(["node_modules", "public", "out", "dist", "build", "coverage"]);
const MAX_FILES = 5000;

/** Whether a module declares Server Functions: a "use server" directive at its top or in a function. */
function declaresServerFunctions(code: string, file: string): boolean {
  if (!code.includes("use server")) return false;
  const parsed = readModule(code, file);
  if (!parsed.ok) return false;
  let found = parsed.ast.program.directives.some((d) => d.value.value === "use server");
  if (!found) {
    walk(parsed.ast.program, (node) => {
      if (node.type === "BlockStatement" && node.directives.some((d) => d.value.value === "use server")) found = true;
    });
  }
  return found;
}

/** Files of the project (not node_modules, build output or dot folders) that declare Server Functions. */
export function listServerFunctionFiles(project: Project): string[] {
  const found: string[] = [];
  let seen = 0;
  const visit = (dir: string, depth: number) => {
    if (depth > 12 || seen > MAX_FILES) return;
    let entries;
    try {
      entries = readdirSync(path.join(project.root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !SKIPPED_FOLDERS.has(entry.name)) visit(relative, depth + 1);
        continue;
      }
      const dot = entry.name.lastIndexOf(".");
      if (
        !entry.isFile() ||
        dot <= 0 ||
        !CODE_EXTENSIONS.includes(entry.name.slice(dot + 1)) ||
        entry.name.endsWith(".d.ts")
      )
        continue;
      if (++seen > MAX_FILES) return;
      let code: string | null;
      try {
        code = readText(path.join(project.root, relative), relative);
      } catch {
        continue; // over 1 MB, not a regular file: not something to list
      }
      if (code !== null && declaresServerFunctions(code, relative)) found.push(relative);
    }
  };
  visit("", 0);
  return found;
}

/** The next.config file, when it declares `rewrites` (a rule may protect a path no file serves). */
export function nextConfigWithRewrites(project: Project): string | undefined {
  for (const name of NEXT_CONFIG_FILES) {
    const file = path.join(project.root, name);
    if (!existsSync(file)) continue;
    let code: string | null;
    try {
      code = readText(file, name);
    } catch {
      return name; // unreadable: assume the worst
    }
    if (code === null) continue;
    const parsed = readModule(code, name);
    if (!parsed.ok) return name;
    let rewrites = false;
    // `rewrites` as a key (`rewrites: …`, `"rewrites": …`, `async rewrites() {}`) or assigned
    // (`nextConfig.rewrites = …`). A plugin that adds rewrites of its own is not seen.
    const named = (key: Node) =>
      (key.type === "Identifier" && key.name === "rewrites") ||
      (key.type === "StringLiteral" && key.value === "rewrites");
    walk(parsed.ast.program, (node) => {
      if ((node.type === "ObjectProperty" || node.type === "ObjectMethod") && !node.computed && named(node.key))
        rewrites = true;
      if (node.type === "AssignmentExpression" && node.left.type === "MemberExpression" && named(node.left.property))
        rewrites = true;
    });
    return rewrites ? name : undefined;
  }
  return undefined;
}
