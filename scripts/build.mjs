// Bundles src/ into dist/, with every runtime dependency inlined and the Handlebars templates
// precompiled (only handlebars/runtime ships, with the helpers of src/render/helpers.ts).
// CommonJS files, so that loader.ts can compile them through V8's code cache (vm.Script
// cachedData; Node 20 has no code cache for ES modules):
//   boot.cjs          the bin's entry: --help / --version from build-time text, else the loader;
//   loader.cjs        code-cache.ts and cache-folder.ts + loads app.cjs (and the parser when the app asks for it);
//   app.cjs           src/entry/main.ts and everything it imports, except @babel/parser;
//   babel-parser.cjs  @babel/parser, loaded only to patch a middleware file or to audit;
//   cli.js            an ES module exporting main(), for in-process callers.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import Handlebars from "handlebars";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const templatesDir = path.join(root, "templates");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

/** [name, precompiled spec] of each .hbs file in `folder`; `prefix` names a subfolder's templates ("middleware/guard"). */
function specs(folder, prefix = "") {
  return readdirSync(folder)
    .filter((file) => file.endsWith(".hbs"))
    .map((file) => {
      const source = readFileSync(path.join(folder, file), "utf8");
      return [prefix + file.slice(0, -4), Handlebars.precompile(source, { noEscape: true, strict: false })];
    });
}

function precompiledTemplatesModule() {
  const partials = specs(path.join(templatesDir, "partials"));
  // Route templates (templates/<style>.hbs) and the code a middleware patch inserts (templates/middleware/).
  const templates = [...specs(templatesDir), ...specs(path.join(templatesDir, "middleware"), "middleware/")];
  return [
    'import Runtime from "handlebars/runtime.js";',
    'import { registerHelpers } from "./src/render/helpers.ts";',
    "const engine = Runtime.create();",
    "registerHelpers(engine);",
    ...partials.map(([name, spec]) => `engine.registerPartial(${JSON.stringify(name)}, engine.template(${spec}));`),
    "const templates = {",
    ...templates.map(([name, spec]) => `  ${JSON.stringify(name)}: engine.template(${spec}),`),
    "};",
    "export function getTemplate(name) {",
    "  const template = templates[name];",
    "  if (!template) throw new Error(`No template named ${name}`);",
    "  return template;",
    "}",
  ].join("\n");
}

const precompiledTemplates = {
  name: "precompiled-templates",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /render\/templates\.js$/ }, () => ({
      path: "templates",
      namespace: "precompiled",
    }));
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
    entryPoints: [path.join(root, "src/entry/cli.ts")],
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

/**
 * `import { spawn } from "node:child_process"` (ours, and commander's require) becomes a module of
 * wrappers that require the builtin on first call: loading child_process (and net, stream…) costs
 * about 4 ms, and a run outside a git work tree that installs nothing never spawns.
 */
const LAZY_BUILTINS = ["child_process"];
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(pluginBuild) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join("|")})$`);
    pluginBuild.onResolve({ filter, namespace: "file" }, (args) => ({
      path: args.path.replace(/^node:/, ""),
      namespace: "lazy-builtin",
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, async (args) => {
      const real = await import(`node:${args.path}`);
      // Functions only (no classes: `new` and instanceof would need the real module).
      const names = Object.keys(real).filter(
        (name) => name !== "default" && typeof real[name] === "function" && /^[a-z]\w*$/.test(name),
      );
      return {
        contents: [
          "let real;",
          `const load = () => (real ??= require("node:${args.path}"));`,
          ...names.map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
          `export default { ${names.join(", ")} };`,
        ].join("\n"),
        loader: "js",
      };
    });
  },
};

/**
 * The parser (two thirds of the code) is its own file, loaded through the code cache only when a
 * middleware file is patched or a project audited.
 */
const externalParser = {
  name: "external-parser",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@babel\/parser$/ }, () => ({ path: "./babel-parser.cjs", external: true }));
  },
};

/**
 * vm-compiled code cannot run import() on Node 20 without a flag: a dynamic import() of a computed
 * specifier (the project's own prettier) calls __ccrImport, which loader.ts passes in.
 */
const DYNAMIC_IMPORT = /\bimport\((?!\s*["'`])/g;
const routedImport = {
  name: "routed-import",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const code = readFileSync(args.path, "utf8");
      return code.search(DYNAMIC_IMPORT) !== -1
        ? { contents: code.replace(DYNAMIC_IMPORT, "__ccrImport("), loader: "ts" }
        : undefined;
    });
  },
};

const helpText = await renderHelp();
const dist = path.join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const defines = { __VERSION__: JSON.stringify(version), __HELP__: JSON.stringify(helpText) };
const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // CCR_NO_MINIFY=1 keeps function names, for a readable CPU profile (node --cpu-prof).
  minify: process.env.CCR_NO_MINIFY !== "1",
  legalComments: "linked",
  logLevel: "warning",
};

// The app: one CommonJS file (its lazily imported parts are initialised on first use).
await build({
  ...common,
  entryPoints: [path.join(root, "src/entry/main.ts")],
  outfile: path.join(dist, "app.cjs"),
  define: defines,
  plugins: [precompiledTemplates, externalParser, lazyBuiltins, routedImport],
});
const app = readFileSync(path.join(dist, "app.cjs"), "utf8");
// A call, not text: `import("next/server").NextRequest` in a generated JSDoc type starts a string.
if (/(?<![`"'\w.$])import\(/.test(app))
  throw new Error("dist/app.cjs calls import(), which vm-compiled code cannot do: route it through __ccrImport");
// @babel/parser, alone.
await build({
  ...common,
  entryPoints: [path.join(root, "node_modules/@babel/parser/lib/index.js")],
  outfile: path.join(dist, "babel-parser.cjs"),
});
// code-cache.ts reads them as latin1, the cheapest decoding: ASCII only. esbuild escapes non-ASCII
// text except in regular expression literals; \uXXXX means the same there (and everywhere else).
for (const file of ["app.cjs", "babel-parser.cjs"]) {
  const code = readFileSync(path.join(dist, file), "utf8");
  const ascii = code.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (ascii !== code) writeFileSync(path.join(dist, file), ascii);
}
// The loader (code cache) and the bin's entry.
await build({
  ...common,
  entryPoints: [path.join(root, "src/entry/loader.ts")],
  outfile: path.join(dist, "loader.cjs"),
  define: defines,
});
await build({
  ...common,
  entryPoints: [path.join(root, "src/entry/boot.ts")],
  outfile: path.join(dist, "boot.cjs"),
  define: defines,
  external: ["./loader.cjs"],
});
// The ES module entry for in-process callers: import { main } from "create-clerk-route/dist/cli.js".
writeFileSync(
  path.join(dist, "cli.js"),
  [
    'import { createRequire } from "node:module";',
    'const { loadApp } = createRequire(import.meta.url)("./loader.cjs");',
    "export const main = (argv) => loadApp().main(argv);",
    "",
  ].join("\n"),
);
