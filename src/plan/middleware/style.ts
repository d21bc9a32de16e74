import type { File, Statement } from "@babel/types";

/** How the file is written, so inserted code looks like the rest of it. */
export interface CodeStyle {
  quote: '"' | "'";
  semi: boolean;
  eol: "\n" | "\r\n";
  /** One level of indentation, e.g. "  ", "    " or "\t". */
  indent: string;
}

export const DEFAULT_STYLE: CodeStyle = { quote: '"', semi: true, eol: "\n", indent: "  " };

export function detectStyle(code: string, ast: File): CodeStyle {
  return {
    quote: detectQuote(code, ast),
    semi: detectSemi(code, ast.program.body),
    eol: code.includes("\r\n") ? "\r\n" : "\n",
    indent: detectIndent(code),
  };
}

/** The quote used by most import sources (then any string), double when there is none. */
function detectQuote(code: string, ast: File): CodeStyle["quote"] {
  let single = 0;
  let double = 0;
  for (const node of ast.program.body) {
    if (node.type !== "ImportDeclaration") continue;
    if (code[node.source.start ?? 0] === "'") single++;
    else double++;
  }
  if (single + double === 0) {
    const first = code.match(/["']/);
    return first?.[0] === "'" ? "'" : '"';
  }
  return single > double ? "'" : '"';
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
  return !!decl && (decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration" || decl.type === "TSInterfaceDeclaration");
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
