// Loads the app (dist/app.cjs) and, when it asks for it, the parser (dist/babel-parser.cjs)
// through the V8 code cache of code-cache.ts. Built to dist/loader.cjs; used by boot.ts and by
// dist/cli.js (the ES module entry that exports main() for in-process callers).

import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { cacheFolder } from "./cache-folder.js";
import { compileCached } from "./code-cache.js";

export interface App {
  main(argv: string[]): Promise<number>;
}

/** The parameters of every bundle file's wrapper: CommonJS's five, and the app's dynamic import(). */
const PARAMS = ["exports", "require", "module", "__filename", "__dirname", "__ccrImport"];

const loaded = new Map<string, unknown>();

/** os.homedir() throws when the user has no passwd entry and no HOME: then there is no cache. */
function home(): string {
  try {
    return os.homedir();
  } catch {
    return "";
  }
}

function load(file: string, folder: string | undefined): unknown {
  const known = loaded.get(file);
  if (known) return known;
  const nodeRequire = createRequire(file);
  // A bundle file asks for another one as require("./name.cjs"); everything else is Node's (builtins).
  const bundleRequire = (id: string): unknown =>
    /^\.\/[\w.-]+\.cjs$/.test(id) ? load(path.join(path.dirname(file), id), folder) : nodeRequire(id);
  const module = { exports: {} as unknown };
  loaded.set(file, module.exports);
  const body = compileCached(file, PARAMS, folder);
  // Dynamic import() does not work in vm-compiled code without a flag: the build routes the app's
  // import() of the project's prettier through this function, which runs in a normal module.
  const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);
  body.call(module.exports, module.exports, bundleRequire, module, file, path.dirname(file), dynamicImport);
  loaded.set(file, module.exports);
  return module.exports;
}

/** The app's entry (src/main.ts), compiled from the code cache when there is a usable one. */
export function loadApp(): App {
  const folder = cacheFolder(process.env, { platform: process.platform, home: home() });
  return load(path.join(__dirname, "app.cjs"), folder) as App;
}
