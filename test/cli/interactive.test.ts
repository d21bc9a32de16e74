import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, read, treeHash } from "../support/project.js";
import { startInPty } from "../support/pty.js";

// Real prompts in a pseudo-terminal: the answers a user types, Ctrl-C at a prompt, and the
// equivalent command printed at the end.

const ENTER = "\r";
const DOWN = "\u001b[B";
const CTRL_C = "\u0003";

describe("interactive run", () => {
  it("asks for what the flags leave out, confirms, writes, and prints the command to repeat it in CI", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty(["--cwd", project]);
    await session.waitFor(/How should the route be protected/);
    session.type(DOWN + ENTER); // userId
    await session.waitFor(/Route \(URL path\)/);
    session.type("/api/projects/[id]" + ENTER);
    await session.waitFor(/HTTP methods/);
    session.type(DOWN + DOWN + DOWN + " " + ENTER); // GET (preselected) + PATCH
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // Anyone signed in
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    await session.waitFor(/not installed\. Install it/);
    session.type(DOWN + ENTER); // No
    expect(await session.exit).toBe(0);
    const screen = session.output();
    expect(screen).toContain("npx create-clerk-route '/api/projects/[id]' --style userId --methods GET,PATCH");
    expect(read(project, "app/api/projects/[id]/route.ts")).toContain("export async function PATCH(");
  });

  it("asks before adding the env file to .gitignore, and respects a no", async () => {
    const project = copyFixture("app-ts");
    spawnSync("git", ["init", "-q"], { cwd: project });
    const session = startInPty(["/api/me", "--style", "userId", "--methods", "GET", "--no-install", "--cwd", project]);
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // Anyone signed in
    await session.waitFor(/not ignored by git\. Add it to \.gitignore/);
    session.type(DOWN + ENTER); // No
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    expect(await session.exit).toBe(0);
    expect(existsSync(path.join(project, ".gitignore"))).toBe(false);
    expect(session.output()).toContain("add it to .gitignore before you commit");
  });

  it("can show the diff before writing, then still write", async () => {
    const project = copyFixture("src-app");
    const session = startInPty(["/api/me", "--style", "userId", "--methods", "GET", "--no-install", "--cwd", project]);
    await session.waitFor(/Who may call it\?/);
    session.type(ENTER); // Anyone signed in
    await session.waitFor(/Write these files\?/);
    expect(session.output()).toContain("Replaced the named `middleware` export");
    session.type(DOWN + ENTER); // Show the diff first
    await session.waitFor(/\+\+\+ b\/src\/middleware\.ts[\s\S]*Write these files\?/);
    session.type(ENTER); // Yes
    expect(await session.exit).toBe(0);
    expect(read(project, "src/middleware.ts")).toContain("clerkMiddleware");
  });

  it("asks who may call the route, and writes a 403 check for a plan", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty([
      "/api/reports",
      "--style",
      "userId",
      "--methods",
      "GET",
      "--no-install",
      "--cwd",
      project,
    ]);
    await session.waitFor(/Who may call it\?/);
    session.type(DOWN + DOWN + DOWN + ENTER); // A plan
    await session.waitFor(/Plan/);
    session.type("pro" + ENTER);
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    expect(await session.exit).toBe(0);
    expect(read(project, "app/api/reports/route.ts")).toContain('if (!has({ plan: "pro" })) {');
    expect(session.output()).toContain("--style userId --plan pro");
  });

  it("a role's placeholder reads as an example, and Enter on it asks for one instead of failing", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty([
      "/api/admin",
      "--style",
      "userId",
      "--methods",
      "GET",
      "--no-install",
      "--cwd",
      project,
    ]);
    await session.waitFor(/Who may call it\?/);
    session.type(DOWN + ENTER); // A role
    await session.waitFor(/e\.g\. org:admin/);
    session.type(ENTER);
    await session.waitFor(/Type one, e\.g\. org:admin/);
    expect(session.output()).not.toContain('--role ""');
    session.type("org:admin" + ENTER);
    await session.waitFor(/Write these files\?/);
    session.type(ENTER);
    expect(await session.exit).toBe(0);
    expect(read(project, "app/api/admin/route.ts")).toContain('if (!has({ role: "org:admin" })) {');
  });

  it("machine: asks for scopes only for API keys or OAuth tokens, and who may call it only for signed-in users", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty([
      "/api/sync",
      "--style",
      "machine",
      "--methods",
      "POST",
      "--no-install",
      "--cwd",
      project,
    ]);
    await session.waitFor(/Which tokens may call it\?/);
    session.type(" " + DOWN + " " + ENTER); // api_key off, m2m_token on
    await session.waitFor(/Write these files\?/);
    expect(session.output()).not.toMatch(/Required scopes|Who may call it/);
    session.type(ENTER);
    expect(await session.exit).toBe(0);
    expect(read(project, "app/api/sync/route.ts")).toContain('acceptsToken: "m2m_token"');

    const both = copyFixture("app-ts");
    const second = startInPty([
      "/api/reports",
      "--style",
      "machine",
      "--accepts",
      "api_key,session_token",
      "--methods",
      "GET",
      "--no-install",
      "--cwd",
      both,
    ]);
    await second.waitFor(/Required scopes/);
    second.type("read:reports" + ENTER);
    await second.waitFor(/Who may call it\?/);
    second.type(DOWN + ENTER); // A role
    await second.waitFor(/Role/);
    second.type("org:admin" + ENTER);
    await second.waitFor(/Write these files\?/);
    second.type(ENTER);
    expect(await second.exit).toBe(0);
    const route = read(both, "app/api/reports/route.ts");
    expect(route).toContain('if (!token.has({ role: "org:admin" })) {');
    expect(route).toContain('const REQUIRED_SCOPES = ["read:reports"];');
    expect(second.output()).toMatch(/--scopes read:reports[\s│\\]*--role org:admin/);
  });

  it("rejects an invalid route inline and asks again", async () => {
    const project = copyFixture("app-ts");
    const session = startInPty(["--cwd", project, "--style", "userId"]);
    await session.waitFor(/Route \(URL path\)/);
    session.type("../etc" + ENTER);
    await session.waitFor(/would leave app\/api/);
    session.type(CTRL_C);
    expect(await session.exit).toBe(130);
  });

  it.each([
    ["the first prompt", /How should the route be protected/],
    ["the final confirmation", /Write these files\?/],
  ])("Ctrl-C at %s: Cancelled, exit 130, nothing written", async (_name, prompt) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const args = prompt.source.includes("Write") ? ["/api/me", "--style", "userId", "--methods", "GET"] : [];
    const session = startInPty([...args, "--cwd", project]);
    if (args.length > 0) {
      await session.waitFor(/Who may call it\?/);
      session.type(ENTER); // Anyone signed in
    }
    await session.waitFor(prompt);
    session.type(CTRL_C);
    expect(await session.exit).toBe(130);
    expect(session.output()).toContain("Cancelled");
    expect(treeHash(project)).toBe(hash);
  });
});
