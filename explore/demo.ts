// The main job (`npm start` → `spikegrid demo`): the shipped trained Spiking LMUFormer on real held-out MNIST
// digits (one row per step) → compile for a chip → map → simulate on the chip model → run JSON with accuracy,
// the energy/ops table, a small explore over core budgets and weight bits, and one HTML report on disk.

import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { summarizeGraph } from "../compiler/graph/summary.js";
import { MappingError, mapNetwork } from "../compiler/mapping/index.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import { loadProfile } from "../hw-profiles/index.js";
import { paperTable, type TableRow } from "../reports/paper-table.js";
import { renderReport } from "../reports/renderers/index.js";
import { buildRunJson } from "../reports/run-build.js";
import { formatRunJson, type RunJson } from "../reports/run-json.js";
import { applyChipSections, simulateChip } from "../simulator/chip/index.js";
import { calibrationRanges } from "./calibrate.js";
import { type ExploreData, loadExploreData } from "./data.js";
import { predict, sampleSequences, summarizeMisfits } from "./evaluate.js";
import { checkGridSpec, type GridSpec } from "./grid.js";
import { exploreHtmlSection } from "./html.js";
import { inProcessPool, type SweepPool, threadPool } from "./pool.js";
import type { SweepProgress } from "./progress.js";
import { runSweep, type SweepResult } from "./run.js";

export interface DemoOptions {
  model?: string;
  set?: Record<string, string>;
  /** Held-out digits simulated (default 64). */
  samples?: number;
  /** The chip the walkthrough compiles for (default loihi). */
  profile?: string;
  /** Folder for run.json, explore.jsonl and report.html (default spikegrid-demo). */
  outDir?: string;
  workers?: number;
  log: (line: string) => void;
  /** Called with the energy/ops table of the run before the sweep starts. */
  onTable?: (table: string) => void;
  progress?: SweepProgress;
}

export interface DemoResult {
  run: RunJson;
  /** The profile the network was simulated on (the requested one, or the first that fits). */
  profile: string;
  sweep: SweepResult;
  files: { run: string; results: string; report: string };
  /** What the demo replaced from an earlier run. */
  replaced: string[];
  seconds: number;
}

/** Preference when the requested chip cannot hold the network: the closest relatives first. */
const FALLBACK = ["loihi2", "spinnaker2", "generic-45nm", "loihi", "truenorth", "speck", "xylo"];

function compileFor(data: ExploreData, ranges: Record<string, number>, profile: string) {
  const o: QuantCompileOptions = { weightBits: 8, profile: loadProfile(profile), ranges, dump: () => {} };
  return compile(data.graph, o).ir;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const model = o.model ?? "zoo:spiking-lmuformer-smnist";
  const requested = o.profile ?? "loihi";
  const base = {
    model,
    ...(o.set ? { set: o.set } : {}),
    dataset: "mnist-rows",
    samples: o.samples ?? 64,
  };
  // checked before any work: the profile name, the sample count
  const grid0 = checkGridSpec({ ...base, profiles: [requested] });
  // one pool for the whole demo, started first: its threads load the library while this thread loads the
  // network and digits, calibrates and runs the main simulation
  const workers = o.workers ?? 1;
  const pool = workers > 1 ? threadPool(workers) : inProcessPool();
  try {
    const data = await loadExploreData(grid0);
    return await demoWith(o, { t0, base, grid0, data, pool, requested });
  } finally {
    await pool.close();
  }
}

interface DemoContext {
  t0: number;
  base: { model: string; set?: Record<string, string>; dataset: string; samples: number };
  grid0: GridSpec;
  data: ExploreData;
  pool: SweepPool;
  requested: string;
}

