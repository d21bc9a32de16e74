import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fse from "fs-extra";
import { describe, expect, it } from "vitest";
import { binPath, copyFixture, read, repoRoot, runCli, treeHash } from "../support/project.js";

// Issue #11, "17 ways the tool still loses data, hangs, or claims success", as the built CLI
// meets them: each case names its item. In-process cases (signals, injected write failures,
// ownership) are in test/unit/apply-safety.test.ts.

const BASE = ["--yes", "--json"];

/** Runs the CLI in `project` with --json and returns the parsed report and exit code. */
function runJson(project: string, args: string[]) {
  const result = runCli([...args, ...BASE, "--cwd", project]);
  let json: { ok: boolean; error?: { code: string; message: string; hint?: string }; warnings?: string[] };
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON (exit ${result.status}):\n${result.output}`);
  }
  return { ...result, json };
}

/** Expects exit 1 with `code`, a message naming `named`, and a byte-identical project. */
function expectRefused(project: string, args: string[], code: string, named?: RegExp): void {
  const hash = treeHash(project);
  const result = runJson(project, args);
  expect(result.status, result.output).toBe(1);
  expect(result.json.error?.code, result.output).toBe(code);
  if (named) expect(result.json.error?.message).toMatch(named);
  expect(result.stderr).toBe("");
  expect(treeHash(project)).toBe(hash);
}

describe("item 1: --env-path must name an env file", () => {
  const paths = [".git/config", "package.json", "tsconfig.json", "app/page.tsx", ".git/hooks/pre-commit"];
  it.each(paths)("--env-path %s exits 1 with INVALID_ENV_FILE and leaves the project byte-identical", (given) => {
    const project = copyFixture("app-ts");
    mkdirSync(path.join(project, ".git/hooks"), { recursive: true });
    writeFileSync(path.join(project, ".git/config"), "[core]\n\tbare = false\n");
    writeFileSync(path.join(project, ".git/hooks/pre-commit"), "#!/bin/sh\nexit 0\n");
    expectRefused(
      project,
      ["/api/x", "--style", "userId", "--env-path", given],
      "INVALID_ENV_FILE",
      new RegExp(`--env-path ${given.replace(/\./g, "\\.")}`),
    );
  });
});

describe("item 12: route segments that are object-prototype names or dot-folders", () => {
  it.each(["/api/[__proto__]", "/api/[constructor]", "/api/[prototype]", "/api/.git/x", "/api/.well-known"])(
    "%s is refused",
    (route) => {
      const project = copyFixture("app-ts");
      expectRefused(project, [route, "--style", "userId"], "INVALID_ROUTE");
    },
  );
});

describe("item 15: role and permission shapes", () => {
  it.each([
    ["--role", ":"],
    ["--role", "."],
    ["--role", "..."],
    ["--permission", 'org:a"b'],
  ])("%s %s is refused with INVALID_FLAG", (flag, value) => {
    const project = copyFixture("app-ts");
    expectRefused(project, ["/api/x", "--style", "protect", flag, value], "INVALID_FLAG", new RegExp(flag));
  });
});

describe("item 14: names that exist on every object", () => {
  it.each([
    [["--style", "constructor"], "INVALID_STYLE"],
    [["--style", "__proto__"], "INVALID_STYLE"],
    [["--style", "currentUser", "--fields", "constructor"], "INVALID_FIELDS"],
    [["--style", "currentUser", "--fields", "__proto__"], "INVALID_FIELDS"],
  ])("%j is refused with %s, never a native function in the output", (args, code) => {
    const project = copyFixture("app-ts");
    const result = runJson(project, ["/api/x", ...args]);
    expect(result.json.error?.code, result.output).toBe(code);
    expect(result.output).not.toContain("native code");
  });

  it("malformed package.json fields are ignored with a warning, not an UNEXPECTED stack trace", () => {
    const project = copyFixture("app-ts");
    const pkg = JSON.parse(read(project, "package.json"));
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({
        ...pkg,
        packageManager: 5,
        devDependencies: "typescript",
        dependencies: { ...pkg.dependencies, "@clerk/nextjs": 7 },
      }),
    );
    const result = runJson(project, ["/api/x", "--style", "userId"]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).not.toMatch(/UNEXPECTED|\n\s+at /);
    expect(result.json.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"packageManager" is not a string'),
        expect.stringContaining('"devDependencies" is not an object'),
        expect.stringContaining('"dependencies.@clerk/nextjs" is not a version string'),
      ]),
    );
  });
});

describe("item 4: only regular files are read or replaced", () => {
  const fifo = (project: string, file: string) => {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    rmSync(path.join(project, file), { force: true });
    const made = spawnSync("mkfifo", [path.join(project, file)]);
    expect(made.status).toBe(0);
  };
  it.each([".env.local", "proxy.ts", "app/api/x/route.ts", "package.json"])(
    "a FIFO at %s is NOT_A_FILE naming it, and the run does not hang",
    (file) => {
      const project = copyFixture("app-ts");
      fifo(project, file);
      expectRefused(
        project,
        ["/api/x", "--style", "userId"],
        "NOT_A_FILE",
        new RegExp(`${file.replace(/\./g, "\\.")} is a named pipe`),
      );
    },
  );

  it.each([
    [".env.local", "--no-env"],
    ["proxy.ts", "--no-middleware"],
  ])("a FIFO at %s does not stop a run with %s, and stays a FIFO", (file, skip) => {
    const project = copyFixture("app-ts");
    fifo(project, file);
    const result = runJson(project, ["/api/x", "--style", "userId", skip]);
    expect(result.status, result.output).toBe(0);
    expect(lstatSync(path.join(project, file)).isFIFO()).toBe(true);
  });

  it.each([".env.local", "proxy.ts", "app/api/x/route.ts", ".gitignore"])(
    "a folder at %s is NOT_A_FILE, not an EISDIR stack trace",
    (file) => {
      const project = copyFixture("app-ts");
      if (file === ".gitignore") spawnSync("git", ["init", "-q", project]);
      rmSync(path.join(project, file), { force: true });
      mkdirSync(path.join(project, file), { recursive: true });
      writeFileSync(path.join(project, file, "keep"), "");
      expectRefused(
        project,
        ["/api/x", "--style", "userId"],
        "NOT_A_FILE",
        new RegExp(`${file.replace(/\./g, "\\.")} is a folder`),
      );
    },
  );
});

describe("item 7: symbolic links, dangling or not, are never replaced", () => {
  it.each([".env.local", "proxy.ts", "app/api/x/route.ts"])(
    "a dangling symlink at %s is SYMLINK_TARGET, and stays a link",
    (file) => {
      const project = copyFixture("app-ts");
      const link = path.join(project, file);
      mkdirSync(path.dirname(link), { recursive: true });
      rmSync(link, { force: true });
      symlinkSync("nowhere-yet", link);
      expectRefused(project, ["/api/x", "--style", "userId"], "SYMLINK_TARGET", new RegExp(file.replace(/\./g, "\\.")));
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    },
  );
});

describe("file size: files over 1 MB are refused before they are read", () => {
  it.each([".env.local", "proxy.ts"])("a 2 MB %s is FILE_TOO_LARGE", (file) => {
    const project = copyFixture("app-ts");
    const line =
      file === "proxy.ts"
        ? "// padding padding padding padding padding padding padding padding\n"
        : "# padding padding padding padding padding padding padding padding\n";
    writeFileSync(path.join(project, file), line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)));
    expectRefused(
      project,
      ["/api/x", "--style", "userId"],
      "FILE_TOO_LARGE",
      new RegExp(`${file.replace(/\./g, "\\.")} is 2\\.0 MB`),
    );
  });
});

describe("item 10: a folder name too long for the file system", () => {
  it("a 300-character segment is INVALID_ROUTE before anything is created", () => {
    const project = copyFixture("app-ts");
    expectRefused(project, [`/api/${"a".repeat(300)}`, "--style", "userId"], "INVALID_ROUTE");
    expect(existsSync(path.join(project, "app/api"))).toBe(false);
  });
});

describe("item 11: --dry-run masks every line of a multi-line value", () => {
  it("a line inside an escaped-quote value that looks like a comment is masked", () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".env.local"), 'A="x\\"\n#SECRET_sk_live_do_not_print\n"\n');
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--dry-run", "--cwd", project]);
    expect(result.status, result.output).toBe(0);
    expect(result.stdout).toContain(".env.local");
    expect(result.output).not.toContain("SECRET_sk_live_do_not_print");
  });
});

describe("item 9: a closed or full stdout after a successful apply", () => {
  it("stdout closed early (| true): exit 0, every file written, no stack trace", async () => {
    const project = copyFixture("app-ts");
    const child = spawn(process.execPath, [binPath, "/api/x", "--style", "userId", ...BASE, "--cwd", project], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true" },
    });
    child.stdout.destroy(); // the reader is gone before the CLI writes its report
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.trim().split("\n").length).toBeLessThanOrEqual(1);
    expect(existsSync(path.join(project, "app/api/x/route.ts"))).toBe(true);
    expect(read(project, "proxy.ts")).toContain("clerkMiddleware");
  });

  it("stdout is /dev/full: exit 0, every file written, one line on stderr", () => {
    const project = copyFixture("app-ts");
    const full = openSync("/dev/full", "w");
    try {
      const result = spawnSync(process.execPath, [binPath, "/api/x", "--style", "userId", ...BASE, "--cwd", project], {
        stdio: ["ignore", full, "pipe"],
        encoding: "utf8",
        timeout: 20_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true" },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^create-clerk-route: could not write to stdout \(ENOSPC\)[^\n]*\n$/);
    } finally {
      closeSync(full);
    }
    expect(existsSync(path.join(project, "app/api/x/route.ts"))).toBe(true);
  });
});

describe("item 3: parallel runs on one project", () => {
  it("every run either succeeds with its change on disk or fails with PROJECT_LOCKED / FILE_CHANGED", async () => {
    const project = copyFixture("app-ts");
    copyFileSync(
      path.join(repoRoot, "test/fixtures/middleware/clerk-handler-narrow/input.ts"),
      path.join(project, "proxy.ts"),
    );
    const runs = Array.from({ length: 8 }, (_, i) => `/api/p${i}`);
    const results = await Promise.all(
      runs.map(
        (route) =>
          new Promise<{ route: string; code: number | null; stdout: string }>((resolve) => {
            const child = spawn(
              process.execPath,
              [binPath, route, "--style", "userId", "--no-env", ...BASE, "--cwd", project],
              {
                stdio: ["ignore", "pipe", "pipe"],
                env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true" },
              },
            );
            let stdout = "";
            child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            child.on("close", (code) => resolve({ route, code, stdout }));
          }),
      ),
    );
    const proxy = read(project, "proxy.ts");
    let succeeded = 0;
    for (const { route, code, stdout } of results) {
      const report = JSON.parse(stdout) as { ok: boolean; error?: { code: string } };
      if (code === 0) {
        succeeded++;
        expect(report.ok).toBe(true);
        expect(proxy, `${route} reported ok`).toContain(`"${route}"`);
        expect(existsSync(path.join(project, `app${route}/route.ts`)), route).toBe(true);
      } else {
        expect(code, stdout).toBe(1);
        expect(["PROJECT_LOCKED", "FILE_CHANGED"], stdout).toContain(report.error?.code);
        expect(proxy).not.toContain(`"${route}"`);
        expect(existsSync(path.join(project, `app${route}`)), route).toBe(false);
      }
    }
    expect(succeeded).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(project, ".create-clerk-route.lock"))).toBe(false);
    expect(readFileSync(path.join(project, "proxy.ts"), "utf8")).toBe(proxy);
  });

  it("a lock held by a live process refuses with PROJECT_LOCKED and writes nothing", () => {
    const project = copyFixture("app-ts");
    writeFileSync(path.join(project, ".create-clerk-route.lock"), `${process.pid}\n`);
    expectRefused(project, ["/api/x", "--style", "userId"], "PROJECT_LOCKED", /Another run is changing this project/);
  });
});

describe("item 2: a real SIGTERM or SIGHUP while files are written", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ])("%s after the first file is written: every file restored, exit %i", (signal, exitCode) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const preload = pathToFileURL(path.join(repoRoot, "test/support/signal-on-rename.mjs")).href;
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--cwd", project], {
      env: {
        NODE_OPTIONS: `--import ${preload}`,
        CCR_TEST_SIGNAL: signal,
        CLERK_SECRET_KEY: "sk_test_secretsecretsecret",
      },
    });
    expect(result.status, result.output).toBe(exitCode);
    expect(result.stderr).toContain("Cancelled: nothing was written");
    expect(treeHash(project)).toBe(hash);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ])("%s right after the last rename: every file restored, exit %i, and --install does not run", (signal, exitCode) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const preload = pathToFileURL(path.join(repoRoot, "test/support/signal-on-rename.mjs")).href;
    const planned = runCli(["/api/x", "--style", "userId", "--yes", "--dry-run", "--json", "--cwd", project]);
    const changes = (JSON.parse(planned.stdout) as { changes: { path: string; action: string }[] }).changes.filter(
      (c) => c.action !== "unchanged",
    );
    const last = path.basename(changes.at(-1)!.path);
    // --install against a fake npm first on PATH that records being started.
    const bin = mkdtempSync(path.join(os.tmpdir(), "ccr-fake-npm-"));
    const started = path.join(bin, "started");
    writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "$@" > '${started}'\n`, { mode: 0o755 });
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--install", "--cwd", project], {
      env: {
        NODE_OPTIONS: `--import ${preload}`,
        CCR_TEST_SIGNAL: signal,
        CCR_TEST_SIGNAL_AFTER: last,
        CLERK_SECRET_KEY: "sk_test_secretsecretsecret",
        PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      },
    });
    expect(result.status, result.output).toBe(exitCode);
    expect(result.stderr).toContain("Cancelled: nothing was written");
    expect(existsSync(started), "npm was started").toBe(false);
    expect(treeHash(project)).toBe(hash);
  });
});

