import { CliError } from "./errors.js";
import type { RoutePath, RouteSegment } from "./types.js";

// Turns what the user typed ("projects/[id]", "/api/projects/[id]") into a RoutePath that is
// guaranteed to stay inside app/api and to be a folder path Next.js can route.

const STATIC_SEGMENT = /^[A-Za-z0-9\-._~]+$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** JavaScript reserved words: `const { class } = await params` does not compile. */
const RESERVED_WORDS = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await async arguments eval undefined")
    .split(" "),
);

/** Names the generated handlers already declare; a parameter with one of them would clash. */
export const TEMPLATE_NAMES = new Set([
  "auth", "userId", "isAuthenticated", "getToken", "token", "result", "user", "client", "update", "params",
  "request", "body", "data", "response", "url", "error", "reason", "currentUser", "clerkClient", "NextResponse",
  "JWT_TEMPLATE", "callExternalApi", "parseNameUpdate", "NameUpdate", "method", "text", "key", "value", "_request",
]);

function invalid(message: string, hint: string): CliError {
  return new CliError("INVALID_ROUTE", message, { hint });
}

function parseSegment(segment: string, input: string): RouteSegment {
  const at = `in route "${input}": segment "${segment}"`;
  if (segment === "." || segment === "..") {
    throw invalid(`${at} would leave app/api.`, "Routes must stay inside app/api: remove the '.' and '..' segments.");
  }
  let match = /^\[\[\.\.\.(.+)\]\]$/.exec(segment);
  if (match) return { kind: "optionalCatchAll", name: paramName(match[1]!, segment, input) };
  match = /^\[\.\.\.(.+)\]$/.exec(segment);
  if (match) return { kind: "catchAll", name: paramName(match[1]!, segment, input) };
  match = /^\[(.+)\]$/.exec(segment);
  if (match) return { kind: "dynamic", name: paramName(match[1]!, segment, input) };
  match = /^\(([A-Za-z0-9\-_]+)\)$/.exec(segment);
  if (match) return { kind: "group", value: segment };
  if (segment.startsWith("_")) {
    throw invalid(
      `${at} starts with "_": Next.js treats such folders as private and never routes them.`,
      `Rename it (or write "%5F${segment.slice(1)}" as the folder name if you really need a leading underscore).`,
    );
  }
  if (segment.startsWith("@") || segment.startsWith("(")) {
    throw invalid(
      `${at} is a parallel-route slot or an intercepting route; a Route Handler cannot live there.`,
      "Use plain folder names, [param], [...param] or [[...param]].",
    );
  }
  if (!STATIC_SEGMENT.test(segment)) {
    const bad = [...segment].filter((c) => !/[A-Za-z0-9\-._~]/.test(c));
    throw invalid(
      `${at} contains ${[...new Set(bad)].map((c) => JSON.stringify(c)).join(", ")}, which Next.js cannot route as a folder name.`,
      "Use letters, digits, '-', '_', '.' and '~' in static segments, and [name] for dynamic ones.",
    );
  }
  return { kind: "static", value: segment };
}

function paramName(name: string, segment: string, input: string): string {
  if (!PARAM_NAME.test(name)) {
    throw invalid(
      `in route "${input}": "${segment}" is not a usable parameter name.`,
      "Parameter names are identifiers such as [id], [projectId] or [...slug].",
    );
  }
  if (RESERVED_WORDS.has(name) || TEMPLATE_NAMES.has(name)) {
    throw invalid(
      `in route "${input}": the parameter name "${name}" ${RESERVED_WORDS.has(name) ? "is a JavaScript reserved word" : "is a name the generated handler already uses"}.`,
      `Pick another name, e.g. [${name}Id] or [${name}Name].`,
    );
  }
  return name;
}

/**
 * Validates and normalizes a route as the user typed it. `absoluteRoots` lists folders (the project,
 * the home folder) whose absolute paths are recognised and refused as file paths.
 */
