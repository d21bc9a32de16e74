import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyFixture, repoRoot, runCli, treeHash } from "../support/project.js";

/** Puts a middleware fixture's input in place as the project's proxy.ts. */
const proxyFrom = (fixture: string) => (project: string) =>
  copyFileSync(path.join(repoRoot, "test/fixtures/middleware", fixture, "input.ts"), path.join(project, "proxy.ts"));

// The bad-input catalogue: each case exits 1, names the problem and the fix, and leaves the
// project byte-identical.

interface Case {
  name: string;
  fixture?: string;
  args: (project: string) => string[];
  prepare?: (project: string) => void;
  expect: RegExp[];
}

const CASES: Case[] = [
  {
    name: "parent-folder traversal",
    args: () => ["../x", "--style", "userId"],
    expect: [/"\.\."/, /stay inside app\/api/],
  },
  {
    name: "traversal inside /api",
    args: () => ["/api/../../etc", "--style", "userId"],
    expect: [/"\.\."/, /stay inside app\/api/],
  },
  {
    name: "absolute path of the project",
    args: (p) => [`${p}/app/api/x`, "--style", "userId"],
    expect: [/absolute file-system path/, /URL path/],
  },
  {
    name: "Windows path",
    args: () => ["C:\\app\\api\\x", "--style", "userId"],
    expect: [/backslash/, /forward slashes/],
  },
  {
    name: "Windows drive with slashes",
    args: () => ["C:/app/api/x", "--style", "userId"],
    expect: [/file-system path/, /URL path/],
  },
  {
    name: "percent-encoded dots",
    args: () => ["/api/%2e%2e/x", "--style", "userId"],
    expect: [/percent-encoded/, /plain folder name/],
  },
  {
    name: "characters Next cannot route",
    args: () => ["/api/a b*c", "--style", "userId"],
    expect: [/" "/, /"\*"/, /Use letters, digits/],
  },
  { name: "empty route", args: () => ["", "--style", "userId"], expect: [/route is empty/, /\/api\/projects\/\[id\]/] },
  { name: "empty segment", args: () => ["/api//x", "--style", "userId"], expect: [/empty segment/, /doubled slash/] },
  {
    name: "catch-all not last",
    args: () => ["/api/[...a]/b", "--style", "userId"],
    expect: [/must be the last/, /Move the catch-all/],
  },
  {
    name: "unknown style",
    args: () => ["/api/x", "--style", "magic"],
    expect: [/Unknown style "magic"/, /protect, userId, token, currentUser, clerkClient/],
  },
  {
    name: "unknown method",
    args: () => ["/api/x", "--style", "userId", "--methods", "GET,FETCH"],
    expect: [/Unknown HTTP method "FETCH"/, /GET, POST, PUT, PATCH, DELETE/],
  },
  {
    name: "duplicate method",
    args: () => ["/api/x", "--style", "userId", "--methods", "GET,get"],
    expect: [/GET is listed twice/, /each method once/],
  },
  {
    name: "privateMetadata field",
    args: () => ["/api/x", "--style", "currentUser", "--fields", "id,privateMetadata"],
    expect: [/privateMetadata/, /server only/, /Pick from/],
  },
  {
    name: "flag for another style",
    args: () => ["/api/x", "--style", "userId", "--jwt-template", "supabase"],
    expect: [/--jwt-template only applies to --style token/, /Drop --jwt-template/],
  },
  {
    name: "unknown flag",
    args: () => ["/api/x", "--style", "userId", "--frobnicate"],
    expect: [/unknown option '--frobnicate'/, /--help/],
  },
  {
    name: "--cwd that does not exist",
    args: (p) => ["/api/x", "--style", "userId", "--cwd", path.join(p, "nope")],
    expect: [/does not exist/, /--cwd/],
  },
  {
    name: "--cwd that is a file",
    args: (p) => ["/api/x", "--style", "userId", "--cwd", path.join(p, "package.json")],
    expect: [/is a file, not a folder/, /--cwd/],
  },
  {
    name: "not a Next.js project",
    fixture: "not-next",
    args: () => ["/api/x", "--style", "userId"],
    expect: [/No Next\.js project found/, /--cwd/],
  },
  {
    name: "Pages Router only",
    fixture: "pages-only",
    args: () => ["/api/x", "--style", "userId"],
    expect: [/Pages Router only/, /Create an app\/ folder/],
  },
  {
    name: "Next.js 14",
    prepare: (p) => writeFileSync(path.join(p, "package.json"), '{ "dependencies": { "next": "14.2.3" } }'),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/Next\.js 14\.2\.3/, /Next\.js 15 or newer/, /upgrade/],
  },
  {
    name: "malformed package.json",
    prepare: (p) => writeFileSync(path.join(p, "package.json"), '{ "dependencies": { "next": "16" }, }'),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/package\.json is not valid JSON/, /Fix package\.json/],
  },
  {
    name: "route folder is a symlink leading outside the project",
    prepare: (p) => {
      const outside = mkdtempSync(path.join(os.tmpdir(), "ccr-outside-"));
      mkdirSync(path.join(p, "app/api"), { recursive: true });
      symlinkSync(outside, path.join(p, "app/api/escape"));
    },
    args: () => ["/api/escape/x", "--style", "userId"],
    expect: [/leads outside the project/, /symbolic link/],
  },
  {
    name: "a page in the route folder",
    prepare: (p) => {
      mkdirSync(path.join(p, "app/api/x"), { recursive: true });
      writeFileSync(path.join(p, "app/api/x/page.tsx"), "export default function P() { return null; }\n");
    },
    args: () => ["/api/x", "--style", "userId"],
    expect: [/page\.tsx exists/, /Pick another route/],
  },
  {
    name: "a dynamic segment named differently from its sibling",
    prepare: (p) => {
      mkdirSync(path.join(p, "app/api/items/[id]"), { recursive: true });
      writeFileSync(
        path.join(p, "app/api/items/[id]/route.ts"),
        "export async function GET() { return Response.json({}); }\n",
      );
    },
    args: () => ["/api/items/[slug]", "--style", "userId"],
    expect: [/\[id\]/, /\[slug\]/, /use \[id\]/],
  },
  {
    name: "a route group that resolves to an existing URL",
    prepare: (p) => {
      mkdirSync(path.join(p, "app/api/docs"), { recursive: true });
      writeFileSync(
        path.join(p, "app/api/docs/route.ts"),
        "export async function GET() { return Response.json({}); }\n",
      );
    },
    args: () => ["/api/(g)/docs", "--style", "userId"],
    expect: [/\/api\/docs/, /another route|Pick/i],
  },
  {
    name: "an env file that is not UTF-8",
    prepare: (p) => writeFileSync(path.join(p, ".env.local"), Buffer.from("# caf\xe9\nA=1\n", "latin1")),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/\.env\.local is not UTF-8/, /--no-env/],
  },
  {
    name: "an Auth.js middleware",
    prepare: proxyFrom("refuse-authjs-reexport"),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/Auth\.js/, /export default clerkMiddleware\(\);/, /--no-middleware/],
  },
  {
    name: "the removed authMiddleware",
    prepare: proxyFrom("refuse-legacy-auth-middleware"),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/authMiddleware/, /npx @clerk\/upgrade/, /--no-middleware/],
  },
  {
    name: "a matcher held in a variable",
    prepare: proxyFrom("refuse-matcher-variable"),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/held in a variable/, /"\/\(api\|trpc\)\(\.\*\)"/, /--no-middleware/],
  },
  {
    name: "an i18n middleware",
    prepare: proxyFrom("refuse-next-intl"),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/next-intl/, /--no-middleware/],
  },
  {
    name: "both middleware.ts and proxy.ts",
    prepare: (p) => {
      writeFileSync(path.join(p, "proxy.ts"), "export default function proxy() {}\n");
      writeFileSync(path.join(p, "middleware.ts"), "export default function middleware() {}\n");
    },
    args: () => ["/api/x", "--style", "userId"],
    expect: [/middleware\.ts/, /proxy\.ts/],
  },
  {
    name: "a proxy file Next would ignore (src/, while the app is in the root)",
    prepare: (p) => {
      mkdirSync(path.join(p, "src"));
      writeFileSync(path.join(p, "src/proxy.ts"), "export default function proxy() {}\n");
    },
    args: () => ["/api/x", "--style", "userId"],
    expect: [/proxy\.ts/, /git mv|move/i],
  },
  {
    name: "an unparseable middleware file",
    prepare: (p) => writeFileSync(path.join(p, "proxy.ts"), "export default function proxy( {\n"),
    args: () => ["/api/x", "--style", "userId"],
    expect: [/proxy\.ts/, /--no-middleware/],
  },
  {
    // --env-path: on Node 20, node itself intercepts --env-file anywhere on the command line
    name: "--env-path outside the project",
    args: () => ["/api/x", "--style", "userId", "--env-path", "../.env"],
    expect: [/outside the project/, /inside the project/],
  },
];

describe.each(CASES)("bad input: $name", (testCase) => {
  it("exits 1 with what is wrong and how to fix it, and writes nothing", () => {
    const project = copyFixture(testCase.fixture ?? "app-ts");
    testCase.prepare?.(project);
    const hash = treeHash(project);
    const args = testCase.args(project);
    const result = runCli(args.includes("--cwd") ? [...args, "--yes"] : [...args, "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(1);
    for (const pattern of testCase.expect) expect(result.stderr).toMatch(pattern);
    expect(result.stdout).toBe("");
    expect(treeHash(project)).toBe(hash);
  });
});

describe("never hangs", () => {
  it("without a TTY or --yes, a missing style is an error naming --style, within seconds", () => {
    const project = copyFixture("app-ts");
    const started = Date.now();
    const result = runCli(["--cwd", project], { env: { CI: "" }, timeout: 15_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("--style");
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
