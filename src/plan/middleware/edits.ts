// Edits of the user's file with magic-string, each keeping the file's own layout and style:
// a matcher entry, the clerkMiddleware import, and Clerk wrapped around the user's function (the
// code it inserts for that comes from templates/middleware/, rendered in the file's style).
import type { ArrayExpression, ImportDeclaration, Node, Statement } from "@babel/types";
import type MagicString from "magic-string";
import { withEol } from "../../core/text.js";
import type { UserFn, UserHandler } from "../../clerk/middleware-handler.js";
import type { Matcher } from "../../next/matcher.js";
import { type CodeStyle } from "../../js/code-style.js";
import { CLERK_SERVER, GUARD_NAMES } from "../../clerk/names.js";
import { getTemplate } from "../../render/templates.js";
import { endOfStatementLine, lineIndent, quoteString, spansLines } from "../../js/text.js";
import { mentions, unwrapTs } from "../../js/nodes.js";
import { type SourceFile, type Token } from "../../js/parse.js";
import { uniqueName } from "../../js/bindings.js";

// ---- config.matcher ----

type EditInput = Pick<SourceFile, "code" | "tokens" | "style">;

/** Adds `source` to `config.matcher`, keeping the array's layout. A string matcher becomes an array. */
export function addMatcherEntry(ms: MagicString, input: EditInput, matcher: Matcher, source: string): void {
  if (matcher.kind === "everywhere") return;
  const literal = quoteString(source, quoteOf(input, matcher) ?? input.style.quote);
  if (matcher.kind === "string") {
    const node = unwrapTs(matcher.node);
    const old = input.code.slice(node.start ?? 0, node.end ?? 0);
    ms.overwrite(node.start ?? 0, node.end ?? 0, `[${old}, ${literal}]`);
    return;
  }
  appendToArray(ms, input, matcher.node, literal);
}

/** Appends `literal` (code) to an array literal, keeping its layout: one per line, or inline. */
function appendToArray(ms: MagicString, input: EditInput, array: ArrayExpression, literal: string): void {
  const elements = array.elements.filter((el): el is NonNullable<typeof el> => el !== null);
  const last = elements.at(-1);
  if (!last) {
    ms.overwrite(array.start ?? 0, array.end ?? 0, `[${literal}]`);
  } else if (spansLines(input.code, array.start ?? 0, array.end ?? 0)) {
    appendOnNewLine(ms, input, array, last, literal);
  } else {
    appendInline(ms, input, array, elements, literal);
  }
}

// ---- A route that must stay public (a webhook) ----

/** The quote an array's own strings use, else the file's. */
function arrayQuote(input: EditInput, array: ArrayExpression): CodeStyle["quote"] {
  const string = array.elements.find((el) => el?.type === "StringLiteral");
  return string ? (input.code[string.start ?? 0] === "'" ? "'" : '"') : input.style.quote;
}

/** Adds `pattern` to a createRouteMatcher([...]) list the handler uses for its public routes. */
export function addPublicPattern(ms: MagicString, input: EditInput, patterns: ArrayExpression, pattern: string): void {
  appendToArray(ms, input, patterns, quoteString(pattern, arrayQuote(input, patterns)));
}

/**
 * Declares `const <name> = createRouteMatcher(["<pattern>"]);` after `after` (the statement that
 * declares the handler's last route matcher), and adds `&& !<name>(<req>)` to each condition.
 */
export function addPublicMatcher(
  ms: MagicString,
  input: EditInput,
  spec: {
    name: string;
    createRouteMatcher: string;
    pattern: string;
    after: Statement;
    conditions: Array<{ test: Node; argument: string }>;
  },
): void {
  const { quote, semi, eol } = input.style;
  const declaration = `const ${spec.name} = ${spec.createRouteMatcher}([${quoteString(spec.pattern, quote)}])${semi ? ";" : ""}`;
  ms.appendLeft(spec.after.end ?? 0, `${eol}${declaration}`);
  for (const { test, argument } of spec.conditions) {
    // `a || b`, `a ?? b`, `c ? a : b` bind looser than &&: keep the test whole.
    const loose = needsParentheses(test);
    if (loose) ms.appendLeft(test.start ?? 0, "(");
    ms.appendLeft(test.end ?? 0, `${loose ? ")" : ""} && !${spec.name}(${argument})`);
  }
}

