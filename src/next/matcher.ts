// The middleware's `config.matcher`: read from the source the way Next.js reads it, compiled
// the way Next.js compiles it (path-to-regexp v6), and whether it covers the new route.
import type { ArrayExpression, File, Node, ObjectExpression } from "@babel/types";
import { parse, tokensToRegexp, type Token } from "path-to-regexp";
import { type RoutePath, type UrlSegment, urlSegments } from "./route-path.js";
import { findProperty, isStaticValue, stringValue, unwrapTs } from "../js/nodes.js";

// ---- Reading config.matcher ----

/** A `has` / `missing` condition of a matcher entry, e.g. `{ type: "header", key: "next-router-prefetch" }`. */
export interface MatcherCondition {
  type: string;
  key: string;
  value?: string;
}

/** One `config.matcher` entry. `conditional`: it has `has`/`missing`, so it matches only some requests. */
export interface MatcherEntry {
  source: string;
  conditional: boolean;
  has: MatcherCondition[];
  missing: MatcherCondition[];
  node: Node;
}

export type Matcher =
  /** No config, or no matcher in it: the middleware runs on every path. */
  | { kind: "everywhere" }
  | { kind: "string"; node: Node; entries: MatcherEntry[] }
  | { kind: "array"; node: ArrayExpression; entries: MatcherEntry[] };

type ConfigRead = { ok: true; matcher: Matcher } | { ok: false; problem: string };

/** Reads `export const config = {...}` the way Next.js does: a literal, or nothing. */
export function readConfig(ast: File): ConfigRead {
  for (const node of ast.program.body) {
    if (node.type !== "ExportNamedDeclaration") continue;
    if (node.specifiers.some((s) => s.exported.type === "Identifier" && s.exported.name === "config")) {
      return { ok: false, problem: "`config` is exported as `export { config }`; Next.js only reads `export const config = {...}`" };
    }
    const decl = node.declaration;
    if (decl?.type !== "VariableDeclaration") continue;
    for (const declarator of decl.declarations) {
      if (declarator.id.type !== "Identifier" || declarator.id.name !== "config") continue;
      if (decl.kind !== "const") {
        return { ok: false, problem: `\`config\` is declared with \`${decl.kind}\`; Next.js only reads \`export const config\`` };
      }
      return declarator.init ? readConfigObject(declarator.init) : { ok: true, matcher: { kind: "everywhere" } };
    }
  }
  return { ok: true, matcher: { kind: "everywhere" } };
}

function readConfigObject(init: Node): ConfigRead {
  const object = unwrapTs(init);
  const matcher = object.type === "ObjectExpression" ? findProperty(object, "matcher") : undefined;
  if (matcher && !isStaticValue(matcher.value)) {
    return { ok: false, problem: "`config.matcher` is held in a variable or computed, and Next.js only reads literal values at build time" };
  }
  if (object.type !== "ObjectExpression" || !isStaticValue(object)) {
    return { ok: false, problem: "`config` is not made of literal values only (a variable, a call or a spread), so Next.js cannot read it at build time" };
  }
  return readMatcher(object);
}

function readMatcher(config: ObjectExpression): ConfigRead {
  const prop = findProperty(config, "matcher");
  if (!prop) return { ok: true, matcher: { kind: "everywhere" } };
  const value = unwrapTs(prop.value);
  if (value.type === "Identifier" && value.name === "undefined") return { ok: true, matcher: { kind: "everywhere" } };
  const single = stringValue(value);
  if (single !== undefined) {
    return { ok: true, matcher: { kind: "string", node: prop.value, entries: [{ source: single, conditional: false, has: [], missing: [], node: prop.value }] } };
  }
  if (value.type !== "ArrayExpression") {
    return { ok: false, problem: "`config.matcher` is neither a string nor an array" };
  }
  const entries: MatcherEntry[] = [];
  for (const element of value.elements) {
    const entry = element ? readEntry(element) : undefined;
    if (!entry) return { ok: false, problem: "an entry of `config.matcher` is neither a string nor a `{ source }` object" };
    entries.push(entry);
  }
  return { ok: true, matcher: { kind: "array", node: value, entries } };
}

