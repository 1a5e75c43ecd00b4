// Side by side on SANA-FE's DVS gesture workload (snn/dvs.yaml + arch/loihi.yaml, 1000 steps, detailed timing):
// SANA-FE's `sim` (A) against spikegrid end to end (B: read + compile + map + simulate, one CLI process), rounds
// A B A B …, each a fresh process under /usr/bin/time -v (wall time, peak RSS). One JSON line per run, then a
// summary line with the medians and the speed and memory ratios.
//
//   npx tsc -p tsconfig.json && SANAFE_BIN=/tmp/sanafe-build/build/sim node dist/bench/sanafe-abab.js \
//     [--rounds N] [--sanafe-traces]
// Files: SANAFE_DVS and SANAFE_ARCH, else extracted from the SANA-FE snapshot SANAFE_GIT (a git dir) to a temp dir.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const STEPS = 1000;
const argv = process.argv.slice(2);
const roundsAt = argv.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 2;
const sanafeTraces = argv.includes("--sanafe-traces");
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error("sanafe-abab: --rounds takes a whole number ≥ 1");
  process.exit(2);
}
const sanafeBin = process.env.SANAFE_BIN ?? "/tmp/sanafe-build/build/sim";
const spikegridBin = resolve("bin/spikegrid.js"); // run from the repository root, as the other benches

function fail(message: string): never {
  console.error(`sanafe-abab: ${message}`);
  process.exit(2);
}

if (!existsSync(sanafeBin))
  fail(`no SANA-FE binary at ${sanafeBin}: build it (bench/sanafe/build-sanafe.sh) or set SANAFE_BIN`);
if (!existsSync("/usr/bin/time")) fail("needs /usr/bin/time (GNU time) for the peak RSS");

const work = mkdtempSync(join(tmpdir(), "sanafe-abab-"));

/** SANA-FE's file PATH: from env, else `git show HEAD:PATH` of the snapshot, written into the work folder. */
function sanafeFile(env: string | undefined, path: string): string {
  if (env) return resolve(env);
  const git = process.env.SANAFE_GIT ?? "/work/.mirror/SLAM-Lab+SANA-FE/repo";
  const r = spawnSync("git", ["-C", git, "show", `HEAD:${path}`], { maxBuffer: 1 << 28 });
  if (r.status !== 0) fail(`cannot read ${path} from ${git}: set SANAFE_DVS and SANAFE_ARCH, or SANAFE_GIT`);
  const out = join(work, path);
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, r.stdout);
  return out;
}
const net = sanafeFile(process.env.SANAFE_DVS, "snn/dvs.yaml");
const arch = sanafeFile(process.env.SANAFE_ARCH, "arch/loihi.yaml");

const help = spawnSync(process.execPath, [spikegridBin, "simulate", "--help"], { encoding: "utf8" }).stdout;
const convention = help.includes("--convention") ? ["--convention", "sanafe"] : [];

interface Timed {
  wallS: number;
  peakRssMB: number;
  cpuS: number;
  stdout: string;
}

