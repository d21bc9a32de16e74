// Whether the middleware answers a signed-out caller on the new route before the route's own check
// does: a rule of its clerkMiddleware() handler (read by clerk/rules.ts, the one reader) that
// protects every path of the route. Then the caller gets that rule's answer (auth.protect(): an
// empty 404 to an API request, a redirect to sign-in for a page), not the route's 401 JSON, and
// the result and the route's comment say so. Loaded with the parser (plan.ts), only when a
// middleware file exists.
import { readSource } from "../../js/parse.js";
import { type ReadOptions, readClerkRules, ruleVerdict } from "../../clerk/rules.js";
import { coverage, readConfig, samplePaths } from "../../next/matcher.js";
import type { RoutePath } from "../../next/route-path.js";

export type RouteGate =
  /** `rule` (the text of its test, or "always") protects every path of the route. */
  | { kind: "protected"; rule: string }
  /** The handler's rules could not be read: it may answer first. */
  | { kind: "unknown"; why: string };

/** The gate in `code` (the middleware as it will be) on `route`, if any. */
export function routeGate(
  code: string,
  ctx: { path: string; typescript: boolean; route: RoutePath; read?: ReadOptions },
): RouteGate | undefined {
  const read = readSource(code, ctx.path, ctx.typescript);
  if (!read.ok) return undefined;
  const config = readConfig(read.source.ast);
  // A matcher that misses the route runs nothing there (the patch makes it cover the route).
  if (config.ok && !coverage(config.matcher, ctx.route).covered) return undefined;
  const verdict = ruleVerdict(readClerkRules(read.source, ctx.read), samplePaths(ctx.route));
  if (verdict.kind === "protected") return { kind: "protected", rule: verdict.rule };
  if (verdict.kind === "unknown") return { kind: "unknown", why: verdict.why };
  return undefined;
}
