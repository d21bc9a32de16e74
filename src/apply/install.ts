import { spawn } from "node:child_process";
import { CliError } from "../core/errors.js";
import type { PackageManager } from "../core/types.js";
import { installCommandText } from "../project/install-command.js";

// Running the install of @clerk/nextjs (--install, or yes at the prompt). The command itself is
// built in project/install-command.ts, from what detection found.

export type Installer = (packageManager: PackageManager, args: string[], cwd: string) => Promise<void>;

export const runInstall: Installer = (packageManager, args, cwd) =>
  new Promise((resolve, reject) => {
    const command = installCommandText({ packageManager, args });
    const child = spawn(packageManager, args, {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      shell: process.platform === "win32",
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("error", (error) =>
      reject(
        new CliError("INSTALL_FAILED", `Could not run ${packageManager}: ${error.message}`, {
          hint: `The files were written. Install ${packageManager} (this project's lockfile asks for it), or add @clerk/nextjs yourself: ${command}`,
        }),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new CliError("INSTALL_FAILED", `${command} failed (exit ${code}).\n${stderr.trim()}`, {
            hint: `The files were written; install @clerk/nextjs yourself: ${command}`,
          }),
        );
    });
  });
