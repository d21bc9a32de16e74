import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFolderSegment, routePathOf, type RoutePath } from "../../src/next/route-path.js";
import { locateMiddleware, type MiddlewareResult, type PlanContext } from "../../src/plan/middleware/index.js";
import { readSource } from "../../src/js/parse.js";
import { planMiddleware } from "../../src/plan/middleware/plan.js";
import { describeMiddlewareNote } from "../../src/report/middleware-notes.js";
import { appRoutesOf } from "../support/app-routes.js";

/**
 * Each folder: ctx.json + input.ts / input.js → output.* and summary.txt (patched)
 * or expected.txt (unchanged/refused).
 */
const FIXTURES = join(import.meta.dirname, "../fixtures/middleware");

interface CaseFile {
  expect: MiddlewareResult["status"];
  route?: string;
  path?: string;
  nextMajor?: number;
  srcDir?: boolean;
  language?: "ts" | "js";
  /** What the route needs from the middleware (default "clerk"; "public" for a webhook). */
  need?: "clerk" | "public" | "clerk-unprotected";
  /** The app's other route files and pages, below the app folder ("api/v1/admin/users/route.ts"). */
  app?: string[];
}

interface FixtureCase {
  name: string;
  dir: string;
  spec: CaseFile;
  ext: "ts" | "js";
  input: string;
  ctx: PlanContext;
}

/** The route as the CLI hands it over, parsed: "/reports/[id]" stays outside /api here. */
function routeOf(pattern: string): RoutePath {
  return routePathOf(pattern.split("/").filter(Boolean).map(parseFolderSegment));
}

function loadCases(): FixtureCase[] {
  return readdirSync(FIXTURES)
    .sort()
    .filter((name) => existsSync(join(FIXTURES, name, "ctx.json")))
    .map((name) => {
      const dir = join(FIXTURES, name);
      const spec = JSON.parse(readFileSync(join(dir, "ctx.json"), "utf8")) as CaseFile;
      const ext = existsSync(join(dir, "input.js")) || spec.language === "js" ? "js" : "ts";
      const input = readFileSync(join(dir, `input.${ext}`), "utf8");
      const srcDir = spec.srcDir ?? true;
      const nextMajor = spec.nextMajor ?? 16;
      const base = { route: routeOf(spec.route ?? "/api/projects/[id]"), language: spec.language ?? ext, nextMajor, srcDir, need: spec.need ?? "clerk" };
      const path = spec.path ?? `${srcDir ? "src/" : ""}${nextMajor >= 16 ? "proxy" : "middleware"}.${ext}`;
      // Which file Next.js reads, its kind and language, as the CLI works them out.
      const location = locateMiddleware([{ path, content: input }], base);
      const appRoutes = appRoutesOf(spec.app, srcDir ? "src/app" : "app");
      const ctx = { ...base, path: location.path, kind: location.kind, typescript: location.typescript, appRoutes };
      return { name, dir, spec, ext, input, ctx };
    });
}

function describeResult(result: MiddlewareResult): string {
  if (result.status === "refused") return `refused: ${result.reason}\n\n--- manual edit ---\n${result.manualEdit}\n`;
  return `${result.status}: ${describeMiddlewareNote(result.note)}\n`;
}

describe("planMiddleware fixtures", () => {
  for (const c of loadCases()) {
    it(c.name, async () => {
      const result = planMiddleware(c.input, c.ctx);
      expect(result.status, describeResult(result)).toBe(c.spec.expect);
      if (result.status === "patched") {
        await expect(result.after).toMatchFileSnapshot(join(c.dir, `output.${c.ext}`));
        const summary = describeMiddlewareNote(result.note);
        await expect(`${summary}\n`).toMatchFileSnapshot(join(c.dir, "summary.txt"));
        // Shown to the user as one warning line: one sentence.
        expect(summary).toMatch(/^[A-Z][^\n]*\.$/);
        expect(summary).not.toMatch(/\.\s+[A-Z]/);
        expect(readSource(result.after, c.ctx.path, c.ctx.typescript).ok).toBe(true);
        const again = planMiddleware(result.after, c.ctx);
        expect(again.status, describeResult(again)).toBe("unchanged");
      } else {
        await expect(describeResult(result)).toMatchFileSnapshot(join(c.dir, "expected.txt"));
      }
    });
  }
});
