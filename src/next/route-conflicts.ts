import { CliError } from "../core/errors.js";
import {
  folderUrlSegments,
  isParam,
  segmentText as text,
  urlText,
  type ParamSegment,
  type UrlSegment,
} from "./route-path.js";
import type { RoutePath } from "./route-path.js";

// Decides, without touching the disk, whether a new Route Handler folder would make `next build`
// (or `next dev`) refuse the app because of the routes already there. The rules mirror the ones
// Next.js applies when it sorts the app's URLs into one tree (shared/lib/router/utils/sorted-routes)
// and validates them (build/validate-app-paths):
//   - two folders whose URLs are identical (route groups and slots do not count) clash;
//   - at one position of one URL prefix, all [param] folders must use the same name, and so must
//     all [...param] folders and all [[...param]] folders; [param] beside [...param] is fine;
//   - a [...param] and a [[...param]] cannot sit at the same position;
//   - a [[...param]] also matches its parent URL, so the parent cannot have a route or page.
// Only conflicts that involve the new route are reported: an app that is already broken is not
// this tool's business.

export interface RouteConflictOptions {
  /** The app folder as shown in messages ("app" or "src/app"). Defaults to "app". */
  appDir?: string;
}

function url(segments: UrlSegment[]): string {
  return `/${segments.map(urlText).join("/")}`;
}

/** Two segments share a node of Next's URL tree: same static text, or the same parameter kind. */
function sameNode(a: UrlSegment, b: UrlSegment): boolean {
  if (a.kind === "static") return b.kind === "static" && a.value === b.value;
  return a.kind === b.kind;
}

function normalizeFolder(folder: string): string {
  return folder
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

function kindLabel(segment: ParamSegment): string {
  switch (segment.kind) {
    case "dynamic":
      return "dynamic segment";
    case "catchAll":
      return "catch-all segment";
    case "optionalCatchAll":
      return "optional catch-all segment";
  }
}

/**
 * The first conflict between the route about to be written and the folders that already hold a
 * route.* or page.* file (paths relative to the app folder, posix, as listAppRoutes returns them),
 * or undefined when Next.js will accept both. A folder identical to the new route's folder is not a
 * conflict here: writing over (or beside) its files is checked elsewhere.
 */
export function findRouteConflict(
  existingFolders: string[],
  newRoute: RoutePath,
  options: RouteConflictOptions = {},
): CliError | undefined {
  const appDir = options.appDir ?? "app";
  const show = (folder: string) => (folder === "" ? appDir : `${appDir}/${folder}`);
  const newFolder = normalizeFolder(newRoute.folder);
  const fresh = newRoute.segments.filter((s): s is UrlSegment => s.kind !== "group");
  const freshUrl = url(fresh);

  for (const raw of existingFolders) {
    const folder = normalizeFolder(raw);
    if (folder === newFolder) continue;
    const existing = folderUrlSegments(folder);
    if (existing === undefined) continue;

    let depth = 0;
    let diverged = false;
    for (; depth < fresh.length && depth < existing.length; depth++) {
      const mine = fresh[depth]!;
      const theirs = existing[depth]!;
      if (isParam(mine) && isParam(theirs)) {
        if (mine.kind === theirs.kind && mine.name !== theirs.name) {
          return differentNames(fresh, depth, theirs, show(folder), url(existing.slice(0, depth + 1)));
        }
        if (
          (mine.kind === "catchAll" && theirs.kind === "optionalCatchAll") ||
          (mine.kind === "optionalCatchAll" && theirs.kind === "catchAll")
        ) {
          return catchAllKinds(fresh, depth, theirs, show(folder), url(existing.slice(0, depth + 1)));
        }
      }
      if (!sameNode(mine, theirs)) {
        diverged = true;
        break;
      }
    }
    if (diverged) continue;

    if (fresh.length === existing.length) {
      return new CliError(
        "ROUTE_CONFLICT",
        `${show(newFolder)} (the new route) and ${show(folder)} both resolve to ${freshUrl}: Next.js cannot build two routes or pages for one URL.`,
        { hint: `Pick another route, or move or delete what is in ${show(folder)} first.` },
      );
    }
    const last = fresh[fresh.length - 1];
    if (fresh.length === existing.length + 1 && last?.kind === "optionalCatchAll") {
      const parentUrl = url(existing);
      const required = url([...fresh.slice(0, -1), { kind: "catchAll", name: last.name }]);
      return new CliError(
        "ROUTE_CONFLICT",
        `${freshUrl} is an optional catch-all, so it also matches ${parentUrl}, which ${show(folder)} already handles: Next.js cannot have a route at the same specificity as an optional catch-all.`,
        {
          hint: `Use the required catch-all ${required} (it does not match ${parentUrl} itself), or pick another route.`,
        },
      );
    }
    const theirLast = existing[existing.length - 1];
    if (existing.length === fresh.length + 1 && theirLast?.kind === "optionalCatchAll") {
      return new CliError(
        "ROUTE_CONFLICT",
        `${freshUrl} is already matched by the optional catch-all ${show(folder)}: Next.js cannot have a route at the same specificity as an optional catch-all.`,
        {
          hint: `Handle ${freshUrl} in ${show(folder)} (its ${text(theirLast)} is undefined there), make that folder a required catch-all [...${theirLast.name}], or pick another route.`,
        },
      );
    }
  }
  return undefined;
}

function differentNames(
  fresh: UrlSegment[],
  depth: number,
  theirs: ParamSegment,
  existingFolder: string,
  position: string,
): CliError {
  const mine = fresh[depth] as ParamSegment;
  const renamed = fresh.map((segment, index) => (index === depth ? theirs : segment));
  const names = renamed.filter(isParam).map((segment) => segment.name);
  const example = new Set(names).size === names.length ? ` (${url(renamed)})` : "";
  return new CliError(
    "ROUTE_CONFLICT",
    `${url(fresh)} names its ${kindLabel(mine)} ${text(mine)}, but ${existingFolder} already uses ${text(theirs)} at the same position (${position}): Next.js cannot use different parameter names for the same dynamic path ('${theirs.name}' !== '${mine.name}').`,
    { hint: `Rename the parameter to match: use ${text(theirs)}${example}, or pick another route.` },
  );
}

function catchAllKinds(
  fresh: UrlSegment[],
  depth: number,
  theirs: ParamSegment,
  existingFolder: string,
  position: string,
): CliError {
  const mine = fresh[depth] as ParamSegment;
  const matching = url(fresh.map((segment, index) => (index === depth ? theirs : segment)));
  return new CliError(
    "ROUTE_CONFLICT",
    `${url(fresh)} has the ${kindLabel(mine)} ${text(mine)}, but ${existingFolder} already has the ${kindLabel(theirs)} ${text(theirs)} at the same position (${position}): Next.js cannot have both a required and an optional catch-all at one level.`,
    { hint: `Use ${text(theirs)} like the existing route (${matching}), or pick another route.` },
  );
}
