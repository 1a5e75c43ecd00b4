// Builds the run JSON (run-json.ts) from a module and the reference interpreter's op counts of every sample:
// totals over the batch, one row per layer, theoretical energy, and the quantization report when present.

import {
  expectedWeightCount,
  modelParams,
  type NmirModule,
  shapeSize,
  synapseCount,
} from "../compiler/nmir/index.js";
import { readApproximations } from "../compiler/passes/approximations.js";
import type { QuantizationReport } from "../compiler/passes/quantization-report.js";
import { moduleRanges, moduleWarnings, moduleWeights } from "../compiler/passes/weights-provenance.js";
import {
  COUNT_CONVENTIONS,
  type EnergyOptions,
  type OpCounts,
  type StepEvents,
  theoreticalEnergy,
} from "../simulator/reference/index.js";
import {
  RUN_CONVENTIONS,
  RUN_SCHEMA_VERSION,
  type RunJson,
  type RunLayer,
  type RunPerStep,
  type RunQuantization,
  type RunRaster,
  toolVersion,
} from "./run-json.js";

type Counted = Pick<OpCounts, "totals" | "perProjection" | "perPopulation" | "perMatmul" | "perStep">;

/** Raster caps (RUN_CONVENTIONS.raster). */
export const RASTER_MAX_NEURONS = 64;
export const RASTER_MAX_STEPS = 256;

/** Field-by-field sum of numeric fields (labels kept from the first). */
function addInto<T extends object>(acc: T, x: T): void {
  const a = acc as Record<string, unknown>;
  for (const [k, v] of Object.entries(x))
    if (typeof v === "number" && k !== "neurons") a[k] = (a[k] as number) + v;
}

/** The counts of several samples of one module added up (entities matched by position). */
export function sumCounts(runs: readonly Counted[]): Counted {
  const first = runs[0];
  if (!first) throw new Error("sumCounts needs at least one run");
  const out: Counted = {
    totals: { ...first.totals },
    perProjection: first.perProjection.map((p) => ({ ...p })),
    perPopulation: first.perPopulation.map((p) => ({ ...p })),
    perMatmul: first.perMatmul.map((m) => ({ ...m })),
  };
  for (const r of runs.slice(1)) {
    addInto(out.totals, r.totals);
    r.perProjection.forEach((p, i) => {
      addInto(out.perProjection[i]!, p);
    });
    r.perPopulation.forEach((p, i) => {
      addInto(out.perPopulation[i]!, p);
    });
    r.perMatmul.forEach((m, i) => {
      addInto(out.perMatmul[i]!, m);
    });
  }
  return out;
}

/** Stored weights plus stored per-neuron parameter values (RUN_CONVENTIONS["model.params"]). */
export function storedParams(ir: NmirModule): number {
  let n = 0;
  for (const p of ir.projections) n += expectedWeightCount(p.connectivity);
  for (const p of ir.populations) for (const s of modelParams(p.model)) n += s.values.length;
  return n;
}

/** One row per population and dynamic matmul; synaptic ops go to the layer the projection feeds. */
export function perLayer(ir: NmirModule, c: Counted, energy: EnergyOptions = {}): RunLayer[] {
  const eAC = energy.eAC ?? 0.9e-12;
  const eMAC = energy.eMAC ?? 4.6e-12;
  const rows: RunLayer[] = [];
  const into = (id: string) => c.perProjection.filter((p) => p.dst === id);
  for (const p of c.perPopulation) {
    const proj = into(p.id);
    const ac = proj.reduce((a, x) => a + x.ac, 0);
    const mac = proj.reduce((a, x) => a + x.mac, 0);
    rows.push({
      id: p.id,
      kind: p.kind,
      neurons: p.neurons,
      projections: proj.map((x) => x.id),
      ac,
      mac,
      dense: proj.reduce((a, x) => a + x.dense, 0),
      spikes: p.spikes,
      gradedEvents: p.gradedEvents,
      neuronUpdates: p.neuronUpdates,
      activeNeuronUpdates: p.activeNeuronUpdates,
      saturations: p.saturations + proj.reduce((a, x) => a + x.saturations, 0),
      theoreticalJ: eAC * ac + eMAC * mac,
      ...(p.counted ? { counted: true as const } : {}),
    });
  }
  for (const m of c.perMatmul) {
    const d = ir.dynamicMatmuls.find((x) => x.id === m.id);
    rows.push({
      id: m.id,
      kind: "dynamicMatmul",
      neurons: d ? d.m * d.n : 0,
      projections: [],
      ac: m.ac,
      mac: m.mac,
      dense: m.dense,
      spikes: 0,
      gradedEvents: m.gradedEvents,
      neuronUpdates: 0,
      activeNeuronUpdates: 0,
      saturations: m.saturations,
      theoreticalJ: (energy.includeMatmul ?? true) ? eAC * m.ac + eMAC * m.mac : 0,
    });
  }
  return rows;
}

const jsonDb = (x: number): number | "inf" => (x === Number.POSITIVE_INFINITY ? "inf" : x);

/** The quantization report in its JSON form (Infinity → "inf"). */
export function quantizationJson(r: QuantizationReport): RunQuantization {
  return {
    ...r,
    inputs: r.inputs.map((x) => ({ ...x })),
    populations: r.populations.map((p) => ({ ...p })),
    projections: r.projections.map((p) => ({ ...p, sqnrDb: jsonDb(p.sqnrDb) })),
    totals: { ...r.totals, worstSqnrDb: jsonDb(r.totals.worstSqnrDb) },
  };
}