// Issue 24 items 3–5, as the built CLI meets them. Each test failed on the code before the fix.

/** A fake package manager first on PATH that records where it ran and with what. */
function fakePackageManager(name = "npm"): { env: NodeJS.ProcessEnv; ranIn: () => string | undefined } {
  const bin = mkdtempSync(path.join(os.tmpdir(), "ccr-fake-pm-"));
  const marker = path.join(bin, "ran-in");
  writeFileSync(path.join(bin, name), `#!/bin/sh\npwd > '${marker}'\necho "$@" >> '${marker}'\n`, { mode: 0o755 });
  return {
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    ranIn: () => (existsSync(marker) ? readFileSync(marker, "utf8").split("\n")[0] : undefined),
  };
}

describe("issue 24 item 3: generated code that leaks or breaks", () => {
  it("--jwt-template database never reuses the project's DATABASE_URL: the route reads a variable of its own", () => {
    const project = copyFixture("app-ts"); // its .env.local holds DATABASE_URL
    const result = runJson(project, ["/api/x", "--style", "token", "--jwt-template", "database"]);
    expect(result.status, result.output).toBe(0);
    const route = read(project, "app/api/x/route.ts");
    expect(route).not.toContain("process.env.DATABASE_URL");
    expect(route).toContain("process.env.JWT_TEMPLATE_DATABASE_API_URL");
    expect(read(project, ".env.local")).toMatch(/^JWT_TEMPLATE_DATABASE_API_URL=$/m);
    expect(read(project, ".env.local")).toContain('DATABASE_URL="postgres://localhost/app"');
    expect(JSON.stringify(result.json)).not.toMatch(/set DATABASE_URL/);
  });

  it.each(["process", "console", "Boolean", "NextResponse"])(
    "a webhook at /api/webhooks/[%s] is refused: the parameter would shadow what the handler uses",
    (name) => {
      const project = copyFixture("app-ts");
      expectRefused(
        project,
        [`/api/webhooks/[${name}]`, "--style", "webhook"],
        "INVALID_ROUTE",
        new RegExp(`"${name}" is a name the generated handler already uses`),
      );
    },
  );

  it("a matcher string holding an escaped newline stays escaped in the generated comment: the patched proxy still parses", async () => {
    const project = copyFixture("app-ts");
    writeFileSync(
      path.join(project, "proxy.ts"),
      'import { NextResponse } from "next/server";\n\nexport function proxy() {\n  return NextResponse.next();\n}\n\nexport const config = { matcher: ["/dash\\nboard(.*)"] };\n',
    );
    const result = runJson(project, ["/api/x", "--style", "userId", "--no-env"]);
    expect(result.status, result.output).toBe(0);
    const proxy = read(project, "proxy.ts");
    expect(proxy).toContain('// proxy ran only on its old config.matcher ("/dash\\nboard(.*)"),');
    expect(proxy).not.toMatch(/^board/m);
    const { parse } = await import("@babel/parser");
    expect(() => parse(proxy, { sourceType: "module", plugins: ["typescript"] })).not.toThrow();
  });
});

