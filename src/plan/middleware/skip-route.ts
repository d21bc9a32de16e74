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
import type { ExemptionEdit } from "../../clerk/exposure.js";

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

/**
 * The edit for the route's exemption (`exemption`: its pattern, or its exact URL as a regular
 * expression, minus the routes and pages the pattern also reaches: see clerk/exposure.ts), or
 * undefined when the function holding the gates is not a block-bodied function this file declares.
 */
export function skipRouteEdit(src: SourceFile, kind: Kind, exemption: ExemptionEdit): SkipRoute | undefined {
  const target = gateFunction(src, kind);
  if (!target || target.fn.body.type !== "BlockStatement") return undefined;
  const { quote, semi } = src.style;
  const end = semi ? ";" : "";
  const namespace = [...src.bindings.imports].find(([, b]) => b.source === CLERK_SERVER && b.imported === "*")?.[0];
  const imported = [...src.bindings.imports].find(
    ([, b]) => b.source === CLERK_SERVER && b.imported === "createRouteMatcher",
  )?.[0];
  const usesMatchers =
    imported !== undefined || (namespace !== undefined && mentionsMember(src, namespace, "createRouteMatcher"));
  const matcherCall = imported ?? `${namespace}.createRouteMatcher`;
  const taken = new Set(src.bindings.taken);
  const plain = exemption.newRoute.kind === "pattern" && exemption.kept.length === 0;
  const name = uniqueName(
    plain ? (taken.has("isPublicRoute") ? "isWebhookRoute" : "isPublicRoute") : "isNewRoute",
    taken,
  );
  taken.add(name);
  const params = target.fn.params;
  const reqParam = params[target.requestIndex];
  const req = reqParam?.type === "Identifier" ? reqParam.name : undefined;
  if (!req && params.length > target.requestIndex) return undefined; // a destructured or default request parameter
  const request = req ?? uniqueName("req", taken);
  const paramsText = req
    ? undefined
    : [
        ...params.map((p) => src.code.slice(p.start ?? 0, p.end ?? 0)),
        ...(target.requestIndex === 1 && params.length === 0 ? ["_auth"] : []),
        request,
      ].join(", ");
  const where = {
    target: target.clerk ? ("clerkHandler" as const) : ("middleware" as const),
    line: target.fn.loc?.start.line ?? 0,
    ...(paramsText === undefined ? {} : { params: paramsText }),
  };
  const own =
    exemption.newRoute.kind === "pattern"
      ? pathToRegexp(exemption.newRoute.source)
      : new RegExp(exemption.newRoute.source);
  if (!usesMatchers) {
    const param = src.typescript ? "pathname: string" : "pathname";
    const kept = exemption.kept.map((entry) => pathToRegexp(entry.pattern).toString());
    const others = kept.length > 0 ? ` && ![${kept.join(", ")}].some((regexp) => regexp.test(pathname))` : "";
    return {
      declaration: `const ${name} = (${param}) => ${own.toString()}.test(pathname)${others}${end}`,
      compiled: true,
      ...where,
      first: `if (${name}(${request}.nextUrl.pathname)) return${end}`,
    };
  }
  const lines: string[] = [];
  if (exemption.newRoute.kind === "regexp") {
    lines.push(
      "// Exactly the route's own URL, as a regular expression: createRouteMatcher's patterns",
      "// ignore case, and Next.js serves other casings from other routes.",
      `const ${name} = ${matcherCall}([${own.toString()}])${end}`,
    );
  } else {
    lines.push(`const ${name} = ${matcherCall}([${quoteString(exemption.newRoute.source, quote)}])${end}`);
  }
  let test = `${name}(${request})`;
  if (exemption.kept.length > 0) {
    const other = uniqueName("isOtherRoute", taken);
    lines.push(
      "// Other routes and pages that pattern also matches: they keep your checks.",
      `const ${other} = ${matcherCall}([`,
      ...exemption.kept.map((kept) => `  ${quoteString(kept.pattern, quote)}, // ${kept.file}`),
      `])${end}`,
    );
    test = `${test} && !${other}(${request})`;
  }
  return { declaration: lines.join("\n"), compiled: false, ...where, first: `if (${test}) return${end}` };
}

function mentionsMember(src: SourceFile, object: string, property: string): boolean {
  let found = false;
  walk(src.ast.program, (n) => {
    if (
      n.type === "MemberExpression" &&
      n.object.type === "Identifier" &&
      n.object.name === object &&
      n.property.type === "Identifier" &&
      n.property.name === property
    )
      found = true;
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
  if (fn && fn !== "options" && handler.fn.body.type === "BlockStatement" && handler.fn.body.body.length === 1)
    return { fn, clerk: true, requestIndex: 1 };
  return { fn: handler.fn, clerk: false, requestIndex: 0 };
}
