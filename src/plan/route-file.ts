import type { Options } from "./options.js";
import { routeParams } from "../next/route-path.js";
import type { CommonView, StyleInput } from "../styles/declaration.js";
import { PRINT_WIDTH } from "../core/text.js";
import type { Language, Method } from "../core/types.js";
import { getTemplate } from "../render/templates.js";
import { NEWEST_CLERK, type ClerkSupport } from "../clerk/api-versions.js";

// What to write into the route file: the style's template (templates/<style>.hbs), rendered with
// the common view every template shares plus the style's own view.

const BODY_METHODS: ReadonlySet<Method> = new Set(["POST", "PUT", "PATCH"]);

/**
 * `export async function GET(...) {`, broken over lines the way prettier would when too long. In
 * JavaScript, a JSDoc comment above it gives the parameters the types TypeScript writes inline.
 */
export function handlerSignature(
  method: Method,
  language: Language,
  options: Pick<Options, "route" | "style">,
): string {
  const params = routeParams(options.route);
  const ts = language === "ts";
  const readsBody = options.style.readsBody && BODY_METHODS.has(method);
  const args: Array<{ name: string; type: string }> = [];
  if (readsBody || params.length > 0) {
    const type = options.style.requestType;
    args.push({
      name: readsBody ? "request" : "_request",
      type: type === undefined ? "Request" : ts ? type : `import("next/server").${type}`,
    });
  }
  if (params.length > 0) {
    const shape = params.map((p) =>
      p.type === "string[] | undefined" ? `${p.name}?: string[]` : `${p.name}: ${p.type}`,
    );
    args.push({ name: "{ params }", type: `{ params: Promise<{ ${shape.join("; ")} }> }` });
  }
  const written = args.map((arg) => (ts ? `${arg.name}: ${arg.type}` : arg.name));
  const head = `export async function ${method}(`;
  const oneLine = `${head}${written.join(", ")}) {`;
  const signature =
    oneLine.length <= PRINT_WIDTH ? oneLine : `${head}\n${written.map((arg) => `  ${arg},\n`).join("")}) {`;
  return ts || args.length === 0 ? signature : `${jsDoc(args)}\n${signature}`;
}

// A JSDoc comment with one @param tag per parameter; a destructured one is named `context`
// (tsc matches a tag to a destructured parameter by position).
function jsDoc(args: Array<{ name: string; type: string }>): string {
  const tags = args.map((arg) => `@param {${arg.type}} ${arg.name.startsWith("{") ? "context" : arg.name}`);
  return tags.length === 1 ? `/** ${tags[0]} */` : `/**\n${tags.map((tag) => ` * ${tag}\n`).join("")} */`;
}

function commonView(options: Options, language: Language, clerk: ClerkSupport): CommonView {
  const params = routeParams(options.route);
  const isAuthenticated = clerk.has("isAuthenticated");
  return {
    ts: language === "ts",
    route: options.route.pattern,
    handlers: options.methods.map((method) => ({
      method,
      signature: handlerSignature(method, language, options),
      hasBody: BODY_METHODS.has(method),
    })),
    hasBodyHandlers: options.methods.some((method) => BODY_METHODS.has(method)),
    params,
    paramNames: params.map((p) => p.name).join(", "),
    paramsEcho: params.map((p) => `, ${p.name}`).join(""),
    signedIn: isAuthenticated ? "isAuthenticated" : "userId",
    clerk: { isAuthenticated, retryAfter: clerk.has("retryAfter") },
  };
}

export function styleInput(options: Options, language: Language, clerk: ClerkSupport = NEWEST_CLERK): StyleInput {
  return { route: options.route, methods: options.methods, language, values: options.values, clerk };
}

/** What the route is written for beyond the options. */
export interface RenderContext {
  /** The @clerk/nextjs it is for (default: the newest). */
  clerk?: ClerkSupport;
  /** A rule of the middleware that answers a signed-out caller first: the route's comment says so. */
  gate?: { path: string; rule: string };
}

/** The route file, for the @clerk/nextjs and middleware `context` says. */
export function renderRoute(options: Options, language: Language, context: RenderContext = {}): string {
  const clerk = context.clerk ?? NEWEST_CLERK;
  const view = {
    ...commonView(options, language, clerk),
    // Said in the route's comment (templates/partials/middleware-gate.hbs).
    middlewareGate: context.gate ? { ...context.gate, always: context.gate.rule === "always" } : undefined,
    ...options.style.view(styleInput(options, language, clerk)),
  };
  return getTemplate(options.style.name)(view);
}
