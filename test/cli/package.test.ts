import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, read, repoRoot } from "../support/project.js";

// What npm users get: the packed tarball (from the dist/ that `npm test` builds first), installed
// into an empty project and run from there. The package has no dependencies, so the install needs
// no network.

const TIMEOUT = 120_000;

// `npm test` runs vitest under npm, which exports npm_* variables (npm_config_*, npm_package_*, …);
// the nested npm and npx get a plain environment, so they read only their own configuration.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function sh(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: TIMEOUT,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

interface PackInfo {
  filename: string;
  files: { path: string }[];
}

describe("the packed package", () => {
  const temps: string[] = [];
  let consumer: string;
  let pack: PackInfo;

  beforeAll(() => {
    const work = mkdtempSync(path.join(os.tmpdir(), "ccr-package-"));
    temps.push(work);
    const packDir = path.join(work, "pack");
    consumer = path.join(work, "consumer");
    mkdirSync(packDir);
    mkdirSync(consumer);

    const packed = sh("npm", ["pack", "--json", "--pack-destination", packDir], repoRoot);
    expect(packed.status, packed.output).toBe(0);
    [pack] = JSON.parse(packed.stdout) as [PackInfo];

    // Its own package.json keeps npm from looking for a project further up the tree.
    writeFileSync(path.join(consumer, "package.json"), '{ "name": "ccr-consumer", "private": true }\n');
    const installed = sh(
      "npm",
      ["install", path.join(packDir, pack.filename), "--no-audit", "--no-fund", "--prefer-offline"],
      consumer,
    );
    expect(installed.status, installed.output).toBe(0);
  }, TIMEOUT);

  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it("holds the bin and dist/, and no test/, src/ or scripts/ files", () => {
    const files = pack.files.map((file) => file.path);
    expect(files).toContain("bin/create-clerk-route.js");
    expect(files).toContain("bin/package.json");
    for (const file of ["cli.js", "boot.cjs", "loader.cjs", "app.cjs", "babel-parser.cjs"])
      expect(files).toContain(`dist/${file}`);
    expect(files.filter((file) => /^(test|src|scripts)\//.test(file))).toEqual([]);
    const installedRoot = path.join(consumer, "node_modules/create-clerk-route");
    for (const folder of ["test", "src", "scripts", "templates", "node_modules"]) {
      expect(existsSync(path.join(installedRoot, folder)), folder).toBe(false);
    }
  });

  it("installs with no runtime dependencies", () => {
    const manifest = JSON.parse(read(consumer, "node_modules/create-clerk-route/package.json")) as Record<
      string,
      unknown
    >;
    expect(Object.keys((manifest.dependencies as object | undefined) ?? {})).toEqual([]);
    expect(Object.keys((manifest.optionalDependencies as object | undefined) ?? {})).toEqual([]);
    expect(Object.keys((manifest.peerDependencies as object | undefined) ?? {})).toEqual([]);
    const lock = JSON.parse(readFileSync(path.join(consumer, "package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    expect(Object.keys(lock.packages).filter((key) => key !== "")).toEqual(["node_modules/create-clerk-route"]);
  });

  it(
    "npx --no-install create-clerk-route --help runs from the install",
    () => {
      const result = sh("npx", ["--no-install", "create-clerk-route", "--help"], consumer);
      expect(result.status, result.output).toBe(0);
      expect(result.stdout).toContain("--style");
    },
    TIMEOUT,
  );

  it(
    "the installed bin generates the route, proxy.ts and the env keys",
    () => {
      const project = copyFixture("app-ts");
      temps.push(project);
      const installedBin = path.join(consumer, "node_modules/.bin/create-clerk-route");
      const args = ["/api/projects/[id]", "--style", "userId", "--methods", "GET,PATCH", "--yes", "--cwd", project];
      const result = sh(installedBin, args, consumer, { CI: "true" });
      expect(result.status, result.output).toBe(0);
      expect(read(project, "app/api/projects/[id]/route.ts")).toContain("@clerk/nextjs/server");
      expect(read(project, "proxy.ts")).toContain("export default clerkMiddleware();");
      const dotenv = read(project, ".env.local");
      expect(dotenv).toMatch(/^NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=/m);
      expect(dotenv).toMatch(/^CLERK_SECRET_KEY=/m);
    },
    TIMEOUT,
  );
});
