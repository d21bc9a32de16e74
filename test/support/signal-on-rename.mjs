// Preloaded into the built CLI (NODE_OPTIONS=--import) by test/cli/attacks.test.ts: the process
// sends itself CCR_TEST_SIGNAL and waits until Node has delivered it, at a known point of the
// writes, with no timing: before the first rename of a run's apply, or, with
// CCR_TEST_SIGNAL_AFTER=<file name>, right after the rename onto that file has completed.
import fs from "node:fs";
import path from "node:path";

const signal = process.env.CCR_TEST_SIGNAL;
const after = process.env.CCR_TEST_SIGNAL_AFTER;
const rename = fs.promises.rename;
let sent = false;

async function sendAndWait() {
  sent = true;
  const keepAlive = setInterval(() => {}, 1000); // a pending signal alone does not keep Node running
  const delivered = new Promise((resolve) => process.once(signal, resolve));
  process.kill(process.pid, signal);
  await delivered;
  clearInterval(keepAlive);
}

fs.promises.rename = async function (...args) {
  if (signal && !sent && !after) await sendAndWait();
  const result = await rename.apply(fs.promises, args);
  if (signal && !sent && after && path.basename(String(args[1])) === after) await sendAndWait();
  return result;
};
