import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { RawFlags } from "../../src/core/raw-flags.js";
import {
  compileWorkspacePatterns,
  isWorkspaceFolder,
  mayContainWorkspaces,
  parsePnpmWorkspacePackages,
} from "../../src/project/workspace-glob.js";
import { clerkInstall, installCommandText } from "../../src/project/install-command.js";
import { detectProject } from "../../src/project/detect.js";
import { findPackageManagerRoot, workspaceRootApps } from "../../src/project/workspace.js";
import { run } from "../../src/commands/add.js";
import { copyFixture, copyWorkspace, read, treeHash } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// Monorepos: one fixture workspace per package manager (test/fixtures/workspaces/<pm>: package.json
// files, a tiny lockfile, the workspace declaration; nothing installed).

const flags = (extra: Partial<RawFlags> = {}): RawFlags => ({ route: "/api/me", style: "userId", ...extra });

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function declareClerk(appDir: string): void {
  const file = path.join(appDir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies: Record<string, string> };
  pkg.dependencies["@clerk/nextjs"] = "^7.0.0";
  writeJson(file, pkg);
}

describe("workspace globs", () => {
  const patterns = compileWorkspacePatterns(["apps/*", "./packages/**", "!**/test/**", "tools/{cli,web}/", "docs"]);

  it.each([
    ["apps/web", true],
    ["apps", false],
    ["apps/web/nested", false],
    ["apps/.hidden", false],
    ["packages/ui", true],
    ["packages/config/eslint", true],
    ["packages/config/test/fixture", false],
    ["packages/test", false],
    ["tools/cli", true],
    ["tools/web", true],
    ["tools/other", false],
    ["docs", true],
    ["docs/site", false],
    ["other/web", false],
  ])("%s is a workspace: %s", (dir, expected) => {
    expect(isWorkspaceFolder(patterns, dir)).toBe(expected);
  });

  it("prunes folders no pattern can reach", () => {
    const compiled = compileWorkspacePatterns(["apps/*", "packages/**"]);
    expect(mayContainWorkspaces(compiled, "apps")).toBe(true);
    expect(mayContainWorkspaces(compiled, "apps/web")).toBe(false);
    expect(mayContainWorkspaces(compiled, "packages/a/b")).toBe(true);
    expect(mayContainWorkspaces(compiled, "docs")).toBe(false);
  });

  it("treats regex characters in a pattern literally and ignores patterns leaving the root", () => {
    const compiled = compileWorkspacePatterns(["apps/(web)+", "../outside/*", "{unclosed"]);
    expect(isWorkspaceFolder(compiled, "apps/(web)+")).toBe(true);
    expect(isWorkspaceFolder(compiled, "apps/webweb")).toBe(false);
    expect(isWorkspaceFolder(compiled, "{unclosed")).toBe(true);
    expect(compiled.include).toHaveLength(2);
  });

  it("reads pnpm-workspace.yaml's packages list: block or flow, quoted or plain, with comments", () => {
    const block = `# comment\npackages:\n  # apps\n  - "apps/*"\n  - 'packages/**' # libs\n  - tools/*\n\n  - "!**/test/**"\ncatalog:\n  react: ^19\n  - not/this\n`;
    expect(parsePnpmWorkspacePackages(block)).toEqual(["apps/*", "packages/**", "tools/*", "!**/test/**"]);
    expect(parsePnpmWorkspacePackages(`packages: ["apps/*", 'packages/*']\n`)).toEqual(["apps/*", "packages/*"]);
    expect(parsePnpmWorkspacePackages("onlyBuiltDependencies:\n  - esbuild\n")).toEqual([]);
    expect(parsePnpmWorkspacePackages("\uFEFFpackages:\r\n  - apps/*\r\n")).toEqual(["apps/*"]);
  });
});

const WORKSPACES = [
  { pm: "npm", name: "web", args: ["install", "@clerk/nextjs", "-w", "apps/web"], inApp: false },
  { pm: "pnpm", name: "@acme/web", args: ["--filter", "@acme/web", "add", "@clerk/nextjs"], inApp: false },
  { pm: "yarn", name: "@acme/web", args: ["workspace", "@acme/web", "add", "@clerk/nextjs"], inApp: false },
  { pm: "bun", name: "web", args: ["add", "@clerk/nextjs"], inApp: true },
] as const;

