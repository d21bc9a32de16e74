import type Handlebars from "handlebars";
import { PRINT_WIDTH, list } from "../core/text.js";

// The Handlebars helpers every template may use, so that a template holds its own prose and its
// own layout (the way prettier would lay the code out) instead of a style's declaration building
// them as strings. Registered by both loaders: render/templates.ts (from source) and the build's
// precompiled runtime (scripts/build.mjs imports this file).
//
//   {{#comment}} prose {{/comment}}   `// ` lines of at most PRINT_WIDTH columns; paragraphs apart
//                                     (a blank line in the block) start a new line; a "quoted
//                                     phrase" is never broken
//   {{#fits}} a {{else}} b {{/fits}}  `a` when every line of it fits in PRINT_WIDTH, else `b`
//   {{list items}}                    "x", "x and y", "x, y and z" ({{list items "or"}}: "or");
//                                     as a block, each item is rendered by the block
//   {{literal value}}                 a string or array of strings as prettier prints it on one
//                                     line: "a", ["a", "b"]

interface BlockOptions {
  fn(context: unknown): string;
  inverse(context: unknown): string;
}

/** `// ` comment lines of at most PRINT_WIDTH columns; a quoted phrase ("Authorization: Bearer <token>") stays on one line. */
export function jsCommentLines(text: string): string[] {
  const lines: string[] = [];
  let line = "//";
  for (const word of text.match(/(?:"[^"]*"|\S)+/g) ?? []) {
    if (line !== "//" && `${line} ${word}`.length > PRINT_WIDTH) {
      lines.push(line);
      line = "//";
    }
    line += ` ${word}`;
  }
  if (line !== "//") lines.push(line);
  return lines;
}

/** The paragraphs of a block (separated by blank lines), each as comment lines; ends with a line break. */
function comment(this: unknown, options: BlockOptions): string {
  const paragraphs = options.fn(this).split(/\n\s*\n/);
  const lines = paragraphs.flatMap((paragraph) => jsCommentLines(paragraph));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

function fits(this: unknown, options: BlockOptions): string {
  const text = options.fn(this);
  return text.split("\n").every((line) => line.length <= PRINT_WIDTH) ? text : options.inverse(this);
}

/** {{list items}}, {{list items "or"}}; as a block, each item rendered by the block: {{#list checks}}the {{value}}{{/list}}. */
function listHelper(items: unknown, ...rest: unknown[]): string {
  // Handlebars passes its options object last; a block's has fn().
  const options = rest.at(-1) as Partial<BlockOptions>;
  const and = typeof rest[0] === "string" ? rest[0] : "and";
  const each = options.fn ?? String;
  return list(
    (items as unknown[]).map((item) => each(item)),
    and,
  );
}

function literal(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((item) => JSON.stringify(item)).join(", ")}]` : JSON.stringify(value);
}

export const HELPERS = { comment, fits, list: listHelper, literal } as const;

/** Registers every helper on a Handlebars environment (full or runtime-only). */
export function registerHelpers(engine: Pick<typeof Handlebars, "registerHelper">): void {
  for (const [name, helper] of Object.entries(HELPERS))
    engine.registerHelper(name, helper as Handlebars.HelperDelegate);
}
