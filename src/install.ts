import { spawn } from "node:child_process";
import { CliError } from "./core/errors.js";
import type { PackageManager } from "./core/types.js";
import type { Project } from "./project/detect.js";

// Installing @clerk/nextjs with the project's own package manager: the command (shown as a next
// step or run with --install) is built in one place.

export type Installer = (packageManager: PackageManager, args: string[], root: string) => Promise<void>;

/**
 * Declared but not installed: a plain install, which keeps the declared range.
 * Not declared: add it.
 */
export function clerkInstallArgs(project: Pick<Project, "packageManager" | "clerk">): string[] {
  if (project.clerk.declared) return ["install"];
  return project.packageManager === "npm" ? ["install", "@clerk/nextjs"] : ["add", "@clerk/nextjs"];
}

/** The whole command, e.g. ["pnpm", "add", "@clerk/nextjs"]. */
export function clerkInstallCommand(project: Pick<Project, "packageManager" | "clerk">): string[] {
  return [project.packageManager, ...clerkInstallArgs(project)];
}

export const runInstall: Installer = (packageManager, args, root) =>
  new Promise((resolve, reject) => {
    const command = `${packageManager} ${args.join(" ")}`;
    const child = spawn(packageManager, args, {
      cwd: root,
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