describe("issue 24 item 4: input that is silently wrong", () => {
  it("repeated --permission, --plan and --feature are all checked", () => {
    const project = copyFixture("app-ts");
    const args = [
      "/api/x",
      "--style",
      "userId",
      "--permission",
      "org:invoices:read",
      "--permission",
      "org:invoices:delete",
      "--feature",
      "export",
      "--feature",
      "org:seats",
      "--plan",
      "pro",
    ];
    const result = runJson(project, args);
    expect(result.status, result.output).toBe(0);
    const route = read(project, "app/api/x/route.ts");
    for (const check of [
      'permission: "org:invoices:read"',
      'permission: "org:invoices:delete"',
      'feature: "export"',
      'feature: "org:seats"',
      'plan: "pro"',
    ]) {
      expect(route).toContain(`if (!has({ ${check} })) {`);
    }
  });

  it.each([
    [["--style", "userId", "--style", "protect"], /--style is given 2 times/],
    [["--style", "token", "--jwt-template", "a", "--jwt-template", "b"], /--jwt-template is given 2 times/],
    [["--style", "userId", "--role", "org:admin", "--role", "org:member"], /one role/],
  ])("%j is refused rather than keeping only the last value", (args, message) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    const result = runCli(["/api/x", ...args, "--yes", "--cwd", project]);
    expect(result.status, result.output).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(treeHash(project)).toBe(hash);
  });

  it("--secret-key given twice names the flag, never the values", () => {
    const project = copyFixture("app-ts");
    const result = runJson(project, [
      "/api/x",
      "--style",
      "userId",
      "--secret-key",
      "sk_test_first_secret_value",
      "--secret-key",
      "sk_test_second_secret_value",
    ]);
    expect(result.status).toBe(1);
    expect(result.json.error?.code).toBe("INVALID_ARGUMENTS");
    expect(result.output).toMatch(/--secret-key is given 2 times/);
    expect(result.output).not.toMatch(/first_secret|second_secret/);
  });

  it.each([
    ["sk_test_4Yb9aQ2mXv7LkP0sRt3uWz8NcD6eF1gH5jK2"],
    ["pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"],
    ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
  ])("a Clerk key in the route's place (%s) is refused without printing it, pointing to the flag", (key) => {
    const project = copyFixture("app-ts");
    const hash = treeHash(project);
    for (const extra of [[], ["--json"]]) {
      const result = runCli([key, "--style", "userId", "--yes", ...extra, "--cwd", project]);
      expect(result.status, result.output).toBe(1);
      expect(result.output).toMatch(/looks like a/);
      expect(result.output).toMatch(/--secret-key|--publishable-key|--webhook-secret/);
      expect(result.output).not.toContain(key.slice(8));
    }
    expect(treeHash(project)).toBe(hash);
  });

  it("a 4.3 kB route (17 segments of 250 bytes) is INVALID_ROUTE, not an UNEXPECTED ENAMETOOLONG", () => {
    const project = copyFixture("app-ts");
    const route = `/api${`/${"a".repeat(250)}`.repeat(17)}`;
    expectRefused(project, [route, "--style", "userId"], "INVALID_ROUTE", /limited to 512 bytes/);
  });

  it("/api/_internal is written to app/api/%5Finternal, the folder Next.js serves as /api/_internal", () => {
    const project = copyFixture("app-ts");
    const result = runJson(project, ["/api/_internal", "--style", "userId", "--no-env"]);
    expect(result.status, result.output).toBe(0);
    expect(existsSync(path.join(project, "app/api/%5Finternal/route.ts"))).toBe(true);
    expect(read(project, "app/api/%5Finternal/route.ts")).toContain("// /api/_internal: signed-in users only.");
    const again = runJson(project, ["/api/%5Finternal", "--style", "userId", "--no-env"]);
    expect(again.status, again.output).toBe(0); // the same route: nothing to change
  });

  it.each([".env.local", "proxy.ts"])(
    "a read-only (0444) %s is READ_ONLY_FILE, dry run included; nothing is written",
    (file) => {
      const project = copyFixture("app-ts");
      if (file === "proxy.ts")
        writeFileSync(
          path.join(project, file),
          'import { clerkMiddleware } from "@clerk/nextjs/server";\n\nexport default clerkMiddleware();\n\nexport const config = { matcher: ["/dashboard(.*)"] };\n',
        );
      chmodSync(path.join(project, file), 0o444);
      expectRefused(
        project,
        ["/api/x", "--style", "userId"],
        "READ_ONLY_FILE",
        new RegExp(`${file.replace(/\./g, "\\.")} is read-only`),
      );
      expectRefused(project, ["/api/x", "--style", "userId", "--dry-run"], "READ_ONLY_FILE");
      expect(statSync(path.join(project, file)).mode & 0o777).toBe(0o444);
    },
  );
});

