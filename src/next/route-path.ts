import { CliError } from "../core/errors.js";
import { isRouteFileName } from "./conventions.js";

// The one place that knows App Router folder syntax: `static`, `[id]`, `[...slug]`, `[[...slug]]`,
// `(group)`, and which folders never become URLs (`_private`, `@slot`, `(.)intercepted`).
// Routes travel parsed (RouteSegment[]) from here on; nothing re-parses them from strings.

/** One folder of a route below app/. */
export type RouteSegment =
  | { kind: "static"; value: string }
  | { kind: "dynamic"; name: string } // [id]
  | { kind: "catchAll"; name: string } // [...slug]
  | { kind: "optionalCatchAll"; name: string } // [[...slug]]
  | { kind: "group"; value: string }; // (group): a folder that is not part of the URL

/** A segment that is part of the URL (not a route group). */
export type UrlSegment = Exclude<RouteSegment, { kind: "group" }>;
export type ParamSegment = Exclude<UrlSegment, { kind: "static" }>;

export interface RoutePath {
  /** The folder path below app/, e.g. "api/(admin)/projects/[id]". */
  folder: string;
  /** The URL pattern as Next serves it, e.g. "/api/projects/[id]" (route groups removed). */
  pattern: string;
  segments: RouteSegment[];
}

/** A route file or page the app already has, as Next routes it. */
export interface AppRoute {
  /** Its folder below the app folder, as on disk: "api/(admin)/users/[id]". */
  folder: string;
  /** The file, from the project root (posix): "app/api/(admin)/users/[id]/route.ts". */
  file: string;
  kind: "route" | "page";
  /** Its URL (route groups and slots dropped). */
  route: RoutePath;
}

/** The dynamic parameters of a route, in order, with their TypeScript types. */
export interface RouteParam {
  name: string;
  type: "string" | "string[]" | "string[] | undefined";
}

/**
 * A static segment's `value` is its URL text. A leading "_" is written "%5F" in the folder name:
 * Next.js treats `_folder` as private (never routed) and serves `%5Ffolder` as `/_folder`.
 */
const ESCAPED_UNDERSCORE = /^%5F/; // Next.js's own UnderscoreNormalizer: "%5F" only, case-sensitive
/** A leading underscore as the user may type it URL-encoded (URL escapes are case-insensitive). */
const TYPED_UNDERSCORE = /^%5F/i;

