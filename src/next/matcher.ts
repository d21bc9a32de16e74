// The middleware's `config.matcher`: read from the source the way Next.js reads it, compiled
// the way Next.js compiles it (path-to-regexp v6), and whether it covers the new route (an
// entry with a lookahead counts only where matcher-lookahead.ts says it cannot skip the route).
import type { ArrayExpression, File, Node, ObjectExpression } from "@babel/types";
import { parse, tokensToRegexp, type Token } from "path-to-regexp";
import { type RoutePath, type UrlSegment, urlSegments } from "./route-path.js";
import { findProperty, isStaticValue, stringValue, unwrapTs } from "../js/nodes.js";
import { lookaheadMayExclude } from "./matcher-lookahead.js";

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
      return {
        ok: false,
        problem: "`config` is exported as `export { config }`; Next.js only reads `export const config = {...}`",
      };
    }
    const decl = node.declaration;
    if (decl?.type !== "VariableDeclaration") continue;
    for (const declarator of decl.declarations) {
      if (declarator.id.type !== "Identifier" || declarator.id.name !== "config") continue;
      if (decl.kind !== "const") {
        return {
          ok: false,
          problem: `\`config\` is declared with \`${decl.kind}\`; Next.js only reads \`export const config\``,
        };
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
    return {
      ok: false,
      problem:
        "`config.matcher` is held in a variable or computed, and Next.js only reads literal values at build time",
    };
  }
  if (object.type !== "ObjectExpression" || !isStaticValue(object)) {
    return {
      ok: false,
      problem:
        "`config` is not made of literal values only (a variable, a call or a spread), so Next.js cannot read it at build time",
    };
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
    return {
      ok: true,
      matcher: {
        kind: "string",
        node: prop.value,
        entries: [{ source: single, conditional: false, has: [], missing: [], node: prop.value }],
      },
    };
  }
  if (value.type !== "ArrayExpression") {
    return { ok: false, problem: "`config.matcher` is neither a string nor an array" };
  }
  const entries: MatcherEntry[] = [];
  for (const element of value.elements) {
    const entry = element ? readEntry(element) : undefined;
    if (!entry)
      return { ok: false, problem: "an entry of `config.matcher` is neither a string nor a `{ source }` object" };
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
const compiled = new Map<string, RegExp | undefined>();

/** Compiled once per source: the audit asks for the same matcher entries on every route. */
export function nextMatcherRegExp(source: string): RegExp | undefined {
  if (compiled.has(source)) return compiled.get(source);
  const regexp = compileMatcher(source);
  if (compiled.size < 10_000) compiled.set(source, regexp);
  return regexp;
}

function compileMatcher(source: string): RegExp | undefined {
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
