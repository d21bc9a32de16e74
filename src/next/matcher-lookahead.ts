// Lookaheads in a config.matcher source ("/((?!api/webhooks|_next).*)"): whether one can skip
// some path of the new route, which sample paths alone cannot prove (see matcher.ts's coverage).
import { type RoutePath, urlSegments } from "./route-path.js";

/**
 * Sample paths can't prove that a matcher entry with a lookahead covers a dynamic route:
 * "/((?!api/webhooks|_next).*)" matches /api/sample but not /api/webhooks/x, both served by
 * /api/[...slug]. This decides whether a lookahead can exclude any path of the route.
 *
 * It is exact for the usual shape, "/((?!alt1|alt2|...).*)" with plain-text alternatives: the
 * lookahead runs right after the leading "/", so an alternative excludes some path of the route
 * exactly when it agrees with the route's static beginning ("api/private/" for /api/private/[id])
 * over their common length, since a dynamic segment can take any text. Any other lookahead
 * (another shape, a character class, an anchor...) may exclude something: the answer is yes.
 */
export function lookaheadMayExclude(source: string, route: RoutePath): boolean {
  if (!/\(\?<?[!=]/.test(source)) return false;
  const parts = urlSegments(route.segments);
  const firstDynamic = parts.findIndex((part) => part.kind !== "static");
  // A static route has one path, which the sample check decides exactly.
  if (firstDynamic === -1) return false;
  const alternatives = leadingLookaheadAlternatives(source);
  if (!alternatives) return true;
  const prefix = parts
    .slice(0, firstDynamic)
    .map((part) => (part.kind === "static" ? `${part.value}/` : ""))
    .join("");
  return alternatives.some((alternative) => {
    const chars = literalChars(alternative);
    return chars === undefined || agreesWith(chars, prefix);
  });
}

/** "/((?!a|b).*)" (or `.+`) → ["a", "b"]; undefined for any other shape. */
function leadingLookaheadAlternatives(source: string): string[] | undefined {
  if (!source.startsWith("/((?!")) return undefined;
  const close = closingParen(source, 2);
  if (close === undefined) return undefined;
  const rest = source.slice(close + 1);
  if (rest !== ".*)" && rest !== ".+)") return undefined;
  return splitTopLevel(source.slice(5, close));
}

/** Index of the ")" closing the "(" at `open`, skipping escapes and character classes. */
function closingParen(text: string, open: number): number | undefined {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")" && --depth === 0) return i;
  }
  return undefined;
}

/** "a|b(c|d)|e" → ["a", "b(c|d)", "e"]. */
function splitTopLevel(text: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\") i++;
    else if (inClass) inClass = char !== "]";
    else if (char === "[") inClass = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === "|" && depth === 0) {
      alternatives.push(text.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(text.slice(start));
  return alternatives;
}

/**
 * The characters a plain-text alternative matches, with undefined standing for `.` (any character);
 * undefined as a whole when the alternative is more than text ("[^?]*\.css", "api$", "\d+").
 */
function literalChars(alternative: string): (string | undefined)[] | undefined {
  const chars: (string | undefined)[] = [];
  for (let i = 0; i < alternative.length; i++) {
    const char = alternative[i] as string;
    if (char === "\\") {
      const escaped = alternative[++i];
      if (escaped === undefined || /\w/.test(escaped)) return undefined;
      chars.push(escaped);
    } else if (char === ".") {
      chars.push(undefined);
    } else if (/[\w/\-~%@!,;:=&']/.test(char)) {
      chars.push(char);
    } else {
      return undefined;
    }
  }
  return chars;
}

/** Do they agree wherever both have a character? Then some path of the route can start with the alternative. */
function agreesWith(chars: (string | undefined)[], prefix: string): boolean {
  const common = Math.min(chars.length, prefix.length);
  for (let i = 0; i < common; i++) {
    const char = chars[i];
    if (char !== undefined && char !== prefix[i]) return false;
  }
  return true;
}
