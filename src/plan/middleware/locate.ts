import { CliError } from "../../errors.js";
import type { ExistingFile } from "../../types.js";
import type { MiddlewareContext, MiddlewareLocation } from "./context.js";

type Kind = MiddlewareLocation["kind"];

/** Extensions Next.js picks up by default (pageExtensions: tsx, ts, jsx, js). */
const PICKED_UP = new Set(["ts", "tsx", "js", "jsx"]);
const CODEMOD = "npx @next/codemod@latest middleware-to-proxy";

interface Found {
  file: ExistingFile;
  dir: string;
  kind: Kind;
  ext: string;
}

function describe(path: string): Found | undefined {
  const match = /^((?:src\/)?(?:app\/)?)(middleware|proxy)\.([a-z]+)$/.exec(path);
  if (!match) return undefined;
  return { file: { path, content: "" }, dir: match[1] ?? "", kind: match[2] as Kind, ext: match[3] ?? "" };
}

/** Throws CliError (code "MIDDLEWARE_CONFLICT" or "MIDDLEWARE_MISPLACED") when unsafe. */
export function locateMiddleware(files: ExistingFile[], ctx: MiddlewareContext): MiddlewareLocation {
  const dir = ctx.srcDir ? "src/" : "";
  const preferred: Kind = ctx.nextMajor >= 16 ? "proxy" : "middleware";
  const found = files.flatMap((file) => {
    const info = describe(file.path);
    return info ? [{ ...info, file }] : [];
  });
  const read = found.filter((f) => f.dir === dir && PICKED_UP.has(f.ext) && (f.kind === "middleware" || ctx.nextMajor >= 16));
  const ignored = found.filter((f) => !read.includes(f));
  const [active, second] = read;
  if (second && active) throw conflict(active, second, ctx);
  if (!active) {
    const [stray] = ignored;
    if (stray) throw misplaced(stray, dir, preferred, ctx);
    return { path: `${dir}${preferred}.${ctx.language}`, kind: preferred, warnings: [] };
  }
  const warnings = ignored.map((f) => `${f.file.path} is ignored by Next.js (${whyIgnored(f, dir, ctx)}); ${active.file.path} is the one that runs.`);
  if (active.kind === "middleware" && ctx.nextMajor >= 16) {
    warnings.push(`${active.file.path} on Next.js ${ctx.nextMajor} still works but is deprecated; \`${CODEMOD}\` renames it to proxy.`);
  }
  return { path: active.file.path, kind: active.kind, existing: active.file, warnings };
}

function conflict(a: Found, b: Found, ctx: MiddlewareContext): CliError {
  const both = a.kind !== b.kind;
  const message = both
    ? `Both ${a.file.path} and ${b.file.path} exist; Next.js ${ctx.nextMajor} refuses to build with a middleware and a proxy file.`
    : `Both ${a.file.path} and ${b.file.path} exist; Next.js uses only one ${a.kind} file.`;
  const hint = both
    ? `Merge them into ${ctx.srcDir ? "src/" : ""}proxy.${ctx.language} (\`${CODEMOD}\` renames middleware to proxy), delete the other, then run again. Or skip this step with --no-middleware.`
    : `Keep one of them (\`git rm\` the other), then run again. Or skip this step with --no-middleware.`;
  return new CliError("MIDDLEWARE_CONFLICT", message, { hint });
}

function whyIgnored(f: Found, dir: string, ctx: MiddlewareContext): string {
  if (f.dir !== dir) return `it must live in ${dir === "" ? "the project root" : "src/"}${ctx.srcDir ? ", next to app/" : ""}, not in ${f.dir || "the project root"}`;
  if (!PICKED_UP.has(f.ext)) return `.${f.ext} is not one of Next.js's default page extensions`;
  return `Next.js ${ctx.nextMajor} reads middleware.${ctx.language}, not proxy files (those arrived in Next.js 16)`;
}

function misplaced(f: Found, dir: string, preferred: Kind, ctx: MiddlewareContext): CliError {
  const target = f.kind === "proxy" && ctx.nextMajor < 16 ? `${dir}middleware.${PICKED_UP.has(f.ext) ? f.ext : ctx.language}` : `${dir}${f.kind}.${PICKED_UP.has(f.ext) ? f.ext : ctx.language}`;
  const rename = f.kind === "proxy" && preferred === "middleware" ? " and rename its `proxy` export to `middleware`" : "";
  return new CliError("MIDDLEWARE_MISPLACED", `${f.file.path} is ignored by Next.js: ${whyIgnored(f, dir, ctx)}.`, {
    hint: `Move it with \`git mv ${f.file.path} ${target}\`${rename}, then run again. Or skip this step with --no-middleware.`,
  });
}
