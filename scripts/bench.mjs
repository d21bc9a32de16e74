// Startup, memory and size report for the built CLI. Run it with `npm run bench`, which builds first;
// `npm run bench -- --runs N` sets the timed runs per command (N ≥ 10, default 15). It is a report,
// not a test: it exits 0 when a goal is missed and marks the miss.
//
// Timing: bare `node -e 0`, `--help` and a full generation run round-robin (each round starts one
// command later) so machine noise hits all three alike, after 2 untimed warm-up rounds. Only the
// spawn is timed; the fresh copy of the example project is made before the clock starts.
//
// Peak memory (max RSS): GNU `/usr/bin/time -f %M` (the child's max RSS in KiB) when it works here,
// in its own pass so its extra fork/exec does not touch the timings. Without it, a wrapper node
// process imports dist/cli.js, calls main() in-process and prints process.resourceUsage().maxRSS
// (KiB) at exit: the same process and so the same peak, minus the two lines of bin/.
//
// Sizes: `npm pack --json` into a temp folder (the same size/unpackedSize as --dry-run, and the
// tarball is then installed), `npm install <tgz>` into an empty temp project, and the apparent size
// of every file below its node_modules (2 MB = 2,000,000 bytes).
import { spawnSync } from "node:child_process";
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "bin/create-clerk-route.js");
const fixture = path.join(root, "test/fixtures/projects/app-ts");
const GOALS = { help: 1.3, generate: 2.0, installedBytes: 2_000_000, peakMiB: 60 };
const WARMUP_ROUNDS = 2;
const MEMORY_RUNS = 3;

function parseRuns(argv) {
  const at = argv.findIndex((arg) => arg === "--runs" || arg.startsWith("--runs="));
  if (at === -1) return 15;
  const raw = argv[at].startsWith("--runs=") ? argv[at].slice("--runs=".length) : argv[at + 1];
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 10) {
    console.error(`bench: --runs needs a whole number of at least 10 (got ${raw})`);
    process.exit(2);
  }
  return runs;
}

const runs = parseRuns(process.argv.slice(2));
const tmp = mkdtempSync(path.join(os.tmpdir(), "ccr-bench-"));
const cleanup = () => rmSync(tmp, { recursive: true, force: true });
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

// Children see CI=true (no prompts, like the CLI tests) and none of the npm_* variables that
// `npm run` exports, so the nested npm commands read only their own configuration.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
env.CI = "true";

let copies = 0;
function freshProject() {
  const dir = path.join(tmp, `project-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

// cliArgs() gives the CLI's arguments, or null for bare node.
const commands = [
  { key: "node", label: "node -e 0", cliArgs: () => null },
  { key: "help", label: "cli --help", cliArgs: () => ["--help"] },
  {
    key: "generate",
    label: "cli full generation",
    cliArgs: () => ["/api/projects/[id]", "--style", "userId", "--methods", "GET,PATCH", "--yes", "--cwd", freshProject()],
  },
];

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    throw new Error(`${file} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})\n${output}`);
  }
  return result;
}

const nodeArgs = (cliArgs) => (cliArgs === null ? ["-e", "0"] : [bin, ...cliArgs]);

function timeOnce(command) {
  const args = nodeArgs(command.cliArgs());
  const start = process.hrtime.bigint();
  run(process.execPath, args);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const WRAPPER = `
