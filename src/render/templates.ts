import { readFileSync, readdirSync } from "node:fs";
import Handlebars from "handlebars";
import { registerHelpers } from "./helpers.js";

// Source-mode template loader: compiles templates/*.hbs on first use.
// The published bundle swaps this module for a precompiled one (see scripts/build.mjs),
// so only the Handlebars runtime ships; templates/ stays the single source of truth.

export type Template = (context: object) => string;

const templatesDir = new URL("../../templates/", import.meta.url);
const cache = new Map<string, Template>();
let engine: typeof Handlebars | undefined;

function getEngine(): typeof Handlebars {
  if (!engine) {
    engine = Handlebars.create();
    registerHelpers(engine);
    const partialsDir = new URL("partials/", templatesDir);
    for (const file of readdirSync(partialsDir)) {
      if (!file.endsWith(".hbs")) continue;
      engine.registerPartial(file.slice(0, -4), readFileSync(new URL(file, partialsDir), "utf8"));
    }
  }
  return engine;
}

export function getTemplate(name: string): Template {
  let template = cache.get(name);
  if (!template) {
    const source = readFileSync(new URL(`${name}.hbs`, templatesDir), "utf8");
    template = getEngine().compile(source, { noEscape: true, strict: false });
    cache.set(name, template);
  }
  return template;
}
