// The @clerk/nextjs major a project has (installed, else declared): which API shapes its middleware
// can use (auth() is sync before 6; auth.protect() exists, async, from 6; authMiddleware() is gone in 6).

/** "6.9.9", "^6.36.0", "~5.7" → 6, 6, 5; "latest", "*", a tag or a URL → undefined (not known). */
export function clerkMajorOf(version: string | undefined): number | undefined {
  const match = /^\s*(?:[~^]|>=?|=)?\s*v?(\d+)(?:\.|\s*$)/.exec(version ?? "");
  return match ? Number(match[1]) : undefined;
}
