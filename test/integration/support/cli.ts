// Runs the built create-clerk-route CLI the way CI would: no TTY, stdin closed, CI=true.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { IT_ROOT, pruneStale, REPO_ROOT, run, type RunResult } from "./cache.js";
import type { Fixture } from "./fixtures.js";
import { STYLES as STYLE_DECLARATIONS } from "../../../src/styles/index.js";

const REPO_BIN = path.join(REPO_ROOT, "bin", "create-clerk-route.js");
const REPO_BUNDLE = path.join(REPO_ROOT, "dist", "cli.js");

/** A style's name, as --style takes it. */
export type Style = string;
/** Every style in the registry (src/styles/index.ts), in its order. */
export const STYLES: readonly Style[] = STYLE_DECLARATIONS.map((style) => style.name);

/** Test keys in Clerk's format; the publishable key encodes a made-up Frontend API host. */
export const KEYS = {
  publishableKey: `pk_test_${Buffer.from("quiet-otter-42.clerk.accounts.dev$").toString("base64").replace(/=+$/, "")}`,
  secretKey: "sk_test_integrationSuiteSecretKey0000000000",
} as const;

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|npm_|CLERK_|NEXT_PUBLIC_CLERK_)/.test(key) || key === "NODE_ENV") continue;
    env[key] = value;
  }
  return { ...env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };
}

