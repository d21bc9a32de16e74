import { parse, type ParserPlugin } from "@babel/parser";
import type { File } from "@babel/types";

export interface Token {
  label: string;
  start: number;
  end: number;
}

export type Parsed =
  | { ok: true; ast: File; tokens: Token[] }
  | { ok: false; error: string };

/** JSX is allowed everywhere except .ts/.mts, where `<T>value` is a type assertion. */
function pluginsFor(path: string): ParserPlugin[] {
  return /\.m?ts$/.test(path) ? ["typescript"] : ["typescript", "jsx"];
}

/** Parses a middleware file with Babel; a syntax error comes back as "path:line:column: message". */
export function parseModule(code: string, path: string): Parsed {
  try {
    const ast = parse(code, {
      sourceType: "module",
      plugins: pluginsFor(path),
      errorRecovery: false,
      tokens: true,
    });
    return { ok: true, ast, tokens: (ast.tokens ?? []).map(toToken) };
  } catch (err) {
    return { ok: false, error: describeSyntaxError(err, path) };
  }
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
