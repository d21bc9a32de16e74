// Which export Next.js runs, and what it is: Clerk, the user's own function, or something
// else (another library's middleware, a chain, a re-export).
import type {
  ArrowFunctionExpression,
  CallExpression,
  File,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  Statement,
  ObjectPattern,
  VariableDeclarator,
} from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { CLERK_SERVER } from "./names.js";
import { mentions, unwrapTs } from "../js/nodes.js";

export type UserFn = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

/**
 * How the function Next.js runs is written:
 *  - "declaration": `export [default] function f() {}` or `export const f = () => {}`: drop the export;
 *  - "expression": `export default (req) => {}`: becomes `const name = (req) => {}`;
 *  - "statement": `export default f;` / `export { f as middleware }` for a local f: replace the statement.
 */
type UserSite = "declaration" | "expression" | "statement";

export interface UserHandler {
  kind: "user";
  fn: UserFn;
  name?: string;
  site: UserSite;
  exportNode: Statement;
  /** Typed from outside (`const m: NextMiddleware = …`, `… as NextMiddleware`): callers must pass every argument. */
  typedAsMiddleware: boolean;
}

/**
 * What clerkMiddleware is given: nothing (`clerkMiddleware()`, `clerkMiddleware` itself, `clerkMiddleware({})`),
 * only an options object, or a handler (any other argument, e.g. `async (auth, req) => {...}`).
 * With options or a handler, every path the matcher adds runs code or settings the user chose.
 */
export type ClerkSetup = "bare" | "options" | "handler";

export type Handler =
  /** `call`: the clerkMiddleware(...) call, when there is one (`export default clerkMiddleware` has none). */
  | { kind: "clerk"; setup: ClerkSetup; call?: CallExpression }
  | UserHandler
  | { kind: "call"; call: CallExpression; exportNode: Statement }
  | { kind: "imported"; local: string; source: string; imported: string }
  | { kind: "reexport"; source: string; imported: string }
  | { kind: "unknown"; what: string };

const BARE_CLERK: Handler = { kind: "clerk", setup: "bare" };

interface Candidate {
  exported: string;
  handler: Handler;
}

/** Every export the middleware/proxy file could be run through: `<kind>` by name, and default. */
export function findHandlers(ast: File, bindings: Bindings, kind: "proxy" | "middleware"): Candidate[] {
  const found: Candidate[] = [];
  const wanted = (name: string) => name === kind || name === "default";
  for (const node of ast.program.body) {
    if (node.type === "ExportDefaultDeclaration") {
      found.push({ exported: "default", handler: fromDefault(node, bindings) });
    } else if (node.type === "ExportNamedDeclaration") {
      const decl = node.declaration;
      if (decl?.type === "FunctionDeclaration" && decl.id && wanted(decl.id.name)) {
        found.push({ exported: decl.id.name, handler: userFunction(decl, node, "declaration", decl.id.name) });
      }
      if (decl?.type === "VariableDeclaration") {
        for (const d of decl.declarations) {
          // `export const { auth: middleware } = NextAuth(config)`: judged by the call it comes from.
          const fromPattern = d.id.type === "ObjectPattern" ? patternExport(d.id, wanted) : undefined;
          if (fromPattern) found.push({ exported: fromPattern, handler: fromDeclarator(d, bindings, node, "declaration") });
          if (d.id.type !== "Identifier" || !wanted(d.id.name)) continue;
          const handler = decl.declarations.length > 1 ? unknown("several variables in one `export const`") : fromDeclarator(d, bindings, node, "declaration");
          found.push({ exported: d.id.name, handler });
        }
      }
      for (const spec of node.specifiers) {
        const exported = spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value;
        if (!wanted(exported)) continue;
        const local = spec.type === "ExportSpecifier" ? spec.local.name : "*";
        const handler: Handler = node.source
          ? isClerkMiddleware(node.source.value, local)
            ? BARE_CLERK
            : { kind: "reexport", source: node.source.value, imported: local }
          : node.specifiers.length > 1
            ? unknown("exported from an `export { ... }` list")
            : fromIdentifier(local, bindings, node);
        found.push({ exported, handler });
      }
    } else if (node.type === "ExportAllDeclaration") {
      found.push({ exported: "export *", handler: { kind: "reexport", source: node.source.value, imported: "*" } });
    }
  }
  return found;
}

