// Which middleware/proxy file Next.js reads in this project, and the content of a new one.
// Loaded on every run: it must not import the parser, magic-string or path-to-regexp.
import { CliError } from "../core/errors.js";
import type { ExistingFile, Language } from "../core/types.js";
import { DEFAULT_PAGE_EXTENSIONS, middlewareKindFor, type MiddlewareKind, readsMiddlewareKind } from "./conventions.js";

export type { MiddlewareKind };

/** What decides where Next.js reads the file. */
export interface MiddlewareFileContext {
  language: Language;
  /** 15 → middleware, >=16 → proxy. */
  nextMajor: number;
  /** The app lives in src/app. */
  srcDir: boolean;
}

export interface MiddlewareLocation {
  /** Relative posix path of the file to create or patch, e.g. "src/proxy.ts". */
  path: string;
  kind: MiddlewareKind;
  /** The file is TypeScript (.ts/.tsx), so generated code carries types. */
  typescript: boolean;
  /** Present when that file exists. */
  existing?: ExistingFile;
  notes: LocationNote[];
}

/** Why Next.js doesn't read a middleware/proxy file. */
export type IgnoredReason =
  /** In `dir` ("", "src/", "app/", "src/app/") instead of the root or src/. */
  | { kind: "directory"; dir: string; srcDir: boolean }
  /** An extension Next.js doesn't pick up by default (.mjs, .mts, ...). */
  | { kind: "extension"; ext: string }
  /** A proxy file before Next.js 16. */
  | { kind: "proxyBeforeNext16"; nextMajor: number };

export type LocationNote =
  | { kind: "middlewareIgnored"; path: string; active: string; reason: IgnoredReason }
  | { kind: "middlewareDeprecated"; path: string; nextMajor: number };

/** Next's codemod that renames middleware to proxy (also named in the deprecation note). */
export const CODEMOD = "npx @next/codemod@latest middleware-to-proxy";

/** Why Next.js doesn't read a file, as the end of "… is ignored by Next.js: …". */
export function describeIgnoredReason(reason: IgnoredReason): string {
  switch (reason.kind) {
    case "directory": {
      const where = reason.srcDir
        ? "the app is in src/app, so it belongs in src/"
        : "the app is in app/, so it belongs in the project root";
      return `${where}, not in ${reason.dir || "the project root"}`;
    }
    case "extension":
      return `it only picks up .ts, .tsx, .js and .jsx middleware files by default, not .${reason.ext}`;
    case "proxyBeforeNext16":
      return `Next.js ${reason.nextMajor} reads middleware files only (proxy files arrived in Next.js 16)`;
  }
}

const PICKED_UP = new Set(DEFAULT_PAGE_EXTENSIONS);
const RENAMED_EXT: Record<string, string> = { mjs: "js", mts: "ts" };
const SKIP = "Or skip this step with --no-middleware.";

interface Found {
  file: ExistingFile;
  /** "", "src/", "app/" or "src/app/". */
  dir: string;
  kind: MiddlewareKind;
  ext: string;
}

function parseLocation(file: ExistingFile): Found | undefined {
  const match = /^((?:src\/)?(?:app\/)?)(middleware|proxy)\.([a-z]+)$/.exec(file.path);
  if (!match) return undefined;
  return { file, dir: match[1] ?? "", kind: match[2] as MiddlewareKind, ext: match[3] ?? "" };
}

/** Throws CliError (code "MIDDLEWARE_CONFLICT" or "MIDDLEWARE_MISPLACED") when unsafe. */
export function locateMiddleware(files: ExistingFile[], ctx: MiddlewareFileContext): MiddlewareLocation {
  const dir = ctx.srcDir ? "src/" : "";
  const found = files.map(parseLocation).filter((f): f is Found => f !== undefined);
  const isRead = (f: Found) => f.dir === dir && PICKED_UP.has(f.ext) && readsMiddlewareKind(f.kind, ctx.nextMajor);
  const read = found.filter(isRead);
  const ignored = found.filter((f) => !isRead(f));
  const [active, second] = read;
  if (active && second) throw conflict(active, second, ctx);
  if (!active) {
    const [stray] = ignored;
    if (stray) throw misplaced(stray, dir, ctx);
    const kind = middlewareKindFor(ctx.nextMajor);
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

function conflict(a: Found, b: Found, ctx: MiddlewareFileContext): CliError {
  if (a.kind !== b.kind) {
    return new CliError(
      "MIDDLEWARE_CONFLICT",
      `Both ${a.file.path} and ${b.file.path} exist; Next.js ${ctx.nextMajor} refuses to build with a middleware and a proxy file.`,
      {
        hint: `Merge them into ${a.dir}proxy.${a.ext} (\`${CODEMOD}\` renames middleware to proxy) and delete the other, then run again. ${SKIP}`,
      },
    );
  }
  return new CliError(
    "MIDDLEWARE_CONFLICT",
    `Both ${a.file.path} and ${b.file.path} exist; Next.js runs only one ${a.kind} file.`,
    {
      hint: `Keep one of them (\`git rm\` the other), then run again. ${SKIP}`,
    },
  );
}

function whyIgnored(f: Found, dir: string, ctx: MiddlewareFileContext): IgnoredReason {
  if (f.dir !== dir) return { kind: "directory", dir: f.dir, srcDir: ctx.srcDir };
  if (!PICKED_UP.has(f.ext)) return { kind: "extension", ext: f.ext };
  return { kind: "proxyBeforeNext16", nextMajor: ctx.nextMajor };
}

function misplaced(f: Found, dir: string, ctx: MiddlewareFileContext): CliError {
  const toMiddleware = f.kind === "proxy" && ctx.nextMajor < 16;
  const target = `${dir}${toMiddleware ? "middleware" : f.kind}.${RENAMED_EXT[f.ext] ?? f.ext}`;
  const rename = toMiddleware ? " and rename its `proxy` export to `middleware` (or upgrade to Next.js 16)" : "";
  return new CliError(
    "MIDDLEWARE_MISPLACED",
    `${f.file.path} is ignored by Next.js: ${describeIgnoredReason(whyIgnored(f, dir, ctx))}.`,
    {
      hint: `Move it with \`git mv ${f.file.path} ${target}\`${rename}${relativeImportsNote(f.file.content)}, then run again. ${SKIP}`,
    },
  );
}

/** Moving a file breaks its relative imports (`./i18n/routing` now resolves from the new folder): say so. */
function relativeImportsNote(content: string): string {
  const relative = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']*)["']/.exec(content)?.[1];
  return relative === undefined
    ? ""
    : `, and fix its relative imports (such as "${relative}"), which then resolve from the new folder`;
}
