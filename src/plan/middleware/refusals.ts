// Shapes this tool won't rewrite: why, and the exact edit to make by hand.
import type { RoutePath } from "../../next/route-path.js";
import type { Handler } from "../../clerk/middleware-handler.js";
import type { MiddlewareResult } from "./index.js";
import { createContent } from "../../clerk/generated.js";
import { CLERK_SERVER } from "../../clerk/names.js";
import type { Node } from "@babel/types";
import { type Bindings, type ImportBinding } from "../../js/bindings.js";
import { unwrapTs } from "../../js/nodes.js";

/** What every refusal needs to say where and what. */
export interface RefusalContext {
  path: string;
  route: RoutePath;
  /** The matcher entry that makes the middleware run on the route, e.g. "/(api|trpc)(.*)". */
  entry: string;
}

type Refused = Extract<MiddlewareResult, { status: "refused" }>;

function refused(ctx: RefusalContext, reason: string, steps: string[]): Refused {
  const skip =
    `Or run the command again with --no-middleware and do this later: auth() in ${ctx.route.pattern} ` +
    "only works on requests that clerkMiddleware() has run on.";
  return { status: "refused", reason, manualEdit: [...steps, skip].join("\n\n") };
}

export function indent(code: string): string {
  return code
    .trimEnd()
    .split("\n")
    .map((line) => (line ? `    ${line}` : line))
    .join("\n");
}

/** The shape every manual edit aims at. */
function clerkShape(ctx: RefusalContext, inner = ""): string {
  return indent(`import { clerkMiddleware } from "${CLERK_SERVER}";

export default clerkMiddleware(${inner});

export const config = {
  matcher: [/* ...your current entries..., */ ${JSON.stringify(ctx.entry)}],
};`);
}

function addEntryStep(ctx: RefusalContext): string {
  return `Make sure config.matcher in ${ctx.path} includes ${JSON.stringify(ctx.entry)} so it runs on ${ctx.route.pattern}.`;
}