function readEntry(element: Node): MatcherEntry | undefined {
  const source = stringValue(element);
  if (source !== undefined) return { source, conditional: false, has: [], missing: [], node: element };
  const object = unwrapTs(element);
  if (object.type !== "ObjectExpression") return undefined;
  const sourceProp = findProperty(object, "source");
  const objectSource = sourceProp ? stringValue(sourceProp.value) : undefined;
  if (objectSource === undefined) return undefined;
  const has = readConditions(object, "has");
  const missing = readConditions(object, "missing");
  if (!has || !missing) return undefined;
  return { source: objectSource, conditional: has.length > 0 || missing.length > 0, has, missing, node: element };
}

/** `has: [{ type: "header", key: "x", value: "y" }, ...]`; undefined when it isn't written that way. */
function readConditions(entry: ObjectExpression, name: "has" | "missing"): MatcherCondition[] | undefined {
  const prop = findProperty(entry, name);
  if (!prop) return [];
  const list = unwrapTs(prop.value);
  if (list.type === "Identifier" && list.name === "undefined") return [];
  if (list.type !== "ArrayExpression") return undefined;
  const conditions: MatcherCondition[] = [];
  for (const element of list.elements) {
    const item = element ? unwrapTs(element) : undefined;
    if (item?.type !== "ObjectExpression") return undefined;
    const field = (key: string) => {
      const p = findProperty(item, key);
      return p ? stringValue(p.value) : undefined;
    };
    const type = field("type");
    const key = field("key");
    const value = field("value");
    if (type === undefined || key === undefined) return undefined;
    conditions.push(value === undefined ? { type, key } : { type, key, value });
  }
  return conditions;
}

// ---- Next.js's matcher semantics ----

/**
 * A `config.matcher` source compiled the way next@16 compiles it
 * (build/analysis/get-page-static-info.js getMiddlewareMatchers + lib/try-to-parse-path.js):
 *  - the source is wrapped in an optional `/_next/data/<build-id>` prefix and an optional
 *    `.json` / `.rsc` / `.segments/…segment.rsc` suffix (root "/" gets its own index suffix);
 *  - path-to-regexp v6 `parse` + `tokensToRegexp` with default options (strict: false, end: true);
 *    on "Can not repeat … without a prefix and suffix" repeating tokens get a "/" prefix and it retries;
 *  - only the regex *source* is kept and the runtime does `new RegExp(source)`: no "i" flag,
 *    so matching is case-sensitive (unlike path-to-regexp's own default).
 * i18n locales and basePath are not modelled: App Router projects match the pathname without them.
 * Returns undefined for a source Next.js rejects (the build fails on it).
 */
export function nextMatcherRegExp(source: string): RegExp | undefined {
  if (!source.startsWith("/") || regexSource(source) === undefined) return undefined;
  const full = `${NEXT_DATA_PREFIX}${source}${source === "/" ? ROOT_SUFFIX : SUFFIX}`;
  const compiled = regexSource(full);
  return compiled === undefined ? undefined : new RegExp(compiled);
}

const TRANSPORT = String.raw`\.rsc|\.segments/.+\.segment\.rsc`;
const NEXT_DATA_PREFIX = "/:nextData(_next/data/[^/]{1,})?";
const SUFFIX = String.raw`{(\.json|${TRANSPORT})}?`;
const ROOT_SUFFIX = String.raw`(/?index|/?index\.json|/?index(?:${TRANSPORT}))?`;

function regexSource(path: string): string | undefined {
  try {
    const tokens = parse(path);
    try {
      return tokensToRegexp(tokens).source;
    } catch {
      return tokensToRegexp(tokens.map(withSlashPrefix)).source;
    }
  } catch {
    return undefined;
  }
}

/** next's normalizeTokensForRegexp: a repeated token with no prefix and suffix gets "/" as prefix. */
function withSlashPrefix(token: Token): Token {
  if (typeof token === "string") return token;
  const repeats = token.modifier === "*" || token.modifier === "+";
  return repeats && token.prefix === "" && token.suffix === "" ? { ...token, prefix: "/" } : token;
}

/** Does the pathname run the middleware, per Next.js? Tried raw and decoded, as next-server does. */
export function matchesPath(regexp: RegExp, pathname: string): boolean {
  const normalized = pathname.replace(/\/$/, "") || "/";
  return regexp.test(normalized) || regexp.test(safeDecode(normalized));
}

