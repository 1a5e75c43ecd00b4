// The main job (`npm start` → `spikegrid demo`): the shipped trained Spiking LMUFormer on real held-out MNIST
// digits (one row per step) → compile for a chip → map → simulate on the chip model → run JSON with accuracy,
// the energy/ops table, a small explore over core budgets and weight bits, and one HTML report on disk.

import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SpikegridError } from "../common/errors.js";
import { MappingError } from "../compiler/mapping/index.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import type { NetworkFacts } from "../pipeline/network-facts.js";
import {
  type MappedModule,
  openPipeline,
  type Pipeline,
  type PipelineOptions,
} from "../pipeline/pipeline.js";
import { paperTable } from "../reports/paper-table.js";
import { renderReport } from "../reports/renderers/index.js";
import { formatRunJson, type RunJson } from "../reports/run-json.js";
import { tableRow } from "../reports/table/row.js";
import { summarizeMisfits } from "./evaluate.js";
import { checkGridSpec } from "./grid.js";
import { exploreHtmlSection } from "./html.js";
import { inProcessPool, type SweepPool, threadPool } from "./pool.js";
import type { SweepProgress } from "./progress.js";
import { runSweep, type SweepResult } from "./run.js";

export interface DemoOptions {
  model?: string;
  set?: Record<string, string>;
  /** The registered dataset the digits come from (default mnist-rows; mnist-images for the image demos). */
  dataset?: string;
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

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const model = o.model ?? "zoo:spiking-lmuformer-smnist";
  const requested = o.profile ?? "loihi";
  const base = {
    model,
    ...(o.set ? { set: o.set } : {}),
    dataset: o.dataset ?? "mnist-rows",
    samples: o.samples ?? 64,
  };
  // checked before any work: the profile name, the sample count
  checkGridSpec({ ...base, profiles: [requested] });
  // one pool for the whole demo, started first: its threads load the library while this thread loads the
  // network and digits, calibrates and runs the main simulation
  const workers = o.workers ?? 1;
  const pool = workers > 1 ? threadPool(workers) : inProcessPool();
  try {
    // the demo's run is the pipeline's chain with `spikegrid table`'s setup (and the sweep's), so the table
    // of `spikegrid table MODEL --dataset mnist-rows --profile P --samples N` shows the same numbers
    const pipeline = await openPipeline(demoPipelineOptions(base, requested));
    return await demoWith(o, { t0, base, pipeline, pool, requested });
  } finally {
    await pool.close();
  }
}

/** The pipeline setup of the demo's run: the model on its dataset, compiled with the defaults for `profile`. */
export function demoPipelineOptions(
  base: { model: string; set?: Record<string, string>; dataset: string; samples: number },
  profile: string,
): PipelineOptions {
  return { ...base, profile, engine: "chip", map: { suggestProfiles: true } };
}

interface DemoContext {
  t0: number;
  base: { model: string; set?: Record<string, string>; dataset: string; samples: number };
  pipeline: Pipeline;
  pool: SweepPool;
  requested: string;
}

async function demoWith(o: DemoOptions, c: DemoContext): Promise<DemoResult> {
  const { t0, base, pool, requested } = c;
  let pipeline = c.pipeline;
  const data = pipeline.data;
  const model = base.model;
  const outDir = o.outDir ?? "spikegrid-demo";
  const files = {
    run: join(outDir, "run.json"),
    results: join(outDir, "explore.jsonl"),
    report: join(outDir, "report.html"),
  };
  const [n, steps] = data.samples.shape as [number, number];
  o.log(`model ${model}: ${n} held-out MNIST digits, ${steps} steps of [${data.inputShape.join(", ")}] each`);

  let profile = requested;
  let mapped: MappedModule;
  try {
    mapped = await pipeline.map();
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    const next = FALLBACK.find((p) => e.fit.profilesThatFit?.includes(p));
    if (!next) throw e;
    o.log(`does not fit on ${profile}: ${summarizeMisfits(e.fit.misfits)}`);
    o.log(`it fits on ${e.fit.profilesThatFit?.join(", ")}; continuing on ${next}`);
    profile = next;
    pipeline = pipeline.with({ profile: next });
    mapped = await pipeline.map();
  }
  const chip = pipeline.profile!;
  const ir = await pipeline.compile();
  o.log(
    `compiled for ${profile} (${quantizationReport(ir).weightBits}-bit weights) and mapped onto ${mapped.fit?.coresUsed ?? mapped.mapping.cores.length} of ${chip.grid.coresPerChip} cores`,
  );
  const run = await pipeline.simulate();
  run.run.labels = `${base.dataset} (held-out split)`;
  const correct = run.accuracy?.correct ?? 0;
  o.log(
    `simulated ${n} digits on the ${profile} chip model: accuracy ${((run.accuracy?.fraction ?? 0) * 100).toFixed(1)} % (${correct}/${n})`,
  );
  o.onTable?.(
    demoTable(
      run,
      pipeline.network(),
      model,
      `${n} held-out MNIST digits (${base.dataset}), ${steps} steps each`,
    ),
  );
  const replaced = Object.values(files).filter((f) => existsSync(f));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(files.run, formatRunJson(run));
  // a fresh sweep each time: resuming the previous demo's file would skip all the work it shows
  rmSync(files.results, { force: true });
  // The sweep, on the chip simulated above: core budgets of 1, 2 and 4 (too few for some bit widths: those
  // points say why) × weight bits down to 2 (accuracy falls with them). A network on more than 4 cores (the
  // image demos) gets half, all and twice its cores instead, so that some points fit.
  const used = mapped.fit?.coresUsed ?? mapped.mapping.cores.length;
  const grid = checkGridSpec({
    ...base,
    profiles: [profile],
    maxCores: used <= 4 ? [1, 2, 4] : [Math.ceil(used / 2), used, 2 * used],
    weightBits: [2, 3, 4, 6, 8],
  });
  const sweep = await runSweep(grid, {
    out: files.results,
    data,
    ranges: (await pipeline.ranges()) ?? {},
    pool,
    ...(o.progress ? { progress: o.progress } : {}),
  });
  if (sweep.results.length === 0)
    throw new SpikegridError("UNSUPPORTED", "the demo sweep produced no points");
  writeFileSync(files.report, demoReportHtml(run, sweep));
  return { run, profile, sweep, files, replaced, seconds: (performance.now() - t0) / 1000 };
}

/** The energy/ops paper table (reports/paper-table.ts) of the demo run: one row, every convention footnoted. */
export function demoTable(run: RunJson, network: NetworkFacts, model: string, inputs: string): string {
  const row = tableRow(model, run, { ...network, inputs });
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
