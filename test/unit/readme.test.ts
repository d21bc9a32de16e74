import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/core/errors.js";
import { STYLES } from "../../src/styles/index.js";

// The README is part of the interface: its tables must say what the code does.

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The first-column entries of the first table after `heading`. */
function tableKeys(heading: string): string[] {
  const start = README.indexOf(heading);
  expect(start, `README has "${heading}"`).toBeGreaterThanOrEqual(0);
  const lines = README.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(/^\|\s*`([^`]+)`/.exec(line)?.[1] ?? line);
  }
  return rows;
}

describe("README", () => {
  it("lists exactly the error codes the source can produce", () => {
    expect(tableKeys("### Error codes").sort()).toEqual([...ERROR_CODES].sort());
  });

  it("has one row per style in the styles table, in the registry's order", () => {
    expect(tableKeys("## The styles")).toEqual(STYLES.map((style) => style.name));
  });
});