/**
 * May the middleware run on the pathname? Every entry counts, `has`/`missing` ones included (they
 * run on some requests), and so does one Next.js would reject: only a sure "no" is no.
 */
export function mayRunOn(matcher: Matcher, pathname: string): boolean {
  if (matcher.kind === "everywhere") return true;
  return matcher.entries.some((entry) => {
    const regexp = nextMatcherRegExp(entry.source);
    return regexp === undefined || matchesPath(regexp, pathname);
  });
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

// ---- The new route seen from the matcher ----

/** Values each kind of segment is tried with: the route is covered only when all of them match. */
const SAMPLES: Record<Exclude<UrlSegment["kind"], "static">, string[]> = {
  dynamic: ["123", "sample"],
  catchAll: ["sample", "sample/123"],
  optionalCatchAll: ["", "sample", "sample/123"],
};

/** Concrete request paths for the route, e.g. /api/docs/[[...slug]] → /api/docs, /api/docs/sample, ... */
export function samplePaths(route: RoutePath): string[] {
  let paths: string[][] = [[]];
  for (const segment of urlSegments(route.segments)) {
    const values = segment.kind === "static" ? [segment.value] : SAMPLES[segment.kind];
    paths = paths.flatMap((prefix) => values.map((value) => (value === "" ? prefix : [...prefix, value])));
  }
  return [...new Set(paths.map((segments) => "/" + segments.join("/")))];
}

/** The route in path-to-regexp syntax: [id] → :id, [...slug] → :slug+, [[...slug]] → :slug*. */
export function routeMatcherSource(route: RoutePath): string {
  const segments = urlSegments(route.segments);
  if (segments.length === 0) return "/";
  return segments.map(segmentSource).join("");
}

function segmentSource(segment: UrlSegment): string {
  switch (segment.kind) {
    case "static":
      return "/" + segment.value.replace(/[\\:()[\]{}*+?]/g, "\\$&");
    case "dynamic":
      return `/:${paramName(segment.name)}`;
    case "catchAll":
      return `/:${paramName(segment.name)}+`;
    case "optionalCatchAll":
      return `/:${paramName(segment.name)}*`;
  }
}

function paramName(name: string): string {
  return name.replace(/\W/g, "_");
}

// ---- Coverage ----

export type Coverage =
  | { covered: true; everywhere: boolean }
  /**
   * `lookahead`: every sample path matches, but only thanks to this entry, whose lookahead may
   * exclude some other values of the route's dynamic segments (see lookaheadMayExclude).
   */
  | { covered: false; invalidSource?: string; lookahead?: string };

/**
 * Does the middleware run on every request path of the route? Each sample path of the route
 * must match an entry; entries with `has`/`missing` match only some requests, so they don't count,
 * and neither do entries whose lookahead may skip some values of a dynamic segment.
 */
export function coverage(matcher: Matcher, route: RoutePath): Coverage {
  if (matcher.kind === "everywhere") return { covered: true, everywhere: true };
  const sure: RegExp[] = [];
  const unsure: { source: string; regexp: RegExp }[] = [];
  for (const entry of matcher.entries) {
    const regexp = nextMatcherRegExp(entry.source);
    if (!regexp) return { covered: false, invalidSource: entry.source };
    if (entry.conditional) continue;
    if (lookaheadMayExclude(entry.source, route)) unsure.push({ source: entry.source, regexp });
    else sure.push(regexp);
  }
  if (sourcesCover(sure, route)) return { covered: true, everywhere: false };
  if (!sourcesCover([...sure, ...unsure.map((u) => u.regexp)], route)) return { covered: false };
  const paths = samplePaths(route);
  const lookahead = unsure.find((u) => paths.some((path) => matchesPath(u.regexp, path)))?.source;
  return lookahead === undefined ? { covered: false } : { covered: false, lookahead };
}

export function sourcesCover(regexps: RegExp[], route: RoutePath): boolean {
  return samplePaths(route).every((path) => regexps.some((regexp) => matchesPath(regexp, path)));
}

// ---- Lookaheads ----

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
