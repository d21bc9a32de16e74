// How a file is written (quotes, semicolons, indent, line ending), so inserted code looks like the rest of it.
import type { File, Node, Statement } from "@babel/types";
import { detectEol } from "../core/text.js";
import { walk } from "./nodes.js";

/** How the file is written, so inserted code looks like the rest of it. */
export interface CodeStyle {
  quote: '"' | "'";
  semi: boolean;
  eol: "\n" | "\r\n";
  /** One level of indentation, e.g. "  ", "    " or "\t". */
  indent: string;
}

export function detectStyle(code: string, ast: File): CodeStyle {
  return {
    quote: detectQuote(code, ast),
    semi: detectSemi(code, ast.program.body),
    eol: detectEol(code),
    indent: detectIndent(code),
  };
}

/** The quote used by most import sources, else by most strings; double when there is none. */
function detectQuote(code: string, ast: File): CodeStyle["quote"] {
  const quoteOf = (node: Node) => code[node.start ?? 0];
  const imports = ast.program.body.flatMap((node) => (node.type === "ImportDeclaration" ? [quoteOf(node.source)] : []));
  const strings: string[] = [];
  walk(ast.program, (node) => {
    if (node.type === "StringLiteral") strings.push(quoteOf(node) ?? "");
  });
  const votes = imports.length > 0 ? imports : strings;
  const single = votes.filter((q) => q === "'").length;
  return single > votes.length - single ? "'" : '"';
}

const SEMI_STATEMENTS = new Set([
  "ImportDeclaration",
  "ExportNamedDeclaration",
  "ExportDefaultDeclaration",
  "VariableDeclaration",
  "ExpressionStatement",
]);

function detectSemi(code: string, body: Statement[]): boolean {
  let withSemi = 0;
  let without = 0;
  for (const node of body) {
    if (!SEMI_STATEMENTS.has(node.type) || endsInBlock(node)) continue;
    if (code[(node.end ?? 1) - 1] === ";") withSemi++;
    else without++;
  }
  return withSemi >= without;
}

/** `export function f() {}` / `export default function () {}` never take a semicolon. */
function endsInBlock(node: Statement): boolean {
  const decl = "declaration" in node ? node.declaration : null;
  return (
    !!decl &&
    (decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration" || decl.type === "TSInterfaceDeclaration")
  );
}

function detectIndent(code: string): string {
  const widths: number[] = [];
  for (const line of code.split(/\r?\n/)) {
    if (line.startsWith("\t")) return "\t";
    const spaces = line.match(/^( +)[^\s*]/)?.[1]?.length;
    if (spaces) widths.push(spaces);
  }
  if (widths.length === 0) return "  ";
  return " ".repeat(Math.min(...widths));
}
