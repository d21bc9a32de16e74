// Planning of the project's root .gitignore so the env file with the secret key stays out of git.
// Pure: text in, text out.
//
// Decision: we add the exact env path, anchored to the root with a leading "/" (e.g.
// "/.env.local"), not a broad pattern. create-next-app already ships `.env*` (older versions
// `.env*.local`), which covers us, and we detect that; when nothing covers the file, an exact line
// ignores only the file we write secrets into and never hides files the user commits on purpose
// (`.env.example`, `.env.production` with public values). When git itself is available, the
// caller should prefer its answer (see project/git.ts); gitignoreCovers is the fallback.

import { appendLines, trimmedLines } from "./env/append.js";

export const GITIGNORE_COMMENT = "# env file with Clerk keys: keep it out of git";

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  /** Pattern contains a "/" before its end: matched against the whole path, else the basename. */
  anchored: boolean;
  regex: RegExp;
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates one gitignore glob (no leading or trailing "/") to a regex source. */
function globToRegex(glob: string): string {
  let out = "";
  let i = 0;
  while (i < glob.length) {
    if (i === 0 && glob.startsWith("**/")) {
      out += "(?:.*/)?";
      i += 3;
    } else if (glob.startsWith("/**/", i)) {
      out += "/(?:.*/)?";
      i += 4;
    } else if (glob.startsWith("/**", i) && i + 3 === glob.length) {
      out += "/.*";
      i += 3;
    } else if (glob === "**") {
      out += ".*";
      i += 2;
    } else {
      const ch = glob[i]!;
      if (ch === "*") {
        while (glob[i] === "*") i++;
        out += "[^/]*";
        continue;
      }
      if (ch === "?") {
        out += "[^/]";
      } else if (ch === "\\" && i + 1 < glob.length) {
        i++;
        out += escapeRegex(glob[i]!);
      } else if (ch === "[") {
        // A "]" right after "[" or "[!" is a literal member, not the end of the class.
        let start = i + 1;
        if (glob[start] === "!" || glob[start] === "^") start++;
        if (glob[start] === "]") start++;
        const close = glob.indexOf("]", start);
        if (close === -1) {
          out += "\\[";
        } else {
          let body = glob.slice(i + 1, close);
          let negate = false;
          if (body.startsWith("!") || body.startsWith("^")) {
            negate = true;
            body = body.slice(1);
          }
          const cls = body.replace(/\\(.)/g, "$1").replace(/[\\\]^]/g, (c) => `\\${c}`);
          out += negate ? `[^/${cls}]` : `[${cls}]`;
          i = close;
        }
      } else {
        out += escapeRegex(ch);
      }
      i++;
    }
  }
  return out;
}

function parseRules(content: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of content.split(/\r?\n/)) {
    // Trailing spaces are ignored unless escaped with a backslash.
    let line = rawLine.replace(/(?<!\\)[ \t]+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    let negate = false;
    if (line.startsWith("!")) {
      negate = true;
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith("/") && !line.endsWith("\\/")) {
      dirOnly = true;
      line = line.replace(/\/+$/, "");
    }
    if (line === "") continue;
    const anchored = line.includes("/");
    const glob = line.replace(/^\//, "");
    try {
      rules.push({ negate, dirOnly, anchored, regex: new RegExp(`^${globToRegex(glob)}$`) });
    } catch {
      // A pattern we cannot translate: skip it rather than guess.
    }
  }
  return rules;
}

/** The last rule matching `path` decides: true = ignored, false = re-included, undefined = none. */
function lastMatch(rules: Rule[], path: string, isDir: boolean): boolean | undefined {
  const base = path.slice(path.lastIndexOf("/") + 1);
  let result: boolean | undefined;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.regex.test(rule.anchored ? path : base)) result = !rule.negate;
  }
  return result;
}

/**
 * Whether the rules in a root .gitignore ignore `relPath` (posix, relative to the project root).
 * Follows git's rules for the common cases: comments, `!` negation, leading/middle "/" anchors,
 * trailing "/" for directories, `*`, `?`, `[...]`, `**`, and "a file inside an ignored directory
 * cannot be re-included". Case-sensitive, like git on Linux.
 */
export function gitignoreCovers(content: string, relPath: string): boolean {
  const rules = parseRules(content);
  const parts = relPath.replace(/^\/+/, "").split("/");
  for (let i = 1; i < parts.length; i++) {
    if (lastMatch(rules, parts.slice(0, i).join("/"), true) === true) return true;
  }
  return lastMatch(rules, parts.join("/"), false) === true;
}

/** The line we add for `envPath`: root-anchored, with glob characters escaped. */
export function gitignoreLineFor(envPath: string): string {
  const path = envPath.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  const escaped = path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`).replace(/ $/, "\\ ");
  return `/${escaped}`;
}

/**
 * Returns the .gitignore text that keeps `envPath` out of git: `before` unchanged when its rules
 * already ignore the file (so applying twice is a no-op), else `before` plus a short comment and
 * the root-anchored path, appended with the file's EOL and the same prefix/final-newline rules
 * as the env file. `before` null = no .gitignore yet.
 */
export function planGitignore(before: string | null, envPath: string): string {
  const normalized = envPath.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/^\/+/, "");
  if (before !== null && gitignoreCovers(before, normalized)) return before;
  const line = gitignoreLineFor(normalized);
  const lines = trimmedLines(before ?? "").has(GITIGNORE_COMMENT) ? [line] : [GITIGNORE_COMMENT, line];
  return appendLines(before, lines);
}
