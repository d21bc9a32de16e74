import type { Bindings } from "./bindings.js";
import type { Handler } from "./handler.js";
import { refuse, type RefusalContext } from "./refusals.js";

type Foreign = Extract<Handler, { kind: "call" | "imported" | "reexport" | "unknown" }>;

/** Another library's middleware, a chain, or a shape we don't follow: explain what to do by hand. */
export function refuseForeign(handler: Foreign, code: string, bindings: Bindings, ctx: RefusalContext) {
  switch (handler.kind) {
    case "reexport":
      return looksLikeAuthjs(handler.source, handler.imported)
        ? refuse.authjs(ctx, `re-exported from "${handler.source}"`)
        : refuse.reexport(ctx, handler.source);
    case "imported":
      return fromLibrary(handler.source, handler.imported, `\`${handler.local}\` imported from "${handler.source}"`, ctx) ??
        refuse.reexport(ctx, handler.source);
    case "call": {
      const callee = handler.call.callee;
      const text = code.slice(callee.start ?? 0, callee.end ?? 0);
      const root = callee.type === "MemberExpression" && callee.object.type === "Identifier" ? callee.object.name : text;
      const binding = bindings.imports.get(root);
      const library = binding && fromLibrary(binding.source, binding.imported, `\`${text}(...)\` from "${binding.source}"`, ctx);
      return library ?? refuse.composed(ctx, `built by \`${text}(...)\` (a chain or wrapper of middlewares)`);
    }
    case "unknown":
      return refuse.composed(ctx, handler.what);
  }
}

function fromLibrary(source: string, imported: string, detail: string, ctx: RefusalContext) {
  if (looksLikeAuthjs(source, imported)) return refuse.authjs(ctx, detail);
  if (/(^|[/-])(intl|i18n)([/-]|$)|next-intl|next-i18n/.test(source)) return refuse.i18n(ctx, source);
  if (source.startsWith("@clerk/") && imported === "clerkMiddleware") return refuse.clerkImport(ctx, source);
  return undefined;
}

function looksLikeAuthjs(source: string, imported: string): boolean {
  const authjsPackage = source === "next-auth" || source.startsWith("next-auth/") || source.startsWith("@auth/");
  return authjsPackage || (/(^|\/)auth$/.test(source) && imported === "auth");
}
