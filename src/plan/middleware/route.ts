/** The new route's URL pattern (Next.js folder syntax) seen from the middleware matcher. */

type Part =
  | { kind: "static"; value: string }
  | { kind: "dynamic" | "catchAll" | "optionalCatchAll"; name: string };

/** "/api/(admin)/users/[id]" → static api, static users, dynamic id. Route groups and @slots are not in the URL. */
export function routeParts(pattern: string): Part[] {
  const parts: Part[] = [];
  for (const segment of pattern.split("/")) {
    if (segment === "" || /^\(.*\)$/.test(segment) || segment.startsWith("@")) continue;
    const optional = segment.match(/^\[\[\.\.\.(.+)\]\]$/);
    const catchAll = segment.match(/^\[\.\.\.(.+)\]$/);
    const dynamic = segment.match(/^\[(.+)\]$/);
    if (optional?.[1]) parts.push({ kind: "optionalCatchAll", name: optional[1] });
    else if (catchAll?.[1]) parts.push({ kind: "catchAll", name: catchAll[1] });
    else if (dynamic?.[1]) parts.push({ kind: "dynamic", name: dynamic[1] });
    else parts.push({ kind: "static", value: segment });
  }
  return parts;
}

/** Values each kind of segment is tried with: the route is covered only when all of them match. */
const SAMPLES: Record<Part["kind"], string[]> = {
  static: [],
  dynamic: ["123", "sample"],
  catchAll: ["sample", "sample/123"],
  optionalCatchAll: ["", "sample", "sample/123"],
};

/** Concrete request paths for the route, e.g. "/api/docs/[[...slug]]" → /api/docs, /api/docs/sample, ... */
export function samplePaths(pattern: string): string[] {
  let paths: string[][] = [[]];
  for (const part of routeParts(pattern)) {
    const values = part.kind === "static" ? [part.value] : SAMPLES[part.kind];
    paths = paths.flatMap((prefix) => values.map((value) => (value === "" ? prefix : [...prefix, value])));
  }
  return [...new Set(paths.map((segments) => "/" + segments.join("/")))];
}

/** Under /api or /trpc, which Clerk's recommended "/(api|trpc)(.*)" entry covers. */
export function isApiRoute(pattern: string): boolean {
  const first = routeParts(pattern)[0];
  return first?.kind === "static" && (first.value === "api" || first.value === "trpc");
}

/** The route in path-to-regexp syntax: [id] → :id, [...slug] → :slug+, [[...slug]] → :slug*. */
export function routeMatcherSource(pattern: string): string {
  const parts = routeParts(pattern);
  if (parts.length === 0) return "/";
  return parts
    .map((part) => {
      switch (part.kind) {
        case "static":
          return "/" + part.value.replace(/[\\:()[\]{}*+?]/g, "\\$&");
        case "dynamic":
          return `/:${paramName(part.name)}`;
        case "catchAll":
          return `/:${paramName(part.name)}+`;
        case "optionalCatchAll":
          return `/:${paramName(part.name)}*`;
      }
    })
    .join("");
}

function paramName(name: string): string {
  return name.replace(/\W/g, "_");
}
