import type { File, Node } from "@babel/types";
import { CLERK_SERVER } from "../clerk/names.js";
import { importedNameOf, type Bindings } from "../js/bindings.js";
import { mentions, walk } from "../js/nodes.js";
import { readModule } from "../js/parse.js";

// How each exported HTTP method of a route file is protected, read from the parsed code (never
// grepped). Pure: source text in, facts out. What cannot be decided is "unknown", never guessed.

export const HANDLER_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export type Protection =
  /** await auth.protect(…): Clerk answers for the handler. */
  | "protect"
  /** auth() whose isAuthenticated / userId is tested before a response. */
  | "auth-check"
  /** auth({ acceptsToken }): API keys, M2M or OAuth tokens. */
  | "machine"
  /** verifyWebhook(req): a signed webhook, public on purpose. */
  | "webhook"
  /** currentUser() whose result is tested before a response. */
  | "currentUser"
  /** auth() or currentUser() is called but its result never tested. */
  | "unchecked"
  /** No check at all: public. */
  | "none"
  /** A shape this reader cannot decide (a wrapped handler, a re-export, a helper it cannot read). */
  | "unknown";

export interface HandlerFacts {
  method: string;
  protection: Protection;
  /** has({ … }) / auth.protect({ … }) arguments, as written, e.g. `{ role: "org:admin" }`. */
  checks: string[];
  /** Calls that need clerkMiddleware() on the route (auth(), auth.protect(), currentUser()). */
  needsMiddleware: boolean;
  /** Why it is unknown, or through which helper it was decided. */
  note?: string;
}

export interface RouteFileFacts {
  handlers: HandlerFacts[];
  /** `// clerk-audit: public`: the team says the route is public on purpose. */
  markedPublic: boolean;
  /** A syntax error: no handler could be read (the audit reports it as UNKNOWN). */
  parseError?: string;
}

/** A helper's module, when the route imports one from the project's own files. */
export type HelperReader = (source: string, fromFile: string) => { code: string; path: string } | undefined;

const WEBHOOKS = "@clerk/nextjs/webhooks";

type FunctionNode = Extract<Node, { type: "FunctionDeclaration" | "FunctionExpression" | "ArrowFunctionExpression" }>;