/** Names of the file's exports, for messages. */
export function exportedNames(ast: File): string[] {
  const names: string[] = [];
  for (const node of ast.program.body) {
    if (node.type !== "ExportNamedDeclaration") continue;
    const decl = node.declaration;
    if ((decl?.type === "FunctionDeclaration" || decl?.type === "ClassDeclaration") && decl.id) names.push(decl.id.name);
    if (decl?.type === "VariableDeclaration") {
      for (const d of decl.declarations) if (d.id.type === "Identifier") names.push(d.id.name);
    }
    for (const spec of node.specifiers) names.push(spec.exported.type === "Identifier" ? spec.exported.name : spec.exported.value);
  }
  return names;
}

function unknown(what: string): Handler {
  return { kind: "unknown", what };
}

function userFunction(fn: UserFn, exportNode: Statement, site: UserSite, name?: string, typedAsMiddleware = false): UserHandler {
  return { kind: "user", fn, name, site, exportNode, typedAsMiddleware };
}

function fromDefault(node: Extract<Statement, { type: "ExportDefaultDeclaration" }>, bindings: Bindings): Handler {
  const decl = node.declaration;
  if (decl.type === "FunctionDeclaration") return userFunction(decl, node, "declaration", decl.id?.name);
  if (decl.type === "Identifier") return fromIdentifier(decl.name, bindings, node);
  return fromValue(decl, bindings, node, "expression");
}

/** The name of `{ auth: middleware }` that Next.js would run, if any. */
function patternExport(pattern: ObjectPattern, wanted: (name: string) => boolean): string | undefined {
  for (const prop of pattern.properties) {
    if (prop.type === "ObjectProperty" && prop.value.type === "Identifier" && wanted(prop.value.name)) return prop.value.name;
  }
  return undefined;
}

function fromDeclarator(d: VariableDeclarator, bindings: Bindings, exportNode: Statement, site: UserSite): Handler {
  const init = d.init ? unwrapTs(d.init) : undefined;
  if (d.id.type !== "Identifier" && init?.type === "CallExpression") return { kind: "call", call: init, exportNode };
  if (!d.init || d.id.type !== "Identifier") return unknown("a variable without a value");
  return fromValue(d.init, bindings, exportNode, site, d.id.name, !!d.id.typeAnnotation);
}

function fromValue(value: Node, bindings: Bindings, exportNode: Statement, site: UserSite, name?: string, annotated = false): Handler {
  const inner = unwrapTs(value);
  if (inner.type === "ArrowFunctionExpression" || inner.type === "FunctionExpression") {
    return userFunction(inner, exportNode, site, name, annotated || inner !== value);
  }
  if (inner.type === "CallExpression") {
    if (isClerkMiddlewareCallee(inner.callee, bindings)) return { kind: "clerk", setup: clerkSetup(inner), call: inner };
    return { kind: "call", call: inner, exportNode };
  }
  // `NextAuth(config).auth`: judged by the call it comes from.
  if (inner.type === "MemberExpression" && inner.object.type === "CallExpression") {
    return { kind: "call", call: inner.object, exportNode };
  }
  if (inner.type === "Identifier" && site !== "statement") return fromIdentifier(inner.name, bindings, exportNode);
  if (inner.type === "Identifier") {
    const call = clerkInstances(bindings).get(inner.name);
    return call ? { kind: "clerk", setup: clerkSetup(call), call } : unknown(`\`${name ?? "it"}\`, an alias of \`${inner.name}\``);
  }
  return unknown(inner.type === "MemberExpression" ? "a function taken from an object" : "not a function Next.js can call");
}

