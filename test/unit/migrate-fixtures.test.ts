import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateAudit } from "../../src/audit/evaluate.js";
import { scanRoutes } from "../../src/audit/scan.js";
import { detectProject } from "../../src/project/detect.js";
import { migrateFixtures, runOnCopy, treeFiles } from "../support/migrate-fixtures.js";

/**
 * Each fixture project (test/fixtures/migrate/<name>/input) is migrated with --yes --json; the
 * resulting tree must be output/ file for file (reviewed snapshots: `vitest -u` rewrites them),
 * the report expected.json; a second run changes nothing; and the audit of the result finds no
 * Route Handler whose only protection is a rule unless migrate listed it as refused.
 */
const fixtures = migrateFixtures();
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe("migrate fixtures: input → output", () => {
  it("has fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const first = await runOnCopy(fixture);
      copies.push(first.dir);
      expect(first.code, first.out).toBe(0);
      const files = treeFiles(first.dir);
      const expected = treeFiles(fixture.output);
      for (const file of files) {
        await expect(readFileSync(path.join(first.dir, file), "utf8"), file).toMatchFileSnapshot(
          path.join(fixture.output, file),
        );
      }
      if (expected.length > 0) expect(files, "no file appears or disappears").toEqual(expected);
      await expect(`${JSON.stringify(first.report, null, 2)}\n`).toMatchFileSnapshot(
        path.join(fixture.dir, "expected.json"),
      );

      // Idempotent: a second run on the result has nothing to change.
      const second = await runOnCopy({ ...fixture, input: first.dir });
      copies.push(second.dir);
      expect(second.code).toBe(0);
      expect(second.report.changes).toEqual([]);

      // The audit afterwards: every Route Handler that still relies on a rule alone was refused.
      const project = await detectProject(first.dir);
      const audit = evaluateAudit(project, scanRoutes(project), { strict: false, allowPublic: [] });
      const refused = new Set(
        (first.report.routes as Array<{ file: string; refused: unknown[] }>)
          .filter((route) => route.refused.length > 0)
          .map((route) => route.file),
      );
      const middlewareOnly = audit.routes.filter(
        (route) =>
          route.middlewareRule === "protected" &&
          route.handlers.some((h) => h.protection === "none" || h.protection === "unchecked"),
      );
      expect(middlewareOnly.filter((route) => !refused.has(route.file)).map((route) => route.file)).toEqual([]);
    });
  }
});