async function demoWith(o: DemoOptions, c: DemoContext): Promise<DemoResult> {
  const { t0, base, grid0, data, pool, requested } = c;
  const model = base.model;
  const outDir = o.outDir ?? "spikegrid-demo";
  const files = {
    run: join(outDir, "run.json"),
    results: join(outDir, "explore.jsonl"),
    report: join(outDir, "report.html"),
  };
  const ranges = await calibrationRanges(grid0, data);
  const [n, steps] = data.samples.shape as [number, number];
  o.log(`model ${model}: ${n} held-out MNIST digits, ${steps} steps of [${data.inputShape.join(", ")}] each`);

  let profile = requested;
  let ir = compileFor(data, ranges, profile);
  let mapped: ReturnType<typeof mapNetwork>;
  try {
    mapped = mapNetwork(ir, loadProfile(profile));
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    const next = FALLBACK.find((p) => e.fit.profilesThatFit?.includes(p));
    if (!next) throw e;
    o.log(`does not fit on ${profile}: ${summarizeMisfits(e.fit.misfits)}`);
    o.log(`it fits on ${e.fit.profilesThatFit?.join(", ")}; continuing on ${next}`);
    profile = next;
    ir = compileFor(data, ranges, profile);
    mapped = mapNetwork(ir, loadProfile(profile));
  }
  const chip = loadProfile(profile);
  o.log(
    `compiled for ${profile} (8-bit weights) and mapped onto ${mapped.fit.coresUsed} of ${chip.grid.coresPerChip} cores`,
  );

  const sequences = sampleSequences(ir, data, steps);
  const sim = simulateChip(
    ir,
    mapped.mapping,
    chip,
    sequences.map((s) => ({ [data.inputId]: s })),
    { mode: "layer-sync", timesteps: steps, timing: "detailed" },
  );
  const out = ir.outputs[0]!.id;
  let correct = 0;
  sim.outputsScaled.forEach((m, s) => {
    if (predict(m.get(out) ?? [], data.readout) === data.labels?.[s]) correct++;
  });
  const run = buildRunJson({
    file: model,
    ir,
    engine: "chip",
    mode: "layer-sync",
    timesteps: steps,
    counts: sim.results.map((r) => r.counts),
    quantization: quantizationReport(ir),
  });
  applyChipSections(run, sim.sections);
  run.run.labels = "mnist-rows (held-out split)";
  run.accuracy = {
    correct,
    total: n,
    fraction: n ? correct / n : 0,
    readout:
      data.readout === "last"
        ? "argmax of the output at the last step"
        : "argmax of the mean over steps of the output",
    convention: run.conventions.accuracy ?? "argmax of the readout against the labels",
  };

  o.log(
    `simulated ${n} digits on the ${profile} chip model: accuracy ${(run.accuracy.fraction * 100).toFixed(1)} % (${correct}/${n})`,
  );
  o.onTable?.(
    demoTable(run, data.graph, model, `${n} held-out MNIST digits (mnist-rows), ${steps} steps each`),
  );
  const replaced = Object.values(files).filter((f) => existsSync(f));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(files.run, formatRunJson(run));
  // a fresh sweep each time: resuming the previous demo's file would skip all the work it shows
  rmSync(files.results, { force: true });
  // The sweep, on the chip simulated above: core budgets of 1, 2 and 4 (too few for some bit widths: those
  // points say why) × weight bits down to 2 (accuracy falls with them).
  const grid = checkGridSpec({
    ...base,
    profiles: [profile],
    maxCores: [1, 2, 4],
    weightBits: [2, 3, 4, 6, 8],
  });
  const sweep = await runSweep(grid, {
    out: files.results,
    data,
    ranges,
    pool,
    ...(o.progress ? { progress: o.progress } : {}),
  });
  if (sweep.results.length === 0)
    throw new SpikegridError("UNSUPPORTED", "the demo sweep produced no points");
  writeFileSync(files.report, demoReportHtml(run, sweep));
  return { run, profile, sweep, files, replaced, seconds: (performance.now() - t0) / 1000 };
}

/** Zero weights / weights over the float network's weight tensors (NeuroBench connection sparsity). */
function connectionSparsity(g: NetGraph): number {
  let zeros = 0;
  let total = 0;
  for (const n of g.nodes.values()) {
    if (!("weight" in n)) continue;
    const w = (n as { weight: { data: ArrayLike<number> } }).weight.data;
    total += w.length;
    for (let i = 0; i < w.length; i++) if (w[i] === 0) zeros++;
  }
  return total ? zeros / total : 0;
}

/** The energy/ops paper table (reports/paper-table.ts) of the demo run: one row, every convention footnoted. */
export function demoTable(run: RunJson, graph: NetGraph, model: string, inputs: string): string {
  const summary = summarizeGraph(graph, model);
  const chip = run.energy.chip;
  const row: TableRow = {
    model,
    params: summary.totals.params,
    denseMacsPerStep: summary.totals.denseMacs,
    steps: run.run.timesteps,
    batch: run.run.batch,
    connectionSparsity: connectionSparsity(graph),
    run,
    ...(run.accuracy ? { accuracy: run.accuracy.fraction } : {}),
    initialised: false,
    zeroWeights: false,
    inputs,
    ...(chip && run.latency
      ? {
          chip: {
            energyJ: chip.totalJ / run.run.batch,
            latencyS: run.latency.perSampleS,
            estimate: chip.estimates.length > 0 || run.latency.estimate === true,
          },
        }
      : {}),
  };
  return paperTable([row], {
    format: "md",
    notes: [
      `Chip: ${run.run.profile ?? "?"} (chip simulator, ${run.latency?.timing ?? "?"} timing, layer-sync).`,
    ],
  });
}

/** The report renderers' HTML page of the run, with the explore section (table, front, plots) added at the end. */
export function demoReportHtml(run: RunJson, sweep: SweepResult): string {
  const page = renderReport(run, "html");
  const section = exploreHtmlSection(sweep.results);
  const at = page.lastIndexOf("</body>");
  return at < 0 ? `${page}${section}` : `${page.slice(0, at)}${section}\n${page.slice(at)}`;
}
