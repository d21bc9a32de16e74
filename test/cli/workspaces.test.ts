import { chmodSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyWorkspace, read, runCli } from "../support/project.js";
import { startInPty } from "../support/pty.js";

// The built bin in the fixture monorepos. `--install` runs against a fake package manager on PATH:
// a shell script that records its working folder and arguments, so no network and no real install.

/** A temp bin folder holding a fake `pm` that writes `pwd -P` then one argument per line to `log`. */
function fakePackageManager(pm: string): { bin: string; log: string } {
  const bin = mkdtempSync(path.join(os.tmpdir(), "ccr-fake-pm-"));
  const log = path.join(bin, "calls.log");
  const script = path.join(bin, pm);
  writeFileSync(script, `#!/bin/sh\npwd -P > "${log}"\nfor arg in "$@"; do printf '%s\\n' "$arg" >> "${log}"; done\n`);
  chmodSync(script, 0o755);
  return { bin, log };
}

describe.each([
  { pm: "npm", args: ["install", "@clerk/nextjs", "-w", "apps/web"], where: "." },
  { pm: "pnpm", args: ["--filter", "@acme/web", "add", "@clerk/nextjs"], where: "." },
  { pm: "yarn", args: ["workspace", "@acme/web", "add", "@clerk/nextjs"], where: "." },
  { pm: "bun", args: ["add", "@clerk/nextjs"], where: "apps/web" },
])("--install in a $pm workspace", ({ pm, args, where }) => {
  it(`runs ${pm} ${args.join(" ")} in ${where === "." ? "the workspace root" : where}`, () => {
    const root = copyWorkspace(pm);
    const fake = fakePackageManager(pm);
    const result = runCli(["/api/me", "--style", "userId", "--yes", "--install", "--cwd", "apps/web"], {
      cwd: root,
      env: { PATH: `${fake.bin}${path.delimiter}${process.env.PATH}` },
    });
    expect(result.status, result.output).toBe(0);
    const [cwd, ...called] = readFileSync(fake.log, "utf8").trimEnd().split("\n");
    expect(cwd).toBe(realpathSync(path.join(root, where)));
    expect(called).toEqual(args);
    expect(result.stdout).not.toContain("Add @clerk/nextjs");
    expect(read(root, "apps/web/app/api/me/route.ts")).toContain("await auth()");
  });
});

describe("at a workspace root", () => {
  it("without a terminal: exit 1, the apps and the --cwd to add", () => {
    const root = copyWorkspace("pnpm");
    const result = runCli(["/api/me", "--style", "userId", "--yes"], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("apps/docs (docs)");
    expect(result.stderr).toContain("apps/web (@acme/web)");
    expect(result.stderr).toContain("Add --cwd apps/docs to the command");
  });

  it("in a terminal: asks which app, goes on there, and the CI command carries --cwd", async () => {
    const root = copyWorkspace("pnpm");
    const session = startInPty(["/api/me", "--style", "userId", "--methods", "GET", "--no-install", "--cwd", root]);
    await session.waitFor(/Add the route to which Next\.js app\?/);
    expect(session.output()).toContain("apps/docs");
    session.type("\u001b[B\r"); // apps/web
    await session.waitFor(/Who may call it\?/);
    session.type("\r"); // anyone signed in
    await session.waitFor(/Write these files\?/);
    session.type("\r");
    expect(await session.exit).toBe(0);
    expect(read(root, "apps/web/app/api/me/route.ts")).toContain("await auth()");
    expect(session.output().replace(/\s+/g, " ")).toContain(`--style userId --cwd ${root}/apps/web --yes`);
  });
});
