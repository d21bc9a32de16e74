// Startup, memory and size report for the built CLI. Run it with `npm run bench`, which builds first;
// `npm run bench -- --runs N` sets the timed runs per command (N ≥ 10, default 20). It is a report,
// not a test: it exits 0 when a goal is missed and marks the miss.
//
// Rows (each a goal of issue #16):
//   node -e 0       bare Node, the yardstick every ratio divides by;
//   --help, --version;
//   generate        a full non-interactive generation (route + new proxy.ts + .env.local) into a
//                   fresh copy of the example project (no middleware file: the parser never loads);
//   patch           the same into a copy whose proxy.ts is a Clerk one without the route (the
//                   fixture middleware/clerk-string-matcher), so the parser loads and patches it;
//   patch, cold     the patch run with an empty code cache each time (what the first run of a
//                   version, e.g. every `npx` of a new release, pays);
//   …, cache off    generate and patch with CREATE_CLERK_ROUTE_CACHE=off: what the cache saves
//                   (issue 24: it has to save more than its checks cost, or go);
//   audit 500       `audit` of a copy of the example project with a Clerk proxy.ts and 500 route
//                   files (the generated route snapshots, cycled);
//   audit 5,000     the same with 5,000 route files (issue #22: ≤ 1.5 s and ≤ 100 MiB), run on its own
//                   a few times (time and peak memory), like the env row;
//   env 50 MB       a generation into a copy whose .env.local is 50 MB (time and peak memory of
//                   whatever the CLI does with it: refuse it or append to it).
//
// Timing: the short rows run round-robin (each round starts one command later) so machine noise
// hits all of them alike, after 2 untimed warm-up rounds (which also fill the code cache). Only the
// spawn is timed (each with a small preloaded file that prints the run's CPU time, the CPU column);
// fresh project copies are made before the clock starts. The CLI's code cache lives
// in a folder of this run (CREATE_CLERK_ROUTE_CACHE), so the user's own cache is neither used nor
// touched; "patch, cold" gets a new empty folder for every run. Those folders are below the
// repository's git-ignored .tmp/, not the temp folder: the CLI uses no cache in a folder others
// can write to (/tmp is one), and this script says so when the cache was refused all the same.
//
// Peak memory (max RSS): GNU `/usr/bin/time -f %M` (the child's max RSS in KiB) when it works here,
// in its own pass so its extra fork/exec does not touch the timings. Without it, a wrapper node
// process imports dist/cli.js, calls main() in-process and prints process.resourceUsage().maxRSS
// (KiB) at exit: the same process and so the same peak, minus the two lines of bin/.
//
// Sizes: `npm pack --json` into a temp folder (the same size/unpackedSize as --dry-run, and the
// tarball is then installed), `npm install <tgz>` into an empty temp project, and the apparent size
// of every file below its node_modules (1 MB = 1,000,000 bytes).
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "bin/create-clerk-route.js");
const fixture = path.join(root, "test/fixtures/projects/app-ts");
const clerkProxy = path.join(root, "test/fixtures/middleware/clerk-string-matcher/input.ts");
const auditProxy = path.join(root, "test/fixtures/projects/audit-app/proxy.ts");
const routeSnapshots = path.join(root, "test/snapshots/routes");
const GOALS = {
  help: 1.1,
  version: 1.1,
  generate: 1.4,
  patch: 1.6,
  auditMs: 2000,
  auditBigMs: 1500,
  auditBigPeakMiB: 100,
  peakMiB: 55,
  envPeakMiB: 150,
  installedBytes: 1_000_000,
};
const WARMUP_ROUNDS = 2;
const MEMORY_RUNS = 3;
const ENV_RUNS = 3;
const AUDIT_ROUTES = 500;
const AUDIT_BIG_ROUTES = 5000;
const AUDIT_BIG_RUNS = 5;
const ENV_BYTES = 50 * 1024 * 1024;

