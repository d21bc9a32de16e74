// Next.js's file conventions, once: which extensions make a route, page or middleware file, where
// Next reads the middleware (proxy from 16), and which env files it loads in which order.
// Read from next's own sources: pageExtensions defaults to tsx, ts, jsx, js
// (server/config-shared.js); `(?:src/)?middleware` / `(?:src/)?proxy` (lib/constants.js);
// @next/env's load order.

/** Next's default `pageExtensions`: route, page and middleware files with any other extension are ignored. */
export const DEFAULT_PAGE_EXTENSIONS: readonly string[] = ["tsx", "ts", "jsx", "js"];

/**
 * Extensions a project may add to `pageExtensions` (ES modules; @next/mdx's md and mdx). Checks
 * that must never miss a served file (an existing route, a routing conflict) count them too.
 */
export const CONFIGURABLE_EXTENSIONS: readonly string[] = ["mjs", "mts", "md", "mdx"];

/** Every extension a route or page file may have in some project. */
export const ANY_PAGE_EXTENSIONS: readonly string[] = [...DEFAULT_PAGE_EXTENSIONS, ...CONFIGURABLE_EXTENSIONS];

/** Extensions of JavaScript and TypeScript modules (what a bundler resolves, what prettier formats). */
export const CODE_EXTENSIONS: readonly string[] = ["ts", "tsx", "js", "jsx", "mjs", "mts"];

/** Import suffixes a bundler tries for `./x` or `@/x`, in order (a file, then a folder's index). */
export const MODULE_SUFFIXES: readonly string[] = ["", ...CODE_EXTENSIONS.map((ext) => `.${ext}`), "/index.ts", "/index.tsx", "/index.js"];

const extensionOf = (name: string) => name.slice(name.lastIndexOf(".") + 1);

/** `route.ts`, `route.js`, …: a Route Handler file, for the given extensions. */
export function isRouteFileName(name: string, extensions: readonly string[] = ANY_PAGE_EXTENSIONS): boolean {
  return name.startsWith("route.") && name.indexOf(".") === name.lastIndexOf(".") && extensions.includes(extensionOf(name));
}

/** `route.*` or `page.*`: a file that makes its folder a URL. */
export function isRoutableFileName(name: string, extensions: readonly string[] = ANY_PAGE_EXTENSIONS): boolean {
  return (isRouteFileName(name, extensions) || (name.startsWith("page.") && name.indexOf(".") === name.lastIndexOf("."))) && extensions.includes(extensionOf(name));
}

/** A JavaScript or TypeScript module. */
export function isCodeFile(path: string): boolean {
  return CODE_EXTENSIONS.includes(extensionOf(path));
}

// ---- The middleware (proxy) file ----

export type MiddlewareKind = "proxy" | "middleware";

/** The file names Next reads the middleware from: `middleware` always, `proxy` from Next 16 on. */
export const MIDDLEWARE_NAMES: readonly MiddlewareKind[] = ["middleware", "proxy"];

/** The name a new middleware file gets: proxy from Next.js 16 on (middleware is deprecated there). */
export function middlewareKindFor(nextMajor: number): MiddlewareKind {
  return nextMajor >= 16 ? "proxy" : "middleware";
}

/** Whether Next `nextMajor` reads a file of this kind at all. */
export function readsMiddlewareKind(kind: MiddlewareKind, nextMajor: number): boolean {
  return kind === "middleware" || nextMajor >= 16;
}

/** Folders where people put the file: the root and src/ are read (by srcDir), app/ never. */
export const MIDDLEWARE_FOLDERS: readonly string[] = ["", "src/", "app/", "src/app/"];

/** Every middleware/proxy path worth looking at (to read it, or to say why Next ignores it). */
export function middlewareCandidatePaths(): string[] {
  return MIDDLEWARE_FOLDERS.flatMap((folder) => MIDDLEWARE_NAMES.flatMap((name) => CODE_EXTENSIONS.map((ext) => `${folder}${name}.${ext}`)));
}

// ---- Env files (@next/env) ----

/** The env files `next dev` loads, first to last: the first file that defines a key wins. */
export const DEVELOPMENT_ENV_ORDER: readonly string[] = [".env.development.local", ".env.local", ".env.development", ".env"];

/** Every env file Next loads in development or for a production build. */
export const ENV_FILES: readonly string[] = [".env.local", ".env", ".env.development.local", ".env.development", ".env.production.local", ".env.production"];
