import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CliError } from "../core/errors.js";
import { readManifestText, readText } from "../core/files.js";
import { ENV_FILES, middlewareCandidatePaths } from "../next/conventions.js";
import type { ExistingFile, Language, PackageManager } from "../core/types.js";
import type { AppRoute } from "../next/route-path.js";
import { readAppRoutes } from "./app-routes.js";
import { detectPackageManagerAndWorkspace, type Workspace } from "./workspace.js";

// Looks at the project once and returns plain data. Reads only; never writes.

/** What detection found. Plain data: every later step takes it as input. */
export interface Project {
  /** Absolute path of the project root. */
  root: string;
  /** "app" or "src/app"; "" when only the Pages Router is there (the audit reads such projects). */
  appDir: string;
  /** "pages" or "src/pages", when there is one (the audit reads its api/ routes). */
  pagesDir?: string;
  /** true when the App Router lives in src/app. */
  srcDir: boolean;
  language: Language;
  nextMajor: number;
  clerk: { installed: boolean; declared: boolean; version?: string };
  packageManager: PackageManager;
  /** package.json "name": workspace filters (pnpm --filter, yarn workspace) use it. */
  packageName?: string;
  /** Set when the project is one of a monorepo's workspaces (see project/workspace.ts). */
  workspace?: Workspace;
  /**
   * The route files and pages already in the app folder, as Next.js routes them: where the new
   * route goes, which of them a new public rule would also reach, and what the audit reads.
   */
  appRoutes: AppRoute[];
  /** Middleware/proxy files found anywhere Next looks or users misplace them. */
  middlewareFiles: ExistingFile[];
  /** Env files found in the root (.env.local, .env, ...), with contents. */
  envFiles: ExistingFile[];
  /** Whether prettier is installed in the project (node_modules/prettier). */
  hasPrettier: boolean;
  /**
   * Env and middleware files that exist but cannot be read (a FIFO, a folder, over 1 MB): the
   * error is raised only by the step that needs them, so --no-env / --no-middleware still run.
   */
  unreadable: { env: CliError[]; middleware: CliError[] };
  /** package.json fields with the wrong type, ignored (reported as warnings). */
  ignoredFields: IgnoredField[];
  /** Folders above the project that hold a package manager's files but that others control: ignored (warnings). */
  untrustedParents?: string[];
}

/** A package.json field of the wrong type (`"packageManager": 5`): ignored rather than trusted. */
export interface IgnoredField {
  field: string;
  expected: string;
}

/** The newest Next.js major this tool knows; `latest`/`canary` ranges count as this. */
export const NEWEST_NEXT_MAJOR = 16;

/** package.json as parsed: any field may hold any JSON value. */
interface PackageJson {
  name?: unknown;
  dependencies?: unknown;
  devDependencies?: unknown;
  packageManager?: unknown;
}

function ignore(ignored: IgnoredField[], field: string, expected: string): void {
  if (!ignored.some((item) => item.field === field)) ignored.push({ field, expected });
}

function readPackageJson(root: string): PackageJson {
  const file = path.join(root, "package.json");
  if (!existsSync(file)) {
    throw new CliError("NOT_NEXT_PROJECT", `No Next.js project found in ${root}: there is no package.json.`, {
      hint: "Run the command inside your Next.js project, or point to it with --cwd <dir>.",
    });
  }
  const text = readText(file, "package.json") ?? ""; // a FIFO or folder is NOT_A_FILE, never a hang
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as PackageJson;
  } catch (error) {
    throw new CliError("INVALID_PACKAGE_JSON", `${file} is not valid JSON (${(error as Error).message}).`, {
      hint: "Fix package.json (for example with `npm pkg get name` to see what npm reports), then run again.",
    });
  }
}