/** Runs a given copy of bin/create-clerk-route.js. */
function runBin(bin: string, args: string[], options: { cwd?: string; timeoutMs?: number }): Promise<RunResult> {
  return run(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cliEnv(),
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** Relative imports in the bundle whose files are not there (a copy taken while esbuild ran). */
async function missingChunks(distDir: string): Promise<string[]> {
  const missing: string[] = [];
  const files = (await readdir(distDir, { recursive: true })).filter((file) => /\.c?js$/.test(file));
  for (const file of files) {
    const code = await readFile(path.join(distDir, file), "utf8");
    for (const match of code.matchAll(/["'](\.\.?\/[^"']+\.c?js)["']/g)) {
      const target = path.resolve(path.dirname(path.join(distDir, file)), match[1] ?? "");
      if (!existsSync(target)) missing.push(path.relative(distDir, target));
    }
  }
  return missing;
}

let snapshotBin: Promise<string> | undefined;

/** bin/, dist/ and package.json as they are right now: relative path → bytes. */
async function readBuild(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  files.set("package.json", await readFile(path.join(REPO_ROOT, "package.json")));
  for (const folder of ["bin", "dist"]) {
    const entries = await readdir(path.join(REPO_ROOT, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(REPO_ROOT, full), await readFile(full));
    }
  }
  return files;
}

/**
 * A private copy of the built CLI (bin/, dist/, package.json), named by a hash of its content
 * and shared by every test file that sees the same build. The bundle inlines its dependencies,
 * so the copy runs anywhere, and a rebuild of dist/ by someone else half-way through the suite
 * cannot pull the CLI from under it.
 */
async function takeSnapshot(): Promise<string> {
  await pruneStale(path.join(IT_ROOT, "cli"));
  const deadline = Date.now() + 60_000;
  let lastProblem = "";
  while (Date.now() < deadline) {
    try {
      if (!existsSync(REPO_BIN) || !existsSync(REPO_BUNDLE)) throw new Error(`${REPO_BUNDLE} is missing`);
      const files = await readBuild();
      const hash = createHash("sha256");
      for (const [file, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
        hash.update(file).update("\0").update(content);
      }
      const dir = path.join(IT_ROOT, "cli", hash.digest("hex").slice(0, 16));
      const bin = path.join(dir, "bin", "create-clerk-route.js");
      if (!existsSync(path.join(dir, ".ready"))) {
        // Written from the bytes just hashed, so the copy is exactly that build.
        const temp = `${dir}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
        for (const [file, content] of files) {
          await mkdir(path.dirname(path.join(temp, file)), { recursive: true });
          await writeFile(path.join(temp, file), content);
        }
        const missing = await missingChunks(path.join(temp, "dist"));
        if (missing.length > 0) {
          await rm(temp, { recursive: true, force: true });
          throw new Error(`copied mid-build, missing ${missing.join(", ")}`);
        }
        const help = await runBin(path.join(temp, "bin", "create-clerk-route.js"), ["--help"], {});
        if (help.code !== 0) {
          await rm(temp, { recursive: true, force: true });
          throw new Error(`--help exited ${help.code}: ${help.stderr}`);
        }
        await writeFile(path.join(temp, ".ready"), "");
        try {
          await rename(temp, dir);
        } catch {
          // Another test file made the same copy first.
          await rm(temp, { recursive: true, force: true });
        }
      }
      const now = new Date();
      await utimes(dir, now, now); // in use: not stale
      return bin;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    // Maybe a build is running right now: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new Error(`The CLI is not usable (${lastProblem}): run \`npm run build\` first.`);
}

/** The CLI as built when the test file started (see takeSnapshot). */
export function cliBin(): Promise<string> {
  snapshotBin ??= takeSnapshot();
  return snapshotBin;
}

export async function runCli(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return runBin(await cliBin(), args, options);
}

export interface RouteRequest {
  /** URL path as a user types it, e.g. "/api/projects/[id]". */
  route: string;
  style: Style;
  methods?: string[];
  /** Any further flags, e.g. ["--fields", "id,email"]. */
  flags?: string[];
}

/** What `--json` prints. */
export interface CliReport {
  ok: boolean;
  dryRun?: boolean;
  changes: { path: string; action: string }[];
  warnings: string[];
  nextSteps: string[];
}

export interface AddedRoute {
  /** The route file, relative to the project root. */
  file: string;
  /** Every file the run created or changed on disk, relative to the project root. */
  touched: string[];
  /** The CLI's own account of the run (--json). */
  report: CliReport;
  result: RunResult;
}

/** The flags every run gets: non-interactive, keys given, nothing installed, JSON out. */
export function baseFlags(fixture: Fixture): string[] {
  return [
    "--cwd",
    fixture.dir,
    "--yes",
    "--json",
    "--no-install",
    "--publishable-key",
    KEYS.publishableKey,
    "--secret-key",
    KEYS.secretKey,
  ];
}

async function snapshot(fixture: Fixture): Promise<Map<string, string>> {
  const files = await fixture.listFiles();
  const contents = new Map<string, string>();
  for (const file of files) contents.set(file, await fixture.read(file));
  return contents;
}

/** Adds one route to the fixture with the built CLI and reports which files changed. */
export async function addRoute(fixture: Fixture, request: RouteRequest): Promise<AddedRoute> {
  const before = await snapshot(fixture);
  const args = [request.route, "--style", request.style, ...baseFlags(fixture)];
  if (request.methods) args.push("--methods", request.methods.join(","));
  args.push(...(request.flags ?? []));
  const result = await runCli(args);
  if (result.code !== 0) {
    throw new Error(`create-clerk-route ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  let report: CliReport;
  try {
    report = JSON.parse(result.stdout) as CliReport;
  } catch {
    throw new Error(`--json printed something that is not one JSON object:\n${result.stdout}`);
  }
  const after = await snapshot(fixture);
  const touched = [...after.keys()].filter((file) => before.get(file) !== after.get(file));
  const routeFiles = touched.filter((file) => /(^|\/)route\.(ts|js)$/.test(file));
  if (routeFiles.length !== 1 || routeFiles[0] === undefined) {
    const found = routeFiles.join(", ") || "none";
    throw new Error(`expected exactly one new route file for ${request.route}, got: ${found}`);
  }
  return { file: routeFiles[0], touched, report, result };
}

/** The URL path a route file answers on, with dynamic segments filled from `params`. */
export function urlPathOf(fixture: Fixture, file: string, params: Record<string, string> = {}): string {
  const relative = file.slice(fixture.appDir.length + 1).replace(/\/route\.(ts|js)$/, "");
  const segments = relative
    .split("/")
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => {
      const dynamic = /^\[(.+)\]$/.exec(segment);
      if (!dynamic || dynamic[1] === undefined) return segment;
      const value = params[dynamic[1]];
      if (value === undefined) throw new Error(`no value for [${dynamic[1]}] in ${file}`);
      return encodeURIComponent(value);
    });
  return `/${segments.join("/")}`;
}
