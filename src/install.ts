import { spawn } from "node:child_process";
import { CliError } from "./errors.js";
import type { PackageManager } from "./types.js";

// Installs @clerk/nextjs with the project's own package manager.

export type Installer = (packageManager: PackageManager, root: string) => Promise<void>;

export function installArgs(packageManager: PackageManager): string[] {
  return packageManager === "npm" ? ["install", "@clerk/nextjs"] : ["add", "@clerk/nextjs"];
}

export const runInstall: Installer = (packageManager, root) =>
  new Promise((resolve, reject) => {
    const child = spawn(packageManager, installArgs(packageManager), {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
      shell: process.platform === "win32",
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("error", (error) => reject(new CliError("INSTALL_FAILED", `Could not run ${packageManager}: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new CliError("INSTALL_FAILED", `${packageManager} ${installArgs(packageManager).join(" ")} failed (exit ${code}).\n${stderr.trim()}`, {
            hint: `The files were written; install @clerk/nextjs yourself: ${packageManager} ${installArgs(packageManager).join(" ")}`,
          }),
        );
    });
  });