describe("issue 24 item 5: hangs and places outside the project", () => {
  const fifo = (file: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    expect(spawnSync("mkfifo", [file]).status).toBe(0);
  };

  it("a FIFO at .create-clerk-route.lock is NOT_A_FILE within seconds, never a hang", () => {
    const project = copyFixture("app-ts");
    fifo(path.join(project, ".create-clerk-route.lock"));
    expectRefused(project, ["/api/x", "--style", "userId"], "NOT_A_FILE", /\.create-clerk-route\.lock is a named pipe/);
    expect(lstatSync(path.join(project, ".create-clerk-route.lock")).isFIFO()).toBe(true);
  });

  it("a FIFO at node_modules/next/package.json hangs neither add nor audit", () => {
    const project = copyFixture("app-ts");
    fifo(path.join(project, "node_modules/next/package.json"));
    fifo(path.join(project, "node_modules/@clerk/nextjs/package.json"));
    const added = runJson(project, ["/api/x", "--style", "userId"]);
    expect(added.status, added.output).toBe(0);
    const audit = runCli(["audit", "--json", "--cwd", project], { timeout: 10_000 });
    expect(audit.status, audit.output).toBe(0);
  });

  it("a FIFO at a workspace manifest above the project is passed over, never opened", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "ccr-fifo-root-"));
    fse.copySync(path.join(repoRoot, "test/fixtures/projects/app-ts"), path.join(root, "web"));
    fifo(path.join(root, "package.json"));
    fifo(path.join(root, "pnpm-workspace.yaml"));
    const result = runJson(path.join(root, "web"), ["/api/x", "--style", "userId"]);
    expect(result.status, result.output).toBe(0);
  });

  /** A folder that others may write to (like /tmp), holding a package.json whose workspaces include `app`. */
  function sharedParent(setup: (parent: string) => void = () => {}): { parent: string; app: string } {
    const parent = mkdtempSync(path.join(os.tmpdir(), "ccr-shared-"));
    writeFileSync(
      path.join(parent, "package.json"),
      JSON.stringify({ name: "planted", private: true, workspaces: ["*"] }),
    );
    const app = path.join(parent, "app");
    fse.copySync(path.join(repoRoot, "test/fixtures/projects/app-ts"), app);
    setup(parent);
    return { parent, app };
  }

  it("a world-writable parent's package.json is not the workspace: --install runs in the project, and a warning names the parent", () => {
    const { parent, app } = sharedParent((dir) => chmodSync(dir, 0o777));
    const npm = fakePackageManager();
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--json", "--install", "--cwd", app], {
      env: npm.env,
    });
    expect(result.status, result.output).toBe(0);
    expect(npm.ranIn()).toBe(app);
    expect(JSON.parse(result.stdout).warnings.join("\n")).toContain(`Ignored ${parent}`);
  });

  it("a parent whose package.json another user owns is not the workspace either", () => {
    const { app } = sharedParent((dir) => chownSync(path.join(dir, "package.json"), 4242, 4242));
    const npm = fakePackageManager();
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--json", "--install", "--cwd", app], {
      env: npm.env,
    });
    expect(result.status, result.output).toBe(0);
    expect(npm.ranIn()).toBe(app);
  });

  it("a parent the user owns, not writable by others, stays the workspace root (npm install runs there)", () => {
    const { parent, app } = sharedParent();
    const npm = fakePackageManager();
    const result = runCli(["/api/x", "--style", "userId", "--yes", "--json", "--install", "--cwd", app], {
      env: npm.env,
    });
    expect(result.status, result.output).toBe(0);
    expect(npm.ranIn()).toBe(parent);
  });
});
