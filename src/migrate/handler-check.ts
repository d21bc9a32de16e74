// Puts the check a rule made in the middleware at the top of a Route Handler, in the shape Clerk's
// lint rule recognises:
//   const { isAuthenticated } = await auth();
//   if (!isAuthenticated) {
//     return NextResponse.json({ error: "Unauthorized" }, { status: 401 });
//   }
// plus has() checks answering 403 JSON for role/permission/plan/feature rules. An auth() call the
// handler already starts with is reused; imports are added without duplicates; every other byte of
// the file stays (magic-string). The snippet comes from templates/migrate-check.hbs.
import type { Node, Statement, VariableDeclaration } from "@babel/types";
import MagicString from "magic-string";
import { importedNameOf } from "../js/bindings.js";
import { CLERK_SERVER } from "../clerk/names.js";
import { calleeName, propertyName, unwrapTs, walk } from "../js/nodes.js";
import { readSource, type SourceFile } from "../js/parse.js";
import type { CodeStyle } from "../js/code-style.js";
import { endOfStatementLine, lineIndent, quoteString } from "../js/text.js";
import { getTemplate } from "../render/templates.js";
import { ensureImport, insertImports } from "./imports.js";
import { exportedHandler, type HandlerFunction } from "./route-exports.js";
import type { ManualEdit, RefusedMethod, Requirement } from "./types.js";

const NEXT_SERVER = "next/server";

export interface RouteEditInput {
  file: string;
  code: string;
  typescript: boolean;
  /** The project's style (its middleware's), for what the route file itself does not show. */
  fallback?: CodeStyle;
  /** The methods to check (each one's only protection is the rule). */
  methods: string[];
  requirement: Requirement;
  /** The middleware file, named in the generated comment. */
  middleware: string;
}

export interface RouteEditResult {
  /** The new content, when at least one method got its check. */
  after?: string;
  migrated: string[];
  reusedAuth: string[];
  refused: RefusedMethod[];
  /** The parsed file, for a manual edit in its own style (undefined when it does not parse). */
  source?: SourceFile;
}

/** Modules whose import means the route verifies a signature itself (its sender carries no session). */
const SIGNATURE_MODULES = [
  "svix",
  "standardwebhooks",
  "stripe",
  "@octokit/webhooks",
  "@clerk/nextjs/webhooks",
  "@clerk/backend/webhooks",
  "@slack/bolt",
  "twilio",
];
/** Calls that verify a signed request. */
const SIGNATURE_CALLS = new Set([
  "verifyWebhook",
  "constructEvent",
  "constructEventAsync",
  "timingSafeEqual",
  "verifySignature",
  "validateRequest",
]);

/** How the handler verifies its sender itself, if it does: the module or call that says so. */
function signatureCheck(src: SourceFile, fn: HandlerFunction): string | undefined {
  const module = [...src.bindings.imports.values()].find((b) => SIGNATURE_MODULES.includes(b.source))?.source;
  if (module) return module;
  let call: string | undefined;
  walk(fn.body, (node) => {
    if (call || node.type !== "CallExpression") return;
    const name = calleeName(node);
    if (name && SIGNATURE_CALLS.has(name)) call = `${name}()`;
  });
  return call;
}

/** auth({ acceptsToken }) anywhere in the handler: a machine route. */
function acceptsTokens(src: SourceFile, fn: HandlerFunction): boolean {
  let found = false;
  walk(fn.body, (node) => {
    if (node.type !== "CallExpression" || importedNameOf(node.callee, src.bindings, CLERK_SERVER) !== "auth") return;
    const options = node.arguments[0] ? unwrapTs(node.arguments[0]) : undefined;
    if (
      options?.type === "ObjectExpression" &&
      options.properties.some((p) => p.type === "ObjectProperty" && propertyName(p) === "acceptsToken")
    )
      found = true;
  });
  return found;
}

/** Every identifier the function mentions: a new local must not shadow or clash with any. */
function namesIn(fn: HandlerFunction): Set<string> {
  const names = new Set<string>();
  walk(fn, (node) => {
    if (node.type === "Identifier") names.add(node.name);
  });
  return names;
}

/** `const { id } = await params`, `const url = req.nextUrl`: reads nothing and answers nothing. */
function harmless(statement: Statement): boolean {
  if (statement.type !== "VariableDeclaration") return false;
  const plain = (node: Node | null | undefined): boolean => {
    if (!node) return true;
    const inner = unwrapTs(node);
    switch (inner.type) {
      case "Identifier":
      case "StringLiteral":
      case "NumericLiteral":
      case "BooleanLiteral":
      case "NullLiteral":
        return true;
      case "AwaitExpression":
        return plain(inner.argument);
      case "MemberExpression":
        return plain(inner.object) && (!inner.computed || plain(inner.property));
      default:
        return false;
    }
  };
  return statement.declarations.every((d) => plain(d.init));
}