function needsParentheses(test: Node): boolean {
  const inner = unwrapTs(test);
  if (inner !== test) return true;
  return (
    (inner.type === "LogicalExpression" && inner.operator !== "&&") ||
    [
      "ConditionalExpression",
      "AssignmentExpression",
      "SequenceExpression",
      "YieldExpression",
      "ArrowFunctionExpression",
    ].includes(inner.type)
  );
}

/** The quote the matcher's own strings use, if any. */
function quoteOf(input: EditInput, matcher: Exclude<Matcher, { kind: "everywhere" }>): CodeStyle["quote"] | undefined {
  for (const entry of matcher.entries) {
    const node = unwrapTs(entry.node);
    if (node.type === "StringLiteral") return input.code[node.start ?? 0] === "'" ? "'" : '"';
  }
  return undefined;
}

function trailingComma(input: EditInput, array: ArrayExpression, last: Node): Token | undefined {
  const close = (array.end ?? 0) - 1;
  return input.tokens.find((t) => t.label === "," && t.start >= (last.end ?? 0) && t.start < close);
}

function appendOnNewLine(ms: MagicString, input: EditInput, array: ArrayExpression, last: Node, literal: string): void {
  const comma = trailingComma(input, array, last);
  if (!comma) ms.appendLeft(last.end ?? 0, ",");
  const anchor = comma?.end ?? last.end ?? 0;
  const at = endOfStatementLine(input.code, input.tokens, anchor);
  ms.appendLeft(at, `${input.style.eol}${lineIndent(input.code, last.start ?? 0)}${literal}${comma ? "," : ""}`);
}

function appendInline(
  ms: MagicString,
  input: EditInput,
  array: ArrayExpression,
  elements: Node[],
  literal: string,
): void {
  const [first, second] = elements;
  const between = first && second ? input.code.slice(first.end ?? 0, second.start ?? 0) : ", ";
  const space = /^\s*,(\s*)$/.exec(between)?.[1] ?? " ";
  const last = elements.at(-1) as Node;
  const comma = trailingComma(input, array, last);
  if (comma) ms.appendLeft(comma.end, `${space}${literal},`);
  else ms.appendLeft(last.end ?? 0, `,${space}${literal}`);
}

// ---- The clerkMiddleware import ----

/**
 * Makes `clerkMiddleware` from @clerk/nextjs/server available and returns the local name to call:
 * an existing import is reused; else a specifier joins an existing `@clerk/nextjs/server` import,
 * or a new import goes after the last import.
 */
export function ensureClerkMiddlewareImport(ms: MagicString, input: SourceFile): string {
  for (const [local, binding] of input.bindings.imports) {
    if (binding.source === CLERK_SERVER && binding.imported === "clerkMiddleware") return local;
    if (binding.source === CLERK_SERVER && binding.imported === "*") return `${local}.clerkMiddleware`;
  }
  const local = uniqueName("clerkMiddleware", input.bindings.taken);
  const specifier = local === "clerkMiddleware" ? local : `clerkMiddleware as ${local}`;
  const imports = input.ast.program.body.filter((n): n is ImportDeclaration => n.type === "ImportDeclaration");
  const named = imports.find(
    (n) =>
      n.source.value === CLERK_SERVER && n.importKind !== "type" && n.specifiers.at(-1)?.type === "ImportSpecifier",
  );
  const lastSpecifier = named?.specifiers.at(-1);
  if (lastSpecifier) {
    ms.appendLeft(lastSpecifier.end ?? 0, `, ${specifier}`);
    return local;
  }
  const { quote, semi, eol } = input.style;
  const statement = `import { ${specifier} } from ${quoteString(CLERK_SERVER, quote)}${semi ? ";" : ""}`;
  const lastImport = imports.at(-1);
  if (lastImport) {
    ms.appendLeft(endOfStatementLine(input.code, input.tokens, lastImport.end ?? 0), `${eol}${statement}`);
  } else {
    ms.prependLeft(0, `${statement}${eol}${eol}`);
  }
  return local;
}

// ---- Clerk around the user's function ----

/** A header condition of a matcher entry (`has` / `missing` with `type: "header"`). */
export interface HeaderCondition {
  key: string;
  value?: string;
}

/** The user's old matcher, to keep their code on the requests it ran on before. */
export interface Guard {
  entries: { source: string; regexp: RegExp; has: HeaderCondition[]; missing: HeaderCondition[] }[];
}

