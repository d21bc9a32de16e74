// Bundles src/ into dist/ (one ESM entry plus lazily loaded chunks), with every runtime
// dependency inlined and the Handlebars templates precompiled: only handlebars/runtime ships.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import Handlebars from "handlebars";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const templatesDir = path.join(root, "templates");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

function specs(folder) {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".hbs"))
    .map((file) => {
      const source = readFileSync(path.join(folder, file), "utf8");
      return [file.slice(0, -4), Handlebars.precompile(source, { noEscape: true, strict: false })];
    });
}

function precompiledTemplatesModule() {
  const partials = specs(path.join(templatesDir, "partials"));
  const templates = specs(templatesDir);
  return [
    'import Runtime from "handlebars/runtime.js";',
    "const engine = Runtime.create();",
    ...partials.map(([name, spec]) => `engine.registerPartial(${JSON.stringify(name)}, engine.template(${spec}));`),
    "const templates = {",
    ...templates.map(([name, spec]) => `  ${JSON.stringify(name)}: engine.template(${spec}),`),
    "};",
    "export function getTemplate(name) {",
    "  const template = templates[name];",
    '  if (!template) throw new Error(`No template named ${name}`);',
    "  return template;",
    "}",
  ].join("\n");
}

const precompiledTemplates = {
  name: "precompiled-templates",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /render\/templates\.js$/ }, () => ({ path: "templates", namespace: "precompiled" }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "precompiled" }, () => ({
      contents: precompiledTemplatesModule(),
      resolveDir: root,
      loader: "js",
    }));
  },
};

/**
 * The --help text, rendered once here by the same commander program the CLI uses, so that
 * `create-clerk-route --help` can print it without loading commander at all.
 */
async function renderHelp() {
  const bundled = await build({
    entryPoints: [path.join(root, "src/cli.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    define: { __VERSION__: JSON.stringify(version) },
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  });
  const folder = mkdtempSync(path.join(os.tmpdir(), "ccr-help-"));
  try {
    const file = path.join(folder, "cli.mjs");
    writeFileSync(file, bundled.outputFiles[0].text);
    const { renderHelp: render } = await import(pathToFileURL(file).href);
    return render();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const helpText = await renderHelp();
rmSync(path.join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(root, "src/main.ts") },
  outdir: path.join(root, "dist"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  define: { __VERSION__: JSON.stringify(version), __HELP__: JSON.stringify(helpText) },
  // A bundled CommonJS dependency may call require(); give the ESM bundle one.
  banner: { js: 'import { createRequire as __ccrRequire } from "node:module"; const require = __ccrRequire(import.meta.url);' },
  plugins: [precompiledTemplates],
  logLevel: "warning",
});
