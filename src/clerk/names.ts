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
