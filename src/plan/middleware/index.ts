// The middleware/proxy step, as the rest of the tool sees it. Everything exported here as a value
// is light (locate.ts); the parser-based patcher (plan.ts) is only exported as a type, so that
// importing this module never loads @babel/parser, magic-string or path-to-regexp: run.ts loads
// plan.ts itself when a middleware file exists.
import type { AppRoute, RoutePath } from "../../core/route.js";
import type { MiddlewareNeed } from "../../core/style.js";
import type { ExistingFile, Language } from "../../core/types.js";
import type { ClerkSetup } from "./handler.js";

export { CLERK_API_ENTRY, createContent, locateMiddleware } from "./locate.js";
export type { planMiddleware } from "./plan.js";
export type { ClerkSetup } from "./handler.js";

export type MiddlewareKind = "proxy" | "middleware";

export interface MiddlewareContext {
  /** The new route, e.g. /api/projects/[id] or /api/docs/[[...slug]]. */
  route: RoutePath;
  language: Language;
  /** 15 → middleware, >=16 → proxy. */
  nextMajor: number;
  /** The app lives in src/app. */
  srcDir: boolean;
  /**
   * "clerk" (the default): Clerk must run on the route. "public": no rule may protect it (a
   * webhook). "clerk-unprotected": both (machine tokens), see MiddlewareNeed.
   */
  need?: MiddlewareNeed;
}

export interface MiddlewareLocation {
  /** Relative posix path of the file to create or patch, e.g. "src/proxy.ts". */
  path: string;
  kind: MiddlewareKind;
  /** The file is TypeScript (.ts/.tsx), so generated code carries types. */
  typescript: boolean;
  /** Present when that file exists. */
  existing?: ExistingFile;
  notes: LocationNote[];
}

/** What planMiddleware needs to know about the file it patches, and about the app. */
export type PlanContext = MiddlewareContext &
  Pick<MiddlewareLocation, "path" | "kind" | "typescript"> & {
    /** The app's route files and pages (from project detection): exempting the route must not unprotect them. */
    appRoutes: readonly AppRoute[];
  };

/** Why Next.js doesn't read a middleware/proxy file. */
export type IgnoredReason =
  /** In `dir` ("", "src/", "app/", "src/app/") instead of the root or src/. */
  | { kind: "directory"; dir: string; srcDir: boolean }
  /** An extension Next.js doesn't pick up by default (.mjs, .mts, ...). */
  | { kind: "extension"; ext: string }
  /** A proxy file before Next.js 16. */
  | { kind: "proxyBeforeNext16"; nextMajor: number };

export type LocationNote =
  | { kind: "middlewareIgnored"; path: string; active: string; reason: IgnoredReason }
  | { kind: "middlewareDeprecated"; path: string; nextMajor: number };

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
