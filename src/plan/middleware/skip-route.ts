// The edit a refusal prints when the route must get past every gate of the user's middleware and
// this tool cannot make (or prove) a narrower one: a route matcher for the route, and as the first
// statement of the function that holds the gates, `if (isWebhookRoute(req)) return;`. A file that
// does not use createRouteMatcher (deprecated since @clerk/nextjs 7.5.14) gets no new one: the
// matcher is the same pattern compiled, tested on `req.nextUrl.pathname`. On the route
// nothing of that function runs (Clerk, when it is the clerkMiddleware() handler, still does);
// everywhere else nothing changes. Computed from the user's file, so it is exact: the fixture suite
// applies it by hand and runs it (test/unit/middleware-behaviour.test.ts).
import { pathToRegexp } from "path-to-regexp";
import { walk } from "../../js/nodes.js";
import { uniqueName } from "../../js/bindings.js";
import type { SourceFile } from "../../js/parse.js";
import { quoteString } from "../../js/text.js";
import { calledInstance, clerkInstances, findHandlers, type UserFn } from "../../clerk/middleware-handler.js";
import { handlerFunction } from "../../clerk/gate-steps.js";
import { CLERK_SERVER } from "../../clerk/names.js";

export interface SkipRoute {
  /** `const isWebhookRoute = createRouteMatcher(["/api/webhooks/clerk"]);`, or the compiled pattern as a function. */
  declaration: string;
  /** The declaration is the compiled pattern (the file does not use createRouteMatcher). */
  compiled: boolean;
  /** Which function gets the first statement, and where it starts. */
  target: "clerkHandler" | "middleware";
  line: number;
  /** The function names no request: its parameters as they must become. */
  params?: string;
  /** `if (isWebhookRoute(req)) return;` */
  first: string;
}

type Kind = "proxy" | "middleware";

/** The edit for `pattern`, or undefined when the function holding the gates is not a block-bodied function this file declares. */
export function skipRouteEdit(src: SourceFile, kind: Kind, pattern: string): SkipRoute | undefined {
  const target = gateFunction(src, kind);
  if (!target || target.fn.body.type !== "BlockStatement") return undefined;
  const { quote, semi } = src.style;
  const end = semi ? ";" : "";
  const namespace = [...src.bindings.imports].find(([, b]) => b.source === CLERK_SERVER && b.imported === "*")?.[0];
  const imported = [...src.bindings.imports].find(([, b]) => b.source === CLERK_SERVER && b.imported === "createRouteMatcher")?.[0];
  const usesMatchers = imported !== undefined || (namespace !== undefined && mentionsMember(src, namespace, "createRouteMatcher"));
  const matcherCall = imported ?? `${namespace}.createRouteMatcher`;
  const taken = src.bindings.taken;
  const name = uniqueName(taken.has("isPublicRoute") ? "isWebhookRoute" : "isPublicRoute", taken);
  const params = target.fn.params;
  const reqParam = params[target.requestIndex];
  const req = reqParam?.type === "Identifier" ? reqParam.name : undefined;
  const request = req ?? uniqueName("req", taken);
  const paramsText = req
    ? undefined
    : [...params.map((p) => src.code.slice(p.start ?? 0, p.end ?? 0)), ...(target.requestIndex === 1 && params.length === 0 ? ["_auth"] : []), request].join(", ");
  if (!req && params.length > target.requestIndex) return undefined; // a destructured or default request parameter
  const where = { target: target.clerk ? ("clerkHandler" as const) : ("middleware" as const), line: target.fn.loc?.start.line ?? 0, ...(paramsText === undefined ? {} : { params: paramsText }) };
  if (!usesMatchers) {
    const compiled = pathToRegexp(pattern);
    const param = src.typescript ? "pathname: string" : "pathname";
    return {
      declaration: `const ${name} = (${param}) => ${compiled.toString()}.test(pathname)${end}`,
      compiled: true,
      ...where,
      first: `if (${name}(${request}.nextUrl.pathname)) return${end}`,
    };
  }
  return {
    declaration: `const ${name} = ${matcherCall}([${quoteString(pattern, quote)}])${end}`,
    compiled: false,
    ...where,
    first: `if (${name}(${request})) return${end}`,
  };
}

function mentionsMember(src: SourceFile, object: string, property: string): boolean {
  let found = false;
  walk(src.ast.program, (n) => {
    if (n.type === "MemberExpression" && n.object.type === "Identifier" && n.object.name === object && n.property.type === "Identifier" && n.property.name === property) found = true;
  });
  return found;
}

/** The function whose first statement skips the route: the clerkMiddleware() handler, else the exported function. */
function gateFunction(src: SourceFile, kind: Kind): { fn: UserFn; clerk: boolean; requestIndex: number } | undefined {
  const handlers = findHandlers(src.ast, src.bindings, kind);
  const handler = handlers.length === 1 ? handlers[0]!.handler : undefined;
  if (handler?.kind === "clerk") {
    const fn = handler.call ? handlerFunction(handler.call, src.bindings) : undefined;
    return fn && fn !== "options" ? { fn, clerk: true, requestIndex: 1 } : undefined;
  }
  if (handler?.kind !== "user") return undefined;
  const instances = clerkInstances(src.bindings);
  const instance = calledInstance(handler.fn, instances);
  const call = instance ? instances.get(instance) : undefined;
  const fn = call ? handlerFunction(call, src.bindings) : undefined;
  // The user's function hands every request to one Clerk instance with a handler: skip in that handler.
  if (fn && fn !== "options" && handler.fn.body.type === "BlockStatement" && handler.fn.body.body.length === 1) return { fn, clerk: true, requestIndex: 1 };
  return { fn: handler.fn, clerk: false, requestIndex: 0 };
}