process.on("exit", () => process.stderr.write("\\nmaxrss=" + process.resourceUsage().maxRSS + "\\n"));
const args = JSON.parse(process.env.CCR_BENCH_ARGS);
if (args !== null) {
  const { main } = await import(process.env.CCR_BENCH_CLI);
  process.exitCode = await main(args);
}`;

function gnuTimeWorks() {
  const probe = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "-e", "0"], { encoding: "utf8" });
  return probe.status === 0 && /^\d+$/.test(probe.stderr.trim().split("\n").at(-1));
}

/** Max RSS of one run, in KiB. */
function peakOnce(command, viaGnuTime) {
  const cliArgs = command.cliArgs();
  if (viaGnuTime) {
    const { stderr } = run("/usr/bin/time", ["-f", "%M", process.execPath, ...nodeArgs(cliArgs)]);
    return Number(stderr.trim().split("\n").at(-1));
  }
  const { stderr } = run(process.execPath, ["--input-type=module", "-e", WRAPPER], {
    env: { ...env, CCR_BENCH_ARGS: JSON.stringify(cliArgs), CCR_BENCH_CLI: pathToFileURL(path.join(root, "dist/cli.js")).href },
  });
  return Number(/maxrss=(\d+)/.exec(stderr)[1]);
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], p90: sorted[Math.ceil(0.9 * sorted.length) - 1] };
}

/** Apparent bytes of every entry below dir, and the bytes its blocks take on disk. */
function treeSize(dir) {
  let bytes = 0;
  let disk = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    disk += stat.blocks * 512;
    if (stat.isDirectory()) {
      const inner = treeSize(full);
      bytes += inner.bytes;
      disk += inner.disk;
    } else bytes += stat.size;
  }
  return { bytes, disk };
}

function packAndInstall() {
  const packDir = path.join(tmp, "pack");
  const consumer = path.join(tmp, "consumer");
  mkdirSync(packDir);
  mkdirSync(consumer);
  const [info] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: root }).stdout);
  // A package.json of its own keeps npm from looking for a project further up the tree.
  writeFileSync(path.join(consumer, "package.json"), '{ "name": "ccr-bench-consumer", "private": true }\n');
  run("npm", ["install", path.join(packDir, info.filename), "--no-audit", "--no-fund", "--prefer-offline"], { cwd: consumer });
  return { tarball: info.size, unpacked: info.unpackedSize, entries: info.entryCount, installed: treeSize(path.join(consumer, "node_modules")) };
}

const ms = (value) => `${value.toFixed(1)} ms`.padStart(10);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const MiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const verdict = (ok, text) => console.log(`  ${ok ? "ok  " : "MISS"}  ${text}`);

try {
  const cpus = os.cpus();
  console.log(`Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg()[0].toFixed(1)}`);
  // Other work on the machine adds the same wait to every spawn, which pulls every ratio toward 1×.
  if (os.loadavg()[0] > cpus.length) console.log("Warning: the machine is busy (load above the core count); the ratios below read low.");
  console.log(`Timing ${runs} runs of each command, round-robin after ${WARMUP_ROUNDS} warm-up rounds…`);

  const times = Object.fromEntries(commands.map((command) => [command.key, []]));
  for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(round + i) % commands.length];
      const elapsed = timeOnce(command);
      if (round >= WARMUP_ROUNDS) times[command.key].push(elapsed);
    }
  }

  const viaGnuTime = gnuTimeWorks();
  const peaks = Object.fromEntries(commands.map((command) => [command.key, 0]));
  for (let round = 0; round < MEMORY_RUNS; round++) {
    for (const command of commands) peaks[command.key] = Math.max(peaks[command.key], peakOnce(command, viaGnuTime));
  }

  console.log("Packing and installing the tarball…");
  const size = packAndInstall();

  const s = Object.fromEntries(commands.map((command) => [command.key, stats(times[command.key])]));
  const ratio = (key) => s[key].median / s.node.median;
  console.log(`\n  ${"command".padEnd(20)}${"median".padStart(10)}${"min".padStart(10)}${"p90".padStart(10)}  × node  max RSS`);
  for (const { key, label } of commands) {
    console.log(`  ${label.padEnd(20)}${ms(s[key].median)}${ms(s[key].min)}${ms(s[key].p90)}  ${ratio(key).toFixed(2).padStart(5)}×  ${MiB(peaks[key]).padStart(8)}`);
  }
  console.log(`  (max RSS: highest of ${MEMORY_RUNS} runs, ${viaGnuTime ? "/usr/bin/time -f %M" : "in-process wrapper, process.resourceUsage().maxRSS"})`);

  const dist = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (lstatSync(full).isDirectory()) walk(full);
      else dist.push([path.relative(path.join(root, "dist"), full), lstatSync(full).size]);
    }
  };
  walk(path.join(root, "dist"));
  dist.sort((a, b) => b[1] - a[1]);
  console.log(`\n  tarball ${kB(size.tarball)} (${size.entries} files, ${kB(size.unpacked)} unpacked); installed node_modules ${kB(size.installed.bytes)} (${kB(size.installed.disk)} on disk)`);
  console.log(`  dist/: ${dist.map(([file, bytes]) => `${file} ${kB(bytes)}`).join(", ")}`);

  console.log("\nGoals:");
  verdict(ratio("help") <= GOALS.help, `--help median ${ratio("help").toFixed(2)}× bare node (goal ≤ ${GOALS.help}×)`);
  verdict(ratio("generate") <= GOALS.generate, `full generation median ${ratio("generate").toFixed(2)}× bare node (goal ≤ ${GOALS.generate}×)`);
  verdict(size.installed.bytes <= GOALS.installedBytes, `installed size ${(size.installed.bytes / 1e6).toFixed(2)} MB (goal ≤ ${GOALS.installedBytes / 1e6} MB)`);
  for (const key of ["help", "generate"]) {
    verdict(peaks[key] / 1024 <= GOALS.peakMiB, `peak memory of ${key === "help" ? "--help" : "full generation"} ${MiB(peaks[key])} (goal ≤ ${GOALS.peakMiB} MiB)`);
  }
} finally {
  cleanup();
}