function isFunction(node: Node | null | undefined): node is FunctionNode {
  return !!node && (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression");
}

/** Which Clerk export a callee is: `auth`, `a` (imported as auth), `clerk.auth` (a namespace). */
function clerkExport(callee: Node, ctx: Context, source: string): string | undefined {
  return importedNameOf(callee, ctx.bindings, source);
}

/** Walks a function's body (callbacks inside it included: they run as part of the handler). */
function walkOwn(fn: FunctionNode, visit: (node: Node) => void): void {
  walk(fn.body, visit);
}

function calleeName(node: Node): string | undefined {
  if (node.type !== "CallExpression") return undefined;
  return node.callee.type === "Identifier" ? node.callee.name : undefined;
}

/** The names a `const … = await call()` binds: destructured names, or the one identifier. */
function boundNames(declarator: Node): string[] {
  if (declarator.type !== "VariableDeclarator") return [];
  const id = declarator.id;
  if (id.type === "Identifier") return [id.name];
  if (id.type === "ObjectPattern") {
    return id.properties.flatMap((p) => (p.type === "ObjectProperty" && p.value.type === "Identifier" ? [p.value.name] : []));
  }
  return [];
}

function unwrapAwait(node: Node | null | undefined): Node | undefined {
  if (!node) return undefined;
  return node.type === "AwaitExpression" ? node.argument : node;
}


/** `if (!userId) return …` / `if (!user) throw …`: a test whose branch answers or throws. */
function answers(branch: Node | null | undefined): boolean {
  if (!branch) return false;
  let found = false;
  walk(branch, (node) => {
    if (node.type === "ReturnStatement" || node.type === "ThrowStatement") found = true;
  });
  return found;
}

/**
 * Whether `names` are tested before the first response: an `if` on them that returns or throws,
 * or a `return cond ? … : …` on them, starts before every return statement outside such a test.
 * A mere use of the value (`userId ?? "anon"`, a log line) is not a test.
 */
function testedBeforeResponse(fn: FunctionNode, names: Set<string>): boolean {
  if (names.size === 0) return false;
  const guards: Node[] = [];
  const returns: Node[] = [];
  walkOwn(fn, (node) => {
    if (node.type === "IfStatement" && mentions(node.test, names) && (answers(node.consequent) || answers(node.alternate))) guards.push(node);
    if (node.type === "ReturnStatement") {
      const argument = node.argument ? unwrapAwait(node.argument) : undefined;
      if (argument?.type === "ConditionalExpression" && mentions(argument.test, names)) guards.push(node);
      else returns.push(node);
    }
  });
  if (guards.length === 0) return false;
  const inside = (node: Node) => guards.some((g) => (g.start ?? 0) <= (node.start ?? 0) && (node.end ?? 0) <= (g.end ?? 0));
  const firstGuard = Math.min(...guards.map((g) => g.start ?? 0));
  const firstResponse = Math.min(...returns.filter((r) => !inside(r)).map((r) => r.start ?? 0), Number.POSITIVE_INFINITY);
  return firstGuard < firstResponse;
}

interface Context {
  code: string;
  bindings: Bindings;
  path: string;
  readHelper?: HelperReader;
  /** Helpers are followed one level only. */
  depth: number;
}

function text(ctx: Context, node: Node): string {
  return ctx.code.slice(node.start ?? 0, node.end ?? 0);
}

function classifyFunction(fn: FunctionNode, method: string, ctx: Context): HandlerFacts {
  const server = (callee: Node) => clerkExport(callee, ctx, CLERK_SERVER);
  const checks: string[] = [];
  let protect = false;
  let webhook = false;
  let machine = false;
  const authNames = new Set<string>();
  const userNames = new Set<string>();
  let authCalled = false;
  let userCalled = false;
  const helperCalls: HelperCall[] = [];

  walkOwn(fn, (node) => {
    if (node.type === "CallExpression") {
      const callee = node.callee;
      if (callee.type === "MemberExpression" && server(callee.object) === "auth") {
        if (callee.property.type === "Identifier" && callee.property.name === "protect") {
          protect = true;
          const argument = node.arguments[0];
          // auth.protect((has) => …): the has() calls inside are recorded one by one.
          if (argument && !isFunction(argument)) checks.push(text(ctx, argument));
        }
      }
      const name = calleeName(node);
      const clerk = server(callee);
      if (clerkExport(callee, ctx, WEBHOOKS) === "verifyWebhook") webhook = true;
      if (clerk === "auth") {
        authCalled = true;
        const options = node.arguments[0];
        if (options?.type === "ObjectExpression" && options.properties.some((p) => p.type === "ObjectProperty" && p.key.type === "Identifier" && p.key.name === "acceptsToken")) {
          machine = true;
        }
      }
      if (clerk === "currentUser") userCalled = true;
      if (name === "has" && node.arguments[0]) checks.push(text(ctx, node.arguments[0]));
      if (callee.type === "MemberExpression" && callee.property.type === "Identifier" && callee.property.name === "has" && node.arguments[0]) {
        checks.push(text(ctx, node.arguments[0]));
      }
      const binding = name ? ctx.bindings.imports.get(name) : undefined;
      if (name && binding && isProjectImport(binding.source)) helperCalls.push({ name, source: binding.source });
      if (name && !binding && localFunction(ctx.bindings, name)) helperCalls.push({ name });
    }
    if (node.type === "VariableDeclarator") {
      const call = unwrapAwait(node.init);
      const clerk = call?.type === "CallExpression" ? server(call.callee) : undefined;
      if (clerk === "auth") for (const bound of boundNames(node)) authNames.add(bound);
      if (clerk === "currentUser") for (const bound of boundNames(node)) userNames.add(bound);
    }
  });

  const needsMiddleware = protect || authCalled || userCalled;
  const facts = (protection: Protection, note?: string): HandlerFacts => ({ method, protection, checks, needsMiddleware, ...(note ? { note } : {}) });
  if (webhook) return facts("webhook");
  if (protect) return facts("protect");
  if (machine) return facts(testedBeforeResponse(fn, authNames) ? "machine" : "unchecked");
  if (authCalled && testedBeforeResponse(fn, authNames)) return facts("auth-check");
  if (userCalled && testedBeforeResponse(fn, userNames)) return facts("currentUser");
  if (authCalled || userCalled) return facts("unchecked");
  if (helperCalls.length > 0) return followHelpers(fn, method, helperCalls, ctx);
  return facts("none");
}

/** `./lib/auth`, `../x`, `@/lib/auth`, `~/lib/auth`: the project's own modules. */
function isProjectImport(source: string): boolean {
  return source.startsWith(".") || source.startsWith("@/") || source.startsWith("~/");
}

/** A helper the handler calls: a function of the same file, or one imported from the project. */
interface HelperCall {
  name: string;
  /** The import source, or undefined for a function declared in the route file itself. */
  source?: string;
}

type Resolved = { ok: true; fn: FunctionNode; ctx: Context; where: string } | { ok: false; why: string };

function resolveHelper(call: HelperCall, ctx: Context): Resolved {
  if (call.source === undefined) {
    const fn = localFunction(ctx.bindings, call.name);
    return fn ? { ok: true, fn, ctx: { ...ctx, depth: ctx.depth + 1 }, where: ctx.path } : { ok: false, why: `calls ${call.name}(), which is not a function this reader can follow` };
  }
  const from = `calls ${call.name}() from ${call.source}`;
  const helper = ctx.readHelper?.(call.source, ctx.path);
  if (!helper) return { ok: false, why: `${from}, which could not be read` };
  const parsed = readModule(helper.code, helper.path);
  if (!parsed.ok) return { ok: false, why: `${from}, which does not parse` };
  const helperCtx: Context = { code: helper.code, bindings: parsed.bindings, path: helper.path, depth: ctx.depth + 1 };
  const fn = exportedFunction(parsed.ast, helperCtx.bindings, ctx.bindings.imports.get(call.name)!.imported);
  return fn ? { ok: true, fn, ctx: helperCtx, where: helper.path } : { ok: false, why: `${from}, which is not a function this reader can follow` };
}

/**
 * A handler with no Clerk call of its own that calls helpers (of its own file, or imported from
 * the project): each helper is read, one level deep. A helper that protects (auth.protect)
 * protects the handler; a helper that checks auth() protects it when the handler tests what the
 * helper returned; anything else is unknown.
 */
function followHelpers(fn: FunctionNode, method: string, calls: HelperCall[], ctx: Context): HandlerFacts {
  const unknown = (note: string): HandlerFacts => ({ method, protection: "unknown", checks: [], needsMiddleware: true, note });
  if (ctx.depth > 0) return unknown(`calls ${calls[0]!.name}(), more than one level down`);
  for (const call of calls) {
    const helper = resolveHelper(call, ctx);
    if (!helper.ok) return unknown(helper.why);
    const facts = classifyFunction(helper.fn, method, helper.ctx);
    const via = `via ${call.name}() in ${helper.where}`;
    if (facts.protection === "protect") return { ...facts, note: via };
    if (facts.protection === "auth-check" || facts.protection === "currentUser" || facts.protection === "machine") {
      const names = new Set<string>();
      walkOwn(fn, (node) => {
        const init = node.type === "VariableDeclarator" ? unwrapAwait(node.init) : undefined;
        if (init && calleeName(init) === call.name) for (const bound of boundNames(node)) names.add(bound);
      });
      if (testedBeforeResponse(fn, names)) return { ...facts, note: via };
      return unknown(`calls ${call.name}(), which checks auth(), but its result is not tested here`);
    }
    if (facts.protection !== "none") return { ...facts, note: via };
  }
  return { method, protection: "none", checks: [], needsMiddleware: false };
}

/** A function declared at the top of the file (`function f() {}` or `const f = () => {}`). */
function localFunction(bindings: Bindings, name: string): FunctionNode | undefined {
  const local = bindings.locals.get(name);
  if (local?.type === "VariableDeclarator") return isFunction(local.init) ? local.init : undefined;
  return isFunction(local) ? local : undefined;
}

/** The function exported as `name` ("default" for the default export), following local bindings. */
function exportedFunction(ast: File, bindings: Bindings, name: string): FunctionNode | undefined {
  const resolve = (node: Node | null | undefined): FunctionNode | undefined =>
    isFunction(node) ? node : node?.type === "Identifier" ? localFunction(bindings, node.name) : undefined;
  for (const statement of ast.program.body) {
    if (statement.type === "ExportDefaultDeclaration" && name === "default") return resolve(statement.declaration as Node);
    if (statement.type !== "ExportNamedDeclaration") continue;
    const decl = statement.declaration;
    if (decl?.type === "FunctionDeclaration" && decl.id?.name === name) return decl;
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) if (d.id.type === "Identifier" && d.id.name === name) return resolve(d.init);
    }
    if (!statement.source) {
      for (const spec of statement.specifiers) {
        if (spec.type === "ExportSpecifier" && (spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value) === name) {
          return resolve({ type: "Identifier", name: spec.local.name } as Node);
        }
      }
    }
  }
  return undefined;
}