interface Reusable {
  statement: VariableDeclaration;
  /** The properties already destructured, by key: their local names. */
  names: Map<string, string>;
  /** `const session = await auth()`: the object's name. */
  object?: string;
}

/** The handler's `const { … } = await auth()` (no arguments), when only harmless declarations precede it. */
function reusableAuth(src: SourceFile, statements: Statement[]): Reusable | undefined {
  for (const statement of statements) {
    if (statement.type === "VariableDeclaration" && statement.declarations.length === 1) {
      const [d] = statement.declarations;
      const init = d?.init ? unwrapTs(d.init) : undefined;
      const call = init?.type === "AwaitExpression" ? unwrapTs(init.argument) : undefined;
      if (
        d &&
        call?.type === "CallExpression" &&
        call.arguments.length === 0 &&
        importedNameOf(call.callee, src.bindings, CLERK_SERVER) === "auth"
      ) {
        if (d.id.type === "Identifier") return { statement, names: new Map(), object: d.id.name };
        if (d.id.type !== "ObjectPattern") return undefined;
        const names = new Map<string, string>();
        for (const prop of d.id.properties) {
          if (prop.type !== "ObjectProperty") continue;
          const key = propertyName(prop);
          if (key === undefined) return undefined;
          if (prop.value.type === "Identifier") names.set(key, prop.value.name);
        }
        return { statement, names };
      }
    }
    if (!harmless(statement)) return undefined;
  }
  return undefined;
}

interface Names {
  auth: string;
  nextResponse: string;
}

/** The snippet's view for the template. */
function checkView(
  src: Pick<SourceFile, "style" | "typescript">,
  names: Names,
  requirement: Requirement,
  middleware: string,
  local: { isAuthenticated: string; has: string; missing: string; declare: boolean; pattern: string },
) {
  const { quote, semi } = src.style;
  return {
    middleware,
    declare: local.declare,
    pattern: local.pattern,
    auth: names.auth,
    isAuthenticated: local.isAuthenticated,
    has: local.has,
    NextResponse: names.nextResponse,
    q: quote,
    semi: semi ? ";" : "",
    ts: src.typescript,
    missing: local.missing,
    missingProperty: local.missing === "missing" ? "missing" : `missing: ${local.missing}`,
    checks: requirement.checks.map((check) => ({
      kind: check.kind,
      argument: `{ ${check.kind}: ${quoteString(check.value, quote)} }`,
      value: quoteString(check.value, quote),
    })),
  };
}

/** The template's lines (two-space indented) in the file's own indent, each prefixed with `base`. */
function renderLines(view: object, indent: string, base: string): string[] {
  return getTemplate("migrate-check")(view)
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => {
      if (line.trim() === "") return "";
      const depth = /^( {2})*/.exec(line)?.[0].length ?? 0;
      return base + indent.repeat(depth / 2) + line.slice(depth);
    });
}

function localBinding(key: string, local: string): string {
  return key === local ? key : `${key}: ${local}`;
}