describe.each(WORKSPACES)("a $pm workspace", ({ pm, name, args, inApp }) => {
  it("an app: the workspace's package manager, its root and the app's package name", async () => {
    const root = copyWorkspace(pm);
    const project = await detectProject(path.join(root, "apps/web"));
    expect(project).toMatchObject({
      packageManager: pm,
      packageName: name,
      workspace: { root, dir: "apps/web" },
      appDir: "app",
    });
  });

  it(`adds @clerk/nextjs with ${installCommandText({ packageManager: pm, args: [...args] })}${inApp ? " in the app's folder" : " from the root"}`, async () => {
    const root = copyWorkspace(pm);
    const app = path.join(root, "apps/web");
    const command = clerkInstall(await detectProject(app));
    expect(command).toEqual({
      packageManager: pm,
      args,
      cwd: inApp ? app : root,
      ...(inApp ? { folder: "apps/web" } : {}),
    });
  });

  it("declared but not installed: a plain install at the workspace root", async () => {
    const root = copyWorkspace(pm);
    declareClerk(path.join(root, "apps/web"));
    expect(clerkInstall(await detectProject(path.join(root, "apps/web")))).toEqual({
      packageManager: pm,
      args: ["install"],
      cwd: root,
    });
  });

  it("run with --cwd apps/web: the files go into the app, the next step uses the workspace's package manager", async () => {
    const root = copyWorkspace(pm);
    const d = deps(root);
    expect(await run(flags({ yes: true, cwd: "apps/web" }), d)).toBe(0);
    expect(read(root, "apps/web/app/api/me/route.ts")).toContain("await auth()");
    expect(existsSync(path.join(root, "apps/web/proxy.ts"))).toBe(true);
    expect(existsSync(path.join(root, "app"))).toBe(false);
    expect(d.out()).toContain("/api/me: GET protected with the userId style in apps/web");
    const expected = installCommandText({ packageManager: pm, args: [...args] });
    expect(d.out()).toContain(`Add @clerk/nextjs: ${expected}${inApp ? " (in apps/web)" : ""}`);
    expect(d.out()).not.toMatch(pm === "npm" ? /run npm install$/m : /npm install/);
  });

  it("--install runs that command where it belongs", async () => {
    const root = copyWorkspace(pm);
    const installer = vi.fn(async () => {});
    expect(await run(flags({ yes: true, cwd: "apps/web", install: true }), deps(root, { installer }))).toBe(0);
    expect(installer).toHaveBeenCalledWith(pm, args, inApp ? path.join(root, "apps/web") : root);
  });

  it("finds its Next.js apps from the root", () => {
    const root = copyWorkspace(pm);
    const found = workspaceRootApps(root);
    expect(found?.apps.map((app) => app.dir)).toEqual(
      pm === "pnpm" ? ["apps/docs", "apps/web"] : pm === "yarn" ? ["apps/admin", "apps/web"] : ["apps/web"],
    );
  });

  it("a package that depends on next but has no app/, src/app/, pages/ or src/pages/ (a UI library) is no app", () => {
    const root = copyWorkspace(pm);
    const before = workspaceRootApps(root)!.apps.map((app) => app.dir);
    const library = path.join(root, pm === "yarn" ? "apps/ui-kit" : "packages/ui-kit");
    mkdirSync(path.join(library, "src/components"), { recursive: true });
    writeJson(path.join(library, "package.json"), { name: "ui-kit", dependencies: { next: "^16.0.0" } });
    expect(workspaceRootApps(root)!.apps.map((app) => app.dir)).toEqual(before);
  });
});

