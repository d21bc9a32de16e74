// Package versions as this tool needs them: an exact version read from node_modules, or the
// lowest version a package.json range lets a lockfile hold. Not a semver implementation: only
// comparison and the floor of a range.

/** major.minor.patch, and whether it is a pre-release (which comes before its release). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: boolean;
}

/** "6.9.9", "v7.0.0-beta.1" → a Version; anything else → undefined. */
export function parseVersion(text: string): Version | undefined {
  const match = /^\s*v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$/.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] !== undefined,
  };
}

/** <0, 0 or >0 as `a` is older than, the same as or newer than `b` (pre-releases before their release). */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || Number(b.prerelease) - Number(a.prerelease);
}

export function formatVersion(version: Version): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/**
 * The lowest version a package.json range allows, the one a lockfile may hold: "^6.9.9",
 * "~6.9.9", ">=6.9.9", "6.9.9" → 6.9.9; "6.x", "~6.9" → 6.0.0, 6.9.0; "^6 || ^7" → 6.0.0.
 * undefined when the range says nothing about a floor ("latest", "*", a tag, a URL, "workspace:*").
 */
export function rangeFloor(range: string): Version | undefined {
  const floors = range.split("||").map(alternativeFloor);
  if (floors.some((floor) => floor === undefined)) return undefined;
  return (floors as Version[]).sort(compareVersions)[0];
}

function alternativeFloor(text: string): Version | undefined {
  // "1.2.3 - 2.3.4": the first one; otherwise the first comparator (">=6.9.9 <7" → 6.9.9).
  const first = text.trim().split(/\s+/)[0] ?? "";
  const match = /^(\^|~|>=|>|=)?v?(\d+)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?(-[0-9A-Za-z.-]+)?$/.exec(first);
  if (!match) return undefined;
  const [, operator, major, minor, patch, prerelease] = match;
  const number = (part: string | undefined) => (part === undefined || /^[xX*]$/.test(part) ? 0 : Number(part));
  const version = {
    major: Number(major),
    minor: number(minor),
    patch: number(patch),
    prerelease: prerelease !== undefined,
  };
  // ">6.9.9" starts right after it: the next patch is as good a floor as any.
  return operator === ">" ? { ...version, patch: version.patch + 1, prerelease: false } : version;
}
