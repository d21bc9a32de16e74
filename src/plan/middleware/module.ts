// The user's middleware file as source: parsed with Babel, its tokens, its top-level bindings,
// how it is written (quotes, semicolons, indent, line ending) and small helpers for the text
// around nodes. Only facts; nothing here edits the file.
import { parse, type ParserPlugin } from "@babel/parser";
import type { Expression, File, Node, ObjectExpression, ObjectProperty, Statement } from "@babel/types";
import { detectEol } from "../../core/text.js";

export const CLERK_SERVER = "@clerk/nextjs/server";

export interface Token {
  label: string;
  start: number;
  end: number;
}

/** How the file is written, so inserted code looks like the rest of it. */
export interface CodeStyle {
  quote: '"' | "'";
  semi: boolean;
  eol: "\n" | "\r\n";
  /** One level of indentation, e.g. "  ", "    " or "\t". */
  indent: string;
}

export interface ImportBinding {
  source: string;
  /** Imported name; "default" or "*" for default and namespace imports. */
  imported: string;
}

/** Top-level names of the module: what is imported (values only) and what is declared. */
export interface Bindings {
  imports: Map<string, ImportBinding>;
  /** FunctionDeclaration or VariableDeclarator (also for `const { a } = …`), by name. */
  locals: Map<string, Node>;
  /** Every top-level name, type imports included (for picking names that don't clash). */
  taken: Set<string>;
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
    const ast = parse(code, { sourceType: "module", plugins: pluginsFor(path), errorRecovery: false });
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

// ---- The syntax tree ----

/** Calls `visit` for every node below `node` (comments and locations skipped). */
export function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key.endsWith("Comments") || key === "extra") continue;
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === "object" && typeof (child as Node).type === "string") walk(child as Node, visit);
    }
  }
}

/** Does any identifier below `node` use one of `names`? */
export function mentions(node: Node, names: Set<string>): boolean {
  let found = false;
  walk(node, (child) => {
    if (child.type === "Identifier" && names.has(child.name)) found = true;
  });
  return found;
}

/** Strips `as T`, `as const`, `satisfies T` and `<T>value`, which Next.js also looks through. */
export function unwrapTs(node: Node): Node {
  let current = node;
  while (
    current.type === "TSAsExpression" ||
    current.type === "TSSatisfiesExpression" ||
    current.type === "TSTypeAssertion"
  ) {
    current = current.expression;
  }
  return current;
}