function parseRuns(argv) {
  const at = argv.findIndex((arg) => arg === "--runs" || arg.startsWith("--runs="));
  if (at === -1) return 20;
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
mkdirSync(path.join(root, ".tmp"), { recursive: true, mode: 0o755 });
const caches = mkdtempSync(path.join(root, ".tmp", "bench-cache-"));
const cleanup = () => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(caches, { recursive: true, force: true });
};
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

// Children see CI=true (no prompts, like the CLI tests) and none of the npm_* variables that
// `npm run` exports, so the nested npm commands read only their own configuration.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
env.CI = "true";
const warmCache = path.join(caches, "warm");
env.CREATE_CLERK_ROUTE_CACHE = warmCache;

let copies = 0;
function freshProject(setup) {
  const dir = path.join(tmp, `project-${copies++}`);
  cpSync(fixture, dir, { recursive: true });
  setup?.(dir);
  return dir;
}
const withClerkProxy = (dir) => cpSync(clerkProxy, path.join(dir, "proxy.ts"));
const coldCache = () => ({ CREATE_CLERK_ROUTE_CACHE: path.join(caches, `cold-${copies++}`) });
const cacheOff = () => ({ CREATE_CLERK_ROUTE_CACHE: "off" });

/** A copy of the example project with a Clerk proxy.ts and AUDIT_ROUTES route files; audit only reads it. */
function auditProject(count = AUDIT_ROUTES) {
  const dir = freshProject((project) => cpSync(auditProxy, path.join(project, "proxy.ts")));
  const sources = [];
  for (const style of readdirSync(routeSnapshots).sort()) {
    for (const file of readdirSync(path.join(routeSnapshots, style)).sort()) {
      if (file.endsWith(".ts"))
        sources.push({
          dynamic: file.includes("dynamic"),
          code: readFileSync(path.join(routeSnapshots, style, file), "utf8"),
        });
    }
  }
  for (let i = 0; i < count; i++) {
    const { dynamic, code } = sources[i % sources.length];
    const folder = path.join(dir, "app/api/bench", `r${i}`, dynamic ? "[id]" : "");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "route.ts"), code);
  }
  return dir;
}

/** A copy whose .env.local holds ENV_BYTES of comment lines and keys. */
function bigEnvProject() {
  return freshProject((dir) => {
    const line =
      "# padding padding padding padding padding padding padding padding padding padding\nSOME_KEY=some-value\n";
    writeFileSync(path.join(dir, ".env.local"), line.repeat(Math.ceil(ENV_BYTES / line.length)));
  });
}

const generateArgs = (dir) => [
  "/api/projects/[id]",
  "--style",
  "userId",
  "--methods",
  "GET,PATCH",
  "--yes",
  "--cwd",
  dir,
];

// cliArgs() gives the CLI's arguments (null for bare node), extraEnv() any variables for that run;
// statuses: the exit codes that count as a normal answer.
let auditDir;
const commands = [
  { key: "node", label: "node -e 0", cliArgs: () => null },
  { key: "help", label: "--help", cliArgs: () => ["--help"] },
  { key: "version", label: "--version", cliArgs: () => ["--version"] },
  { key: "generate", label: "generate", cliArgs: () => generateArgs(freshProject()) },
  { key: "patch", label: "patch proxy.ts", cliArgs: () => generateArgs(freshProject(withClerkProxy)) },
  {
    key: "patchCold",
    label: "patch, cold cache",
    cliArgs: () => generateArgs(freshProject(withClerkProxy)),
    extraEnv: coldCache,
  },
  { key: "generateOff", label: "generate, cache off", cliArgs: () => generateArgs(freshProject()), extraEnv: cacheOff },
  {
    key: "patchOff",
    label: "patch, cache off",
    cliArgs: () => generateArgs(freshProject(withClerkProxy)),
    extraEnv: cacheOff,
  },
  {
    key: "audit",
    label: `audit ${AUDIT_ROUTES} routes`,
    cliArgs: () => ["audit", "--cwd", auditDir],
    statuses: [0, 1],
  },
];
let auditBigDir;
const auditBigCommand = {
  key: "auditBig",
  label: `audit ${AUDIT_BIG_ROUTES} routes`,
  cliArgs: () => ["audit", "--cwd", auditBigDir],
  statuses: [0, 1],
};
const envCommand = {
  key: "env",
  label: "env file 50 MB",
  cliArgs: () => generateArgs(bigEnvProject()),
  statuses: [0, 1],
};

