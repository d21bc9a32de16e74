// authMiddleware({ publicRoutes, ignoredRoutes }) of @clerk/nextjs 4/5, read as steps: it does not
// run on ignoredRoutes (default: files and _next, except /api and /trpc), lets publicRoutes through,
// and answers every other signed-out request (401 for an API request, else a redirect to sign-in).
// What it does comes from @clerk/nextjs 5's dist (server/authMiddleware.js). beforeAuth/afterAuth
// and lists that are not literals are not read: the caller gets why.
import type { ArrayExpression, CallExpression, Node } from "@babel/types";
import { findProperty, unwrapTs } from "../js/nodes.js";
import type { Scope } from "./gate-values.js";
import { type Guard, type ReadContext, Unreadable } from "./gate-model.js";
import { compilePatterns } from "./route-patterns.js";

/** authMiddleware's DEFAULT_IGNORED_ROUTES in @clerk/nextjs 5. */
const DEFAULT_IGNORED = ["/((?!api|trpc))(_next.*|.+\\.[\\w]+$)"];

export interface LegacyLists {
  /** The publicRoutes array literal, when there is one (a route may be added to it). */
  publicRoutes?: ArrayExpression;
}

/** Appends the steps of `authMiddleware(options)`; throws Unreadable for what it cannot read. */
export function readAuthMiddleware(call: CallExpression, ctx: ReadContext): LegacyLists {
  const [first, ...rest] = call.arguments.map(unwrapTs);
  if (rest.length > 0 || (first && first.type !== "ObjectExpression"))
    throw new Unreadable("its authMiddleware() options are not an object literal");
  const options = first?.type === "ObjectExpression" ? first : undefined;
  for (const key of ["beforeAuth", "afterAuth"]) {
    if (options && findProperty(options, key))
      throw new Unreadable(`its authMiddleware() has ${key}, code this reader does not follow`);
  }
  if (options?.properties.some((p) => p.type !== "ObjectProperty"))
    throw new Unreadable("its authMiddleware() options spread or compute values");
  const list = (key: string): { regexps: RegExp[]; array?: ArrayExpression } | undefined => {
    const prop = options ? findProperty(options, key) : undefined;
    if (!prop) return undefined;
    const value = unwrapTs(prop.value);
    const regexps = compilePatterns(value);
    if (!regexps) throw new Unreadable(`its authMiddleware() ${key} is not a list of literal patterns`);
    return { regexps, ...(value.type === "ArrayExpression" ? { array: value } : {}) };
  };
  const ignored =
    list("ignoredRoutes")?.regexps ?? compilePatterns({ type: "StringLiteral", value: DEFAULT_IGNORED[0] } as Node)!;
  const publicRoutes = list("publicRoutes");
  const publicRegexps = publicRoutes?.regexps ?? [];
  const scope: Scope = { names: new Map(), matchers: ctx.matchers, clerkMajor: ctx.clerkMajor };
  const ignoredGuard: Guard = { branch: true, scope, holds: (path) => ignored.some((r) => r.test(path)) };
  const publicGuard: Guard = { branch: true, scope, holds: (path) => publicRegexps.some((r) => r.test(path)) };
  const notIgnored: Guard = { ...ignoredGuard, branch: false, holds: (path) => !ignored.some((r) => r.test(path)) };
  const notPublic: Guard = { ...publicGuard, branch: false, holds: (path) => !publicRegexps.some((r) => r.test(path)) };
  const base = { node: call as Node, request: undefined, outer: 0 };
  ctx.steps.push({ ...base, guards: [ignoredGuard], outcome: { kind: "pass" }, inClerk: false });
  ctx.steps.push({ ...base, guards: [notIgnored, publicGuard], outcome: { kind: "pass" }, inClerk: true });
  ctx.steps.push({
    ...base,
    guards: [notIgnored, notPublic],
    outcome: {
      kind: "gate",
      gate: { via: "authMiddleware", answer: { kind: "legacy" }, requires: { kind: "signedIn" } },
    },
    inClerk: true,
  });
  return publicRoutes?.array ? { publicRoutes: publicRoutes.array } : {};
}