/** The check inserted at the top of one function. Returns whether an auth() call was reused. */
function insertCheck(
  ms: MagicString,
  src: SourceFile,
  fn: HandlerFunction,
  names: Names,
  requirement: Requirement,
  middleware: string,
): boolean {
  const { code, style } = src;
  const { eol, indent } = style;
  const taken = new Set([...namesIn(fn), ...src.bindings.taken, names.auth, names.nextResponse]);
  const pick = (base: string) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    return name;
  };
  const needsHas = requirement.checks.length > 0;
  const statements = fn.body.type === "BlockStatement" ? fn.body.body : [];
  const reuse = fn.body.type === "BlockStatement" ? reusableAuth(src, statements) : undefined;
  const missing = needsHas ? pick("missing") : "missing";

  if (reuse) {
    let isAuthenticated: string;
    let has: string;
    if (reuse.object) {
      isAuthenticated = `${reuse.object}.isAuthenticated`;
      has = `${reuse.object}.has`;
    } else {
      const added: string[] = [];
      isAuthenticated = reuse.names.get("isAuthenticated") ?? "";
      if (!isAuthenticated) {
        isAuthenticated = pick("isAuthenticated");
        added.push(localBinding("isAuthenticated", isAuthenticated));
      }
      has = reuse.names.get("has") ?? "";
      if (needsHas && !has) {
        has = pick("has");
        added.push(localBinding("has", has));
      }
      if (added.length > 0) addToPattern(ms, src, reuse.statement, added);
    }
    const base = lineIndent(code, reuse.statement.start ?? 0);
    const view = checkView(src, names, requirement, middleware, {
      isAuthenticated,
      has,
      missing,
      declare: false,
      pattern: "",
    });
    const at = endOfStatementLine(code, src.tokens, reuse.statement.end ?? 0);
    // A blank line after the check, unless one follows already (or the block ends).
    const following = code.slice(at).split("\n", 2)[1] ?? "";
    const gap = following.trim() === "" || following.trim().startsWith("}") ? "" : eol;
    ms.appendLeft(at, eol + renderLines(view, indent, base).join(eol) + gap);
    return true;
  }

  const isAuthenticated = pick("isAuthenticated");
  const has = needsHas ? pick("has") : "has";
  const pattern = [
    localBinding("isAuthenticated", isAuthenticated),
    ...(needsHas ? [localBinding("has", has)] : []),
  ].join(", ");
  const view = checkView(src, names, requirement, middleware, {
    isAuthenticated,
    has,
    missing,
    declare: true,
    pattern,
  });
  const fnIndent = lineIndent(code, fn.start ?? 0);
  if (fn.body.type === "BlockStatement") {
    const open = fn.body.start ?? 0;
    const first = statements[0];
    const firstOnOwnLine = first !== undefined && code.slice(open + 1, first.start ?? 0).includes("\n");
    const base = firstOnOwnLine ? lineIndent(code, first.start ?? 0) : lineIndent(code, open) + indent;
    const lines = renderLines(view, indent, base).join(eol);
    const inner = code.slice(open + 1, (fn.body.end ?? 0) - 1);
    if (inner.trim() === "") {
      ms.appendLeft(open + 1, `${eol}${lines}${eol}${lineIndent(code, open)}`);
      if (inner !== "") ms.remove(open + 1, (fn.body.end ?? 0) - 1);
    } else {
      // A blank line between the check and the code, unless the code starts with one.
      const startsBlank = /^[ \t]*\r?\n[ \t]*\r?\n/.test(inner);
      ms.appendLeft(open + 1, `${eol}${lines}${startsBlank ? "" : eol}`);
    }
  } else {
    // `() => NextResponse.json(…)`: the expression becomes the block's return.
    const body = fn.body;
    const start = (body.extra?.parenthesized ? (body.extra.parenStart as number) : body.start) ?? 0;
    const end = body.extra?.parenthesized
      ? (src.tokens.find((t) => t.label === ")" && t.start >= (body.end ?? 0))?.end ?? body.end ?? 0)
      : (body.end ?? 0);
    const base = fnIndent + indent;
    ms.appendLeft(start, `{${eol}${renderLines(view, indent, base).join(eol)}${eol}${eol}${base}return `);
    ms.appendLeft(end, `${style.semi ? ";" : ""}${eol}${fnIndent}}`);
  }
  return false;
}

/** `const { userId } = await auth()` → `const { userId, isAuthenticated } = await auth()` (before a rest element). */
function addToPattern(ms: MagicString, src: SourceFile, statement: VariableDeclaration, added: string[]): void {
  const pattern = statement.declarations[0]!.id;
  if (pattern.type !== "ObjectPattern") return;
  const props = pattern.properties;
  const rest = props.find((p) => p.type === "RestElement");
  if (rest) {
    ms.prependLeft(rest.start ?? 0, `${added.join(", ")}, `);
    return;
  }
  const last = props.at(-1);
  if (last) {
    ms.appendLeft(last.end ?? 0, `, ${added.join(", ")}`);
    return;
  }
  // `const {} = await auth()`
  const open = pattern.start ?? 0;
  const close = src.tokens.find((t) => t.label === "}" && t.start > open)?.start ?? open + 1;
  ms.overwrite(open, close + 1, `{ ${added.join(", ")} }`);
}

/** An async function: `function GET()` → `async function GET()`, a return type `T` → `Promise<T>`. */
function makeAsync(ms: MagicString, src: SourceFile, fn: HandlerFunction): void {
  if (fn.async) return;
  ms.prependLeft(fn.start ?? 0, "async ");
  const annotation = fn.returnType?.type === "TSTypeAnnotation" ? fn.returnType.typeAnnotation : undefined;
  if (!annotation) return;
  const isPromise =
    annotation.type === "TSTypeReference" &&
    annotation.typeName.type === "Identifier" &&
    annotation.typeName.name === "Promise";
  if (isPromise) return;
  ms.prependLeft(annotation.start ?? 0, "Promise<");
  ms.appendLeft(annotation.end ?? 0, ">");
  void src;
}

/**
 * The file's style where the file shows it (quotes of its strings, semicolons of its statements,
 * its indentation), else `fallback`'s: a small file without strings says nothing about quotes.
 */