/** The folder name of a segment (see urlText for its URL text). */
export function segmentText(segment: RouteSegment): string {
  switch (segment.kind) {
    case "static":
      return segment.value.startsWith("_") ? `%5F${segment.value.slice(1)}` : segment.value;
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

export function isParam(segment: RouteSegment): segment is ParamSegment {
  return segment.kind === "dynamic" || segment.kind === "catchAll" || segment.kind === "optionalCatchAll";
}

export function urlSegments(segments: RouteSegment[]): UrlSegment[] {
  return segments.filter((s): s is UrlSegment => s.kind !== "group");
}

/** A URL segment as it appears in the URL: `%5Finternal` → `_internal`, `[id]` as written. */
export function urlText(segment: UrlSegment): string {
  return segment.kind === "static" ? segment.value : segmentText(segment);
}

/** "/api/projects/[id]": the URL pattern of segments (route groups dropped). */
export function urlPattern(segments: RouteSegment[]): string {
  return `/${urlSegments(segments).map(urlText).join("/")}`;
}

export function routePathOf(segments: RouteSegment[]): RoutePath {
  return { folder: segments.map(segmentText).join("/"), pattern: urlPattern(segments), segments };
}

export function routeParams(route: Pick<RoutePath, "segments">): RouteParam[] {
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

/** The route file of a route, relative to the project root: "src/app/api/x/[id]/route.ts". */
export function routeFilePath(appDir: string, route: Pick<RoutePath, "folder">, extension: string): string {
  return `${appDir}/${route.folder}/route.${extension}`;
}

// ---- Folders as they exist on disk (lenient: any name is some kind of segment) ----

const INTERCEPTION_MARKER = /^\((\.{1,3})\)/;

/** A folder name as Next reads it. Brackets decide the kind; nothing is validated. */
export function parseFolderSegment(part: string): RouteSegment {
  let match = /^\[\[\.\.\.(.+)\]\]$/.exec(part);
  if (match) return { kind: "optionalCatchAll", name: match[1]! };
  match = /^\[\.\.\.(.+)\]$/.exec(part);
  if (match) return { kind: "catchAll", name: match[1]! };
  match = /^\[(.+)\]$/.exec(part);
  if (match) return { kind: "dynamic", name: match[1]! };
  if (/^\(.*\)$/.test(part) && !INTERCEPTION_MARKER.test(part)) return { kind: "group", value: part };
  // Next.js serves a folder named `%5Fx` as `/_x` (its UnderscoreNormalizer): the value is the URL's.
  return { kind: "static", value: part.replace(ESCAPED_UNDERSCORE, "_") };
}

/**
 * The URL segments of a folder below app/ ("api/(admin)/users/[id]"), or undefined when Next never
 * routes it: private folders (`_x`) and intercepting routes (`(.)x`, `(..)x`, `(...)x`). Route
 * groups `(g)` and parallel-route slots `@x` are not part of the URL.
 */
export function folderUrlSegments(folder: string): UrlSegment[] | undefined {
  const segments: UrlSegment[] = [];
  for (const part of folder.split("/")) {
    if (part === "" || part === ".") continue;
    if (INTERCEPTION_MARKER.test(part) || part.startsWith("_")) return undefined;
    if (part.startsWith("@")) continue;
    const segment = parseFolderSegment(part);
    if (segment.kind !== "group") segments.push(segment);
  }
  return segments;
}

// ---- Routes as the user types them (strict: every problem is a clear error) ----

const STATIC_SEGMENT = /^[A-Za-z0-9\-._~]+$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Bytes a folder name may take on common file systems (ext4, APFS, NTFS). */
const MAX_SEGMENT_BYTES = 255;
/**
 * Bytes the whole route may take, as typed: far beyond any real Route Handler, and well inside
 * the path limits of every file system (4096 bytes on Linux, 1024 on macOS, project folder included).
 */
export const MAX_ROUTE_BYTES = 512;

/**
 * Clerk secrets and tokens, by their prefixes: a secret key (sk_test_…/sk_live_…), a publishable
 * key, a webhook signing secret (whsec_…), an API key (ak_…), an M2M token (mt_…) or an OAuth
 * access token (oat_…), each followed by the long run of key characters a real one has. Anywhere
 * in the route: a key pasted where the route goes must never become a folder, a URL or a comment.
 */
const CLERK_SECRETS: ReadonlyArray<{ pattern: RegExp; what: string; hint: string }> = [
  {
    pattern: /(?:^|\/)sk_(?:test|live)_[A-Za-z0-9$=+/_-]{8,}/,
    what: "a Clerk secret key (sk_…)",
    hint: "Pass it with --secret-key <key> (or set CLERK_SECRET_KEY)",
  },
  {
    pattern: /(?:^|\/)pk_(?:test|live)_[A-Za-z0-9$=+/_-]{8,}/,
    what: "a Clerk publishable key (pk_…)",
    hint: "Pass it with --publishable-key <key> (or set NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY)",
  },
  {
    pattern: /(?:^|\/)whsec_[A-Za-z0-9+/=]{16,}/,
    what: "a webhook signing secret (whsec_…)",
    hint: "Pass it with --webhook-secret <secret> (with --style webhook)",
  },
  {
    pattern: /(?:^|\/)(?:ak|mt|oat)_[A-Za-z0-9]{16,}/,
    what: "a Clerk API key or machine token (ak_…, mt_…, oat_…)",
    hint: "Callers send such tokens in the Authorization header; the tool never needs one (a machine route: --style machine --accepts api_key,m2m_token,oauth_token)",
  },
];

/** Refuses a route shaped like a Clerk key or token, without ever printing it. */
function checkNotASecret(input: string): void {
  const found = CLERK_SECRETS.find(({ pattern }) => pattern.test(input));
  if (!found) return;
  throw invalid(
    `The route looks like ${found.what}, not a URL path; it is not repeated here, and nothing was written.`,
    `${found.hint}, and give the route as a URL path, e.g. /api/me. If a key was pasted into a shared terminal or log, rotate it.`,
  );
}

/** JavaScript reserved words: `const { class } = await params` does not compile. */
const RESERVED_WORDS = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await async arguments eval undefined"
  ).split(" "),
);

/** Object keys that are not plain data keys: Next's generated param types drop them. */
const OBJECT_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function invalid(message: string, hint: string): CliError {
  return new CliError("INVALID_ROUTE", message, { hint });
}

export interface ParseRouteContext {
  /** Folders (the project, the home folder) whose absolute paths are refused as file paths. */
  absoluteRoots?: string[];
  /** Names the generated handler declares: a parameter with one of them would clash. */
  reservedNames?: ReadonlySet<string>;
}

function checkParamName(name: string, segment: string, input: string, reserved: ReadonlySet<string>): string {
  if (!PARAM_NAME.test(name)) {
    throw invalid(
      `in route "${input}": "${segment}" is not a usable parameter name.`,
      "Parameter names are identifiers such as [id], [projectId] or [...slug].",
    );
  }
  if (OBJECT_KEYS.has(name)) {
    throw invalid(
      `in route "${input}": the parameter name "${name}" is a special object key; Next's generated params type drops it and the handler would not type-check.`,
      `Pick another name, e.g. [${name.replace(/_/g, "")}Id].`,
    );
  }
  if (RESERVED_WORDS.has(name) || reserved.has(name)) {
    throw invalid(
      `in route "${input}": the parameter name "${name}" ${RESERVED_WORDS.has(name) ? "is a JavaScript reserved word" : "is a name the generated handler already uses"}.`,
      `Pick another name, e.g. [${name}Id] or [${name}Name].`,
    );
  }
  return name;
}

function parseUserSegment(typed: string, input: string, reserved: ReadonlySet<string>): RouteSegment {
  // A leading underscore, typed "_x" or URL-encoded "%5Fx": the URL /_x, served by the folder %5Fx
  // (a folder named _x is private to Next.js, never routed).
  const segment = typed.replace(TYPED_UNDERSCORE, "_");
  const at = `in route "${input}": segment "${typed}"`;
  if (segment === "." || segment === "..") {
    throw invalid(`${at} would leave app/api.`, "Routes must stay inside app/api: remove the '.' and '..' segments.");
  }
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
    throw invalid(
      `${at.slice(0, 60)}…" is ${Buffer.byteLength(segment)} bytes long; folder names are limited to ${MAX_SEGMENT_BYTES}.`,
      "Use a shorter name.",
    );
  }
  const parsed = parseFolderSegment(segment);
  if (parsed.kind === "dynamic" || parsed.kind === "catchAll" || parsed.kind === "optionalCatchAll") {
    return { ...parsed, name: checkParamName(parsed.name, segment, input, reserved) };
  }
  if (parsed.kind === "group") {
    if (!/^\([A-Za-z0-9\-_]+\)$/.test(segment)) {
      throw invalid(
        `${at} is not a route group name Next.js accepts.`,
        "Route groups are plain names in parentheses, e.g. (admin).",
      );
    }
    return parsed;
  }
  if (segment.startsWith(".")) {
    throw invalid(
      `${at} starts with ".": git and many tools treat dot-folders as hidden or their own (.git is never committed), and Next.js ignores some of them.`,
      "Use a name without a leading dot.",
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
  return parsed;
}

function checkCatchAll(segments: RouteSegment[], input: string): void {
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    if (!isParam(segment)) return;
    if (names.has(segment.name)) {
      throw invalid(
        `in route "${input}": the parameter "${segment.name}" appears twice.`,
        "Give each dynamic segment its own name.",
      );
    }
    names.add(segment.name);
    if (segment.kind !== "dynamic" && index !== segments.length - 1) {
      throw invalid(
        `in route "${input}": the catch-all segment "${segmentText(segment)}" must be the last one.`,
        "Move the catch-all segment to the end of the route.",
      );
    }
  });
}

