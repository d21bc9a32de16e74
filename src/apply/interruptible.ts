import { CancelledError } from "../core/errors.js";
import type { FileChange } from "../core/types.js";
import { applyChanges, type ApplyHooks } from "./write-plan.js";

// Writing a plan while Ctrl-C, SIGTERM or SIGHUP may arrive: the signal rolls back what was
// written and the run exits as a shell reports the signal. Every command that writes a plan
// (add, migrate) writes it through here.

/** Signals that stop the writes: rolled back, then exit 128 + the signal's number, as a shell reports it. */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

export interface InterruptibleOptions {
  /** Where SIGINT, SIGTERM and SIGHUP arrive (default: process; tests pass their own). */
  signals?: NodeJS.EventEmitter;
  hooks?: ApplyHooks;
}

/**
 * Ctrl-C, SIGTERM or SIGHUP while files are being written rolls back what was written. A signal
 * is acted on once the lock is held, before each folder is created and each rename, and once more
 * after the last rename (its clean-up included), while the lock is still held; nothing in between
 * blocks (the lock and every file are read without a blocking open). Until the lock is released,
 * a signal always means "nothing was written", and the install never starts. From that last check to removing the
 * handlers the code is synchronous (lock release included): a signal arriving in those few
 * microseconds is dropped by Node when its last listener goes; one after that ends the process
 * the default way, with the files written.
 */
export async function applyInterruptibly(
  root: string,
  changes: FileChange[],
  options: InterruptibleOptions = {},
): Promise<void> {
  const signals = options.signals ?? process;
  const hooks = options.hooks;
  let exitCode: number | undefined;
  const handlers = Object.entries(STOP_SIGNALS).map(([signal, code]) => {
    const handler = () => {
      exitCode ??= code;
    };
    signals.on(signal, handler);
    return () => signals.off(signal, handler);
  });
  const stopIfSignalled = () => {
    if (exitCode !== undefined) throw new CancelledError(exitCode);
  };
  try {
    await applyChanges(root, changes, {
      ...hooks,
      afterLock: async () => {
        await hooks?.afterLock?.();
        stopIfSignalled();
      },
      beforeMkdir: async (folder) => {
        await hooks?.beforeMkdir?.(folder);
        stopIfSignalled();
      },
      beforeCommit: async (change) => {
        await hooks?.beforeCommit?.(change);
        stopIfSignalled();
      },
      beforeRelease: async () => {
        await hooks?.beforeRelease?.();
        stopIfSignalled();
      },
    });
  } finally {
    for (const off of handlers) off();
  }
}