/**
 * Every exported HTTP method, in the order Next lists them. Re-exports (`export { GET } from`,
 * `export * from`) and destructured exports (`export const { GET, POST } = handlers`, Auth.js's
 * form) are unknown: what they do is in another value or file.
 */
function exportedMethods(ast: File): Array<{ method: string; unknown?: string }> {
  const found = new Map<string, { method: string; unknown?: string }>();
  const add = (name: string, unknown?: string) => {
    if ((HANDLER_METHODS as readonly string[]).includes(name)) found.set(name, { method: name, ...(unknown ? { unknown } : {}) });
  };
  for (const statement of ast.program.body) {
    if (statement.type === "ExportAllDeclaration") {
      for (const method of HANDLER_METHODS) if (!found.has(method)) found.set(method, { method, unknown: `may be re-exported from ${statement.source.value}` });
      continue;
    }
    if (statement.type !== "ExportNamedDeclaration") continue;
    const decl = statement.declaration;
    if (decl?.type === "FunctionDeclaration" && decl.id) add(decl.id.name);
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) {
        if (d.id.type === "Identifier") add(d.id.name);
        if (d.id.type === "ObjectPattern") {
          for (const p of d.id.properties) {
            if (p.type === "ObjectProperty" && p.value.type === "Identifier") add(p.value.name, "taken from an object (export const { GET } = …)");
          }
        }
      }
    }
    for (const spec of statement.specifiers) {
      const name = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
      add(name, statement.source ? `re-exported from ${statement.source.value}` : undefined);
    }
  }
  return HANDLER_METHODS.flatMap((method) => (found.has(method) ? [found.get(method)!] : []));
}

const PUBLIC_MARKER = /\/\/\s*clerk-audit:\s*public\b/;

export function classifyRouteFile(code: string, path: string, readHelper?: HelperReader): RouteFileFacts {
  const markedPublic = PUBLIC_MARKER.test(code);
  const parsed = readModule(code, path);
  if (!parsed.ok) return { handlers: [], markedPublic, parseError: parsed.error };
  const { ast, bindings } = parsed;
  const ctx: Context = { code, bindings, path, depth: 0, ...(readHelper ? { readHelper } : {}) };
  const handlers = exportedMethods(ast).map(({ method, unknown }): HandlerFacts => {
    if (unknown) return { method, protection: "unknown", checks: [], needsMiddleware: true, note: unknown };
    const fn = exportedFunction(ast, bindings, method);
    if (!fn) return { method, protection: "unknown", checks: [], needsMiddleware: true, note: "not a function this reader can follow (a wrapped handler?)" };
    return classifyFunction(fn, method, ctx);
  });
  return { handlers, markedPublic };
}
