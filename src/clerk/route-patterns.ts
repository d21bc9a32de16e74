// createRouteMatcher's patterns, compiled as Clerk compiles them: strings with path-to-regexp 6
// (Clerk vendors it; case ignored), RegExp literals as they are.
import type { ArrayExpression, File, Node, VariableDeclarator } from "@babel/types";
import { pathToRegexp } from "path-to-regexp";
import { type Bindings, importedNameOf } from "../js/bindings.js";
import { unwrapTs, walk } from "../js/nodes.js";
import { CLERK_SERVER } from "./names.js";

export interface RouteMatcher {
  /** The compiled patterns; undefined when the list is not literal (a function, a spread, a call). */
  regexps: RegExp[] | undefined;
  /** The array literal of patterns (in place, or a module-level const it names): where a route can be added. */
  patterns?: ArrayExpression;
  declaration: VariableDeclarator;
}

/** `createRouteMatcher([...])` bound to a module-level const: its compiled patterns, by name. */
export function routeMatchers(bindings: Bindings, ast?: File): Map<string, RouteMatcher> {
  const matchers = new Map<string, RouteMatcher>();
  for (const [name, decl] of bindings.locals) {
    if (decl.type !== "VariableDeclarator" || decl.id.type !== "Identifier" || !decl.init) continue;
    const init = unwrapTs(decl.init);
    if (init.type !== "CallExpression" || importedNameOf(init.callee, bindings, CLERK_SERVER) !== "createRouteMatcher")
      continue;
    const written = init.arguments[0] ? unwrapTs(init.arguments[0]) : undefined;
    const list = written?.type === "Identifier" ? namedList(written.name, bindings) : written;
    // A list named by a const is only edited when nothing else reads that const.
    const editable = written?.type !== "Identifier" || (ast !== undefined && references(ast, written.name) === 1);
    matchers.set(name, {
      regexps: compilePatterns(list),
      declaration: decl,
      ...(list?.type === "ArrayExpression" && editable ? { patterns: list } : {}),
    });
  }
  return matchers;
}

/** `const publicRoutes = [...]` (or a string) at the top of the module. */
function namedList(name: string, bindings: Bindings): Node | undefined {
  const decl = bindings.locals.get(name);
  const init =
    decl?.type === "VariableDeclarator" && decl.id.type === "Identifier" && decl.init ? unwrapTs(decl.init) : undefined;
  return init?.type === "ArrayExpression" || init?.type === "StringLiteral" ? init : undefined;
}

/** How many times `name` is read in the module (its declaration left out). */
function references(ast: File, name: string): number {
  let count = 0;
  walk(ast.program, (n) => {
    if (n.type === "Identifier" && n.name === name) count++;
  });
  return count - 1;
}

/** Literal strings (or one string) compiled as Clerk does; anything else cannot be read. */
export function compilePatterns(argument: Node | undefined): RegExp[] | undefined {
  if (!argument) return undefined;
  const items = argument.type === "ArrayExpression" ? argument.elements : [argument];
  const regexps: RegExp[] = [];
  for (const raw of items) {
    const item = raw && raw.type !== "SpreadElement" ? unwrapTs(raw) : raw;
    if (item?.type === "StringLiteral") {
      try {
        regexps.push(pathToRegexp(item.value));
      } catch {
        return undefined;
      }
    } else if (item?.type === "RegExpLiteral") {
      regexps.push(new RegExp(item.pattern, item.flags));
    } else {
      return undefined;
    }
  }
  return regexps;
}
