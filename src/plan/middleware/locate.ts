import { CliError } from "../../core/errors.js";
import type { ExistingFile } from "../../core/types.js";
import type { MiddlewareContext, MiddlewareLocation } from "./context.js";

type Kind = MiddlewareLocation["kind"];

/** Extensions Next.js picks up by default (pageExtensions: tsx, ts, jsx, js). */
const PICKED_UP = new Set(["ts", "tsx", "js", "jsx"]);
const RENAMED_EXT: Record<string, string> = { mjs: "js", mts: "ts" };
const CODEMOD = "npx @next/codemod@latest middleware-to-proxy";
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
    return { path: `${dir}${kind}.${ctx.language}`, kind, warnings: [] };
  }
  const warnings = ignored.map(
    (f) => `${f.file.path} is ignored by Next.js: ${whyIgnored(f, dir, ctx)}. ${active.file.path} is the one that runs.`,
  );
  if (active.kind === "middleware" && ctx.nextMajor >= 16) {
    warnings.push(`${active.file.path} on Next.js ${ctx.nextMajor} still works but is deprecated; \`${CODEMOD}\` renames it to proxy.`);
  }
  return { path: active.file.path, kind: active.kind, existing: active.file, warnings };
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

function whyIgnored(f: Found, dir: string, ctx: MiddlewareContext): string {
  if (f.dir !== dir) {
    const where = ctx.srcDir ? "the app is in src/app, so it belongs in src/" : "the app is in app/, so it belongs in the project root";
    return `${where}, not in ${f.dir || "the project root"}`;
  }
  if (!PICKED_UP.has(f.ext)) return `it only picks up .ts, .tsx, .js and .jsx middleware files by default, not .${f.ext}`;
  return `Next.js ${ctx.nextMajor} reads middleware files only (proxy files arrived in Next.js 16)`;
}

function misplaced(f: Found, dir: string, ctx: MiddlewareContext): CliError {
  const toMiddleware = f.kind === "proxy" && ctx.nextMajor < 16;
  const target = `${dir}${toMiddleware ? "middleware" : f.kind}.${RENAMED_EXT[f.ext] ?? f.ext}`;
  const rename = toMiddleware ? " and rename its `proxy` export to `middleware` (or upgrade to Next.js 16)" : "";
  return new CliError("MIDDLEWARE_MISPLACED", `${f.file.path} is ignored by Next.js: ${whyIgnored(f, dir, ctx)}.`, {
    hint: `Move it with \`git mv ${f.file.path} ${target}\`${rename}, then run again. ${SKIP}`,
  });
}