function styleWithFallback(src: SourceFile, fallback: CodeStyle | undefined): SourceFile {
  if (!fallback) return src;
  let strings = 0;
  let withSemi = 0;
  let without = 0;
  walk(src.ast.program, (node) => {
    if (node.type === "StringLiteral") strings++;
    if (
      node.type === "VariableDeclaration" ||
      node.type === "ExpressionStatement" ||
      node.type === "ReturnStatement" ||
      node.type === "ThrowStatement"
    ) {
      if (src.code[(node.end ?? 1) - 1] === ";") withSemi++;
      else without++;
    }
  });
  const indented = /\n[ \t]+\S/.test(src.code);
  const style: CodeStyle = {
    ...src.style,
    quote: strings > 0 ? src.style.quote : fallback.quote,
    semi: withSemi + without > 0 ? withSemi >= without : fallback.semi,
    indent: indented ? src.style.indent : fallback.indent,
  };
  return { ...src, style };
}

/** Plans the checks of one route file: its new content, and what was refused. */
export function planRouteEdit(input: RouteEditInput): RouteEditResult {
  const read = readSource(input.code, input.file, input.typescript);
  if (!read.ok)
    return {
      migrated: [],
      reusedAuth: [],
      refused: input.methods.map((method) => ({ method, reason: { kind: "parseError", error: read.error } })),
    };
  const src = styleWithFallback(read.source, input.fallback);
  const refused: RefusedMethod[] = [];
  const functions = new Map<HandlerFunction, string[]>();
  for (const method of input.methods) {
    const resolved = exportedHandler(src.ast, src.bindings, src.code, method);
    if (!resolved.ok) {
      refused.push({ method, reason: resolved.reason });
      continue;
    }
    const fn = resolved.fn;
    if (fn.generator) {
      refused.push({ method, reason: { kind: "generator" } });
      continue;
    }
    if (acceptsTokens(src, fn)) {
      refused.push({ method, reason: { kind: "machine" } });
      continue;
    }
    const signature = signatureCheck(src, fn);
    if (signature) {
      refused.push({ method, reason: { kind: "signatureVerified", how: signature } });
      continue;
    }
    functions.set(fn, [...(functions.get(fn) ?? []), method]);
  }
  if (functions.size === 0) return { migrated: [], reusedAuth: [], refused, source: src };

  const ms = new MagicString(input.code);
  const taken = new Set(src.bindings.taken);
  const auth = ensureImport(ms, src, CLERK_SERVER, "auth", taken);
  const next = ensureImport(ms, src, NEXT_SERVER, "NextResponse", taken);
  insertImports(
    ms,
    src,
    [auth.statement, next.statement].filter((s): s is string => s !== undefined),
  );
  const migrated: string[] = [];
  const reusedAuth: string[] = [];
  // One check per function: `export { handler as GET, handler as POST }` checks once, in handler.
  for (const [fn, methods] of [...functions].sort(([a], [b]) => (a.start ?? 0) - (b.start ?? 0))) {
    makeAsync(ms, src, fn);
    const reused = insertCheck(
      ms,
      src,
      fn,
      { auth: auth.local, nextResponse: next.local },
      input.requirement,
      input.middleware,
    );
    migrated.push(...methods);
    if (reused) reusedAuth.push(...methods);
  }
  const order = (list: string[]) => input.methods.filter((m) => list.includes(m));
  return { after: ms.toString(), migrated: order(migrated), reusedAuth: order(reusedAuth), refused, source: src };
}

/** The edit to make by hand: the check, in the file's style when it parses, and the imports it lacks. */
export function manualEdit(source: SourceFile | undefined, requirement: Requirement, middleware: string): ManualEdit {
  const style = source ?? {
    style: { quote: '"' as const, semi: true, eol: "\n" as const, indent: "  " },
    typescript: true,
  };
  const taken = new Set(source?.bindings.taken ?? []);
  const imports: string[] = [];
  const names = { auth: "auth", nextResponse: "NextResponse" };
  if (source) {
    const auth = ensureImport(undefined, source, CLERK_SERVER, "auth", taken);
    const next = ensureImport(undefined, source, NEXT_SERVER, "NextResponse", taken);
    names.auth = auth.local;
    names.nextResponse = next.local;
    for (const statement of [auth.statement, next.statement]) if (statement) imports.push(statement);
  }
  const needsHas = requirement.checks.length > 0;
  const view = checkView(style, names, requirement, middleware, {
    isAuthenticated: "isAuthenticated",
    has: "has",
    missing: "missing",
    declare: true,
    pattern: needsHas ? "isAuthenticated, has" : "isAuthenticated",
  });
  return { snippet: renderLines(view, style.style.indent, "").join("\n"), imports };
}