/** The string value of "…", '…' or `…` (no ${}), else undefined. */
export function stringValue(node: Node): string | undefined {
  const inner = unwrapTs(node);
  if (inner.type === "StringLiteral") return inner.value;
  if (inner.type === "TemplateLiteral" && inner.expressions.length === 0) {
    return inner.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

export function propertyName(prop: ObjectProperty): string | undefined {
  if (prop.computed) return undefined;
  if (prop.key.type === "Identifier") return prop.key.name;
  if (prop.key.type === "StringLiteral") return prop.key.value;
  return undefined;
}

/** The last `key: value` of an object literal (later keys win, as in JavaScript). */
export function findProperty(object: ObjectExpression, key: string): ObjectProperty | undefined {
  let found: ObjectProperty | undefined;
  for (const prop of object.properties) {
    if (prop.type === "ObjectProperty" && propertyName(prop) === key) found = prop;
  }
  return found;
}

/**
 * Whether Next.js can read the value at build time (build/analysis/extract-const-value.js):
 * literals, `undefined`, arrays and objects of those, templates without ${}. Anything else
 * (a variable, a call, a spread) makes Next.js ignore the whole config.
 */
export function isStaticValue(node: Node | Expression): boolean {
  const inner = unwrapTs(node);
  switch (inner.type) {
    case "NullLiteral":
    case "BooleanLiteral":
    case "StringLiteral":
    case "NumericLiteral":
    case "RegExpLiteral":
      return true;
    case "Identifier":
      return inner.name === "undefined";
    case "TemplateLiteral":
      return inner.expressions.length === 0;
    case "ArrayExpression":
      return inner.elements.every((el) => el === null || (el.type !== "SpreadElement" && isStaticValue(el)));
    case "ObjectExpression":
      return inner.properties.every(
        (prop) => prop.type === "ObjectProperty" && propertyName(prop) !== undefined && isStaticValue(prop.value),
      );
    default:
      return false;
  }
}

// ---- Top-level bindings ----

function collectBindings(ast: File): Bindings {
  const bindings: Bindings = { imports: new Map(), locals: new Map(), taken: new Set() };
  for (const node of ast.program.body) {
    if (node.type === "ImportDeclaration") addImports(bindings, node);
    const decl = node.type === "ExportNamedDeclaration" || node.type === "ExportDefaultDeclaration" ? node.declaration : node;
    if (!decl) continue;
    if ((decl.type === "TSTypeAliasDeclaration" || decl.type === "TSInterfaceDeclaration") && decl.id) bindings.taken.add(decl.id.name);
    if ((decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration") && decl.id) {
      bindings.locals.set(decl.id.name, decl);
      bindings.taken.add(decl.id.name);
    }
    if (decl.type === "VariableDeclaration") {
      for (const declarator of decl.declarations) {
        for (const name of patternNames(declarator.id)) {
          bindings.locals.set(name, declarator);
          bindings.taken.add(name);
        }
      }
    }
  }
  return bindings;
}

/** Names a declaration pattern binds: `a`, `{ a, b: c }` → a, c, `[d, ...e]` → d, e. */
function patternNames(node: Node): string[] {
  switch (node.type) {
    case "Identifier":
      return [node.name];
    case "ObjectPattern":
      return node.properties.flatMap((p) => patternNames(p.type === "RestElement" ? p.argument : p.value));
    case "ArrayPattern":
      return node.elements.flatMap((el) => (el ? patternNames(el) : []));
    case "AssignmentPattern":
      return patternNames(node.left);
    case "RestElement":
      return patternNames(node.argument);
    default:
      return [];
  }
}

function addImports(bindings: Bindings, node: Extract<Node, { type: "ImportDeclaration" }>): void {
  const typeOnly = node.importKind === "type" || node.importKind === "typeof";
  for (const spec of node.specifiers) {
    bindings.taken.add(spec.local.name);
    if (typeOnly || (spec.type === "ImportSpecifier" && spec.importKind === "type")) continue;
    const imported =
      spec.type === "ImportDefaultSpecifier"
        ? "default"
        : spec.type === "ImportNamespaceSpecifier"
          ? "*"
          : spec.imported.type === "Identifier"
            ? spec.imported.name
            : spec.imported.value;
    bindings.imports.set(spec.local.name, { source: node.source.value, imported });
  }
}

/** Local names bound to `@clerk/nextjs/server` exports ("*" for a namespace import). */
export function clerkLocals(bindings: Bindings): Set<string> {
  const names = new Set<string>();
  for (const [local, binding] of bindings.imports) {
    if (binding.source === CLERK_SERVER) names.add(local);
  }
  return names;
}

/** The export name `callee` refers to when it is imported from `source` (directly or through a namespace). */
export function importedNameOf(callee: Node, bindings: Bindings, source: string): string | undefined {
  if (callee.type === "Identifier") {
    const binding = bindings.imports.get(callee.name);
    return binding?.source === source ? binding.imported : undefined;
  }
  if (callee.type === "MemberExpression" && !callee.computed && callee.object.type === "Identifier" && callee.property.type === "Identifier") {
    const binding = bindings.imports.get(callee.object.name);
    return binding?.source === source && binding.imported === "*" ? callee.property.name : undefined;
  }
  return undefined;
}

export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

// ---- Code style ----

function detectStyle(code: string, ast: File): CodeStyle {
  return { quote: detectQuote(code, ast), semi: detectSemi(code, ast.program.body), eol: detectEol(code), indent: detectIndent(code) };
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

// ---- Text around nodes ----

/** Escapes for characters a string literal (and a `//` comment it is quoted in) cannot hold as they are. */
const CONTROL_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v" };

/**
 * `value` as a string literal in `quote`s. Control characters and the line separators U+2028 and
 * U+2029 are escaped (`\n`, `\u2028`): a matcher string from the user's file (`"/dash\nboard"`)
 * quoted into a generated `//` comment must not end the comment and spill code onto a new line.
 */
export function quoteString(value: string, quote: '"' | "'"): string {
  const escaped = value
    .replace(/\\/g, "\\\\")
    .split(quote)
    .join(`\\${quote}`)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (ch) => CONTROL_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `${quote}${escaped}${quote}`;
}

/** Index of the line break that ends the line holding `pos` (or the end of the text). */
function lineEnd(code: string, pos: number): number {
  const newline = code.indexOf("\n", pos);
  if (newline === -1) return code.length;
  return code[newline - 1] === "\r" ? newline - 1 : newline;
}

/** The whitespace a line starts with, for the line holding `pos`. */
export function lineIndent(code: string, pos: number): string {
  const start = code.lastIndexOf("\n", pos - 1) + 1;
  return code.slice(start).match(/^[ \t]*/)?.[0] ?? "";
}

export function spansLines(code: string, start: number, end: number): boolean {
  return code.slice(start, end).includes("\n");
}

/**
 * Where to insert a new line after `anchor`: past comments that follow it on the same line
 * (`"/a", // note`), unless code follows on that line (`"/a"]`): then right at the anchor.
 */
export function endOfStatementLine(code: string, tokens: Token[], anchor: number): number {
  let end = lineEnd(code, anchor);
  for (const token of tokens) {
    if (token.start < anchor || token.start >= end) continue;
    if (!token.label.startsWith("Comment")) return anchor;
    if (token.end > end) end = lineEnd(code, token.end);
  }
  return end;
}
