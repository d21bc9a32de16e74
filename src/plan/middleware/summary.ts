/**
 * The `summary` of a created/patched result: shown to the user as one line, so each is a single
 * sentence saying what changed in their file and what they may have to check or change.
 */
import { CLERK_API_ENTRY } from "./create.js";
import type { ClerkSetup } from "./handler.js";

const q = (text: string) => JSON.stringify(text);

export function createdSummary(path: string): string {
  return `Created ${path}, which runs clerkMiddleware() on every route except static files and Next.js internals.`;
}

export function filledSummary(path: string): string {
  return `Added a default clerkMiddleware() export and Clerk's recommended config.matcher to ${path}, which exported nothing.`;
}

export interface AddedEntry {
  path: string;
  routePattern: string;
  entry: string;
  setup: ClerkSetup;
  /** The matcher entry whose lookahead may skip some paths of the route, if that is why the entry was added. */
  lookahead?: string;
}

/** `Added "…" to config.matcher in …`, with what it means for the user's clerkMiddleware() handler or options. */
export function addedEntrySummary({ path, routePattern, entry, setup, lookahead }: AddedEntry): string {
  const added = `Added ${q(entry)} to config.matcher in ${path}`;
  const target = lookahead === undefined ? routePattern : "all of them";
  const why = lookahead === undefined ? "" : ` because the lookahead in ${q(lookahead)} may skip some ${routePattern} paths`;
  const it = lookahead === undefined ? "it" : "them";
  switch (setup) {
    case "bare":
      if (lookahead !== undefined) return `${added}${why}, so clerkMiddleware() now runs on ${target}.`;
      return entry === CLERK_API_ENTRY
        ? `${added} so clerkMiddleware() runs on ${routePattern} and every other /api and /trpc route.`
        : `${added} so clerkMiddleware() runs on ${routePattern}.`;
    case "handler":
      return `${added}${why}, so your clerkMiddleware() handler now also runs on ${target}: check that it does not protect or redirect ${it}.`;
    case "options":
      return `${added}${why}, so your clerkMiddleware() options now also apply to ${target}: check that they suit ${it}.`;
  }
}

export interface Wrapped {
  path: string;
  /** "default", or the name Next.js ran it by ("proxy", "middleware"). */
  exported: string;
  /** The local name the wrapper calls. */
  local: string;
  /** The entry added to config.matcher, when the user's function now runs behind a guard. */
  guardedEntry?: string;
}

/** The export Next.js runs became `clerkMiddleware(...)` calling the user's function: say so, and who else is affected. */
export function wrappedSummary({ path, exported, local, guardedEntry }: Wrapped): string {
  const guard = guardedEntry === undefined ? "" : ` only on the paths its old matcher matched, and added ${q(guardedEntry)} to config.matcher`;
  if (exported === "default") {
    return (
      `Replaced the default export of ${path} with clerkMiddleware() calling your function (now the local \`${local}\`)${guard}; ` +
      "code or tests that import the default export now get the Clerk-wrapped version."
    );
  }
  return (
    `Replaced the named \`${exported}\` export of ${path} with a default export that runs clerkMiddleware() and calls \`${local}\`${guard}; ` +
    `code or tests that import \`${exported}\` from this file must change.`
  );
}
