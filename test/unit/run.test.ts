import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { applyChanges } from "../../src/apply/write-plan.js";
import { run } from "../../src/commands/add.js";
import type { RawFlags } from "../../src/core/raw-flags.js";
import { copyFixture, read, repoRoot, treeHash } from "../support/project.js";
import { deps } from "../support/run-deps.js";

// run() in-process, with the seams a spawned CLI cannot offer: injected write failures and an
// injected package installer.

/** Gives a fixture copy its own prettier (this repository's) and a .prettierrc. */
function withProjectPrettier(project: string, prettierrc: string): void {
  mkdirSync(path.join(project, "node_modules"), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules/prettier"), path.join(project, "node_modules/prettier"));
  writeFileSync(path.join(project, ".prettierrc"), prettierrc);
}

const flags = (extra: Partial<RawFlags> = {}): RawFlags => ({
  route: "/api/projects/[id]",
  style: "userId",
  yes: true,
  ...extra,
});

describe("atomic apply", () => {
  it("a failure on the last file restores every file and removes every created file and folder", async () => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const d = deps(project, {
      applyHooks: {
        beforeCommit: (change) => {
          if (change.path === ".env.local") throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
        },
      },
    });
    const code = await run(flags(), d);
    expect(code).toBe(1);
    expect(d.err()).toContain("Could not write .env.local (ENOSPC)");
    expect(d.err()).toContain("Every file was restored");
    expect(existsSync(path.join(project, "app/api"))).toBe(false);
    expect(treeHash(project)).toBe(hash);
  });

  it("a failure after the last rename, before the lock is released, still restores every file", async () => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const d = deps(project, {
      applyHooks: {
        beforeRelease: () => {
          expect(read(project, ".env.local")).toContain("CLERK_SECRET_KEY="); // every file is in place
          throw Object.assign(new Error("I/O error"), { code: "EIO" });
        },
      },
    });
    expect(await run(flags(), d)).toBe(1);
    expect(d.err()).toContain("Could not finish the writes (EIO)");
    expect(d.err()).toContain("Every file was restored");
    expect(treeHash(project)).toBe(hash);
  });

  it("refuses to write when a file changed on disk after it was read", async () => {
    const project = copyFixture("app-ts");
    const change = { path: ".env.local", action: "modify" as const, before: "stale\n", after: "new\n" };
    await expect(applyChanges(project, [change])).rejects.toThrow(/changed on disk/);
    expect(read(project, ".env.local")).toContain("DATABASE_URL");
  });

  it("leaves no temporary files behind, in any folder", async () => {
    const project = copyFixture("app-ts");
    expect(await run(flags(), deps(project))).toBe(0);
    const { readdirSync } = await import("node:fs");
    const all = readdirSync(project, { recursive: true }).map(String);
    expect(all.filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(all).toContain(path.join("app", "api", "projects", "[id]", "route.ts"));
  });

  it("keeps an existing file's mode exactly, whatever the umask", async () => {
    const project = copyFixture("app-ts");
    const { chmodSync, statSync } = await import("node:fs");
    chmodSync(path.join(project, ".env.local"), 0o664);
    const previous = process.umask(0o022);
    try {
      expect(await run(flags(), deps(project))).toBe(0);
    } finally {
      process.umask(previous);
    }
    expect(statSync(path.join(project, ".env.local")).mode & 0o777).toBe(0o664);
  });

  it("refuses to replace a symlinked env file with a plain file", async () => {
    const project = copyFixture("app-ts");
    const { renameSync } = await import("node:fs");
    renameSync(path.join(project, ".env.local"), path.join(project, "shared.env"));
    symlinkSync("shared.env", path.join(project, ".env.local"));
    const hash = treeHash(project);
    const d = deps(project);
    expect(await run(flags(), d)).toBe(1);
    expect(d.err()).toContain("symbolic link");
    expect(treeHash(project)).toBe(hash);
  });
});

