import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MiddlewareResult } from "../../src/plan/middleware/index.js";
import { readSource } from "../../src/js/parse.js";
import { planMiddleware } from "../../src/plan/middleware/plan.js";
import { describeMiddlewareNote } from "../../src/report/middleware-notes.js";
import { middlewareFixtures } from "../support/middleware-fixtures.js";

/**
 * Each folder of test/fixtures/middleware: ctx.json + input.ts / input.js → output.* and
 * summary.txt (patched) or expected.txt (unchanged/refused). Loaded by test/support/middleware-fixtures.ts.
 */

function describeResult(result: MiddlewareResult): string {
  if (result.status === "refused") return `refused: ${result.reason}\n\n--- manual edit ---\n${result.manualEdit}\n`;
  return `${result.status}: ${describeMiddlewareNote(result.note)}\n`;
}

describe("planMiddleware fixtures", () => {
  for (const c of middlewareFixtures()) {
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
        // A route kept past the middleware's gates: the printed edit is applied by hand and run (middleware-behaviour.test.ts).
        if (result.status === "refused" && c.ctx.need !== "clerk")
          expect(existsSync(join(c.dir, `applied.${c.ext}`)), `applied.${c.ext}`).toBe(true);
      }
    });
  }
});
