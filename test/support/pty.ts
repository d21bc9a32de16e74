import { spawn } from "node:child_process";
import xterm from "@xterm/headless";
import { binPath } from "./project.js";

// Runs the CLI inside a pseudo-terminal (util-linux `script`), so stdin and stdout are TTYs and
// the prompts run for real; keys are typed as a user would type them. `screen()` replays the raw
// output through a headless terminal emulator (xterm.js) of the same size, so a test reads what a
// user would see, prompts redrawn in place, and which lines the terminal had to wrap.

export interface PtySession {
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exit: Promise<number | null>;
  /** Everything written so far, ANSI sequences removed (redrawn prompts appear once per frame). */
  output(): string;
  /** The terminal's lines as rendered, scrollback included, trailing blanks trimmed. */
  screen(): Promise<ScreenLine[]>;
}

export interface ScreenLine {
  text: string;
  /** The terminal continued the line above here: something was printed wider than the terminal. */
  wrapped: boolean;
}

export interface PtyOptions {
  env?: NodeJS.ProcessEnv;
  /** Terminal width in columns (default 120). */
  columns?: number;
  /** The folder the CLI runs in (default: this process's). */
  cwd?: string;
}

const ROWS = 40;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\r/g;

export function startInPty(args: string[], options: PtyOptions = {}): PtySession {
  const columns = options.columns ?? 120;
  const command = [process.execPath, binPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  // A pty made without a terminal behind it has no size: give it one, or prompts wrap at 1 column.
  const child = spawn("script", ["-qefc", `stty cols ${columns} rows ${ROWS}; exec ${command}`, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TERM: "xterm-256color",
      COLUMNS: String(columns),
      LINES: String(ROWS),
      ...options.env,
    },
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
    screen: () => render(raw, columns),
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

/** Replays raw terminal output in an emulator `columns` wide and returns its lines. */
export async function render(raw: string, columns: number): Promise<ScreenLine[]> {
  const terminal = new xterm.Terminal({ cols: columns, rows: ROWS, scrollback: 10_000, allowProposedApi: true });
  try {
    await new Promise<void>((resolve) => terminal.write(raw, resolve));
    const buffer = terminal.buffer.active;
    const lines: ScreenLine[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (line) lines.push({ text: line.translateToString(true), wrapped: line.isWrapped });
    }
    while (lines.length > 0 && lines[lines.length - 1]!.text === "") lines.pop();
    return lines;
  } finally {
    terminal.dispose();
  }
}