export const refuse = {
  syntaxError(ctx: RefusalContext, error: string): Refused {
    return refused(ctx, `Could not parse ${error}`, [
      `Fix the syntax error in ${ctx.path} and run the command again; a file that doesn't parse doesn't build either.`,
    ]);
  },

  legacyClerk(ctx: RefusalContext, api: string, removedIn: number): Refused {
    return refused(
      ctx,
      `${ctx.path} uses ${api}(), which @clerk/nextjs removed in v${removedIn} in favour of clerkMiddleware().`,
      [
        "Run `npx @clerk/upgrade` to migrate it to clerkMiddleware(), then run this command again. The result should look like:",
        clerkShape(ctx),
      ],
    );
  },

  authjs(ctx: RefusalContext, detail: string): Refused {
    return refused(
      ctx,
      `${ctx.path} runs Auth.js / NextAuth (${detail}). Running two auth libraries in one middleware is a decision to make by hand.`,
      [
        `If you are moving to Clerk, replace ${ctx.path} with:`,
        indent(createContent()),
        "If both must run, make clerkMiddleware() the export and call the Auth.js middleware from its handler, e.g. `clerkMiddleware((auth, req, event) => authjsMiddleware(req, event))`, keeping Auth.js off the paths its old matcher excluded.",
      ],
    );
  },

  i18n(ctx: RefusalContext, source: string): Refused {
    return refused(
      ctx,
      `${ctx.path} runs the i18n middleware from "${source}". Its matcher keeps API routes away from it, so wrapping it would hand it ${ctx.route.pattern}.`,
      [
        `Edit ${ctx.path} so Clerk runs first and the i18n middleware only sees the paths it saw before:`,
        indent(`import { clerkMiddleware } from "${CLERK_SERVER}";
import createMiddleware from "${source}";
// ...your existing createMiddleware(...) call, as intlMiddleware

export default clerkMiddleware((auth, req) => {
  // Keep i18n off API routes (and anything else its old matcher excluded).
  if (req.nextUrl.pathname.startsWith("/api")) return;
  return intlMiddleware(req);
});

export const config = {
  matcher: [/* ...your current entries..., */ ${JSON.stringify(ctx.entry)}],
};`),
      ],
    );
  },

  composed(ctx: RefusalContext, what: string): Refused {
    return refused(ctx, `The middleware in ${ctx.path} is ${what}, which this tool can't safely rewrite.`, [
      `Add clerkMiddleware() to ${ctx.path} by hand so it runs before your own logic, for example by making it the export and calling your middleware from its handler:`,
      clerkShape(ctx, "async (auth, req, event) => yourMiddleware(req, event)"),
    ]);
  },

  codeAroundClerk(ctx: RefusalContext, instance: string, exported: string): Refused {
    return refused(
      ctx,
      `The middleware in ${ctx.path} calls Clerk through \`${instance}\` with code of its own around the call; adding ${ctx.route.pattern} to the matcher would run that code there too.`,
      [
        `Make the code around \`${instance}(...)\` skip ${ctx.route.pattern} (so only Clerk runs there), then add the route to config.matcher, e.g.:`,
        indent(`export ${exported === "default" ? "default function middleware" : `function ${exported}`}(req: NextRequest, event: NextFetchEvent) {
  // Only Clerk on the new route:
  if (/* req.nextUrl.pathname is a ${ctx.route.pattern} path */) return ${instance}(req, event);
  // ...your code, calling ${instance}(req, event)
}

export const config = {
  matcher: [/* ...your current entries..., */ ${JSON.stringify(ctx.entry)}],
};`),
      ],
    );
  },

  reexport(ctx: RefusalContext, source: string): Refused {
    return refused(
      ctx,
      `${ctx.path} re-exports its middleware from "${source}", so the code to change is not in this file.`,
      [
        `Either replace the re-export in ${ctx.path} with a clerkMiddleware() export that calls the middleware from "${source}" in its handler, or add clerkMiddleware() where it is defined:`,
        clerkShape(ctx, "async (auth, req, event) => yourMiddleware(req, event)"),
      ],
    );
  },

  noHandler(ctx: RefusalContext, kind: string, detail: string): Refused {
    return refused(
      ctx,
      `${ctx.path} has no export Next.js runs: it needs \`export function ${kind}\` or a default export (${detail}).`,
      [
        `Export the middleware as ${kind === "proxy" ? "`proxy`" : "`middleware`"} or default, with Clerk, e.g.:`,
        clerkShape(ctx),
      ],
    );
  },

  several(ctx: RefusalContext, names: string[]): Refused {
    return refused(
      ctx,
      `${ctx.path} exports more than one middleware (${names.join(", ")}); Next.js runs only one of them.`,
      [
        "Keep a single export (the named one wins in Next.js), then run the command again, or combine them with Clerk by hand:",
        clerkShape(ctx, "async (auth, req, event) => yourMiddleware(req, event)"),
      ],
    );
  },

  matcher(ctx: RefusalContext, problem: string): Refused {
    return refused(ctx, `In ${ctx.path}, ${problem}.`, [
      `Write config in ${ctx.path} as literals (Next.js reads it at build time, without running code) and include ${JSON.stringify(ctx.entry)} so it runs on ${ctx.route.pattern}:`,
      indent(`export const config = {
  matcher: [/* ...your paths, written out..., */ ${JSON.stringify(ctx.entry)}],
};`),
    ]);
  },

  clerkImport(ctx: RefusalContext, source: string): Refused {
    return refused(
      ctx,
      `${ctx.path} imports clerkMiddleware from "${source}", which doesn't export it: it comes from "${CLERK_SERVER}".`,
      [
        `Change the import in ${ctx.path} to the line below, then run the command again:`,
        indent(`import { clerkMiddleware } from "${CLERK_SERVER}";`),
      ],
    );
  },

  invalidMatcher(ctx: RefusalContext, source: string): Refused {
    return refused(
      ctx,
      `config.matcher in ${ctx.path} has ${JSON.stringify(source)}, which Next.js rejects (it must start with "/" and be a valid path-to-regexp pattern).`,
      [`Fix that entry, then run the command again. ${addEntryStep(ctx)}`],
    );
  },

  conditionalMatcher(ctx: RefusalContext): Refused {
    return refused(
      ctx,
      `The middleware in ${ctx.path} has matcher entries with cookie, query or host conditions (\`has\`/\`missing\`) and doesn't run on ${ctx.route.pattern}; wrapping it in Clerk would need those conditions in code.`,
      [
        `Wrap it by hand, calling your middleware only where its old matcher applied:`,
        clerkShape(
          ctx,
          `async (auth, req, event) => {
  if (/* the path and request match the old matcher */) {
    return yourMiddleware(req, event);
  }
}`,
        ),
      ],
    );
  },

  uncoverable(ctx: RefusalContext): Refused {
    return refused(ctx, `No matcher entry could be found that makes ${ctx.path} run on ${ctx.route.pattern}.`, [
      addEntryStep(ctx),
    ]);
  },

  unexpected(ctx: RefusalContext, error: unknown): Refused {
    const message = error instanceof Error ? error.message : String(error);
    return refused(ctx, `Could not update ${ctx.path} (${message}).`, [
      `Add clerkMiddleware() to ${ctx.path} by hand:`,
      clerkShape(ctx),
    ]);
  },
};

