// The middleware/proxy step, as the rest of the tool sees it. Everything exported here as a value
// is light (locate.ts); the parser-based patcher (plan.ts) is only exported as a type, so that
// importing this module never loads @babel/parser, magic-string or path-to-regexp: run.ts loads
// plan.ts itself when a middleware file exists.
import type { AppRoute, RoutePath } from "../../next/route-path.js";
import type { MiddlewareNeed } from "../../styles/declaration.js";
import type { ClerkSetup } from "../../clerk/middleware-handler.js";

export { CLERK_API_ENTRY, createContent } from "../../clerk/generated.js";
export { locateMiddleware } from "../../next/middleware-file.js";
export type { IgnoredReason, LocationNote, MiddlewareKind, MiddlewareLocation } from "../../next/middleware-file.js";
import type { LocationNote, MiddlewareFileContext, MiddlewareLocation } from "../../next/middleware-file.js";
export type { planMiddleware } from "./plan.js";
export type { ClerkSetup } from "../../clerk/middleware-handler.js";

export interface MiddlewareContext extends MiddlewareFileContext {
  /** The new route, e.g. /api/projects/[id] or /api/docs/[[...slug]]. */
  route: RoutePath;
  /**
   * "clerk" (the default): Clerk must run on the route. "public": no rule may protect it (a
   * webhook). "clerk-unprotected": both (machine tokens), see MiddlewareNeed.
   */
  need?: MiddlewareNeed;
}

/** What planMiddleware needs to know about the file it patches, and about the app. */
export type PlanContext = MiddlewareContext &
  Pick<MiddlewareLocation, "path" | "kind" | "typescript"> & {
    /** The app's route files and pages (from project detection): exempting the route must not unprotect them. */
    appRoutes: readonly AppRoute[];
  };

export type PatchNote =
  /** A file without statements got Clerk's default export and matcher. */
  | { kind: "middlewareFilled"; path: string }
  /**
   * `entry` joined config.matcher so Clerk runs on `route` (a URL pattern). `lookahead`: the old
   * entry whose lookahead may skip some paths of the route, when that is why. `allApiRoutes`: the
   * entry is Clerk's recommended "/(api|trpc)(.*)".
   */
  | {
      kind: "matcherEntryAdded";
      path: string;
      route: string;
      entry: string;
      setup: ClerkSetup;
      allApiRoutes: boolean;
      lookahead?: string;
    }
  /**
   * The export Next.js runs became clerkMiddleware() calling the user's function, now the local
   * `local`. `exported`: "default", or the name Next.js ran it by. `guardedEntry`: the entry
   * added to config.matcher, when the user's function now runs behind its old matcher.
   */
  | { kind: "middlewareWrapped"; path: string; exported: string; local: string; guardedEntry?: string }
  /**
   * A route that must stay public (a webhook) joined the createRouteMatcher list `matcher` that
   * the clerkMiddleware() handler exempts from auth.protect(); `created`: that list is new.
   */
  | { kind: "publicRouteAdded"; path: string; route: string; pattern: string; matcher: string; created: boolean };

export type UnchangedNote =
  | { kind: "middlewareAlreadyCovers"; path: string; route: string; everywhere: boolean }
  /**
   * A route that must stay public already is: the middleware does not run on it ("notCovered"),
   * or no rule of its clerkMiddleware() protects it ("noRule"), or it is not Clerk's and this tool
   * cannot tell what it does there ("notClerk", a warning).
   */
  | { kind: "middlewareLeavesPublic"; path: string; route: string; reason: "notCovered" | "noRule" | "notClerk" };

/** What happened, as data; src/report/middleware-notes.ts puts it into words. */
export type MiddlewareNote = LocationNote | PatchNote | UnchangedNote;

export type MiddlewareResult =
  | { status: "unchanged"; note: UnchangedNote }
  | { status: "patched"; after: string; note: PatchNote }
  /** `reason` names the file; `manualEdit` is the exact edit to make by hand. */
  | { status: "refused"; reason: string; manualEdit: string };
