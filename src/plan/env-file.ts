// Planning of the env file (.env.local / .env): pure string in, string out, no fs.
//
// The contract with the user's file: we only ever APPEND. Every existing byte (comments, blank
// lines, order, quoting, CRLF, a missing final newline) stays a prefix of the result, and an
// existing key is never rewritten, not even an empty one.

import util from "node:util";
import dotenv from "dotenv";
import { CliError } from "../core/errors.js";
import { CLERK_API_KEYS_URL, PUBLISHABLE_KEY_ENV, SECRET_KEY_ENV, maskValue } from "../clerk/keys.js";
import { appendLines, trimmedLines } from "./append-lines.js";
import type { Note } from "./types.js";

/** One variable to make sure of. value "" writes a placeholder (`KEY=`). */
export interface EnvEntry {
  key: string;
  value: string;
  /**
   * Written as `# comment` above the key when the key is added. Entries with the same comment
   * share one comment block (put them next to each other), and a comment whose first line is
   * already in the file is not repeated.
   */
  comment?: string;
  /** Written as `# KEY=value`, an optional setting: skipped when the key is defined or that line is there. */
  commentedOut?: boolean;
}

export interface EnvFilePlan {
  /** The new content. after === before (byte-identical) when nothing was added. */
  after: string;
  /** Findings; values are masked, never kept in full. */
  notes: Note[];
}

export const CLERK_ENV_COMMENT = `Clerk keys: ${CLERK_API_KEYS_URL}`;

/** The two Clerk entries, sharing one comment block; a missing key becomes a placeholder. */
export function clerkEnvEntries(keys: { publishableKey?: string; secretKey?: string }): EnvEntry[] {
  return [
    { key: PUBLISHABLE_KEY_ENV, value: keys.publishableKey ?? "", comment: CLERK_ENV_COMMENT },
    { key: SECRET_KEY_ENV, value: keys.secretKey ?? "", comment: CLERK_ENV_COMMENT },
  ];
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** "auto": util.parseEnv when available, else dotenv. The others force one (for tests). */
export type EnvParser = "auto" | "node" | "dotenv";

type NodeParseEnv = (content: string) => NodeJS.Dict<string>;

/** util.parseEnv exists from Node 20.12 / 21.7; our floor is 20.9, so it may be missing. */
const nodeParseEnv: NodeParseEnv | undefined = (util as { parseEnv?: NodeParseEnv }).parseEnv;

/**
 * Reduces a key as a parser reported it to the name the app will see.
 * Node's util.parseEnv (at least up to 20.20) only strips `export ` followed by exactly one
 * space: `export  KEY=` (two spaces) or `export\tKEY=` come back as " KEY" / "export\tKEY".
 * It also glues a line without "=" to the next line's key ("JUNK\nKEY"). Taking the last line,
 * trimming and dropping a leading `export` gives the name Next (via dotenv) would use.
 */
function normalizeKey(raw: string): string {
  const lastLine = raw.split(/\r\n|\r|\n/).pop() ?? "";
  return lastLine
    .trim()
    .replace(/^export\s+/, "")
    .trim();
}

/**
 * Parses env-file text into name → value (last definition wins, like both parsers).
 *
 * Node's built-in util.parseEnv is used when the running Node has it (>= 20.12); on Node
 * 20.9–20.11 we fall back to dotenv's parse, which is what Next.js itself uses (@next/env wraps
 * dotenv), so both paths agree with how the app will read the file. Keys are normalized (see
 * normalizeKey) because util.parseEnv does not strip every form of `export KEY=`.
 * `impl` forces one parser (tests use it to exercise both on any Node).
 * Returns a Map: lookups cannot hit Object.prototype members ("constructor", "toString").
 */
export function parseEnvText(text: string, impl: EnvParser = "auto"): Map<string, string> {
  const useNode = impl === "node" || (impl === "auto" && nodeParseEnv !== undefined);
  let raw: Record<string, string | undefined>;
  if (useNode) {
    if (nodeParseEnv === undefined) throw new Error("util.parseEnv is not available in this Node");
    raw = nodeParseEnv(text);
  } else {
    raw = dotenv.parse(text);
  }
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const name = normalizeKey(key);
    if (name !== "" && value !== undefined) out.set(name, value);
  }
  return out;
}