/** The names the generated guard declares, picked so they don't clash with the file's own. */
interface GuardNames {
  list: string;
  matches: string;
  header: string;
}

function guardNames(input: SourceFile): GuardNames {
  const { taken } = input.bindings;
  return {
    list: uniqueName(GUARD_NAMES.list, taken),
    matches: uniqueName(GUARD_NAMES.matches, taken),
    header: uniqueName(GUARD_NAMES.header, taken),
  };
}

const withHeaders = (guard: Guard) => guard.entries.some((e) => e.has.length > 0 || e.missing.length > 0);

/** `matchesOldMatcher(req.nextUrl.pathname)`, or `matchesOldMatcher(req)` when headers count too. */
function guardCall(guard: Guard, names: GuardNames, req: string): string {
  return withHeaders(guard) ? `${names.matches}(${req})` : `${names.matches}(${req}.nextUrl.pathname)`;
}

/**
 * A templates/middleware/ template, rendered in the file's own style: its two-space indentation
 * in the file's unit (a tab, four spaces), `end` the file's statement end (";" or ""), and without
 * the template's last line break (the caller places the text). Line breaks are "\n": the caller
 * turns them into the file's own.
 */
function renderCode(name: "guard" | "guarded-handler" | "wrapper", input: SourceFile, view: object): string {
  const text = getTemplate(`middleware/${name}`)({ ...view, ts: input.typescript, end: input.style.semi ? ";" : "" });
  const unit = input.style.indent;
  const reindented = unit === "  " ? text : text.replace(/^((?: {2})+)/gm, (spaces) => unit.repeat(spaces.length / 2));
  return reindented.replace(/\n$/, "");
}

/**
 * The old matcher as Next.js compiles it (templates/middleware/guard.hbs), so the user's code
 * keeps running on exactly the requests it ran on; `who` names that code in its comment.
 */
function guardText(input: SourceFile, who: string, names: GuardNames, guard: Guard): string {
  const { quote } = input.style;
  const condition = (c: HeaderCondition) =>
    `{ key: ${quoteString(c.key, quote)}${c.value === undefined ? "" : `, value: ${quoteString(c.value, quote)}`} }`;
  return renderCode("guard", input, {
    who,
    oldMatcher: names.list,
    matchesOldMatcher: names.matches,
    headerMatches: names.header,
    headers: withHeaders(guard),
    sources: guard.entries
      .map(
        (e) =>
          quoteString(e.source, quote) +
          (e.has.length > 0 || e.missing.length > 0 ? " with its header conditions" : ""),
      )
      .join(", "),
    entries: guard.entries.map((e) => ({
      regexp: e.regexp.source,
      has: e.has.map(condition).join(", "),
      missing: e.missing.map(condition).join(", "),
    })),
  });
}

/**
 * Makes the user's clerkMiddleware() handler run only where the old matcher ran it:
 * `clerkMiddleware(onlyOnOldMatcher(handler), options)`. On paths the matcher gains, Clerk runs alone.
 */
export function guardClerkHandler(
  ms: MagicString,
  input: SourceFile,
  handler: Node,
  statement: Statement,
  guard: Guard,
): void {
  const names = guardNames(input);
  const only = uniqueName(GUARD_NAMES.wrapper, input.bindings.taken);
  const text = renderCode("guarded-handler", input, {
    guard: guardText(input, "Your clerkMiddleware() handler", names, guard),
    onlyOnOldMatcher: only,
    call: guardCall(guard, names, "req"),
    headers: withHeaders(guard),
  });
  const comments = statement.leadingComments ?? [];
  const at = Math.min(statement.start ?? 0, ...comments.map((c) => c.start ?? Infinity));
  // A blank line between the guard and the user's statement.
  ms.prependLeft(at, withEol(`${text}\n\n`, input.style.eol));
  ms.appendLeft(handler.start ?? 0, `${only}(`);
  ms.appendLeft(handler.end ?? 0, ")");
}

/**
 * Turns the exported user function into a local one and default-exports
 * `clerkMiddleware((_auth, req, event) => userFn(req, event))` in its place.
 * Returns the local name of the user's function.
 */
