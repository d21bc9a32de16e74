import { parse } from "path-to-regexp";
import type { Node } from "@babel/types";
import type { ReadRules } from "../clerk/rules.js";
import { stringValue } from "../js/nodes.js";
import { matchesPath, nextMatcherRegExp, routeMatcherSource, samplePaths } from "../next/matcher.js";
import { urlSegments, type RoutePath } from "../next/route-path.js";

// The request paths a middleware rule is judged on, for one route: the route's own samples, plus
// a path of every createRouteMatcher pattern that the route also serves. A catch-all
// /api/[...path] under `!isPublicRoute(req)` with "/api/webhooks(.*)" public is then seen to be
// public on /api/webhooks/x: protection must hold on every path the route serves.

/** A few concrete paths a path-to-regexp 6 pattern matches (as Clerk compiles createRouteMatcher patterns). */
const patternPaths = new Map<string, string[]>();

export function pathsOfPattern(pattern: string): string[] {
  const cached = patternPaths.get(pattern);
  if (cached) return cached;
  const paths = computePaths(pattern);
  patternPaths.set(pattern, paths);
  return paths;
}

function computePaths(pattern: string): string[] {
  let tokens;
  try {
    tokens = parse(pattern);
  } catch {
    return [];
  }
  let paths: string[] = [""];
  for (const token of tokens) {
    if (typeof token === "string") {
      paths = paths.map((p) => p + token);
      continue;
    }
    const values = token.pattern === ".*" ? ["", "/sample", "sample"] : ["sample", "123"];
    const optional = token.modifier === "?" || token.modifier === "*";
    const choices = [...values.map((v) => token.prefix + v + token.suffix), ...(optional ? [""] : [])];
    paths = paths.flatMap((p) => choices.map((c) => p + c)).slice(0, 64);
  }
  return paths.filter((p) => p.startsWith("/"));
}

const patternsOf = new WeakMap<ReadRules, string[]>();

/** "/api/files" for /api/files/[...path]: the URL up to the first dynamic segment. */
function staticPrefix(route: RoutePath): string {
  let prefix = "";
  for (const segment of urlSegments(route.segments)) {
    if (segment.kind !== "static") break;
    prefix += `/${segment.value}`;
  }
  return prefix;
}

/** The patterns of the rules' createRouteMatcher lists, as written (read once per middleware). */
function rulePatterns(read: ReadRules): string[] {
  const cached = patternsOf.get(read);
  if (cached) return cached;
  const patterns = collectPatterns(read);
  patternsOf.set(read, patterns);
  return patterns;
}

function collectPatterns(read: ReadRules): string[] {
  if (!read.ok) return [];
  const patterns: string[] = [];
  for (const rule of read.rules) {
    for (const term of rule.terms) {
      for (const element of term.patterns?.elements ?? []) {
        const value = element ? stringValue(element as Node) : undefined;
        if (value !== undefined) patterns.push(value);
      }
    }
  }
  return patterns;
}

export function rulePathsFor(route: RoutePath, read: ReadRules): string[] {
  const own = samplePaths(route);
  // Only a path under the route's leading static segments can be one it serves: the rest are
  // dropped before any regular expression runs (thousands of routes × every pattern's paths).
  const prefix = staticPrefix(route).toLowerCase();
  const candidates = rulePatterns(read)
    .flatMap(pathsOfPattern)
    .filter((path) => path.toLowerCase().startsWith(prefix));
  if (candidates.length === 0) return own;
  const regexp = nextMatcherRegExp(routeMatcherSource(route));
  if (!regexp) return own;
  const extra = candidates.filter((path) => matchesPath(regexp, path));
  return [...new Set([...own, ...extra])];
}
