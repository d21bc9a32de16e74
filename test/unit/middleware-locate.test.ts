import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/core/errors.js";
import { parseRoute } from "../../src/next/route-path.js";
import { createContent, locateMiddleware, type MiddlewareContext } from "../../src/plan/middleware/index.js";
import { describeMiddlewareNote } from "../../src/report/middleware-notes.js";

const next16: MiddlewareContext = { route: parseRoute("/api/x"), language: "ts", nextMajor: 16, srcDir: true };
const next15: MiddlewareContext = { ...next16, nextMajor: 15 };
const file = (path: string) => ({ path, content: "export default function () {}\n" });

function errorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error("expected a CliError");
}

describe("locateMiddleware", () => {
  it("a new file: clerkMiddleware() with Clerk's recommended matcher", async () => {
    await expect(createContent()).toMatchFileSnapshot("../snapshots/middleware/created.ts");
  });

  it("creates proxy on Next 16 and middleware on Next 15, in src/ or the root", () => {
    expect(locateMiddleware([], next16)).toEqual({ path: "src/proxy.ts", kind: "proxy", typescript: true, notes: [] });
    expect(locateMiddleware([], { ...next16, srcDir: false, language: "js" })).toEqual({
      path: "proxy.js",
      kind: "proxy",
      typescript: false,
      notes: [],
    });
    expect(locateMiddleware([], next15)).toEqual({
      path: "src/middleware.ts",
      kind: "middleware",
      typescript: true,
      notes: [],
    });
  });

  it("patches an existing proxy", () => {
    const existing = file("src/proxy.ts");
    expect(locateMiddleware([existing], next16)).toEqual({
      path: "src/proxy.ts",
      kind: "proxy",
      typescript: true,
      existing,
      notes: [],
    });
  });

  it("patches middleware.ts in place on Next 16 and points to the codemod", () => {
    const existing = file("src/middleware.ts");
    const location = locateMiddleware([existing], next16);
    expect(location).toMatchObject({ path: "src/middleware.ts", kind: "middleware", existing });
    expect(location.notes.map(describeMiddlewareNote).join("\n")).toContain(
      "npx @next/codemod@latest middleware-to-proxy",
    );
  });

  it("keeps the file's own extension", () => {
    const existing = file("middleware.js");
    expect(locateMiddleware([existing], { ...next15, srcDir: false })).toMatchObject({
      path: "middleware.js",
      existing,
    });
  });

  it("refuses both middleware and proxy on Next 16", () => {
    const err = errorOf(() => locateMiddleware([file("src/middleware.ts"), file("src/proxy.ts")], next16));
    expect(err.code).toBe("MIDDLEWARE_CONFLICT");
    expect(err.message).toContain("src/middleware.ts");
    expect(err.hint).toContain("middleware-to-proxy");
  });

  it("refuses two files of one kind", () => {
    expect(
      errorOf(() => locateMiddleware([file("proxy.ts"), file("proxy.js")], { ...next16, srcDir: false })).code,
    ).toBe("MIDDLEWARE_CONFLICT");
  });

  it("refuses a proxy file on Next 15, which reads only middleware", () => {
    const err = errorOf(() => locateMiddleware([file("src/proxy.ts")], next15));
    expect(err.code).toBe("MIDDLEWARE_MISPLACED");
    expect(err.message).toContain("Next.js 15");
    expect(err.hint).toContain("git mv src/proxy.ts src/middleware.ts");
  });

  it("refuses a file Next.js ignores because of where it is", () => {
    const rootWhileSrc = errorOf(() => locateMiddleware([file("middleware.ts")], next15));
    expect(rootWhileSrc.code).toBe("MIDDLEWARE_MISPLACED");
    expect(rootWhileSrc.hint).toContain("git mv middleware.ts src/middleware.ts");

    const srcWhileRoot = errorOf(() => locateMiddleware([file("src/proxy.ts")], { ...next16, srcDir: false }));
    expect(srcWhileRoot.hint).toContain("git mv src/proxy.ts proxy.ts");

    const inApp = errorOf(() => locateMiddleware([file("src/app/proxy.ts")], next16));
    expect(inApp.message).toContain("ignored by Next.js");
    expect(inApp.hint).toContain("git mv src/app/proxy.ts src/proxy.ts");
  });

  it("refuses an extension Next.js doesn't pick up", () => {
    const err = errorOf(() => locateMiddleware([file("src/proxy.mjs")], next16));
    expect(err.code).toBe("MIDDLEWARE_MISPLACED");
    expect(err.hint).toContain("git mv src/proxy.mjs src/proxy.js");
  });

  it("warns about an ignored file next to the one that runs", () => {
    const location = locateMiddleware([file("src/proxy.ts"), file("app/proxy.ts")], next16);
    expect(location.path).toBe("src/proxy.ts");
    expect(location.notes.map(describeMiddlewareNote)).toEqual([
      "app/proxy.ts is ignored by Next.js: the app is in src/app, so it belongs in src/, not in app/. src/proxy.ts is the one that runs.",
    ]);
  });

  it("says a move breaks the file's relative imports (fixture middleware-locate/relative-imports.ts)", () => {
    const content = readFileSync(
      join(import.meta.dirname, "../fixtures/middleware-locate/relative-imports.ts"),
      "utf8",
    );
    const err = errorOf(() => locateMiddleware([{ path: "src/app/proxy.ts", content }], next16));
    expect(err.hint).toContain(
      'git mv src/app/proxy.ts src/proxy.ts`, and fix its relative imports (such as "../i18n/routing")',
    );
    expect(errorOf(() => locateMiddleware([file("src/app/proxy.ts")], next16)).hint).not.toContain("relative imports");
  });
});