function declaredVersion(pkg: PackageJson, name: string, ignored: IgnoredField[]): string | undefined {
  for (const field of ["dependencies", "devDependencies"] as const) {
    const deps = pkg[field];
    if (deps === undefined) continue;
    if (typeof deps !== "object" || deps === null || Array.isArray(deps)) {
      ignore(ignored, field, "an object");
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(deps, name)) continue;
    const version: unknown = (deps as Record<string, unknown>)[name];
    if (typeof version === "string") return version;
    ignore(ignored, `${field}.${name}`, "a version string");
  }
  return undefined;
}

/**
 * The version of a package as Node would find it from the project: node_modules/<name> in the
 * project or any folder above it (monorepos). Read directly, because packages such as
 * @clerk/nextjs do not export ./package.json, so require.resolve() of it throws.
 */
function installedVersion(root: string, name: string): string | undefined {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      // Through the safe reader: a FIFO planted here (in any folder above the project) never hangs the run.
      const text = readManifestText(manifest);
      if (text === undefined) return undefined;
      try {
        const version: unknown = (JSON.parse(text) as { version?: unknown } | null)?.version;
        return typeof version === "string" ? version : "0.0.0";
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The highest major version a semver range allows (the newest Next it may resolve to). */
export function majorFromRange(range: string): number {
  return Math.max(...range.split("||").map(highestMajor));
}

function highestMajor(part: string): number {
  const text = part.trim();
  if (text === "" || /^(latest|canary|next|rc|beta|\*|x)$/i.test(text)) return NEWEST_NEXT_MAJOR;
  const hyphen = /^\S+\s+-\s+v?(\d+)/.exec(text); // "15 - 16"
  if (hyphen) return Number(hyphen[1]);
  const upper = /<(=?)\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (upper) {
    // "<16" and "<16.0.0" stop at 15; "<=16" and "<16.2" reach 16.
    const [, inclusive, major, minor = "0", patch = "0"] = upper;
    return Number(major) - (!inclusive && minor === "0" && patch === "0" ? 1 : 0);
  }
  if (/>/.test(text)) return NEWEST_NEXT_MAJOR; // ">=14": no upper bound
  return Number(/\d+/.exec(text)?.[0] ?? NEWEST_NEXT_MAJOR);
}

/**
 * The package manager, found from the project's folder upwards (a monorepo's root holds the
 * lockfile and the `packageManager` field), and the workspace when the project is one of its
 * packages. See project/workspace.ts.
 */
export function detectPackageManager(
  root: string,
): Promise<{ packageManager: PackageManager; workspace?: Workspace; untrusted: string[] }> {
  return detectPackageManagerAndWorkspace(root);
}

function readExisting(root: string, relativePaths: readonly string[], unreadable: CliError[]): ExistingFile[] {
  return relativePaths.flatMap((relativePath) => {
    try {
      const content = readText(path.join(root, relativePath), relativePath); // a FIFO is never opened to read
      return content === null ? [] : [{ path: relativePath, content }];
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      unreadable.push(error);
      return [];
    }
  });
}

function isDirectory(file: string): boolean {
  return existsSync(file) && statSync(file).isDirectory();
}

export interface DetectOptions {
  /**
   * Detecting to work on the routes a project already has (audit, migrate), not to generate a new
   * one: any Next.js 13 or newer (Route Handlers arrived in 13.2), and a project with only the
   * Pages Router (its API routes are audited, and listed by migrate).
   */
  existingRoutes?: boolean;
}

export async function detectProject(cwd: string, options: DetectOptions = {}): Promise<Project> {
  const root = path.resolve(cwd);
  if (!existsSync(root)) {
    throw new CliError("CWD_NOT_FOUND", `The folder ${root} does not exist.`, {
      hint: "Check the path given to --cwd.",
    });
  }
  if (!statSync(root).isDirectory()) {
    throw new CliError("CWD_NOT_DIRECTORY", `${root} is a file, not a folder.`, {
      hint: "Point --cwd at the folder that holds package.json.",
    });
  }
  const pkg = readPackageJson(root);
  const ignoredFields: IgnoredField[] = [];
  const nextRange = declaredVersion(pkg, "next", ignoredFields);
  if (nextRange === undefined) {
    throw new CliError("NOT_NEXT_PROJECT", `No Next.js project found in ${root}: package.json does not list "next".`, {
      hint: "Run the command inside your Next.js project, or point to it with --cwd <dir>.",
    });
  }

  // Next.js uses app/ when it exists and only then looks at src/app (find-pages-dir).
  const rootApp = isDirectory(path.join(root, "app"));
  const srcDir = !rootApp && isDirectory(path.join(root, "src/app"));
  const pagesDir = isDirectory(path.join(root, "pages"))
    ? "pages"
    : isDirectory(path.join(root, "src/pages"))
      ? "src/pages"
      : undefined;
  if (!srcDir && !rootApp && !(options.existingRoutes && pagesDir)) {
    const pagesOnly = isDirectory(path.join(root, "pages")) || isDirectory(path.join(root, "src/pages"));
    throw new CliError(
      "NO_APP_ROUTER",
      pagesOnly
        ? `${root} uses the Pages Router only: Route Handlers need the App Router (an app/ folder).`
        : `No app/ or src/app/ folder in ${root}: Route Handlers need the App Router.`,
      {
        hint: "Create an app/ folder (or src/app/) next to pages/, then run again: both routers can live side by side.",
      },
    );
  }

  const nextInstalled = installedVersion(root, "next");
  const nextMajor = majorFromRange(nextInstalled ?? nextRange);
  if (options.existingRoutes && nextMajor < 13) {
    throw new CliError(
      "UNSUPPORTED_NEXT",
      `This project uses Next.js ${nextInstalled ?? nextRange}; the audit reads Next.js 13 and newer (Route Handlers arrived in 13.2).`,
      {
        hint: "Upgrade first: npx @next/codemod@latest upgrade latest — then run the audit again.",
      },
    );
  }
  if (nextMajor < 15 && !options.existingRoutes) {
    throw new CliError(
      "UNSUPPORTED_NEXT",
      `This project uses Next.js ${nextInstalled ?? nextRange}; @clerk/nextjs 7 and the generated handlers (async params) need Next.js 15 or newer.`,
      {
        hint: nextInstalled
          ? "Upgrade first: npx @next/codemod@latest upgrade latest — then run this again."
          : "Next.js is not installed yet: install the project's dependencies, or upgrade with npx @next/codemod@latest upgrade latest.",
      },
    );
  }
  const clerkInstalled = installedVersion(root, "@clerk/nextjs");
  const clerkDeclared = declaredVersion(pkg, "@clerk/nextjs", ignoredFields);
  const unreadable: Project["unreadable"] = { env: [], middleware: [] };
  const middlewarePaths = middlewareCandidatePaths();

  if (pkg.packageManager !== undefined && typeof pkg.packageManager !== "string")
    ignore(ignoredFields, "packageManager", "a string such as pnpm@9.0.0");
  const { packageManager, workspace, untrusted } = await detectPackageManager(root);
  const appDir = srcDir ? "src/app" : rootApp ? "app" : "";
  return {
    root,
    appDir,
    ...(pagesDir ? { pagesDir } : {}),
    srcDir: srcDir || (!rootApp && pagesDir === "src/pages"),
    language: existsSync(path.join(root, "tsconfig.json")) ? "ts" : "js",
    nextMajor,
    clerk: {
      installed: clerkInstalled !== undefined,
      declared: clerkDeclared !== undefined,
      version: clerkInstalled ?? clerkDeclared,
    },
    packageManager,
    ...(typeof pkg.name === "string" && pkg.name !== "" ? { packageName: pkg.name } : {}),
    ...(workspace ? { workspace } : {}),
    appRoutes: appDir ? readAppRoutes(root, appDir) : [],
    ...(untrusted.length > 0 ? { untrustedParents: untrusted } : {}),
    middlewareFiles: readExisting(root, middlewarePaths, unreadable.middleware),
    envFiles: readExisting(root, ENV_FILES, unreadable.env),
    unreadable,
    hasPrettier: installedVersion(root, "prettier") !== undefined,
    ignoredFields,
  };
}
