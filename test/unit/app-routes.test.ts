import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listAppRoutes, readAppRoutes } from "../../src/project/app-routes.js";

const made: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ccr-app-routes-"));
  made.push(dir);
  return dir;
}

/** Writes each file (relative path) with placeholder content below `root`. */
function files(root: string, relativePaths: string[]): void {
  for (const relative of relativePaths) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "export {};\n");
  }
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("listAppRoutes", () => {
  it("lists every folder holding a route.* or page.* file, posix and sorted", () => {
    const app = path.join(tempDir(), "app");
    files(app, [
      "page.tsx",
      "layout.tsx",
      "api/items/[id]/route.ts",
      "api/items/route.js",
      "(site)/about/page.mdx",
      "(site)/legal/page.md",
      "@modal/(.)photo/[id]/page.jsx",
      "api/legacy/route.mjs",
      "blog/[...slug]/page.js",
      "docs/[[...slug]]/page.tsx",
      "api/types/route.d.ts",
      "api/nothing/helpers.ts",
      "api/nested/only/deeper/route.ts",
    ]);
    mkdirSync(path.join(app, "api/empty"), { recursive: true });
    expect(listAppRoutes(app)).toEqual([
      "",
      "(site)/about",
      "(site)/legal",
      "@modal/(.)photo/[id]",
      "api/items",
      "api/items/[id]",
      "api/legacy",
      "api/nested/only/deeper",
      "blog/[...slug]",
      "docs/[[...slug]]",
    ]);
  });

  it("skips node_modules and private folders", () => {
    const app = path.join(tempDir(), "app");
    files(app, [
      "node_modules/pkg/route.js",
      "_components/page.tsx",
      "api/_internal/route.ts",
      "api/%5Fescaped/route.ts",
      "api/ok/route.ts",
    ]);
    expect(listAppRoutes(app)).toEqual(["api/%5Fescaped", "api/ok"]);
  });

  it("returns [] for a missing app folder", () => {
    expect(listAppRoutes(path.join(tempDir(), "nope"))).toEqual([]);
  });

  it("follows symbolic links inside the app folder, but not out of it, and never loops", () => {
    const root = tempDir();
    const app = path.join(root, "app");
    files(app, ["api/real/route.ts"]);
    files(root, ["outside/api/leak/route.ts", "shared/route.ts"]);
    symlinkSync(path.join(app, "api/real"), path.join(app, "api/alias"), "dir");
    symlinkSync(path.join(root, "outside"), path.join(app, "escape"), "dir");
    symlinkSync(app, path.join(app, "api/real/loop"), "dir");
    symlinkSync(path.join(root, "shared/route.ts"), path.join(app, "api/linked-file-route.ts"));
    mkdirSync(path.join(app, "api/linked"), { recursive: true });
    symlinkSync(path.join(root, "shared/route.ts"), path.join(app, "api/linked/route.ts"));
    symlinkSync(path.join(root, "missing"), path.join(app, "api/dangling"), "dir");
    expect(listAppRoutes(app)).toEqual(["api/alias", "api/linked", "api/real"]);
  });

  it("works when the app folder itself is reached through a symbolic link", () => {
    const root = tempDir();
    files(root, ["real-app/api/x/route.ts"]);
    symlinkSync(path.join(root, "real-app"), path.join(root, "app"), "dir");
    expect(listAppRoutes(path.join(root, "app"))).toEqual(["api/x"]);
  });

  it("walks a large tree quickly", () => {
    const app = path.join(tempDir(), "app");
    const paths: string[] = [];
    for (let a = 0; a < 40; a++) {
      for (let b = 0; b < 25; b++) paths.push(`api/s${a}/[id]/r${b}/route.ts`, `(site)/p${a}/q${b}/page.tsx`);
    }
    files(app, paths);
    const started = performance.now();
    const found = listAppRoutes(app);
    expect(found).toHaveLength(2000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe("readAppRoutes", () => {
  it("lists route files and pages as the URLs Next.js serves, leaving out what it never routes", () => {
    const root = tempDir();
    files(path.join(root, "src/app"), [
      "page.tsx",
      "layout.tsx",
      "(site)/about/page.mdx",
      "@modal/(.)photo/[id]/page.tsx",
      "api/items/[id]/route.ts",
      "api/_private/route.ts",
      "docs/[[...slug]]/page.tsx",
    ]);
    expect(readAppRoutes(root, "src/app").map(({ file, kind, route }) => [file, kind, route.pattern])).toEqual([
      ["src/app/(site)/about/page.mdx", "page", "/about"],
      ["src/app/api/items/[id]/route.ts", "route", "/api/items/[id]"],
      ["src/app/docs/[[...slug]]/page.tsx", "page", "/docs/[[...slug]]"],
      ["src/app/page.tsx", "page", "/"],
    ]);
  });
});
