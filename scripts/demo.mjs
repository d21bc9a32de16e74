// Runs the built CLI on a fresh copy of the bundled example project (test/fixtures/projects/app-ts),
// then shows what it wrote. `npm run demo` prompts in a terminal; `npm run demo -- <flags>` passes
// flags through (e.g. -- /api/projects/[id] --style userId --methods GET,PATCH).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const project = mkdtempSync(path.join(os.tmpdir(), "create-clerk-route-demo-"));
cpSync(path.join(root, "test/fixtures/projects/app-ts"), project, { recursive: true });

const interactive = process.stdin.isTTY && process.stdout.isTTY && !process.env.CI;
const args = process.argv.slice(2);
const flags =
  args.length > 0 || interactive
    ? args
    : ["/api/projects/[id]", "--style", "userId", "--methods", "GET,PATCH", "--yes"];
console.log(`$ create-clerk-route ${flags.join(" ")}   (in ${project})\n`);
const result = spawnSync(process.execPath, [path.join(root, "bin/create-clerk-route.js"), ...flags, "--cwd", project], {
  stdio: "inherit",
});

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else files.push(path.relative(project, full));
  }
};
walk(project);
console.log(`\nThe example project now holds:\n${files.map((f) => `  ${f}`).join("\n")}`);
const route = files.find((f) => /\/route\.(ts|js)$/.test(f));
if (route) console.log(`\n--- ${route} ---\n${readFileSync(path.join(project, route), "utf8")}`);
process.exitCode = result.status ?? 1;