/** Runs a command under GNU time -v; its wall time, peak RSS and user + system CPU. */
function timed(cmd: string, args: string[], cwd: string): Timed {
  const report = join(work, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-v", "-o", report, cmd, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) fail(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const t = readFileSync(report, "utf8");
  // "\tName (unit): value" lines; the value follows the last ": " (the wall time is h:mm:ss or m:ss)
  const field = (name: string) => {
    const line = t.split("\n").find((l) => l.trim().startsWith(name));
    if (!line) fail(`/usr/bin/time printed no "${name}"`);
    return line.slice(line.lastIndexOf(": ") + 2).trim();
  };
  const wall = field("Elapsed (wall clock) time")
    .split(":")
    .reduce((s, part) => s * 60 + Number(part), 0);
  return {
    wallS: wall,
    peakRssMB: Math.round(Number(field("Maximum resident set size")) / 1024),
    cpuS: Number(field("User time")) + Number(field("System time")),
    stdout: r.stdout,
  };
}

function runSanafe(i: number) {
  const out = join(work, `sanafe-${i}`);
  mkdirSync(out);
  const flags = ["-t", "detailed", ...(sanafeTraces ? ["-s"] : []), "-o", out];
  const t = timed(sanafeBin, [...flags, arch, net, String(STEPS)], work);
  const n = (key: string) => Number(new RegExp(`${key}:\\s*([-+0-9.eE]+)`).exec(t.stdout)?.[1]);
  const numbers = {
    fired: n("total_neurons_fired"),
    synapticEvents: n("total_spikes"),
    messages: n("total_messages_sent"),
    neuronsUpdated: n("total_neurons_updated"),
    simTimeS: n("sim_time"),
    energyJ: n("total"),
  };
  rmSync(out, { recursive: true, force: true });
  return { t, numbers };
}

function runSpikegrid(i: number) {
  const json = join(work, `spikegrid-${i}.json`);
  const args = [spikegridBin, "simulate", net, "--engine", "chip", "--profile", arch];
  const t = timed(
    process.execPath,
    [...args, "--timesteps", String(STEPS), ...convention, "--json", json],
    work,
  );
  const run = JSON.parse(readFileSync(json, "utf8"));
  const numbers = {
    fired: run.counts.spikes,
    synapticEvents: run.counts.ac + run.counts.mac,
    messages: run.counts.packets,
    hops: run.counts.hops,
    neuronsUpdated: run.counts.neuronUpdates,
    simTimeS: run.latency.perSampleS,
    energyJ: run.energy.chip.totalJ,
  };
  rmSync(json);
  return { t, numbers };
}

/** Counts equal or not; energy and simulated time as relative differences (SANA-FE prints 7 digits). */
function agreement(a: Record<string, number>, b: Record<string, number>) {
  const counts = ["fired", "synapticEvents", "messages", "neuronsUpdated"];
  const rel = (k: string) => (a[k] ? Math.abs(b[k]! - a[k]!) / Math.abs(a[k]!) : null);
  return {
    countsEqual: counts.every((k) => a[k] === b[k]),
    differing: counts.filter((k) => a[k] !== b[k]),
    energyRelDiff: rel("energyJ"),
    simTimeRelDiff: rel("simTimeS"),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;

const results: Record<"sanafe" | "spikegrid", Timed[]> = { sanafe: [], spikegrid: [] };
/** The last round's figures of each tool, compared in the summary. */
const figures: Partial<Record<"sanafe" | "spikegrid", Record<string, number>>> = {};
for (let i = 1; i <= rounds; i++) {
  for (const tool of ["sanafe", "spikegrid"] as const) {
    const load1Before = round3(loadavg()[0]!);
    const { t, numbers } = tool === "sanafe" ? runSanafe(i) : runSpikegrid(i);
    results[tool].push(t);
    figures[tool] = numbers;
    const { stdout: _, ...measured } = t;
    console.log(
      JSON.stringify({
        bench: "sanafe-dvs-abab",
        round: i,
        tool,
        ...measured,
        wallS: round3(t.wallS),
        cpuS: round3(t.cpuS),
        load1Before,
        numbers,
      }),
    );
  }
}

const wall = (tool: "sanafe" | "spikegrid") => round3(median(results[tool].map((r) => r.wallS)));
const rss = (tool: "sanafe" | "spikegrid") => median(results[tool].map((r) => r.peakRssMB));
const cpu = (tool: "sanafe" | "spikegrid") => round3(median(results[tool].map((r) => r.cpuS)));
console.log(
  JSON.stringify({
    bench: "sanafe-dvs-abab",
    rounds,
    steps: STEPS,
    sanafe: {
      bin: sanafeBin,
      traces: sanafeTraces,
      medianWallS: wall("sanafe"),
      medianPeakRssMB: rss("sanafe"),
      medianCpuS: cpu("sanafe"),
    },
    spikegrid: {
      convention: convention.length ? "sanafe" : "spikegrid (no --convention flag in this build)",
      medianWallS: wall("spikegrid"),
      medianPeakRssMB: rss("spikegrid"),
      medianCpuS: cpu("spikegrid"),
    },
    // SANA-FE's own figures against spikegrid's: counts must be equal, energy and time relative differences
    agreement: agreement(figures.sanafe ?? {}, figures.spikegrid ?? {}),
    speedup: round3(wall("sanafe") / wall("spikegrid")),
    memoryRatio: round3(rss("spikegrid") / rss("sanafe")),
    // on a loaded machine wall time stretches with the load; CPU time (all threads) much less so
    cpuRatio: round3(cpu("sanafe") / cpu("spikegrid")),
    load1After: round3(loadavg()[0]!),
    cpus: cpus().length,
  }),
);
rmSync(work, { recursive: true, force: true });
