import path from "node:path";
import { readText } from "../core/files.js";

// The import aliases a project declares (tsconfig.json or jsconfig.json `compilerOptions.paths`,
// relative to `baseUrl`), read leniently: comments and trailing commas are allowed, as tsc allows
// them; `extends` of a project file is followed once. Unreadable or absent: Next's create-next-app
// aliases (`@/*`, and `~/*`) are assumed.

export interface ImportAliases {
  /** Pattern (`@/*`, `@lib/auth`) → folders or files it maps to, absolute, with `*` kept. */
  paths: Array<{ pattern: string; targets: string[] }>;
}

/** Strips // and /* *\/ comments (outside strings) and trailing commas, then parses. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (char === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (char === ",") {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] !== "}" && text[j] !== "]") out += char;
    } else {
      out += char;
    }
  }
  return JSON.parse(out);
}

interface CompilerOptions {
  baseUrl?: unknown;
  paths?: unknown;
}

function readConfig(file: string, depth: number): { options: CompilerOptions; dir: string } | undefined {
  let text: string | null;
  try {
    text = readText(file, path.basename(file));
  } catch {
    return undefined;
  }
  if (text === null) return undefined;
  let parsed: { compilerOptions?: CompilerOptions; extends?: unknown };
  try {
    parsed = parseJsonc(text) as typeof parsed;
  } catch {
    return undefined;
  }
  const own = { options: parsed.compilerOptions ?? {}, dir: path.dirname(file) };
  if (depth > 0 || typeof parsed.extends !== "string" || !parsed.extends.startsWith(".")) return own;
  const base = readConfig(
    path.resolve(path.dirname(file), parsed.extends.endsWith(".json") ? parsed.extends : `${parsed.extends}.json`),
    depth + 1,
  );
  if (!base) return own;
  return {
    options: { ...base.options, ...own.options },
    dir: own.options.paths !== undefined || own.options.baseUrl !== undefined ? own.dir : base.dir,
  };
}

export function readImportAliases(root: string, srcDir: boolean): ImportAliases {
  const config = readConfig(path.join(root, "tsconfig.json"), 0) ?? readConfig(path.join(root, "jsconfig.json"), 0);
  const paths: ImportAliases["paths"] = [];
  if (config && typeof config.options.paths === "object" && config.options.paths !== null) {
    const base = path.resolve(config.dir, typeof config.options.baseUrl === "string" ? config.options.baseUrl : ".");
    for (const [pattern, targets] of Object.entries(config.options.paths as Record<string, unknown>)) {
      if (!Array.isArray(targets)) continue;
      paths.push({
        pattern,
        targets: targets.filter((t): t is string => typeof t === "string").map((t) => path.resolve(base, t)),
      });
    }
  }
  if (paths.length === 0) {
    const folders = srcDir
      ? [path.join(root, "src/*"), path.join(root, "*")]
      : [path.join(root, "*"), path.join(root, "src/*")];
    paths.push({ pattern: "@/*", targets: folders }, { pattern: "~/*", targets: folders });
  }
  return { paths };
}

/** The candidate bases (without extension) for an aliased import, or [] when no alias matches. */
export function aliasTargets(aliases: ImportAliases, specifier: string): string[] {
  for (const { pattern, targets } of aliases.paths) {
    const star = pattern.indexOf("*");
    if (star === -1) {
      if (specifier === pattern) return targets;
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix) &&
      specifier.length >= prefix.length + suffix.length
    ) {
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      return targets.map((t) => t.replace("*", middle));
    }
  }
  return [];
}