/**
 * Validates and normalizes a route as the user typed it ("projects/[id]", "/api/projects/[id]")
 * into a RoutePath that is guaranteed to stay inside app/api and to be a folder Next.js can route.
 */
export function parseRoute(raw: string, context: ParseRouteContext = {}): RoutePath {
  const input = raw.trim();
  const reserved = context.reservedNames ?? new Set<string>();
  if (input === "") throw invalid("The route is empty.", "Give a URL path such as /api/projects/[id].");
  checkNotASecret(input); // first: every other message below repeats the input
  if (Buffer.byteLength(input) > MAX_ROUTE_BYTES) {
    throw invalid(
      `The route is ${Buffer.byteLength(input)} bytes long (it starts "${input.slice(0, 40)}…"); routes are limited to ${MAX_ROUTE_BYTES} bytes.`,
      "Use a shorter URL path.",
    );
  }
  if (input.includes("\\")) {
    throw invalid(
      `The route "${input}" contains a backslash.`,
      "Write the URL path with forward slashes, e.g. /api/projects/[id].",
    );
  }
  if (/^[A-Za-z]:/.test(input) || input.startsWith("~") || input.startsWith("//")) {
    throw invalid(
      `The route "${input}" looks like a file-system path, not a URL path.`,
      "Give the URL path, e.g. /api/projects/[id].",
    );
  }
  if (
    (context.absoluteRoots ?? []).some((root) => root.length > 1 && (input === root || input.startsWith(`${root}/`)))
  ) {
    throw invalid(
      `The route "${input}" is an absolute file-system path.`,
      "Give the URL path, e.g. /api/projects/[id]; the tool works out the folder.",
    );
  }
  if (input.split("/").some((part) => part.replace(TYPED_UNDERSCORE, "").includes("%"))) {
    throw invalid(
      `The route "${input}" contains a percent-encoded character.`,
      "Write the plain folder name (no %XX escapes, except %5F for a leading underscore); '..' and encoded slashes are never allowed.",
    );
  }
  if (/[?#]/.test(input))
    throw invalid(
      `The route "${input}" contains a query string or fragment.`,
      "Give only the path, e.g. /api/projects/[id].",
    );
  const trimmed = input.replace(/^\//, "").replace(/\/$/, "");
  const parts = trimmed === "" ? [] : trimmed.split("/");
  if (parts.some((part) => part === ""))
    throw invalid(`The route "${input}" has an empty segment ("//").`, "Remove the doubled slash.");
  if (parts[0] === "app" || (parts[0] === "src" && parts[1] === "app")) {
    throw invalid(
      `The route "${input}" is a folder path, not a URL path.`,
      `Drop the leading "${parts[0] === "app" ? "app/" : "src/app/"}": give the URL path, e.g. /api/projects/[id].`,
    );
  }
  const last = parts[parts.length - 1];
  if (last !== undefined && isRouteFileName(last)) {
    throw invalid(`The route "${input}" names the file itself.`, `Drop "/${last}": give the URL path of the folder.`);
  }
  const segments = parts.map((part) => parseUserSegment(part, input, reserved));
  const first = urlSegments(segments)[0];
  if (!(first?.kind === "static" && first.value === "api")) segments.unshift({ kind: "static", value: "api" });
  checkCatchAll(segments, input);
  return routePathOf(segments);
}
