// Workspace globs (`apps/*`, `packages/**`, `!**/test/**`) as npm, yarn, pnpm and bun write them in
// `workspaces` / pnpm-workspace.yaml, matched against a folder path. Pure.
//
// Matched segment by segment: `**` is any number of whole segments, `*` any run of characters
// inside one segment, `?` one character, `{a,b}` either; every other character is literal (no regex
// is built from the user's text without escaping, and `**` recursion is bounded by the path's
// depth). Folder names starting with "." are never matched by a wildcard, as in every glob library
// the package managers use.

export interface WorkspacePatterns {
  include: string[][];
  exclude: string[][];
}

function normalize(pattern: string): string[] {
  const cleaned = pattern
    .trim()
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/\/package\.json$/, "")
    .replace(/\/+$/, "");
  return cleaned === "" || cleaned === "." ? [] : cleaned.split("/").filter((part) => part !== "" && part !== ".");
}

export function compileWorkspacePatterns(patterns: readonly string[]): WorkspacePatterns {
  const compiled: WorkspacePatterns = { include: [], exclude: [] };
  for (const raw of patterns) {
    const negated = raw.trim().startsWith("!");
    const segments = normalize(negated ? raw.trim().slice(1) : raw);
    if (segments.length === 0 || segments.includes("..")) continue; // the root itself, or outside it
    (negated ? compiled.exclude : compiled.include).push(segments);
  }
  return compiled;
}

const segmentCache = new Map<string, RegExp>();

function segmentRegex(glob: string): RegExp {
  let regex = segmentCache.get(glob);
  if (regex) return regex;
  let source = "";
  let inBraces = false;
  for (const ch of glob) {
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "{" && !inBraces) {
      inBraces = true;
      source += "(?:";
    } else if (ch === "}" && inBraces) {
      inBraces = false;
      source += ")";
    } else if (ch === "," && inBraces) source += "|";
    else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  }
  if (inBraces) source = glob.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"); // unclosed brace: all literal
  regex = new RegExp(`^${source}$`);
  segmentCache.set(glob, regex);
  return regex;
}

function matchSegment(glob: string, name: string): boolean {
  if (name.startsWith(".") && !glob.startsWith(".")) return false;
  return segmentRegex(glob).test(name);
}

function matchFrom(pattern: readonly string[], p: number, parts: readonly string[], i: number): boolean {
  if (p === pattern.length) return i === parts.length;
  const head = pattern[p]!;
  if (head === "**") {
    // Zero segments, or one more (never a dot folder).
    if (matchFrom(pattern, p + 1, parts, i)) return true;
    return i < parts.length && !parts[i]!.startsWith(".") && matchFrom(pattern, p, parts, i + 1);
  }
  return i < parts.length && matchSegment(head, parts[i]!) && matchFrom(pattern, p + 1, parts, i + 1);
}

/** Whether the folder `relativeDir` (posix, relative to the workspace root) is one of the workspaces. */
export function isWorkspaceFolder(patterns: WorkspacePatterns, relativeDir: string): boolean {
  const parts = relativeDir.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0) return false;
  return (
    patterns.include.some((p) => matchFrom(p, 0, parts, 0)) && !patterns.exclude.some((p) => matchFrom(p, 0, parts, 0))
  );
}

/**
 * Whether a folder below `relativeDir` could still match (so a search need not enter folders
 * no pattern reaches, such as docs/ when the patterns are apps/* and packages/*).
 */
export function mayContainWorkspaces(patterns: WorkspacePatterns, relativeDir: string): boolean {
  const parts = relativeDir.split("/").filter((part) => part !== "" && part !== ".");
  return patterns.include.some((pattern) => {
    for (let i = 0; i < parts.length; i++) {
      const head = pattern[i];
      if (head === undefined) return false;
      if (head === "**") return true;
      if (!matchSegment(head, parts[i]!)) return false;
    }
    return pattern.length > parts.length;
  });
}

/** The `packages:` list of a pnpm-workspace.yaml: a block or flow sequence of (quoted) strings. */
export function parsePnpmWorkspacePackages(yaml: string): string[] {
  const lines = yaml.replace(/^\uFEFF/, "").split(/\r?\n/);
  const start = lines.findIndex((line) => /^packages\s*:/.test(line));
  if (start === -1) return [];
  const rest = lines[start]!.replace(/^packages\s*:/, "").trim();
  if (rest.startsWith("[")) {
    const body = rest.slice(1, rest.includes("]") ? rest.indexOf("]") : undefined);
    return body
      .split(",")
      .map(scalar)
      .filter((item) => item !== "");
  }
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s*-\s+(.*)$/.exec(line) ?? /^\s*-()$/.exec(line);
    if (!item) {
      if (!/^\s/.test(line)) break; // the next top-level key
      continue;
    }
    const value = scalar(item[1] ?? "");
    if (value !== "") items.push(value);
  }
  return items;
}

/** One YAML scalar: quoted ('…' with '' for a quote, "…" with \ escapes) or plain up to a comment. */
function scalar(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("'")) {
    const end = /^'((?:[^']|'')*)'/.exec(trimmed);
    return end ? end[1]!.replace(/''/g, "'") : trimmed.slice(1);
  }
  if (trimmed.startsWith('"')) {
    const end = /^"((?:[^"\\]|\\.)*)"/.exec(trimmed);
    return end ? end[1]!.replace(/\\(.)/g, "$1") : trimmed.slice(1);
  }
  return trimmed.replace(/\s+#.*$/, "").trim();
}
