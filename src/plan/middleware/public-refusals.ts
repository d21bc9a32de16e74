// Refusals for a route that must be exempt from the clerkMiddleware() handler's auth.protect()
// rules (a webhook; a machine route, whose tokens carry no session): why, and the exact edit,
// which exempts only the route's own paths (see exposure.ts).
import type { MiddlewareNeed } from "../../styles/declaration.js";
import type { Exposure, ExemptionEdit } from "../../clerk/exposure.js";
import type { MiddlewareResult } from "./index.js";
import { indent, type RefusalContext } from "./refusals.js";

type Refused = Extract<MiddlewareResult, { status: "refused" }>;

/** The route's createRouteMatcher pattern, what it would also reach, and the edit that exempts only the route. */
export interface Exemption {
  pattern: string;
  exposures: readonly Exposure[];
  edit: ExemptionEdit | undefined;
}

/** Routes named in the reason; the edit lists every one. */
const SHOWN = 5;

const BY_HAND = "Or run the command again with --no-middleware and make the route public yourself.";

function caller(need: MiddlewareNeed | undefined): string {
  return need === "clerk-unprotected"
    ? "API keys, M2M and OAuth tokens carry no session: auth.protect() would answer 401 before the handler checks them."
    : "Clerk calls a webhook without a session: it would answer 401, 404 or a redirect to sign-in.";
}

export const refusePublic = {
  /** Rules this tool cannot edit safely (unreadable, auth.protect() everywhere, matchers it cannot extend). */
  rules(ctx: RefusalContext, exemption: Exemption, why: string, certain: boolean, need: MiddlewareNeed | undefined): Refused {
    const reason = `The clerkMiddleware() handler in ${ctx.path} ${certain ? "protects" : "may protect"} ${ctx.route.pattern} (${why}), and ${caller(need)}`;
    return { status: "refused", reason, manualEdit: manualEdit(ctx, exemption, `Exempt ${ctx.route.pattern} from auth.protect() in ${ctx.path}, for example:`) };
  },

  /** The edit this tool can make would also unprotect paths Next.js serves from other routes or pages. */
  exposes(ctx: RefusalContext, exemption: Exemption, need: MiddlewareNeed | undefined): Refused {
    const shown = exemption.exposures.slice(0, SHOWN).map(describeExposure);
    const more = exemption.exposures.length - shown.length;
    const reached = `${shown.join(", ")}${more > 0 ? ` and ${more} more (all listed below)` : ""}`;
    const reason =
      `The clerkMiddleware() handler in ${ctx.path} protects ${ctx.route.pattern}, and ${caller(need)} ` +
      `But exempting ${JSON.stringify(exemption.pattern)} from it would also make ${reached} public, which it protects today.`;
    return {
      status: "refused",
      reason,
      manualEdit: manualEdit(ctx, exemption, `Exempt only the paths Next.js serves from ${ctx.route.pattern}, keeping your current protection on every other route and page in ${ctx.path}, for example:`),
    };
  },
};

function describeExposure(exposure: Exposure): string {
  const why = exposure.caseOnly ? ": createRouteMatcher ignores case, Next.js routes do not" : "";
  return `${exposure.route.file} (${exposure.path}${why})`;
}

function manualEdit(ctx: RefusalContext, exemption: Exemption, intro: string): string {
  const { edit } = exemption;
  const ownPath = (lead: string) => `${lead} ${ctx.route.pattern} a path that no other route or page shares, then run the command again.`;
  if (!edit) {
    const files = exemption.exposures.map((exposure) => exposure.route.file).join(", ");
    return [
      `No createRouteMatcher list exempts only the paths Next.js serves from ${ctx.route.pattern}: ${files} share them in ways a list cannot tell apart.`,
      ownPath("Give"),
      BY_HAND,
    ].join("\n\n");
  }
  // Another path helps only where the other routes share the route's own text (not its other casings).
  const movable = edit.kept.length > 0 && exemption.exposures.every((exposure) => !exposure.caseOnly);
  return [intro, indent(snippet(edit)), ...(movable ? [ownPath("Or give")] : []), BY_HAND].join("\n\n");
}

/** The createRouteMatcher declarations and the condition around the current protection. */
function snippet(edit: ExemptionEdit): string {
  const plain = edit.newRoute.kind === "pattern" && edit.kept.length === 0;
  const name = plain ? "isPublicRoute" : "isNewRoute";
  const lines: string[] = [];
  if (edit.newRoute.kind === "regexp") {
    lines.push(
      "// Exactly the route's own URL, as a regular expression: createRouteMatcher's patterns",
      "// ignore case, and Next.js serves other casings from other routes.",
      `const ${name} = createRouteMatcher([/${edit.newRoute.source}/]);`,
    );
  } else {
    lines.push(`const ${name} = createRouteMatcher([${JSON.stringify(edit.newRoute.source)}]);`);
  }
  let condition = `!${name}(req)`;
  if (edit.kept.length > 0) {
    lines.push(
      "// Other routes and pages that pattern also matches: they keep your current protection.",
      "const isOtherRoute = createRouteMatcher([",
      ...edit.kept.map((kept) => `  ${JSON.stringify(kept.pattern)}, // ${kept.file}`),
      "]);",
    );
    condition = `!${name}(req) || isOtherRoute(req)`;
  }
  return `${lines.join("\n")}

export default clerkMiddleware(async (auth, req) => {
  if (${condition}) {
    // ...your current protection, e.g. await auth.protect();
  }
});`;
}
