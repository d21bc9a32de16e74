// Which middleware/proxy file Next.js reads in this project, and the content of a new one.
// Loaded on every run: it must not import the parser, magic-string or path-to-regexp.
import { CliError } from "../../core/errors.js";
import type { ExistingFile } from "../../core/types.js";
import type { IgnoredReason, LocationNote, MiddlewareContext, MiddlewareKind as Kind, MiddlewareLocation } from "./index.js";

/** Next's codemod that renames middleware to proxy (also named in the deprecation note). */
export const CODEMOD = "npx @next/codemod@latest middleware-to-proxy";

/** Why Next.js doesn't read a file, as the end of "… is ignored by Next.js: …". */
export function describeIgnoredReason(reason: IgnoredReason): string {
  switch (reason.kind) {
    case "directory": {
      const where = reason.srcDir ? "the app is in src/app, so it belongs in src/" : "the app is in app/, so it belongs in the project root";
      return `${where}, not in ${reason.dir || "the project root"}`;
    }
    case "extension":
      return `it only picks up .ts, .tsx, .js and .jsx middleware files by default, not .${reason.ext}`;
    case "proxyBeforeNext16":
      return `Next.js ${reason.nextMajor} reads middleware files only (proxy files arrived in Next.js 16)`;
  }
}

/** Extensions Next.js picks up by default (pageExtensions: tsx, ts, jsx, js). */
const PICKED_UP = new Set(["ts", "tsx", "js", "jsx"]);
const RENAMED_EXT: Record<string, string> = { mjs: "js", mts: "ts" };
const SKIP = "Or skip this step with --no-middleware.";

interface Found {
  file: ExistingFile;
  /** "", "src/", "app/" or "src/app/". */
  dir: string;
  kind: Kind;
  ext: string;
}

function parseLocation(file: ExistingFile): Found | undefined {
  const match = /^((?:src\/)?(?:app\/)?)(middleware|proxy)\.([a-z]+)$/.exec(file.path);
  if (!match) return undefined;
  return { file, dir: match[1] ?? "", kind: match[2] as Kind, ext: match[3] ?? "" };
}

/** Throws CliError (code "MIDDLEWARE_CONFLICT" or "MIDDLEWARE_MISPLACED") when unsafe. */
export function locateMiddleware(files: ExistingFile[], ctx: MiddlewareContext): MiddlewareLocation {
  const dir = ctx.srcDir ? "src/" : "";
  const found = files.map(parseLocation).filter((f): f is Found => f !== undefined);
  const isRead = (f: Found) => f.dir === dir && PICKED_UP.has(f.ext) && (f.kind === "middleware" || ctx.nextMajor >= 16);
  const read = found.filter(isRead);
  const ignored = found.filter((f) => !isRead(f));
  const [active, second] = read;
  if (active && second) throw conflict(active, second, ctx);
  if (!active) {
    const [stray] = ignored;
    if (stray) throw misplaced(stray, dir, ctx);
    const kind: Kind = ctx.nextMajor >= 16 ? "proxy" : "middleware";
    return { path: `${dir}${kind}.${ctx.language}`, kind, typescript: ctx.language === "ts", notes: [] };
  }
  const notes: LocationNote[] = ignored.map((f) => ({
    kind: "middlewareIgnored",
    path: f.file.path,
    active: active.file.path,
    reason: whyIgnored(f, dir, ctx),
  }));
  if (active.kind === "middleware" && ctx.nextMajor >= 16) {
    notes.push({ kind: "middlewareDeprecated", path: active.file.path, nextMajor: ctx.nextMajor });
  }
  const typescript = active.ext === "ts" || active.ext === "tsx";
  return { path: active.file.path, kind: active.kind, typescript, existing: active.file, notes };
}

function conflict(a: Found, b: Found, ctx: MiddlewareContext): CliError {
  if (a.kind !== b.kind) {
    return new CliError(
      "MIDDLEWARE_CONFLICT",
      `Both ${a.file.path} and ${b.file.path} exist; Next.js ${ctx.nextMajor} refuses to build with a middleware and a proxy file.`,
      { hint: `Merge them into ${a.dir}proxy.${a.ext} (\`${CODEMOD}\` renames middleware to proxy) and delete the other, then run again. ${SKIP}` },
    );
  }
  return new CliError("MIDDLEWARE_CONFLICT", `Both ${a.file.path} and ${b.file.path} exist; Next.js runs only one ${a.kind} file.`, {
    hint: `Keep one of them (\`git rm\` the other), then run again. ${SKIP}`,
  });
}

function whyIgnored(f: Found, dir: string, ctx: MiddlewareContext): IgnoredReason {
  if (f.dir !== dir) return { kind: "directory", dir: f.dir, srcDir: ctx.srcDir };
  if (!PICKED_UP.has(f.ext)) return { kind: "extension", ext: f.ext };
  return { kind: "proxyBeforeNext16", nextMajor: ctx.nextMajor };
}

function misplaced(f: Found, dir: string, ctx: MiddlewareContext): CliError {
  const toMiddleware = f.kind === "proxy" && ctx.nextMajor < 16;
  const target = `${dir}${toMiddleware ? "middleware" : f.kind}.${RENAMED_EXT[f.ext] ?? f.ext}`;
  const rename = toMiddleware ? " and rename its `proxy` export to `middleware` (or upgrade to Next.js 16)" : "";
  return new CliError("MIDDLEWARE_MISPLACED", `${f.file.path} is ignored by Next.js: ${describeIgnoredReason(whyIgnored(f, dir, ctx))}.`, {
    hint: `Move it with \`git mv ${f.file.path} ${target}\`${rename}${relativeImportsNote(f.file.content)}, then run again. ${SKIP}`,
  });
}

/** Moving a file breaks its relative imports (`./i18n/routing` now resolves from the new folder): say so. */
function relativeImportsNote(content: string): string {
  const relative = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']*)["']/.exec(content)?.[1];
  return relative === undefined ? "" : `, and fix its relative imports (such as "${relative}"), which then resolve from the new folder`;
}

// ---- A new file ----

/** Clerk's recommended entry for API routes: every path under /api and /trpc. */
export const CLERK_API_ENTRY = "/(api|trpc)(.*)";

/** A new middleware/proxy file: create-next-app style, with Clerk's recommended matcher. */
const CLERK_MATCHER_SOURCES = [
  String.raw`/((?!_next|[^?]*\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)`,
  CLERK_API_ENTRY,
];

export function createContent(): string {
  return `import { clerkMiddleware } from "@clerk/nextjs/server";

export default clerkMiddleware();

export const config = {
  matcher: [
    // Skip Next.js internals and all static files, unless found in search params
    ${JSON.stringify(CLERK_MATCHER_SOURCES[0])},
    // Always run for API routes
    ${JSON.stringify(CLERK_MATCHER_SOURCES[1])},
  ],
};
`;
}
