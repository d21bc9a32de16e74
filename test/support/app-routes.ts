import path from "node:path";
import { type AppRoute, folderUrlSegments, routePathOf } from "../../src/next/route-path.js";

/**
 * The app tree as project detection hands it to the plan: files below the app folder
 * ("api/v1/admin/users/route.ts", "(site)/dashboard/page.tsx") → AppRoute[].
 */
export function appRoutesOf(files: readonly string[] = [], appDir = "src/app"): AppRoute[] {
  return files.flatMap((file): AppRoute[] => {
    const folder = path.posix.dirname(file) === "." ? "" : path.posix.dirname(file);
    const segments = folderUrlSegments(folder);
    if (!segments) return [];
    const kind = path.posix.basename(file).startsWith("route.") ? "route" : "page";
    return [{ folder, file: `${appDir}/${file}`, kind, route: routePathOf(segments) }];
  });
}
