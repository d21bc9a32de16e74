// Installs the packages the fixture projects need, once, into a cache folder outside the
// repository, and reuses it on later runs while the versions stay the same.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (…/test/integration/support → …). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Everything the integration suite writes lives below this folder. */
export const IT_ROOT = process.env.CCR_IT_CACHE ?? path.join(os.tmpdir(), "create-clerk-route-it");

export type NextLine = "next16" | "next15";

/** Exact versions, so the cache key is stable and runs are repeatable. */
export interface DepSet {
  line: NextLine;
  /** create-next-app release whose templates the fixtures are copied from. */
  createNextApp: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function installedVersion(name: string): string {
  const file = path.join(REPO_ROOT, "node_modules", name, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Next 16: the versions the repository itself has installed (so the suite follows the lockfile).
 * Next 15: the newest 15.x that @clerk/nextjs@7 accepts (peer range ^15.2.8 … ^15.5.9), with the
 * create-next-app@15 templates a Next 15 project would really have been made from.
 */
export function depSet(line: NextLine): DepSet {
  const shared = {
    react: installedVersion("react"),
    "react-dom": installedVersion("react-dom"),
    "@clerk/nextjs": installedVersion("@clerk/nextjs"),
  };
  const dev = {
    typescript: installedVersion("typescript"),
    "@types/node": installedVersion("@types/node"),
    "@types/react": installedVersion("@types/react"),
    "@types/react-dom": installedVersion("@types/react-dom"),
  };
  if (line === "next16") {
    return {
      line,
      createNextApp: "16.4.3",
      dependencies: { next: installedVersion("next"), ...shared },
      devDependencies: dev,
    };
  }
  return {
    line,
    createNextApp: "15.5.28",
    dependencies: { next: "15.5.29", ...shared },
    devDependencies: dev,
  };
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

/** npm run sets npm_* variables for its child; a nested npm must not inherit the outer one's state. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("npm_") && !/^npm_config_(registry|cache|userconfig)$/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, CI: "true", npm_config_update_notifier: "false" };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a hard time limit; the whole process group is killed on timeout. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      reject(new Error(`${command} ${args.join(" ")} timed out after ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Builds `target` by calling `fill(tempDir)` and renaming the result into place, so concurrent
 * runs never see a half-made folder. A folder that is already there is reused as it is.
 */
async function atomicFolder(target: string, fill: (dir: string) => Promise<void>): Promise<string> {
  const marker = path.join(target, ".ready");
  if (existsSync(marker)) return target;
  await mkdir(path.dirname(target), { recursive: true });
  await pruneStale(path.dirname(target), (name) => name.includes(".partial-"));
  const temp = `${target}.partial-${process.pid}-${Date.now()}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    await fill(temp);
    await writeFile(path.join(temp, ".ready"), new Date().toISOString());
    if (existsSync(target) && !existsSync(marker)) {
      // Left over from a run that was killed half-way.
      await rm(target, { recursive: true, force: true });
    }
    try {
      await rename(temp, target);
    } catch (error) {
      // Another run finished first: use its folder.
      if (!existsSync(marker)) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return target;
}

/** Work folders older than this were left by a run that was killed; they go. */
const STALE_MS = 6 * 60 * 60 * 1000;

/** Removes the entries of `folder` (fixture copies, CLI copies) not touched for STALE_MS. */
export async function pruneStale(folder: string, which: (name: string) => boolean = () => true): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return;
  }
  for (const entry of entries.filter(which)) {
    const full = path.join(folder, entry);
    try {
      if (Date.now() - (await stat(full)).mtimeMs > STALE_MS) await rm(full, { recursive: true, force: true });
    } catch {
      // gone already, or another run is removing it
    }
  }
}

/**
 * The @clerk/* packages an older @clerk/nextjs release depends on, at the lowest version its ^
 * ranges allow (what a lockfile made when it came out holds): npm `overrides` for them.
 */
async function clerkFloors(version: string, dir: string): Promise<Record<string, string>> {
  const viewed = await run("npm", ["view", `@clerk/nextjs@${version}`, "dependencies", "--json"], {
    cwd: dir,
    env: npmEnv(),
    timeoutMs: 2 * 60_000,
  });
  if (viewed.code !== 0) throw new Error(`npm view @clerk/nextjs@${version} failed:\n${viewed.stderr}`);
  const dependencies = JSON.parse(viewed.stdout) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(dependencies)
      .filter(([name]) => name.startsWith("@clerk/"))
      .map(([name, range]) => [name, range.replace(/^[\^~]/, "")]),
  );
}

/**
 * node_modules for one Next.js line, installed once: returns the folder that holds node_modules.
 * `clerk`: that @clerk/nextjs release instead of the repository's, with its @clerk/* dependencies
 * at their floors (an older release's peer range may not name this Next.js: peers are not checked).
 */
export async function ensureDependencies(line: NextLine, clerk?: string): Promise<string> {
  const base = depSet(line);
  const set = clerk === undefined ? base : { ...base, dependencies: { ...base.dependencies, "@clerk/nextjs": clerk } };
  const key = hashOf({
    dependencies: set.dependencies,
    devDependencies: set.devDependencies,
    platform: process.platform,
    arch: process.arch,
  });
  const target = path.join(IT_ROOT, "deps", `${line}${clerk === undefined ? "" : `-clerk-${clerk}`}-${key}`);
  return atomicFolder(target, async (dir) => {
    const pkg = {
      name: `ccr-it-${line}`,
      private: true,
      dependencies: set.dependencies,
      devDependencies: set.devDependencies,
      ...(clerk === undefined ? {} : { overrides: await clerkFloors(clerk, dir) }),
    };
    await writeFile(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
    const peers = clerk === undefined ? [] : ["--legacy-peer-deps"];
    const result = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...peers], {
      cwd: dir,
      env: npmEnv(),
      timeoutMs: 8 * 60_000,
    });
    if (result.code !== 0) {
      throw new Error(`npm install for ${line} failed (${result.code}):\n${result.stderr}`);
    }
  });
}

/** The create-next-app templates folder (…/dist/templates) for one Next.js line. */
export async function ensureTemplates(line: NextLine): Promise<string> {
  const version = depSet(line).createNextApp;
  const target = path.join(IT_ROOT, "templates", `create-next-app-${version}`);
  await atomicFolder(target, async (dir) => {
    const packed = await run(
      "npm",
      ["pack", `create-next-app@${version}`, "--pack-destination", dir, "--loglevel=error"],
      { cwd: dir, env: npmEnv(), timeoutMs: 3 * 60_000 },
    );
    if (packed.code !== 0) {
      throw new Error(`npm pack create-next-app@${version} failed:\n${packed.stderr}`);
    }
    const tarball = (await readdir(dir)).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
    const untar = await run("tar", ["-xzf", tarball], { cwd: dir, timeoutMs: 60_000 });
    if (untar.code !== 0) throw new Error(`tar failed:\n${untar.stderr}`);
    await rm(path.join(dir, tarball));
  });
  return path.join(target, "package", "dist", "templates");
}
