import { spawn } from "node:child_process";
import { binPath } from "./project.js";

// Runs the CLI inside a pseudo-terminal (util-linux `script`), so stdin and stdout are TTYs and
// the prompts run for real; keys are typed as a user would type them.

export interface PtySession {
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exit: Promise<number | null>;
  output(): string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\r/g;

export function startInPty(args: string[], env: NodeJS.ProcessEnv = {}): PtySession {
  const command = [process.execPath, binPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  // A pty made without a terminal behind it has no size: give it one, or prompts wrap at 1 column.
  const child = spawn("script", ["-qefc", `stty cols 120 rows 40; exec ${command}`, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm-256color", COLUMNS: "120", LINES: "40", ...env },
  });
  let raw = "";
  child.stdout.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (raw += chunk.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const exit = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve(code);
    }),
  );
  const output = () => raw.replace(ANSI, "");
  return {
    output,
    exit,
    type: (keys) => child.stdin.write(keys),
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          if (pattern.test(output())) {
            clearInterval(poll);
            setTimeout(resolve, 50);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`Timed out waiting for ${pattern}. Screen so far:\n${output()}`));
          }
        }, 25);
      }),
  };
}
