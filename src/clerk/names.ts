// The names Clerk's SDK exports, as this tool reads them in user code and writes them.
import type { Bindings } from "../js/bindings.js";

export const CLERK_SERVER = "@clerk/nextjs/server";

/** Local names bound to `@clerk/nextjs/server` exports ("*" for a namespace import). */
export function clerkLocals(bindings: Bindings): Set<string> {
  const names = new Set<string>();
  for (const [local, binding] of bindings.imports) {
    if (binding.source === CLERK_SERVER) names.add(local);
  }
  return names;
}

/**
 * The names of the guard this tool writes when a user's handler must keep to its old paths
 * (templates/middleware/, plan/middleware/edits.ts): `onlyOnOldMatcher(handler)` runs it only
 * where `matchesOldMatcher` finds a match in `oldMatcher`, the old config.matcher's regular
 * expressions (`headerMatches` checks their header conditions). A file that already uses a name
 * gets it with a number (`oldMatcher2`), so the readers recognise them by prefix.
 */
export const GUARD_NAMES = {
  wrapper: "onlyOnOldMatcher",
  list: "oldMatcher",
  matches: "matchesOldMatcher",
  header: "headerMatches",
} as const;

/** Is `name` one of this tool's guard names of that kind, as uniqueName() may have numbered it? */
export function isGuardName(name: string, kind: keyof typeof GUARD_NAMES): boolean {
  return name.startsWith(GUARD_NAMES[kind]);
}