export function wrapUserMiddleware(
  ms: MagicString,
  input: SourceFile,
  user: UserHandler,
  clerk: string,
  guard?: Guard,
): string {
  const name = user.name ?? uniqueName("userMiddleware", input.bindings.taken);
  const wrapper = withEol(wrapperText(input, user, name, clerk, guard), input.style.eol);
  const exportStart = user.exportNode.start ?? 0;
  const declStart = declarationStart(user.exportNode);
  if (user.site === "statement") {
    ms.overwrite(exportStart, user.exportNode.end ?? 0, wrapper);
    return name;
  }
  if (user.site === "expression") {
    const semi = input.style.semi && input.code[(user.exportNode.end ?? 1) - 1] !== ";";
    ms.overwrite(exportStart, declStart, `const ${name} = `);
    if (semi) ms.appendLeft(user.exportNode.end ?? 0, ";");
  } else {
    ms.remove(exportStart, declStart);
    if (!user.name) nameAnonymousFunction(ms, input, user.fn, name);
  }
  const after = endOfStatementLine(input.code, input.tokens, user.exportNode.end ?? 0);
  ms.appendLeft(after, `${input.style.eol}${input.style.eol}${wrapper}`);
  return name;
}

/** Where the declaration after `export` / `export default` starts, parentheses included. */
function declarationStart(exportNode: Node): number {
  const decl = "declaration" in exportNode ? exportNode.declaration : null;
  if (!decl) return exportNode.start ?? 0;
  const parenStart = decl.extra?.parenthesized ? (decl.extra.parenStart as number | undefined) : undefined;
  return parenStart ?? decl.start ?? 0;
}

/** `function (req)` → `function userMiddleware(req)`. */
function nameAnonymousFunction(ms: MagicString, input: SourceFile, fn: UserFn, name: string): void {
  const keyword = input.tokens.find((t) => t.label === "function" && t.start >= (fn.start ?? 0));
  const next = keyword && input.tokens.find((t) => t.start >= keyword.end && !t.label.startsWith("Comment"));
  if (!keyword || !next) throw new Error("function keyword not found");
  ms.overwrite(keyword.end, next.start, ` ${name}`);
}

/** `export default clerkMiddleware((_auth, req, event) => userFn(req, event))`, behind the guard when given (templates/middleware/wrapper.hbs). */
function wrapperText(input: SourceFile, user: UserHandler, name: string, clerk: string, guard?: Guard): string {
  const args = passedArgs(user);
  const params = ["_auth", args.length > 0 || guard ? "req" : "_req", ...args.slice(1)].join(", ");
  const userCall = `${name}(${args.map((arg, i) => (needsCast(input, user, i) ? `${arg} as unknown as Parameters<typeof ${name}>[${i}]` : arg)).join(", ")})`;
  const names = guard ? guardNames(input) : undefined;
  return renderCode("wrapper", input, {
    clerk,
    params,
    userCall,
    guard: guard && names ? guardText(input, name, names, guard) : undefined,
    call: guard && names ? guardCall(guard, names, "req") : undefined,
  });
}

/** Types Next.js's own arguments satisfy as they are. */
const PASSED_TYPES = [new Set(["NextRequest", "Request"]), new Set(["NextFetchEvent", "FetchEvent"])];

/**
 * Does the user's parameter `i` declare a type of its own (`request: { nextUrl: ... }`)? Next.js
 * called the function with a NextRequest all along, but TypeScript can't know that the two agree:
 * the wrapper passes the request as that type.
 */
function needsCast(input: SourceFile, user: UserHandler, i: number): boolean {
  const param = user.fn.params[i];
  if (!input.typescript || !param || param.type === "RestElement" || user.typedAsMiddleware) return false;
  const annotation = "typeAnnotation" in param ? param.typeAnnotation : undefined;
  if (!annotation || annotation.type !== "TSTypeAnnotation") return false;
  const type = annotation.typeAnnotation;
  const named =
    type.type === "TSTypeReference" && type.typeName.type === "Identifier" && !type.typeParameters
      ? type.typeName.name
      : undefined;
  return !(named && PASSED_TYPES[i]?.has(named));
}

/** `req, event` (what Next.js passes), or only as many as the function declares (TypeScript rejects extra ones). */
function passedArgs({ fn, typedAsMiddleware }: UserHandler): string[] {
  const all = ["req", "event"];
  if (typedAsMiddleware) return all;
  const usesArguments = fn.type !== "ArrowFunctionExpression" && mentions(fn.body, new Set(["arguments"]));
  if (usesArguments || fn.params.some((p) => p.type === "RestElement")) return all;
  return all.slice(0, fn.params.length);
}