function run(file, args, { statuses = [0], ...options } = {}) {
  const result = spawnSync(file, args, {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.error || !statuses.includes(result.status)) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().slice(0, 2000);
    throw new Error(
      `${file} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`})\n${output}`,
    );
  }
  return result;
}

const nodeArgs = (cliArgs) => (cliArgs === null ? ["-e", "0"] : [bin, ...cliArgs]);
const envOf = (command) => ({ ...env, ...command.extraEnv?.() });

// Each timed run also reports its CPU time (user + system, every thread), printed at exit by a
// preloaded file: on a busy machine other processes lengthen the wall time of every run but hardly
// its CPU time, so that column still tells rows apart (issue 24: what the code cache saves).
// Its exit listener is added at beforeExit, so that it runs after the CLI's own (the code cache is
// written at exit); a run that calls process.exit() has no beforeExit and reports before those.
const CPU_PRELOAD = path.join(tmp, "cpu-time.cjs");
writeFileSync(
  CPU_PRELOAD,
  [
    "let late = false;",
    'const report = () => { const { user, system } = process.cpuUsage(); require("node:fs").writeSync(2, "\\nccr-bench-cpu-us=" + (user + system) + "\\n"); };',
    'process.on("beforeExit", () => { if (!late) { late = true; process.on("exit", report); } });',
    'process.on("exit", () => { if (!late) report(); });',
    "",
  ].join("\n"),
);

/** Wall time of one run and its CPU time, in ms. */
function timeOnce(command) {
  const args = ["-r", CPU_PRELOAD, ...nodeArgs(command.cliArgs())];
  const options = { env: envOf(command), statuses: command.statuses };
  const start = process.hrtime.bigint();
  const { stderr } = run(process.execPath, args, options);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  return { wall, cpu: Number(/ccr-bench-cpu-us=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1000 };
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

/** Max RSS of one run, in KiB, its wall time in ms, and its exit code. */
function measureOnce(command, viaGnuTime) {
  const cliArgs = command.cliArgs();
  const options = { env: envOf(command), statuses: command.statuses };
  const start = process.hrtime.bigint();
  if (viaGnuTime) {
    const { stderr, status } = run("/usr/bin/time", ["-f", "%M", process.execPath, ...nodeArgs(cliArgs)], options);
    return {
      kib: Number(stderr.trim().split("\n").at(-1)),
      ms: Number(process.hrtime.bigint() - start) / 1e6,
      status,
      stderr,
    };
  }
  options.env = {
    ...options.env,
    CCR_BENCH_ARGS: JSON.stringify(cliArgs),
    CCR_BENCH_CLI: pathToFileURL(path.join(root, "dist/cli.js")).href,
  };
  const { stderr, status } = run(process.execPath, ["--input-type=module", "-e", WRAPPER], options);
  return {
    kib: Number(/maxrss=(\d+)/.exec(stderr)[1]),
    ms: Number(process.hrtime.bigint() - start) / 1e6,
    status,
    stderr,
  };
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
  run("npm", ["install", path.join(packDir, info.filename), "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: consumer,
  });
  return {
    tarball: info.size,
    unpacked: info.unpackedSize,
    entries: info.entryCount,
    installed: treeSize(path.join(consumer, "node_modules")),
  };
}

const ms = (value) => `${value.toFixed(1)} ms`.padStart(10);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const MiB = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const verdict = (ok, text) => console.log(`  ${ok ? "ok  " : "MISS"}  ${text}`);

try {
  const cpus = os.cpus();
  const load = () =>
    os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(" ");
  console.log(
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(`Load average at start: ${load()}`);
  // Other work on the machine adds the same wait to every spawn, which pulls every ratio toward 1×.
  if (os.loadavg()[0] > cpus.length)
    console.log("Warning: the machine is busy (load above the core count); the ratios below read low.");
  auditDir = auditProject();
  console.log(`Timing ${runs} runs of each command, round-robin after ${WARMUP_ROUNDS} warm-up rounds…`);

  const times = Object.fromEntries(commands.map((command) => [command.key, []]));
  const cpuTimes = Object.fromEntries(commands.map((command) => [command.key, []]));
  for (let round = 0; round < WARMUP_ROUNDS + runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(round + i) % commands.length];
      const { wall, cpu } = timeOnce(command);
      if (round >= WARMUP_ROUNDS) {
        times[command.key].push(wall);
        cpuTimes[command.key].push(cpu);
      }
    }
  }
  const loadAfterTiming = load();
  // A refused folder (see the note at the top) would make every "warm" row a run without a cache.
  const warmFiles = existsSync(warmCache)
    ? readdirSync(warmCache, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile())
    : [];
  if (warmFiles.length === 0) {
    console.log(`Warning: the CLI wrote no code cache to ${warmCache} (refused?): the warm rows ran without one.`);
  }

  const viaGnuTime = gnuTimeWorks();
  const peaks = Object.fromEntries(commands.map((command) => [command.key, 0]));
  for (let round = 0; round < MEMORY_RUNS; round++) {
    for (const command of commands)
      peaks[command.key] = Math.max(peaks[command.key], measureOnce(command, viaGnuTime).kib);
  }

  console.log(`Running the ${auditBigCommand.label} row ${AUDIT_BIG_RUNS} times…`);
  auditBigDir = auditProject(AUDIT_BIG_ROUTES);
  measureOnce(auditBigCommand, viaGnuTime); // warm-up: the code cache and the file system cache
  const auditBigRuns = [];
  for (let i = 0; i < AUDIT_BIG_RUNS; i++) auditBigRuns.push(measureOnce(auditBigCommand, viaGnuTime));

  console.log(`Running the ${envCommand.label} row ${ENV_RUNS} times…`);
  const envRuns = [];
  for (let i = 0; i < ENV_RUNS; i++) envRuns.push(measureOnce(envCommand, viaGnuTime));
  const envOutcome =
    envRuns[0].status === 0
      ? "appended to"
      : `refused (exit ${envRuns[0].status}: ${envRuns[0].stderr
          .split("\n")
          .find((line) => line.trim() !== "")
          ?.trim()
          .slice(0, 80)})`;

  console.log("Packing and installing the tarball…");
  const size = packAndInstall();

  const s = Object.fromEntries(commands.map((command) => [command.key, stats(times[command.key])]));
  const ratio = (key) => s[key].median / s.node.median;
  const cpu = Object.fromEntries(commands.map((command) => [command.key, stats(cpuTimes[command.key]).median]));
  console.log(
    `\n  ${"command".padEnd(20)}${"median".padStart(10)}${"min".padStart(10)}${"p90".padStart(10)}  × node${"CPU".padStart(10)}  × node   max RSS`,
  );
  for (const { key, label } of commands) {
    console.log(
      `  ${label.padEnd(20)}${ms(s[key].median)}${ms(s[key].min)}${ms(s[key].p90)}  ${ratio(key).toFixed(2).padStart(5)}×${ms(cpu[key])}  ${(cpu[key] / cpu.node).toFixed(2).padStart(5)}×  ${MiB(peaks[key]).padStart(8)}`,
    );
  }
  const auditBigStats = stats(auditBigRuns.map((result) => result.ms));
  const auditBigPeak = Math.max(...auditBigRuns.map((result) => result.kib));
  console.log(
    `  ${auditBigCommand.label.padEnd(20)}${ms(auditBigStats.median)}${ms(auditBigStats.min)}${ms(auditBigStats.median)}      —  ${MiB(auditBigPeak).padStart(8)}  (${AUDIT_BIG_RUNS} runs)`,
  );
  const envStats = stats(envRuns.map((result) => result.ms));
  const envPeak = Math.max(...envRuns.map((result) => result.kib));
  console.log(
    `  ${envCommand.label.padEnd(20)}${ms(envStats.median)}${ms(envStats.min)}${ms(envStats.median)}      —         —       —  ${MiB(envPeak).padStart(8)}  (${ENV_RUNS} runs; the file was ${envOutcome})`,
  );
  console.log(
    `  (CPU: median user + system time of the timed runs; max RSS: highest of ${MEMORY_RUNS} runs, ${viaGnuTime ? "/usr/bin/time -f %M" : "in-process wrapper, process.resourceUsage().maxRSS"}; load average after timing: ${loadAfterTiming})`,
  );

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
  console.log(
    `\n  tarball ${kB(size.tarball)} (${size.entries} files, ${kB(size.unpacked)} unpacked); installed node_modules ${kB(size.installed.bytes)} (${kB(size.installed.disk)} on disk)`,
  );
  console.log(
    `  dist/: ${dist
      .slice(0, 8)
      .map(([file, bytes]) => `${file} ${kB(bytes)}`)
      .join(
        ", ",
      )}${dist.length > 8 ? `, and ${dist.length - 8} files of ${kB(dist.slice(8).reduce((sum, [, bytes]) => sum + bytes, 0))}` : ""}`,
  );

  console.log("\nGoals:");
  for (const key of ["help", "version", "generate", "patch"]) {
    const label = commands.find((command) => command.key === key).label;
    verdict(ratio(key) <= GOALS[key], `${label} median ${ratio(key).toFixed(2)}× bare node (goal ≤ ${GOALS[key]}×)`);
  }
  verdict(
    s.audit.median <= GOALS.auditMs,
    `audit of ${AUDIT_ROUTES} routes median ${s.audit.median.toFixed(0)} ms (goal ≤ ${GOALS.auditMs} ms)`,
  );
  verdict(
    auditBigStats.median <= GOALS.auditBigMs,
    `audit of ${AUDIT_BIG_ROUTES} routes median ${auditBigStats.median.toFixed(0)} ms (goal ≤ ${GOALS.auditBigMs} ms)`,
  );
  verdict(
    auditBigPeak / 1024 <= GOALS.auditBigPeakMiB,
    `peak memory of the audit of ${AUDIT_BIG_ROUTES} routes ${MiB(auditBigPeak)} (goal ≤ ${GOALS.auditBigPeakMiB} MiB)`,
  );
  for (const { key, label } of commands.filter((command) => command.key !== "node")) {
    verdict(
      peaks[key] / 1024 <= GOALS.peakMiB,
      `peak memory of ${label} ${MiB(peaks[key])} (goal ≤ ${GOALS.peakMiB} MiB)`,
    );
  }
  const refusedQuickly = envRuns[0].status !== 0 && envStats.median <= 1000;
  verdict(
    refusedQuickly || envPeak / 1024 <= GOALS.envPeakMiB,
    `env file 50 MB: ${envOutcome} in ${envStats.median.toFixed(0)} ms, peak ${MiB(envPeak)} (goal: refused within 1 s, or ≤ ${GOALS.envPeakMiB} MiB)`,
  );
  verdict(
    size.installed.bytes <= GOALS.installedBytes,
    `installed size ${(size.installed.bytes / 1e6).toFixed(2)} MB (goal ≤ ${GOALS.installedBytes / 1e6} MB)`,
  );
} finally {
  cleanup();
}
