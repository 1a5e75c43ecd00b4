// The report view: the tables every renderer shows, derived from one run JSON only (DESIGN §8). Each cell keeps
// its raw number, how to format it, its key path in the run JSON (absent for derived numbers) and two flags:
// resting on an estimate-status profile value, and over a budget (utilization > 1).

import type { RunJson } from "./run-json.js";
import { type Cell, cellHelpers, type ReportView, type ViewTable } from "./view-cells.js";
import {
  approximationsTable,
  coreTable,
  energyTable,
  linkTable,
  memoryTable,
  phasesTable,
  systemTable,
} from "./view-chip.js";

export * from "./view-cells.js";

const { text, count, si, pct } = cellHelpers;

function summaryTable(run: RunJson): ViewTable {
  const b = run.run.batch;
  const rows: Cell[][] = [];
  /** A total and its per-sample value (derived: no key path). */
  const add = (label: string, c: Cell) => {
    const { path: _path, ...rest } = c;
    const per: Cell =
      typeof c.value === "number" ? { ...rest, value: c.value / b } : { value: null, format: c.format };
    rows.push([text(label), c, per]);
  };
  const k = run.counts;
  add("ACs (synaptic accumulates)", count(k.ac, "counts.ac"));
  add("MACs (synaptic multiply-accumulates)", count(k.mac, "counts.mac"));
  add("SOPs (ACs + MACs)", count(k.ac + k.mac));
  add("Dense synaptic ops", count(k.dense, "counts.dense"));
  if (k.matmulAc || k.matmulMac) {
    add("Dynamic-matmul ACs", count(k.matmulAc, "counts.matmulAc"));
    add("Dynamic-matmul MACs", count(k.matmulMac, "counts.matmulMac"));
  }
  add("Neuron updates", count(k.neuronUpdates, "counts.neuronUpdates"));
  add("Active neuron updates", count(k.activeNeuronUpdates, "counts.activeNeuronUpdates"));
  add("Spikes", count(k.spikes, "counts.spikes"));
  add("Graded events", count(k.gradedEvents, "counts.gradedEvents"));
  add("Saturations", count(k.saturations, "counts.saturations"));
  if (k.packets !== undefined) add("Packets", count(k.packets, "counts.packets"));
  if (k.hops !== undefined) add("Hops", count(k.hops, "counts.hops"));
  const th = run.energy.theoretical;
  add("Energy, theoretical (E_AC·AC + E_MAC·MAC)", si(th.totalJ, "J", "energy.theoretical.totalJ"));
  add("  of which ACs", si(th.acJ, "J", "energy.theoretical.acJ"));
  add("  of which MACs", si(th.macJ, "J", "energy.theoretical.macJ"));
  const chip = run.energy.chip;
  if (chip) {
    const dynEst = chip.estimates.some((e) => e !== "static");
    add("Energy, chip", si(chip.totalJ, "J", "energy.chip.totalJ", chip.estimates.length > 0));
    add("  dynamic", si(chip.dynamicJ, "J", "energy.chip.dynamicJ", dynEst));
    add("  static", si(chip.staticJ, "J", "energy.chip.staticJ", chip.estimates.includes("static")));
  }
  /** An intensive quantity (per step, per sample, a fraction): no per-sample division. */
  const one = (label: string, c: Cell) => rows.push([text(label), c, { value: null, format: c.format }]);
  const lat = run.latency;
  if (lat?.modelled === false)
    rows.push([
      text("Latency"),
      text("not modelled by the profile (no per-event latency, no barrier)"),
      text(""),
    ]);
  else if (lat) {
    const e = lat.estimate === true;
    const mark = e ? { estimate: true } : {};
    one("Latency per step, mean", si(lat.perTimestepS.mean, "s", "latency.perTimestepS.mean", e));
    one("Latency per step, max", si(lat.perTimestepS.max, "s", "latency.perTimestepS.max", e));
    one("Cycles per step, mean", {
      ...count(lat.cycles.perTimestepMean, "latency.cycles.perTimestepMean"),
      ...mark,
    });
    one("Latency per sample", si(lat.perSampleS, "s", "latency.perSampleS", e));
    one("Throughput", si(lat.throughputSamplesPerS, "samples/s", "latency.throughputSamplesPerS", e));
    if (lat.algorithmicDelaySteps !== undefined)
      one("Algorithmic delay (steps)", count(lat.algorithmicDelaySteps, "latency.algorithmicDelaySteps"));
  }
  if (run.memory) {
    one("Cores used", count(run.memory.coresUsed, "memory.coresUsed"));
    one("Synapse memory (bits)", count(run.memory.synapseBits, "memory.synapseBits"));
  }
  if (run.accuracy) one("Accuracy", pct(run.accuracy.fraction, "accuracy.fraction"));
  if (run.streaming)
    one("Streaming accuracy, final", pct(run.streaming.finalAccuracy, "streaming.finalAccuracy"));
  return {
    id: "summary",
    title: "Summary",
    columns: [
      { header: "Quantity", numeric: false },
      { header: `Total (${b} sample${b === 1 ? "" : "s"})`, numeric: true },
      { header: "Per sample", numeric: true },
    ],
    rows,
  };
}