export function parseRoute(raw: string, absoluteRoots: string[] = []): RoutePath {
  const input = raw.trim();
  if (input === "") {
    throw invalid("The route is empty.", "Give a URL path such as /api/projects/[id].");
  }
  if (input.includes("\\")) {
    throw invalid(`The route "${input}" contains a backslash.`, "Write the URL path with forward slashes, e.g. /api/projects/[id].");
  }
  if (/^[A-Za-z]:/.test(input) || input.startsWith("~") || input.startsWith("//")) {
    throw invalid(`The route "${input}" looks like a file-system path, not a URL path.`, "Give the URL path, e.g. /api/projects/[id].");
  }
  if (absoluteRoots.some((root) => root.length > 1 && (input === root || input.startsWith(`${root}/`)))) {
    throw invalid(`The route "${input}" is an absolute file-system path.`, "Give the URL path, e.g. /api/projects/[id]; the tool works out the folder.");
  }
  if (input.includes("%")) {
    throw invalid(
      `The route "${input}" contains a percent-encoded character.`,
      "Write the plain folder name (no %XX escapes); '..' and encoded slashes are never allowed.",
    );
  }
  if (/[?#]/.test(input)) {
    throw invalid(`The route "${input}" contains a query string or fragment.`, "Give only the path, e.g. /api/projects/[id].");
  }
  const trimmed = input.replace(/^\//, "").replace(/\/$/, "");
  const parts = trimmed === "" ? [] : trimmed.split("/");
  if (parts.some((part) => part === "")) {
    throw invalid(`The route "${input}" has an empty segment ("//").`, "Remove the doubled slash.");
  }
  if (parts[0] === "app" || (parts[0] === "src" && parts[1] === "app")) {
    throw invalid(`The route "${input}" is a folder path, not a URL path.`, `Drop the leading "${parts[0] === "app" ? "app/" : "src/app/"}": give the URL path, e.g. /api/projects/[id].`);
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && /^route\.(ts|js|tsx|jsx|mjs)$/.test(last)) {
    throw invalid(`The route "${input}" names the file itself.`, `Drop "/${last}": give the URL path of the folder.`);
  }
  const segments = parts.map((part) => parseSegment(part, input));
  const firstUrlSegment = segments.find((s) => s.kind !== "group");
  if (!(firstUrlSegment?.kind === "static" && firstUrlSegment.value === "api")) {
    segments.unshift({ kind: "static", value: "api" });
  }
  checkCatchAll(segments, input);
  return {
    folder: segments.map(segmentText).join("/"),
    pattern: `/${segments.filter((s) => s.kind !== "group").map(segmentText).join("/")}`,
    segments,
  };
}

function checkCatchAll(segments: RouteSegment[], input: string): void {
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    if (segment.kind === "static" || segment.kind === "group") return;
    if (names.has(segment.name)) {
      throw invalid(`in route "${input}": the parameter "${segment.name}" appears twice.`, "Give each dynamic segment its own name.");
    }
    names.add(segment.name);
    const isLast = index === segments.length - 1;
    if ((segment.kind === "catchAll" || segment.kind === "optionalCatchAll") && !isLast) {
      throw invalid(
        `in route "${input}": the catch-all segment "${segmentText(segment)}" must be the last one.`,
        "Move the catch-all segment to the end of the route.",
      );
    }
  });
}

export function segmentText(segment: RouteSegment): string {
  switch (segment.kind) {
    case "static":
    case "group":
      return segment.value;
    case "dynamic":
      return `[${segment.name}]`;
    case "catchAll":
      return `[...${segment.name}]`;
    case "optionalCatchAll":
      return `[[...${segment.name}]]`;
  }
}

/** The dynamic parameters of a route, in order. */
export interface RouteParam {
  name: string;
  type: "string" | "string[]" | "string[] | undefined";
}

export function routeParams(route: RoutePath): RouteParam[] {
  return route.segments.flatMap((segment): RouteParam[] => {
    switch (segment.kind) {
      case "dynamic":
        return [{ name: segment.name, type: "string" }];
      case "catchAll":
        return [{ name: segment.name, type: "string[]" }];
      case "optionalCatchAll":
        return [{ name: segment.name, type: "string[] | undefined" }];
      default:
        return [];
    }
  });
}