/**
 * The concrete parsers to consult, `primary` first: both when this Node has util.parseEnv.
 * They disagree on a few inputs (dotenv, hence Next, also reads `KEY: value`; an unclosed quote
 * runs to the next quote in util.parseEnv but is literal in dotenv), so planning asks both.
 */
function parsersFor(primary: EnvParser): Array<"node" | "dotenv"> {
  const first = primary === "auto" ? (nodeParseEnv !== undefined ? "node" : "dotenv") : primary;
  if (first === "node") return ["node", "dotenv"];
  return nodeParseEnv !== undefined ? ["dotenv", "node"] : ["dotenv"];
}

// ---------------------------------------------------------------------------------------------
// Choosing the file

// ---------------------------------------------------------------------------------------------
// Writing

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Characters that are safe in an unquoted value for both util.parseEnv and dotenv. */
const UNQUOTED_SAFE = /^[A-Za-z0-9_\-.\/:+=,@%~$]*$/;

/**
 * Next expands `$NAME` / `${NAME}` inside env values (dotenv-expand) and turns `\$` into a
 * literal `$`, so a literal dollar sign has to be written as `\$`.
 */
function escapeDollars(value: string): string {
  return value.replace(/\$/g, "\\$");
}

/** The value as Next will see it after its `\$` → `$` unescaping. */
function unescapeDollars(value: string): string {
  return value.replace(/\\\$/g, "$");
}

/**
 * The right-hand side of `KEY=...`. Plain when every character is safe; otherwise quoted with
 * the first quote style that can hold the value literally in both parsers:
 *   '…'  fully literal (no escapes at all), multi-line allowed;
 *   "…"  only if the value has no `"` and no backslash (dotenv/Node turn \n into a newline);
 *   `…`  literal, last resort.
 * A value containing all three quote characters cannot be written safely: CliError.
 */
export function formatEnvValue(key: string, value: string): string {
  const text = escapeDollars(value);
  if (UNQUOTED_SAFE.test(value)) return text;
  if (!value.includes("'") && !value.endsWith("\\")) return `'${text}'`;
  if (!value.includes('"') && !value.includes("\\")) return `"${text}"`;
  if (!value.includes("`")) return `\`${text}\``;
  throw new CliError(
    "ENV_VALUE_UNQUOTABLE",
    `The value for ${key} contains ', " and \` quotes and cannot be written to an env file safely.`,
    { hint: `Add ${key} to the env file by hand.` },
  );
}

/** An entry's comment as `# ` lines of the env file, one per line of the comment. */
function envCommentLines(comment: string): string[] {
  return comment.split(/\r\n|\r|\n/).map((line) => (line === "" ? "#" : `# ${line}`));
}

function commentedOutLine(entry: EnvEntry): string {
  return `# ${entry.key}=${entry.value === "" ? "" : formatEnvValue(entry.key, entry.value)}`;
}

function sameValue(fileValue: string, wanted: string): boolean {
  return fileValue === wanted || unescapeDollars(fileValue) === wanted;
}

