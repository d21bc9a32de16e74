// Preloaded into the built CLI (NODE_OPTIONS=--import) by test/cli/attacks.test.ts: before the
// first rename of a run's apply, the process sends itself CCR_TEST_SIGNAL and waits until Node
// has delivered it, then renames. A real signal at a known point of the writes, with no timing.
import fs from "node:fs";

const signal = process.env.CCR_TEST_SIGNAL;
const rename = fs.promises.rename;
let sent = false;
fs.promises.rename = async function (...args) {
  if (signal && !sent) {
    sent = true;
    const keepAlive = setInterval(() => {}, 1000); // a pending signal alone does not keep Node running
    const delivered = new Promise((resolve) => process.once(signal, resolve));
    process.kill(process.pid, signal);
    await delivered;
    clearInterval(keepAlive);
  }
  return rename.apply(fs.promises, args);
};
