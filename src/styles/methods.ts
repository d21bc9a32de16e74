// A style's HTTP methods (the --methods parser, for flags and prompt answers alike) and the
// local names its generated handlers declare.
import { CliError } from "../core/errors.js";
import { METHODS, type Method } from "../core/types.js";
import type { StyleDeclaration } from "./declaration.js";

/** Names every generated handler may declare or use, whatever the style. */
const COMMON_LOCALS = ["NextResponse", "params", "request", "_request", "response", "error", "Request", "Promise"];

/** Names a route parameter may not take: the style's locals and the globals its code uses. */
export function reservedNames(style: StyleDeclaration): ReadonlySet<string> {
  return new Set([...COMMON_LOCALS, ...style.locals, ...style.globals]);
}

export function parseMethods(raw: string, style: StyleDeclaration): Method[] {
  const methods: Method[] = [];
  for (const name of raw.split(",").map((m) => m.trim().toUpperCase())) {
    if (name === "") {
      throw new CliError("INVALID_METHOD", `--methods "${raw}" has an empty entry.`, {
        hint: `Pass a comma-separated list such as --methods GET,POST (valid: ${METHODS.join(", ")}).`,
      });
    }
    const method = METHODS.find((m) => m === name);
    if (!method)
      throw new CliError("INVALID_METHOD", `Unknown HTTP method "${name}" in --methods.`, {
        hint: `Valid methods: ${METHODS.join(", ")}.`,
      });
    if (methods.includes(method)) {
      throw new CliError("DUPLICATE_METHOD", `The method ${name} is listed twice in --methods.`, {
        hint: "List each method once.",
      });
    }
    const refused = style.methods.refused?.[method];
    if (refused) throw new CliError("INVALID_METHOD", refused.reason, { hint: refused.hint });
    methods.push(method);
  }
  return methods.sort((a, b) => METHODS.indexOf(a) - METHODS.indexOf(b));
}

/** Methods a style offers (for prompts): all but those it refuses. */
export function allowedMethods(style: StyleDeclaration): Method[] {
  return METHODS.filter((method) => !style.methods.refused?.[method]);
}
