import path from "node:path";

// Path helpers every layer shares: containment and posix-style relative paths.

/** True when `child` is `parent` itself or lies below it (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** `absolute` relative to `root`, with forward slashes (how every path in a plan is written). */
export function toProjectPath(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join("/");
}
