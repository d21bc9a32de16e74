import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planMiddleware, type MiddlewareContext, type MiddlewareResult } from "../../src/plan/middleware/index.js";
import { parseModule } from "../../src/plan/middleware/parse.js";

/**
 * Each folder: ctx.json (+ input.ts / input.js) → output.* and summary.txt (created/patched)
 * or expected.txt (unchanged/refused).
 */
const FIXTURES = join(import.meta.dirname, "../fixtures/middleware");

interface CaseFile {
  expect: MiddlewareResult["status"];
  noInput?: boolean;
  route?: string;
  path?: string;
  nextMajor?: number;
  srcDir?: boolean;
  language?: "ts" | "js";
}

interface FixtureCase {
  name: string;
  dir: string;
  spec: CaseFile;
  ext: "ts" | "js";
  input: string | undefined;
  ctx: MiddlewareContext & { path: string };
}

function loadCases(): FixtureCase[] {
  return readdirSync(FIXTURES)
    .sort()
    .map((name) => {
      const dir = join(FIXTURES, name);
      const spec = JSON.parse(readFileSync(join(dir, "ctx.json"), "utf8")) as CaseFile;
      const ext = existsSync(join(dir, "input.js")) || spec.language === "js" ? "js" : "ts";
      const input = spec.noInput ? undefined : readFileSync(join(dir, `input.${ext}`), "utf8");
      const srcDir = spec.srcDir ?? true;
      const nextMajor = spec.nextMajor ?? 16;
      const ctx = {
        routePattern: spec.route ?? "/api/projects/[id]",
        language: spec.language ?? ext,
        nextMajor,
        srcDir,
        path: spec.path ?? `${srcDir ? "src/" : ""}${nextMajor >= 16 ? "proxy" : "middleware"}.${ext}`,
      };
      return { name, dir, spec, ext, input, ctx };
    });
}

function describeResult(result: MiddlewareResult): string {
  if (result.status === "refused") return `refused: ${result.reason}\n\n--- manual edit ---\n${result.manualEdit}\n`;
  if (result.status === "unchanged") return `unchanged: ${result.reason}\n`;
  return `${result.status}: ${result.summary}\n`;
}

describe("planMiddleware fixtures", () => {
  for (const c of loadCases()) {
    it(c.name, async () => {
      const result = planMiddleware(c.input, c.ctx);
      expect(result.status, describeResult(result)).toBe(c.spec.expect);
      if (result.status === "created" || result.status === "patched") {
        await expect(result.after).toMatchFileSnapshot(join(c.dir, `output.${c.ext}`));
        await expect(`${result.summary}\n`).toMatchFileSnapshot(join(c.dir, "summary.txt"));
        // Shown to the user as one warning line: one sentence.
        expect(result.summary).toMatch(/^[A-Z][^\n]*\.$/);
        expect(result.summary).not.toMatch(/\.\s+[A-Z]/);
        expect(parseModule(result.after, c.ctx.path).ok).toBe(true);
        const again = planMiddleware(result.after, c.ctx);
        expect(again.status, describeResult(again)).toBe("unchanged");
      } else {
        await expect(describeResult(result)).toMatchFileSnapshot(join(c.dir, "expected.txt"));
      }
    });
  }
});
