// What this tool writes for Clerk: the recommended matcher and a new middleware/proxy file.
// Loaded on every run: it must not import the parser, magic-string or path-to-regexp.
import { CLERK_SERVER } from "./names.js";

/** Clerk's recommended entry for API routes: every path under /api and /trpc. */
export const CLERK_API_ENTRY = "/(api|trpc)(.*)";

/**
 * Clerk's Frontend API proxy: since @clerk/nextjs 7.2.8 clerkMiddleware() serves it at /__clerk on
 * production *.vercel.app hosts (shouldAutoProxy in @clerk/shared/proxy), and the first entry
 * skips its .js assets. Harmless before: Clerk then has nothing to serve there.
 */
export const CLERK_PROXY_ENTRY = "/__clerk/(.*)";

/** A new middleware/proxy file: create-next-app style, with Clerk's recommended matcher. */
const CLERK_MATCHER_SOURCES = [
  String.raw`/((?!_next|[^?]*\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)`,
  CLERK_API_ENTRY,
  CLERK_PROXY_ENTRY,
];

export function createContent(): string {
  return `import { clerkMiddleware } from "${CLERK_SERVER}";

export default clerkMiddleware();

export const config = {
  matcher: [
    // Skip Next.js internals and all static files, unless found in search params
    ${JSON.stringify(CLERK_MATCHER_SOURCES[0])},
    // Always run for API routes
    ${JSON.stringify(CLERK_MATCHER_SOURCES[1])},
    // Always run for Clerk's Frontend API proxy
    ${JSON.stringify(CLERK_MATCHER_SOURCES[2])},
  ],
};
`;
}
