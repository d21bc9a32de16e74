// `pageExtensions` from next.config.{js,mjs,cjs,ts,mts}, read statically (the config is never run):
// a list of string literals anywhere in the file is taken; a `pageExtensions` whose value is not one
// (a variable, a spread, a call), or a config that does not parse, cannot be read, and the caller says so.
import { readModule } from "../js/parse.js";
import { stringValue, walk } from "../js/nodes.js";
import { DEFAULT_PAGE_EXTENSIONS } from "./conventions.js";

export const NEXT_CONFIG_FILES = [
  "next.config.js",
  "next.config.mjs",
  "next.config.cjs",
  "next.config.ts",
  "next.config.mts",
];

export type PageExtensions =
  { ok: true; extensions: readonly string[]; file?: string } | { ok: false; file: string; why: string };

export function readPageExtensions(
  config: { path: string; content: string } | { path: string; unreadable: string } | undefined,
): PageExtensions {
  if (!config) return { ok: true, extensions: DEFAULT_PAGE_EXTENSIONS };
  if ("unreadable" in config) return { ok: false, file: config.path, why: `it cannot be read (${config.unreadable})` };
  const parsed = readModule(config.content, config.path);
  if (!parsed.ok) return { ok: false, file: config.path, why: `it does not parse (${parsed.error})` };
  let found: PageExtensions | undefined;
  walk(parsed.ast.program, (node) => {
    if (found || node.type !== "ObjectProperty" || node.computed) return;
    const key = node.key.type === "Identifier" ? node.key.name : stringValue(node.key);
    if (key !== "pageExtensions") return;
    const value = node.value;
    const items =
      value.type === "ArrayExpression"
        ? value.elements.map((e) => (e && e.type !== "SpreadElement" ? stringValue(e) : undefined))
        : [undefined];
    found = items.every((item): item is string => item !== undefined)
      ? { ok: true, extensions: items, file: config.path }
      : { ok: false, file: config.path, why: "its pageExtensions is not a list of strings written in place" };
  });
  return found ?? { ok: true, extensions: DEFAULT_PAGE_EXTENSIONS };
}

/** `route.<ext>` for one of the extensions (which may hold dots: `page.ts`). */
export function isRouteFileWith(name: string, extensions: readonly string[]): boolean {
  return extensions.some((ext) => name === `route.${ext}`);
}

/** A Pages Router file for one of the extensions: the name without it, or undefined. */
export function pageBaseName(name: string, extensions: readonly string[]): string | undefined {
  for (const ext of extensions)
    if (name.endsWith(`.${ext}`) && name.length > ext.length + 1) return name.slice(0, -(ext.length + 1));
  return undefined;
}