describe("--install", () => {
  it("installs @clerk/nextjs with the detected package manager when missing", async () => {
    const project = copyFixture("app-js");
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(await run(flags({ install: true }), d)).toBe(0);
    expect(installer).toHaveBeenCalledWith("pnpm", ["add", "@clerk/nextjs"], project);
    expect(d.out()).not.toContain("pnpm add @clerk/nextjs");
  });

  it("runs a plain install when @clerk/nextjs is declared, so the declared range is kept, and drops the step", async () => {
    const project = copyFixture("app-ts");
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(await run(flags({ install: true }), d)).toBe(0);
    expect(installer).toHaveBeenCalledWith("npm", ["install"], project);
    expect(d.out()).not.toContain("not installed");
  });

  it("installs on a run that has nothing else to change", async () => {
    const project = copyFixture("app-ts");
    expect(await run(flags(), deps(project))).toBe(0);
    const installer = vi.fn(async () => {});
    const d = deps(project, { installer });
    expect(await run(flags({ install: true }), d)).toBe(0);
    expect(d.out()).toContain("Nothing to change");
    expect(installer).toHaveBeenCalledOnce();
  });

  it("never installs with --no-install, or without --install outside a terminal", async () => {
    for (const install of [false, undefined]) {
      const project = copyFixture("app-js");
      const installer = vi.fn(async () => {});
      const d = deps(project, { installer });
      expect(await run(flags({ install }), d)).toBe(0);
      expect(installer).not.toHaveBeenCalled();
      expect(d.out()).toContain("pnpm add @clerk/nextjs");
    }
  });

  it("a failed install comes after the report of what was written, with exit 1", async () => {
    const project = copyFixture("app-js");
    const { CliError } = await import("../../src/core/errors.js");
    const installer = vi.fn(async () => {
      throw new CliError("INSTALL_FAILED", "pnpm add @clerk/nextjs failed (exit 1).");
    });
    const d = deps(project, { installer });
    expect(await run(flags({ install: true }), d)).toBe(1);
    expect(d.out()).toContain("created  app/api/projects/[id]/route.js");
    expect(d.err()).toContain("pnpm add @clerk/nextjs failed");
    const j = deps(copyFixture("app-js"), { installer });
    expect(await run(flags({ install: true, json: true }), j)).toBe(1);
    expect(JSON.parse(j.out())).toMatchObject({
      ok: false,
      error: { code: "INSTALL_FAILED" },
      changes: expect.arrayContaining([{ path: "app/api/projects/[id]/route.js", action: "create" }]),
    });
  });

  it("does nothing when @clerk/nextjs is already installed", async () => {
    const project = copyFixture("app-ts");
    mkdirSync(path.join(project, "node_modules/@clerk/nextjs"), { recursive: true });
    writeFileSync(
      path.join(project, "node_modules/@clerk/nextjs/package.json"),
      '{ "name": "@clerk/nextjs", "version": "7.9.0" }',
    );
    const installer = vi.fn(async () => {});
    expect(await run(flags({ install: true }), deps(project, { installer }))).toBe(0);
    expect(installer).not.toHaveBeenCalled();
  });
});

describe("formatting with the project's own prettier", () => {
  it("formats created code files with the project's prettier config, and stays idempotent", async () => {
    const project = copyFixture("app-ts");
    withProjectPrettier(project, '{ "singleQuote": true, "semi": false }\n');
    expect(await run(flags(), deps(project))).toBe(0);
    const route = read(project, "app/api/projects/[id]/route.ts");
    expect(route).toContain("import { auth } from '@clerk/nextjs/server'\n");
    expect(read(project, "proxy.ts")).toContain("import { clerkMiddleware } from '@clerk/nextjs/server'\n");
    const hash = treeHash(project);
    const again = deps(project);
    expect(await run(flags(), again)).toBe(0);
    expect(again.out()).toContain("Nothing to change");
    expect(treeHash(project)).toBe(hash);
  });

  it("a broken prettier config is a warning, not a crash; .prettierignore is honoured", async () => {
    const project = copyFixture("app-ts");
    withProjectPrettier(project, '{ "plugins": ["prettier-plugin-that-is-not-installed"] }\n');
    const d = deps(project);
    expect(await run(flags(), d)).toBe(0);
    expect(d.out()).toContain("could not format app/api/projects/[id]/route.ts");
    expect(read(project, "app/api/projects/[id]/route.ts")).toContain('import { auth } from "@clerk/nextjs/server";\n');

    const ignored = copyFixture("app-ts");
    withProjectPrettier(ignored, '{ "singleQuote": true }\n');
    writeFileSync(path.join(ignored, ".prettierignore"), "app/api\n");
    expect(await run(flags(), deps(ignored))).toBe(0);
    expect(read(ignored, "app/api/projects/[id]/route.ts")).toContain('import { auth } from "@clerk/nextjs/server";\n');
    expect(read(ignored, "proxy.ts")).toContain("import { clerkMiddleware } from '@clerk/nextjs/server';\n");
  });

  it("keeps the create-next-app style when the project has no prettier", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".prettierrc"), '{ "singleQuote": true }\n');
    expect(await run(flags(), deps(project))).toBe(0);
    expect(read(project, "app/api/projects/[id]/route.ts")).toContain('import { auth } from "@clerk/nextjs/server";\n');
  });
});

describe("Ctrl-C while writing", () => {
  it("rolls back what was written and exits 130", async () => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const d = deps(project, {
      applyHooks: {
        beforeCommit: (change) => {
          if (change.path === "proxy.ts") process.emit("SIGINT");
        },
      },
    });
    expect(await run(flags(), d)).toBe(130);
    expect(d.err()).toContain("Cancelled");
    expect(treeHash(project)).toBe(hash);
  });
});