export interface BuildRunOptions {
  file: string;
  ir: NmirModule;
  engine: string;
  mode: "layer-sync" | "pipelined";
  timesteps: number;
  /** One entry per sample of the batch. */
  counts: readonly Counted[];
  energy?: EnergyOptions;
  quantization?: QuantizationReport;
  input?: string;
  rawInput?: boolean;
  warnings?: string[];
  /** Run-time errors: saturations of an integer-exact compile (pipeline/warnings.ts runDiagnostics). */
  errors?: string[];
  /** Recorded events of the first sample by source id; spiking populations among them become rasters. */
  raster?: ReadonlyMap<string, readonly StepEvents[]>;
}

/** Spikes and synaptic ops per step index, summed over samples; undefined unless every sample logged its steps. */
export function perStepActivity(counts: readonly Counted[]): RunPerStep | undefined {
  if (!counts.length || counts.some((c) => !c.perStep)) return undefined;
  let steps = 0;
  for (const c of counts) steps = Math.max(steps, c.perStep!.length);
  const spikes = new Array<number>(steps).fill(0);
  const synapticOps = new Array<number>(steps).fill(0);
  for (const c of counts)
    for (const s of c.perStep!) {
      spikes[s.t] = (spikes[s.t] ?? 0) + s.totals.spikes;
      synapticOps[s.t] = (synapticOps[s.t] ?? 0) + s.totals.ac + s.totals.mac;
    }
  return { spikes, synapticOps };
}

/** Rasters of the spiking populations among `records` (first 64 neurons, first 256 steps). */
export function rasters(ir: NmirModule, records: ReadonlyMap<string, readonly StepEvents[]>): RunRaster[] {
  const out: RunRaster[] = [];
  for (const p of ir.populations) {
    const rec = records.get(p.id);
    if (!rec || p.output.kind !== "spike") continue;
    const neurons = shapeSize(p.shape);
    const shown = Math.min(neurons, RASTER_MAX_NEURONS);
    const steps = Math.min(rec.length, RASTER_MAX_STEPS);
    const spikes: [number, number][] = [];
    for (let t = 0; t < steps; t++) for (const j of rec[t]!.index) if (j < shown) spikes.push([t, j]);
    out.push({ id: p.id, neurons, shownNeurons: shown, steps, sample: 0, spikes });
  }
  return out;
}

export function buildRunJson(o: BuildRunOptions): RunJson {
  const c = sumCounts(o.counts);
  const t = c.totals;
  const e = theoreticalEnergy(c, o.energy);
  const { convention, ac: _ac, mac: _mac, ...energy } = e;
  const weights = moduleWeights(o.ir);
  const ranges = moduleRanges(o.ir);
  const run: RunJson = {
    schemaVersion: RUN_SCHEMA_VERSION,
    tool: { name: "spikegrid", version: toolVersion() },
    model: {
      file: o.file,
      name: o.ir.name,
      stage: o.ir.stage,
      inputs: o.ir.inputs.length,
      populations: o.ir.populations.length,
      projections: o.ir.projections.length,
      dynamicMatmuls: o.ir.dynamicMatmuls.length,
      neurons: o.ir.populations.reduce((a, p) => a + shapeSize(p.shape), 0),
      synapses: o.ir.projections.reduce((a, p) => a + synapseCount(p.connectivity), 0),
      params: storedParams(o.ir),
      ...(weights ? { weights } : {}),
      ...(ranges ? { ranges } : {}),
    },
    run: {
      engine: o.engine,
      mode: o.mode,
      timesteps: o.timesteps,
      batch: o.counts.length,
      ...(o.input === undefined ? {} : { input: o.input }),
      ...(o.rawInput === undefined ? {} : { rawInput: o.rawInput }),
    },
    counts: {
      ac: t.ac,
      mac: t.mac,
      dense: t.dense,
      neuronUpdates: t.neuronUpdates,
      activeNeuronUpdates: t.activeNeuronUpdates,
      spikes: t.spikes,
      gradedEvents: t.gradedEvents,
      saturations: t.saturations,
      synapticOps: t.synapticOps,
      inputEvents: t.inputEvents,
      matmulAc: t.matmulAc,
      matmulMac: t.matmulMac,
      matmulDense: t.matmulDense,
    },
    perLayer: perLayer(o.ir, c, o.energy),
    energy: { theoretical: { ...energy, convention } },
    conventions: {
      ...RUN_CONVENTIONS,
      ...Object.fromEntries(Object.entries(COUNT_CONVENTIONS).map(([k, v]) => [`reference.${k}`, v])),
    },
  };
  if (o.quantization) run.quantization = quantizationJson(o.quantization);
  const approximations = readApproximations(o.ir.metadata);
  if (approximations.length) run.approximations = approximations.map((a) => ({ ...a }));
  const perStep = perStepActivity(o.counts);
  if (perStep) run.perStep = perStep;
  if (o.raster) run.raster = rasters(o.ir, o.raster);
  // untrained weights are said in every run JSON, whichever engine (or caller) gave the warnings
  const warnings = [...new Set([...moduleWarnings(o.ir), ...(o.warnings ?? [])])];
  if (warnings.length) run.warnings = warnings;
  if (o.errors?.length) run.errors = [...o.errors];
  return run;
}