/**
 * Adds the missing `entries` to an env file's text (`before`, null when the file is new).
 *
 * - A key already defined (also as `export KEY=` or `KEY: value`, quoted or multi-line) is kept
 *   as it is, even when empty. "Defined" means util.parseEnv or dotenv sees it. If the entry brings a different non-empty value, the file wins and a warning
 *   names the key with both values masked.
 * - Missing keys are appended at the end, with their comments, in the file's line-ending style
 *   (CRLF if the first line break is CRLF). A blank line separates a new comment block from
 *   existing content.
 * - If `before` lacks a final newline, one line break is added first so the original bytes stay
 *   an exact prefix. The result always ends with a line break: we own the lines we append, and
 *   a final newline is what editors, POSIX tools and git expect.
 * - Nothing missing: after === before, byte for byte.
 * - Safety net: the result is re-parsed with both parsers; if any existing value would change
 *   or an added key would not read back as written (e.g. an unclosed quote earlier in the file
 *   swallowing our lines), the file is left unchanged and a warning tells the user what to add
 *   by hand.
 * - `options.fileName` names the file in warnings; `options.parser` picks the primary parser
 *   (whose value wins when the two disagree; tests use it).
 */
export function planEnvFile(
  before: string | null,
  entries: EnvEntry[],
  options: { fileName?: string; parser?: EnvParser } = {},
): EnvFilePlan {
  const fileName = options.fileName ?? "the env file";
  const parsers = parsersFor(options.parser ?? "auto");
  const original = before ?? "";
  const readings = parsers.map((p) => parseEnvText(original, p));
  // Present if any parser sees it: appending a key one of them already reads would shadow it
  // (last definition wins). The value compared is the primary parser's when it has one.
  const existing = new Map<string, string>();
  for (const reading of [...readings].reverse()) {
    for (const [key, value] of reading) existing.set(key, value);
  }
  const notes: Note[] = [];
  const missing: EnvEntry[] = [];
  const seen = new Set<string>();

  for (const entry of entries) {
    if (!ENV_NAME.test(entry.key)) throw new Error(`Invalid env variable name: ${entry.key}`);
    if (seen.has(entry.key)) continue; // first entry for a key wins
    seen.add(entry.key);

    const current = existing.get(entry.key);
    if (entry.commentedOut) {
      if (current === undefined && !trimmedLines(original).has(commentedOutLine(entry))) missing.push(entry);
      continue;
    }
    if (current === undefined) {
      missing.push(entry);
      continue;
    }
    if (entry.value === "" || sameValue(current, entry.value)) continue;
    if (current === "")
      notes.push({ kind: "envKeyEmpty", key: entry.key, file: fileName, given: maskValue(entry.value) });
    else
      notes.push({
        kind: "envKeyDiffers",
        key: entry.key,
        file: fileName,
        current: maskValue(current),
        given: maskValue(entry.value),
      });
  }

  if (missing.length === 0) return { after: original, notes };

  const fileLines = trimmedLines(original);
  const lines: string[] = [];
  const commentsDone = new Set<string>();
  for (const entry of missing) {
    if (entry.comment !== undefined && !commentsDone.has(entry.comment)) {
      commentsDone.add(entry.comment);
      const block = envCommentLines(entry.comment);
      if (!fileLines.has(block[0]!.trim())) {
        if (lines.length > 0) lines.push(""); // blank line between two appended groups
        lines.push(...block);
      }
    }
    lines.push(entry.commentedOut ? commentedOutLine(entry) : `${entry.key}=${formatEnvValue(entry.key, entry.value)}`);
  }

  const after = appendLines(before, lines);

  // Safety net: read the result back with every parser, each compared with its own reading.
  const broken = new Set<string>();
  parsers.forEach((p, i) => {
    const reparsed = parseEnvText(after, p);
    for (const [key, value] of readings[i]!) {
      if (reparsed.get(key) !== value) broken.add(key);
    }
    for (const entry of missing) {
      if (entry.commentedOut) {
        if (reparsed.has(entry.key)) broken.add(entry.key);
      } else if (reparsed.get(entry.key) !== escapeDollars(entry.value)) broken.add(entry.key);
    }
  });
  if (broken.size > 0) {
    const names = [...broken];
    if (before === null) {
      throw new Error(`planEnvFile produced an unreadable new env file (${names.join(", ")})`);
    }
    notes.push({ kind: "envAppendUnsafe", file: fileName, keys: missing.map((e) => e.key), broken: names });
    return { after: original, notes };
  }

  return { after, notes };
}
