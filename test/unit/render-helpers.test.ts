import { NEWEST_CLERK } from "../../src/clerk/api-versions.js";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { PRINT_WIDTH } from "../../src/core/text.js";
import { normalizeOptions } from "../../src/commands/resolve-options.js";
import { HELPERS, registerHelpers } from "../../src/render/helpers.js";
import { STYLES } from "../../src/styles/index.js";

// The template helpers that lay out generated code and comments (src/render/helpers.ts). Every
// template's output is also checked against reviewed snapshots (route-templates.test.ts); these
// cases pin each helper's own rule, including the branches no snapshot reaches.

const engine = Handlebars.create();
registerHelpers(engine);
const render = (source: string, view: object = {}) => engine.compile(source, { noEscape: true })(view);

describe("template helpers", () => {
  it("comment: `// ` lines within the print width, a new line per paragraph, quoted phrases whole", () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const out = render(
      `{{#comment}}\n${words} "a quoted phrase that must stay whole"\n\nSecond.\n{{/comment}}\nnext\n`,
    );
    const lines = out.split("\n");
    expect(lines.every((line) => line.length <= PRINT_WIDTH)).toBe(true);
    expect(lines.at(-3)).toBe("// Second.");
    expect(lines.at(-2)).toBe("next");
    expect(out).toContain('"a quoted phrase that must stay whole"');
    expect(out.replace(/\n\/\/ /g, " ")).toContain(words);
  });

  it("comment: an empty paragraph (a false condition) leaves no line", () => {
    expect(render("{{#comment}}\nOne.\n{{#if no}}\n\nTwo.\n{{/if}}\n\nThree.\n{{/comment}}\n")).toBe(
      "// One.\n// Three.\n",
    );
  });

  it("fits: the first layout when every line fits in the print width, else the second", () => {
    const source =
      "{{#fits}}\nx = {{literal items}};\n{{else}}\nx = [\n{{#each items}}\n  {{literal this}},\n{{/each}}\n];\n{{/fits}}\n";
    expect(render(source, { items: ["a", "b"] })).toBe('x = ["a", "b"];\n');
    const long = Array.from({ length: 10 }, (_, i) => `scope:${i}`);
    expect(render(source, { items: long })).toBe(`x = [\n${long.map((s) => `  "${s}",\n`).join("")}];\n`);
  });

  it("list and literal", () => {
    expect(render("{{list a}}|{{list b}}|{{list c 'or'}}", { a: ["x"], b: ["x", "y"], c: ["x", "y", "z"] })).toBe(
      "x|x and y|x, y or z",
    );
    expect(render('{{#list items}}the "{{name}}"{{/list}}', { items: [{ name: "a" }, { name: "b" }] })).toBe(
      'the "a" and the "b"',
    );
    expect(render("{{literal one}} {{literal many}}", { one: "api_key", many: ["a", "b"] })).toBe(
      '"api_key" ["a", "b"]',
    );
  });

  it("no style's view has a field named like a helper (Handlebars would call the helper instead)", () => {
    for (const style of STYLES) {
      const options = normalizeOptions({ style: style.name });
      const view = style.view({
        route: options.route,
        methods: options.methods,
        language: "ts",
        values: options.values,
        clerk: NEWEST_CLERK,
      });
      expect([style.name, Object.keys(view).filter((key) => key in HELPERS)]).toEqual([style.name, []]);
    }
  });
});
