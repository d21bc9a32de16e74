// Runs `next build` and `next start` in a fixture project: on localhost only, on a free port,
// bounded in time, with the whole process group stopped afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import path from "node:path";
import { IT_ROOT, run, type RunResult } from "./cache.js";

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Loaded into every Node process Next starts (NODE_OPTIONS=--import): any fetch to a host that is
// not this machine fails at once and leaves a line in the log, instead of hanging or leaving.
const OFFLINE_GUARD = `
process.stderr.write("[offline-guard] active\\n");
const originalFetch = globalThis.fetch;
const local = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
globalThis.fetch = function offlineGuardFetch(input, init) {
  let href;
  try {
    href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const { hostname } = new URL(href);
    if (!local.has(hostname)) {
      process.stderr.write("[offline-guard] blocked fetch " + href + "\\n");
      return Promise.reject(new TypeError("offline-guard: " + href + " is not on this machine"));
    }
  } catch {}
  return originalFetch.call(this, input, init);
};
`;

async function offlineGuardPath(): Promise<string> {
  const version = createHash("sha256").update(OFFLINE_GUARD).digest("hex").slice(0, 8);
  const file = path.join(IT_ROOT, `offline-guard-${version}.mjs`);
  if (!existsSync(file)) {
    // Another run may be reading it: write aside, then rename into place.
    await mkdir(IT_ROOT, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, OFFLINE_GUARD);
    await rename(temp, file);
  }
  return file;
}

export const BLOCKED_MARKER = "[offline-guard] blocked";
/** Printed by every Next process the guard was loaded into. */
export const GUARD_ACTIVE_MARKER = "[offline-guard] active";

/** The environment every Next process gets: production mode, no telemetry, no way out. */
export async function nextEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Leave vitest's and npm's own variables (NODE_ENV=test among them) behind.
    if (/^(VITEST|npm_|__NEXT|NEXT_|CLERK_|NEXT_PUBLIC_)/.test(key)) continue;
    if (key === "NODE_ENV" || key === "NODE_OPTIONS" || key === "TURBOPACK") continue;
    env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: "production",
    CI: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: "1",
    CLERK_TELEMETRY_DISABLED: "1",
    // Belt and braces: a client that honours proxy variables gets a dead local port.
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "localhost,127.0.0.1,::1",
    NODE_OPTIONS: `--import=${await offlineGuardPath()}`,
    ...extra,
  };
}

function nextBin(dir: string): string {
  return path.join(dir, "node_modules", "next", "dist", "bin", "next");
}

export async function nextCommand(
  dir: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<RunResult> {
  return run(process.execPath, [nextBin(dir), ...args], {
    cwd: dir,
    env: await nextEnv(options.env),
    timeoutMs: options.timeoutMs,
  });
}

/** `next build`; throws with the build output when it fails. */
export async function nextBuild(dir: string, env: Record<string, string> = {}): Promise<RunResult> {
  const result = await nextCommand(dir, ["build"], { env, timeoutMs: 8 * 60_000 });
  if (result.code !== 0) {
    throw new Error(`next build failed in ${dir} (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

export interface NextServer {
  /** http://localhost:<port> */
  url: string;
  port: number;
  /** Everything the server printed so far. */
  logs(): string;
  stop(): Promise<void>;
}

function stopGroup(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const pid = child.pid;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone
      }
    };
    const timer = setTimeout(() => {
      kill("SIGKILL");
      resolve();
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes too.
      kill("SIGKILL");
      resolve();
    });
    kill("SIGTERM");
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "localhost", port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * `next start -H localhost -p <free port>`. Binding to "localhost" matters: with 127.0.0.1,
 * Clerk's rewrite makes Next proxy requests to itself and every request hangs.
 */
export async function startNext(
  dir: string,
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {},
): Promise<NextServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin(dir), "start", "-H", "localhost", "-p", String(port)], {
    cwd: dir,
    env: await nextEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const server: NextServer = {
    url: `http://localhost:${port}`,
    port,
    logs: () => output,
    stop: () => stopGroup(child),
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`next start exited early (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      if (await portOpen(port)) break;
      if (Date.now() > deadline) throw new Error(`next start not listening on ${port} in time:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