// ---- Another library's middleware, a chain, or a shape we don't follow ----

type Foreign = Extract<Handler, { kind: "call" | "imported" | "reexport" | "unknown" }>;

/** Another library's middleware, a chain, or a shape we don't follow: explain what to do by hand. */
export function refuseForeign(handler: Foreign, code: string, bindings: Bindings, ctx: RefusalContext) {
  switch (handler.kind) {
    case "reexport":
      return looksLikeAuthjs(handler.source, handler.imported)
        ? refuse.authjs(ctx, `re-exported from "${handler.source}"`)
        : refuse.reexport(ctx, handler.source);
    case "imported":
      return (
        fromLibrary(handler.source, handler.imported, `\`${handler.local}\` imported from "${handler.source}"`, ctx) ??
        refuse.reexport(ctx, handler.source)
      );
    case "call": {
      const callee = handler.call.callee;
      const text = code.slice(callee.start ?? 0, callee.end ?? 0);
      const binding = importBehind(callee, bindings);
      const library =
        binding && fromLibrary(binding.source, binding.imported, `\`${text}(...)\` from "${binding.source}"`, ctx);
      return library ?? refuse.composed(ctx, `built by \`${text}(...)\` (a chain or wrapper of middlewares)`);
    }
    case "unknown":
      return refuse.composed(ctx, handler.what);
  }
}

/**
 * The import a callee comes from: `withAuth` → its import, `NextAuth(config).auth` and
 * `auth` of `const { auth } = NextAuth(config)` → the import of NextAuth.
 */
function importBehind(node: Node, bindings: Bindings, depth = 0): ImportBinding | undefined {
  if (depth > 5) return undefined;
  const inner = unwrapTs(node);
  if (inner.type === "MemberExpression") return importBehind(inner.object, bindings, depth + 1);
  if (inner.type === "CallExpression") return importBehind(inner.callee, bindings, depth + 1);
  if (inner.type !== "Identifier") return undefined;
  const imported = bindings.imports.get(inner.name);
  if (imported) return imported;
  const local = bindings.locals.get(inner.name);
  return local?.type === "VariableDeclarator" && local.init ? importBehind(local.init, bindings, depth + 1) : undefined;
}

function fromLibrary(source: string, imported: string, detail: string, ctx: RefusalContext) {
  if (looksLikeAuthjs(source, imported)) return refuse.authjs(ctx, detail);
  if (/(^|[/-])(intl|i18n)([/-]|$)|next-intl|next-i18n/.test(source)) return refuse.i18n(ctx, source);
  if (source.startsWith("@clerk/") && imported === "clerkMiddleware") return refuse.clerkImport(ctx, source);
  return undefined;
}

export function looksLikeAuthjs(source: string, imported: string): boolean {
  const authjsPackage = source === "next-auth" || source.startsWith("next-auth/") || source.startsWith("@auth/");
  return authjsPackage || (/(^|\/)auth$/.test(source) && imported === "auth");
}