function layerTable(run: RunJson): ViewTable {
  const rows = run.perLayer.map((l, i): Cell[] => {
    const p = `perLayer.${i}`;
    const rate = l.neuronUpdates > 0 ? (l.spikes + l.gradedEvents) / l.neuronUpdates : null;
    return [
      { ...text(l.id), path: `${p}.id` },
      text(l.counted ? `${l.kind} (counted, not instantiated)` : l.kind),
      count(l.neurons, `${p}.neurons`),
      count(l.ac, `${p}.ac`),
      count(l.mac, `${p}.mac`),
      count(l.dense, `${p}.dense`),
      count(l.spikes, `${p}.spikes`),
      count(l.gradedEvents, `${p}.gradedEvents`),
      pct(rate),
      si(l.theoreticalJ, "J", `${p}.theoreticalJ`),
    ];
  });
  const headers = [
    "Layer",
    "Kind",
    "Neurons",
    "ACs",
    "MACs",
    "Dense",
    "Spikes",
    "Graded",
    "Event rate",
    "E theoretical",
  ];
  return {
    id: "layers",
    title: "Per layer",
    columns: headers.map((header, i) => ({ header, numeric: i >= 2 })),
    rows,
  };
}

function quantizationTable(run: RunJson): ViewTable | undefined {
  const q = run.quantization;
  if (!q) return undefined;
  const rows = q.projections.map((p, i): Cell[] => {
    const path = `quantization.projections.${i}`;
    return [
      text(p.id),
      count(p.weights, `${path}.weights`),
      count(p.weightBits, `${path}.weightBits`),
      count(p.effectiveBits, `${path}.effectiveBits`),
      p.sqnrDb === "inf"
        ? { ...text("inf"), path: `${path}.sqnrDb` }
        : { value: Number(p.sqnrDb.toFixed(2)), format: "text" },
      count(p.clipped, `${path}.clipped`),
      count(p.zeroed, `${path}.zeroed`),
    ];
  });
  const headers = ["Projection", "Weights", "Bits", "Effective bits", "SQNR (dB)", "Clipped", "Zeroed"];
  return {
    id: "quantization",
    title: "Quantization",
    columns: headers.map((header, i) => ({ header, numeric: i >= 1 })),
    rows,
  };
}

/** Every table of a run, in reading order (sections the run lacks are left out). */
export function reportView(run: RunJson): ReportView {
  const tables = [
    summaryTable(run),
    layerTable(run),
    energyTable(run),
    systemTable(run),
    memoryTable(run),
    phasesTable(run),
    coreTable(run),
    linkTable(run),
    quantizationTable(run),
    approximationsTable(run),
  ].filter((t): t is ViewTable => t !== undefined);
  const cells = tables.flatMap((t) => t.rows.flat());
  const r = run.run;
  const parts = [
    `${r.engine} engine`,
    r.mode,
    `${r.timesteps} steps`,
    `batch ${r.batch}`,
    ...(r.profile ? [`profile ${r.profile}`] : []),
    ...(r.timing ? [`timing ${r.timing}`] : []),
  ];
  return {
    title: `${run.model.name} — ${run.model.file}`,
    subtitle: parts.join(" · "),
    tables,
    hasEstimates: cells.some((c) => c.estimate),
    hasOver: cells.some((c) => c.over),
    warnings: run.warnings ?? [],
    conventions: Object.entries(run.conventions),
  };
}

/** The value at a dotted key path of a run JSON (array indices as numbers), or undefined. */
export function valueAt(run: unknown, path: string): unknown {
  let cur: unknown = run;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