describe("run at a workspace root", () => {
  it("without a terminal: WORKSPACE_ROOT, the apps and the --cwd to add; nothing written", async () => {
    const root = copyWorkspace("pnpm");
    const hash = treeHash(root);
    const d = deps(root);
    expect(await run(flags({ yes: true }), d)).toBe(1);
    expect(d.err()).toContain("is a workspace root, not a Next.js app");
    expect(d.err()).toMatch(/apps\/docs \(docs\)\n\s+apps\/web \(@acme\/web\)/);
    expect(d.err()).toContain("Add --cwd apps/docs");
    expect(treeHash(root)).toBe(hash);
  });

  it("--json: the error code and the list", async () => {
    const root = copyWorkspace("yarn");
    const d = deps(root);
    expect(await run(flags({ json: true, yes: true }), d)).toBe(1);
    const report = JSON.parse(d.out()) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(report.error.code).toBe("WORKSPACE_ROOT");
    expect(report.error.message).toContain("apps/admin");
    expect(report.error.hint).toContain("--cwd apps/admin");
  });

  it("the --cwd named starts with the --cwd the user typed", async () => {
    const root = copyWorkspace("pnpm");
    const d = deps(path.dirname(root));
    expect(await run(flags({ cwd: path.basename(root) }), d)).toBe(1);
    expect(d.err()).toContain(`Add --cwd ${path.basename(root)}/apps/docs`);
  });

  it("exactly one app: without --yes an error, with --yes that app and a note saying so", async () => {
    const root = copyWorkspace("npm");
    const refused = deps(root);
    expect(await run(flags({ json: true }), refused)).toBe(1);
    expect(JSON.parse(refused.out()).error).toMatchObject({
      code: "WORKSPACE_ROOT",
      hint: expect.stringContaining("--cwd apps/web"),
    });

    const d = deps(root);
    expect(await run(flags({ yes: true }), d)).toBe(0);
    expect(read(root, "apps/web/app/api/me/route.ts")).toContain("export async function GET");
    expect(d.out()).toContain(
      "Used apps/web, the only Next.js app in this workspace, because of --yes. To name it yourself: --cwd apps/web",
    );
  });

  it("a workspace root with no Next.js app among its workspaces: NOT_NEXT_PROJECT naming the globs", async () => {
    const root = copyWorkspace("npm");
    writeJson(path.join(root, "apps/web/package.json"), { name: "web", dependencies: { vite: "7" } });
    const d = deps(root);
    expect(await run(flags({ yes: true, json: true }), d)).toBe(1);
    expect(JSON.parse(d.out()).error).toMatchObject({
      code: "NOT_NEXT_PROJECT",
      message: expect.stringContaining("apps/*, packages/*"),
    });
  });

  it("a root that is itself the Next.js app (and declares workspaces) is used as it is; pnpm adds with -w", async () => {
    const root = copyWorkspace("pnpm");
    writeJson(path.join(root, "package.json"), {
      name: "site",
      packageManager: "pnpm@9.15.0",
      dependencies: { next: "16.0.0" },
    });
    mkdirSync(path.join(root, "app"));
    const project = await detectProject(root);
    expect(project.workspace).toEqual({ root, dir: "." });
    expect(clerkInstall(project)).toEqual({ packageManager: "pnpm", args: ["add", "-w", "@clerk/nextjs"], cwd: root });
  });
});