/** `export default f` / `export { f as middleware }` / `export const middleware = f`: what is f? */
function fromIdentifier(local: string, bindings: Bindings, exportNode: Statement): Handler {
  const imported = bindings.imports.get(local);
  if (imported && isClerkMiddleware(imported.source, imported.imported)) return BARE_CLERK;
  if (imported) return { kind: "imported", local, ...imported };
  const decl = bindings.locals.get(local);
  if (decl?.type === "FunctionDeclaration") return userFunction(decl, exportNode, "statement", local);
  // fromValue with site "statement" doesn't follow a further alias, so this can't loop.
  if (decl?.type === "VariableDeclarator") return fromDeclarator(decl, bindings, exportNode, "statement");
  return unknown(`\`${local}\`, which is not declared in this file`);
}

export function clerkSetup(call: CallExpression): ClerkSetup {
  const args = call.arguments.map(unwrapTs).filter((arg) => !(arg.type === "ObjectExpression" && arg.properties.length === 0));
  const [first] = args;
  if (!first) return "bare";
  return args.length === 1 && first.type === "ObjectExpression" ? "options" : "handler";
}

/** `export default clerkMiddleware` / `export { clerkMiddleware as default } from "@clerk/nextjs/server"`: Clerk called directly. */
function isClerkMiddleware(source: string, imported: string): boolean {
  return source === CLERK_SERVER && imported === "clerkMiddleware";
}

/** Is `callee` clerkMiddleware from @clerk/nextjs/server (`clerkMiddleware`, `cm` as alias, `clerk.clerkMiddleware`)? */
function isClerkMiddlewareCallee(callee: Node, bindings: Bindings): boolean {
  return importedNameOf(callee, bindings, CLERK_SERVER) === "clerkMiddleware";
}

/** Module-level names that hold Clerk: `const clerk = clerkMiddleware(...)`, and aliases of them. */
export function clerkInstances(bindings: Bindings): Map<string, CallExpression> {
  const instances = new Map<string, CallExpression>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, decl] of bindings.locals) {
      if (instances.has(name) || decl.type !== "VariableDeclarator" || decl.id.type !== "Identifier" || !decl.init) continue;
      const init = unwrapTs(decl.init);
      const call =
        init.type === "CallExpression" && isClerkMiddlewareCallee(init.callee, bindings)
          ? init
          : init.type === "Identifier"
            ? instances.get(init.name)
            : undefined;
      if (call) {
        instances.set(name, call);
        grew = true;
      }
    }
  }
  return instances;
}

/** The Clerk instance the user's function calls, if it mentions one. */
export function calledInstance(fn: UserFn, instances: Map<string, CallExpression>): string | undefined {
  return [...instances.keys()].find((name) => mentions(fn.body, new Set([name])));
}

/**
 * Does the function only hand the request to Clerk: `(req, event) => clerk(req, event)` or
 * `{ return clerk(req) }`, passing its own parameters in order? Then it is Clerk on every path.
 */
export function onlyDelegates(fn: UserFn, instance: string): boolean {
  let body: Node | null | undefined = fn.body;
  if (body.type === "BlockStatement") {
    const [only] = body.body;
    body = body.body.length === 1 && only?.type === "ReturnStatement" ? only.argument : undefined;
  }
  body = body ? unwrapTs(body) : undefined;
  if (body?.type === "AwaitExpression") body = unwrapTs(body.argument);
  if (body?.type !== "CallExpression" || body.callee.type !== "Identifier" || body.callee.name !== instance) return false;
  return body.arguments.every((arg, i) => {
    const param = fn.params[i];
    return arg.type === "Identifier" && param?.type === "Identifier" && param.name === arg.name;
  });
}

