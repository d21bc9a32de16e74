// Copies a create-next-app template into a throw-away project folder, the way a user's project
// would look, with node_modules hard-linked from the shared cache.
import { randomBytes } from "node:crypto";
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { depSet, ensureDependencies, ensureTemplates, IT_ROOT, pruneStale, run, type NextLine } from "./cache.js";

export type TemplateName = "app" | "app-api" | "app-empty";
export type Language = "ts" | "js";

export interface FixtureSpec {
  /** Used in the folder name and in messages. */
  name: string;
  line: NextLine;
  template: TemplateName;
  language: Language;
  /** Move app/ to src/app/ and point the @/* alias at ./src/*. */
  srcDir?: boolean;
  /** Extra files written after the template is copied, relative to the project root. */
  files?: Record<string, string>;
  /** An @clerk/nextjs release other than the repository's (see ensureDependencies). */
  clerk?: string;
}

export interface Fixture {
  spec: FixtureSpec;
  dir: string;
  /** "app" or "src/app". */
  appDir: string;
  read(relative: string): Promise<string>;
  write(relative: string, content: string): Promise<void>;
  /** Every file below the project, relative, posix slashes; node_modules and .next left out. */
  listFiles(): Promise<string[]>;
  remove(): Promise<void>;
}

async function walk(root: string, relative = ""): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name === "node_modules" || entry.name === ".next") continue;
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await walk(root, child)));
    else files.push(child);
  }
  return files.sort();
}

/** Set CCR_IT_KEEP=1 to leave fixture folders behind for a look after a failure. */
const keep = process.env.CCR_IT_KEEP === "1";

let pruned = false;

export async function createFixture(spec: FixtureSpec): Promise<Fixture> {
  if (!pruned && !keep) {
    pruned = true;
    await pruneStale(path.join(IT_ROOT, "work"));
  }
  const [templates, depsDir] = await Promise.all([
    ensureTemplates(spec.line),
    ensureDependencies(spec.line, spec.clerk),
  ]);
  const source = path.join(templates, spec.template, spec.language);
  const dir = path.join(IT_ROOT, "work", `${spec.name}-${randomBytes(4).toString("hex")}`);
  await mkdir(path.dirname(dir), { recursive: true });
  await cp(source, dir, { recursive: true });

  // create-next-app renames these when it copies a template.
  await rename(path.join(dir, "gitignore"), path.join(dir, ".gitignore"));
  await rename(path.join(dir, "README-template.md"), path.join(dir, "README.md"));

  const set = depSet(spec.line);
  const pkg = {
    name: spec.name,
    version: "0.1.0",
    private: true,
    scripts: { dev: "next dev", build: "next build", start: "next start" },
    dependencies: spec.clerk === undefined ? set.dependencies : { ...set.dependencies, "@clerk/nextjs": spec.clerk },
    devDependencies: spec.language === "ts" ? set.devDependencies : {},
  };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);

  let appDir = "app";
  if (spec.srcDir) {
    await mkdir(path.join(dir, "src"));
    await rename(path.join(dir, "app"), path.join(dir, "src", "app"));
    appDir = "src/app";
    const configName = spec.language === "ts" ? "tsconfig.json" : "jsconfig.json";
    const configPath = path.join(dir, configName);
    const config = JSON.parse(await readFile(configPath, "utf8")) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    config.compilerOptions.paths["@/*"] = ["./src/*"];
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  }

  for (const [relative, content] of Object.entries(spec.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    await writeFile(path.join(dir, relative), content);
  }

  // Hard links, not a symlink: Turbopack refuses a node_modules that resolves outside the project.
  const linked = await run("cp", ["-al", path.join(depsDir, "node_modules"), path.join(dir, "node_modules")], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  if (linked.code !== 0) throw new Error(`cp -al node_modules failed:\n${linked.stderr}`);

  return {
    spec,
    dir,
    appDir,
    read: (relative) => readFile(path.join(dir, relative), "utf8"),
    write: async (relative, content) => {
      await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
      await writeFile(path.join(dir, relative), content);
    },
    listFiles: () => walk(dir),
    remove: async () => {
      if (!keep) await rm(dir, { recursive: true, force: true });
    },
  };
}
