import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectProject, majorFromRange } from "../../src/project/detect.js";
import { copyFixture } from "../support/project.js";

function install(project: string, name: string, manifest: object) {
  mkdirSync(path.join(project, "node_modules", name), { recursive: true });
  writeFileSync(path.join(project, "node_modules", name, "package.json"), JSON.stringify({ name, ...manifest }));
}

describe("detectProject", () => {
  it("returns plain data for a TypeScript app/ project", async () => {
    const project = copyFixture("app-ts");
    expect(await detectProject(project)).toMatchObject({
      appDir: "app",
      srcDir: false,
      language: "ts",
      nextMajor: 16,
      clerk: { installed: false, declared: true },
      packageManager: "npm",
      middlewareFiles: [],
      envFiles: [{ path: ".env.local", content: expect.stringContaining("DATABASE_URL") }],
      hasPrettier: false,
    });
  });

  it("sees installed packages even when they do not export ./package.json", async () => {
    const project = copyFixture("app-ts");
    install(project, "next", { version: "15.5.2" });
    install(project, "@clerk/nextjs", { version: "7.9.17", exports: { ".": "./dist/index.js" } });
    const detected = await detectProject(project);
    expect(detected.nextMajor).toBe(15);
    expect(detected.clerk).toEqual({ installed: true, declared: true, version: "7.9.17" });
  });

  it("finds src/app, JavaScript and the middleware file", async () => {
    const detected = await detectProject(copyFixture("src-app"));
    expect(detected.appDir).toBe("src/app");
    expect(detected.middlewareFiles.map((f) => f.path)).toEqual(["src/middleware.ts"]);
    expect(await detectProject(copyFixture("app-js"))).toMatchObject({ language: "js", packageManager: "pnpm" });
  });

  it("reads the packageManager field before lockfiles", async () => {
    const project = copyFixture("app-js");
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ dependencies: { next: "16" }, packageManager: "yarn@4.1.0" }),
    );
    expect((await detectProject(project)).packageManager).toBe("yarn");
  });

  it.each([
    ["^15.2.0", 15],
    ["16.4.6", 16],
    ["latest", 16],
    ["canary", 16],
    [">=15 <17", 16],
    ["^13 || ^15", 15],
    [">=14", 16],
    ["<16", 15],
    ["<16.2", 16],
    ["15 - 16", 16],
    ["~15.5.0", 15],
  ])("majorFromRange(%s) = %i", (range, major) => {
    expect(majorFromRange(range)).toBe(major);
  });
});
