// Parsing a module with Babel: for editing (readSource: tokens, bindings, code style) or for
// reading only (readModule). A syntax error comes back as data, never thrown.
import { parse, type ParserPlugin } from "@babel/parser";
import type { File } from "@babel/types";
import { type Bindings, collectBindings } from "./bindings.js";
import { type CodeStyle, detectStyle } from "./code-style.js";

export interface Token {
  label: string;
  start: number;
  end: number;
}

/** An existing middleware file, parsed once and handed to every edit. */
export interface SourceFile {
  code: string;
  ast: File;
  tokens: Token[];
  bindings: Bindings;
  style: CodeStyle;
  /** A TypeScript file: generated parameters get type annotations. */
  typescript: boolean;
}

export type ReadSource = { ok: true; source: SourceFile } | { ok: false; error: string };

/** Parses the file and gathers every fact the edits need; a syntax error comes back as "path:line:column: message". */
export function readSource(code: string, path: string, typescript: boolean): ReadSource {
  try {
    const ast = parse(code, { sourceType: "module", plugins: pluginsFor(path), errorRecovery: false, tokens: true });
    const tokens = (ast.tokens ?? []).map(toToken);
    const source = { code, ast, tokens, bindings: collectBindings(ast), style: detectStyle(code, ast), typescript };
    return { ok: true, source };
  } catch (err) {
    return { ok: false, error: describeSyntaxError(err, path) };
  }
}

export type ReadModule = { ok: true; ast: File; bindings: Bindings } | { ok: false; error: string };

/**
 * Parses a module for reading only (no tokens, no code style): what the audit needs of every
 * route file, at a fraction of the memory readSource takes.
 */
export function readModule(code: string, path: string): ReadModule {
  try {
    // No comment attachment: nothing reads them from here, and it saves time and memory per file.
    const ast = parse(code, {
      sourceType: "module",
      plugins: pluginsFor(path),
      errorRecovery: false,
      attachComment: false,
    });
    return { ok: true, ast, bindings: collectBindings(ast) };
  } catch (err) {
    return { ok: false, error: describeSyntaxError(err, path) };
  }
}

/** JSX is allowed everywhere except .ts/.mts files, where `<T>value` is a type assertion. */
function pluginsFor(path: string): ParserPlugin[] {
  return /\.m?ts$/.test(path) ? ["typescript"] : ["typescript", "jsx"];
}

function toToken(raw: { type: string | { label: string }; start: number; end: number }): Token {
  const label = typeof raw.type === "string" ? raw.type : raw.type.label;
  return { label, start: raw.start, end: raw.end };
}

function describeSyntaxError(err: unknown, path: string): string {
  if (!(err instanceof Error)) return `${path}: ${String(err)}`;
  const loc = (err as Error & { loc?: { line: number; column: number } }).loc;
  const message = err.message.replace(/\s*\(\d+:\d+\)$/, "");
  return loc ? `${path}:${loc.line}:${loc.column + 1}: ${message}` : `${path}: ${message}`;
}