describe("finding the package manager", () => {
  it("an app with no name in a yarn workspace: yarn add in its folder", async () => {
    const root = copyWorkspace("yarn");
    const command = clerkInstall(await detectProject(path.join(root, "apps/admin")));
    expect(command).toEqual({
      packageManager: "yarn",
      args: ["add", "@clerk/nextjs"],
      cwd: path.join(root, "apps/admin"),
      folder: "apps/admin",
    });
  });

  it("the packageManager field wins over the lockfile in the same folder", async () => {
    const root = copyWorkspace("npm");
    const pkg = JSON.parse(read(root, "package.json")) as object;
    writeJson(path.join(root, "package.json"), { ...pkg, packageManager: "pnpm@9.15.0" });
    expect((await detectProject(path.join(root, "apps/web"))).packageManager).toBe("pnpm");
  });

  it("stops at the first folder with a signal: an app with its own lockfile is not a workspace member", async () => {
    const root = copyWorkspace("pnpm");
    writeFileSync(path.join(root, "apps/web/package-lock.json"), "{}\n");
    const project = await detectProject(path.join(root, "apps/web"));
    expect(project.packageManager).toBe("npm");
    expect(project.workspace).toBeUndefined();
  });

  it("a folder the workspace globs do not list is not a member, though the root's package manager applies", async () => {
    const root = copyWorkspace("pnpm");
    const examples = path.join(root, "examples");
    mkdirSync(examples);
    writeJson(path.join(examples, "package.json"), { name: "example", dependencies: { next: "16.0.0" } });
    mkdirSync(path.join(examples, "app"));
    const project = await detectProject(examples);
    expect(project).toMatchObject({ packageManager: "pnpm" });
    expect(project.workspace).toBeUndefined();
  });

  it("passes over a parent that others may write to (or that another user owns), and lists it", async () => {
    const root = copyWorkspace("pnpm");
    const app = path.join(root, "apps/web");
    chmodSync(root, 0o777);
    const untrusted: string[] = [];
    expect(findPackageManagerRoot(app, untrusted)).toBeUndefined();
    expect(untrusted).toEqual([root]);
    const project = await detectProject(app);
    expect(project).toMatchObject({ packageManager: "npm", untrustedParents: [root] });
    expect(project.workspace).toBeUndefined();
    chmodSync(root, 0o755);
    chownSync(path.join(root, "pnpm-workspace.yaml"), 4242, 4242);
    expect(findPackageManagerRoot(app)).toBeUndefined();
    chownSync(path.join(root, "pnpm-workspace.yaml"), process.getuid!(), process.getgid!());
    expect(findPackageManagerRoot(app)).toMatchObject({ root });
  });

  it("never looks above the git root", async () => {
    const root = copyWorkspace("pnpm");
    const app = path.join(root, "apps/web");
    spawnSync("git", ["init", "-q"], { cwd: app });
    expect(findPackageManagerRoot(app)).toBeUndefined();
    expect(await detectProject(app)).toMatchObject({ packageManager: "npm" });
    expect((await detectProject(app)).workspace).toBeUndefined();
  });

  it("a plain project is no workspace, and keeps its own lockfile", async () => {
    const project = await detectProject(copyFixture("app-js"));
    expect(project).toMatchObject({ packageManager: "pnpm" });
    expect(project.workspace).toBeUndefined();
  });
});

describe("what already walks up to the workspace root", () => {
  function install(dir: string, name: string, version: string): void {
    mkdirSync(path.join(dir, "node_modules", name), { recursive: true });
    writeJson(path.join(dir, "node_modules", name, "package.json"), { name, version });
  }

  it("next and @clerk/nextjs hoisted to the root node_modules are found", async () => {
    const root = copyWorkspace("pnpm");
    install(root, "next", "15.5.2");
    install(root, "@clerk/nextjs", "7.9.17");
    declareClerk(path.join(root, "apps/web"));
    const project = await detectProject(path.join(root, "apps/web"));
    expect(project.nextMajor).toBe(15);
    expect(project.clerk).toEqual({ installed: true, declared: true, version: "7.9.17" });
    const d = deps(root);
    expect(await run(flags({ yes: true, cwd: "apps/web" }), d)).toBe(0);
    expect(d.out()).not.toContain("@clerk/nextjs");
  });

  it("the root .gitignore's .env* rule is honoured through git: no .gitignore in the app, no warning", async () => {
    const root = copyWorkspace("pnpm");
    spawnSync("git", ["init", "-q"], { cwd: root });
    const d = deps(root);
    expect(await run(flags({ yes: true, cwd: "apps/web" }), d)).toBe(0);
    expect(existsSync(path.join(root, "apps/web/.env.local"))).toBe(true);
    expect(existsSync(path.join(root, "apps/web/.gitignore"))).toBe(false);
    expect(read(root, ".gitignore")).toBe("node_modules\n.next\n.turbo\n.env*\n");
    expect(d.out()).not.toContain("not ignored by git");
  });
});
