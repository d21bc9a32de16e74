// Which export Next.js runs, and what it is: Clerk, the user's own function, or something
// else (another library's middleware, a chain, a re-export).
import type { CallExpression, File, Node, Statement, VariableDeclarator } from "@babel/types";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { CLERK_SERVER } from "./names.js";
import { mentions, unwrapTs } from "../js/nodes.js";
import { isFunctionNode, moduleExports, type FunctionNode } from "../js/exports.js";

export type UserFn = FunctionNode;

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
  const patterns = new Set<VariableDeclarator>();
  for (const exp of moduleExports(ast)) {
    const { form, statement } = exp;
    switch (form.kind) {
      case "star":
        found.push({ exported: "export *", handler: { kind: "reexport", source: form.source, imported: "*" } });
        break;
      case "declaration":
        if (exp.name === "default")
          found.push({ exported: "default", handler: fromDefault(form.node, statement, bindings) });
        else if (form.node.type === "FunctionDeclaration" && wanted(exp.name))
          found.push({ exported: exp.name, handler: userFunction(form.node, statement, "declaration", exp.name) });
        break;
      case "expression":
        found.push({ exported: "default", handler: fromDefault(form.node, statement, bindings) });
        break;
      case "pattern":
        // `export const { auth: middleware } = NextAuth(config)`: judged by the call it comes from.
        if (!wanted(exp.name) || patterns.has(form.declarator)) break;
        patterns.add(form.declarator);
        found.push({
          exported: exp.name,
          handler: fromDeclarator(form.declarator, bindings, statement, "declaration"),
        });
        break;
      case "variable":
        if (!wanted(exp.name)) break;
        found.push({
          exported: exp.name,
          handler:
            form.declarations > 1
              ? unknown("several variables in one `export const`")
              : fromDeclarator(form.declarator, bindings, statement, "declaration"),
        });
        break;
      case "reexport":
        if (!wanted(exp.name)) break;
        found.push({
          exported: exp.name,
          handler: isClerkMiddleware(form.source, form.imported)
            ? BARE_CLERK
            : { kind: "reexport", source: form.source, imported: form.imported },
        });
        break;
      case "local":
        if (!wanted(exp.name)) break;
        found.push({
          exported: exp.name,
          handler:
            form.specifiers > 1
              ? unknown("exported from an `export { ... }` list")
              : fromIdentifier(form.local, bindings, statement),
        });
        break;
    }
  }
  return found;
}

/** Names of the file's exports, for messages (not the default export, destructured names or `export *`). */
export function exportedNames(ast: File): string[] {
  return moduleExports(ast)
    .filter(({ form, statement }) =>
      form.kind === "declaration"
        ? statement.type === "ExportNamedDeclaration"
        : form.kind === "variable" || form.kind === "local" || form.kind === "reexport",
    )
    .map((exp) => exp.name);
}

function unknown(what: string): Handler {
  return { kind: "unknown", what };
}

function userFunction(
  fn: UserFn,
  exportNode: Statement,
  site: UserSite,
  name?: string,
  typedAsMiddleware = false,
): UserHandler {
  return { kind: "user", fn, name, site, exportNode, typedAsMiddleware };
}

function fromDefault(decl: Node, statement: Statement, bindings: Bindings): Handler {
  if (decl.type === "FunctionDeclaration") return userFunction(decl, statement, "declaration", decl.id?.name);
  if (decl.type === "Identifier") return fromIdentifier(decl.name, bindings, statement);
  return fromValue(decl, bindings, statement, "expression");
}

function fromDeclarator(d: VariableDeclarator, bindings: Bindings, exportNode: Statement, site: UserSite): Handler {
  const init = d.init ? unwrapTs(d.init) : undefined;
  if (d.id.type !== "Identifier" && init?.type === "CallExpression") return { kind: "call", call: init, exportNode };
  if (!d.init || d.id.type !== "Identifier") return unknown("a variable without a value");
  return fromValue(d.init, bindings, exportNode, site, d.id.name, !!d.id.typeAnnotation);
}

function fromValue(
  value: Node,
  bindings: Bindings,
  exportNode: Statement,
  site: UserSite,
  name?: string,
  annotated = false,
): Handler {
  const inner = unwrapTs(value);
  if (isFunctionNode(inner) && inner.type !== "FunctionDeclaration") {
    return userFunction(inner, exportNode, site, name, annotated || inner !== value);
  }
  if (inner.type === "CallExpression") {
    if (isClerkMiddlewareCallee(inner.callee, bindings))
      return { kind: "clerk", setup: clerkSetup(inner), call: inner };
    return { kind: "call", call: inner, exportNode };
  }
  // `NextAuth(config).auth`: judged by the call it comes from.
  if (inner.type === "MemberExpression" && inner.object.type === "CallExpression") {
    return { kind: "call", call: inner.object, exportNode };
  }
  if (inner.type === "Identifier" && site !== "statement") return fromIdentifier(inner.name, bindings, exportNode);
  if (inner.type === "Identifier") {
    const call = clerkInstances(bindings).get(inner.name);
    return call
      ? { kind: "clerk", setup: clerkSetup(call), call }
      : unknown(`\`${name ?? "it"}\`, an alias of \`${inner.name}\``);
  }
  return unknown(
    inner.type === "MemberExpression" ? "a function taken from an object" : "not a function Next.js can call",
  );
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
  const args = call.arguments
    .map(unwrapTs)
    .filter((arg) => !(arg.type === "ObjectExpression" && arg.properties.length === 0));
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
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, decl] of bindings.locals) {
      if (instances.has(name) || decl.type !== "VariableDeclarator" || decl.id.type !== "Identifier" || !decl.init)
        continue;
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
  if (body?.type !== "CallExpression" || body.callee.type !== "Identifier" || body.callee.name !== instance)
    return false;
  return body.arguments.every((arg, i) => {
    const param = fn.params[i];
    return arg.type === "Identifier" && param?.type === "Identifier" && param.name === arg.name;
  });
}
