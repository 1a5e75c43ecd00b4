// A module with sequence buffers (compiler/nmir/phases.ts) on the chip model: every phase runs on the cores its
// populations are mapped to (the one mapping of the whole module), the stored sequences are charged to core
// memory, and the phases' counts, time and energy add into one run (phased-summary.ts).

import { SpikegridError } from "../../common/errors.js";
import { type Mapping, validateMapping } from "../../compiler/mapping/index.js";
import { limitsOf } from "../../compiler/mapping/memory-models.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { type PhasePlan, phaseModule, phasePlan } from "../../compiler/nmir/phases.js";
import { type NmirModule, shapeSize } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { RunPhases } from "../../reports/run-json.js";
import type { InputSequence, Named } from "../reference/inputs.js";
import { mergePhaseCounts, runPhased } from "../reference/phased.js";
import { runReference } from "../reference/run.js";
import type { StepEvents } from "../reference/runner.js";
import type { SimulateChipOptions, SimulateChipResult } from "./batch.js";
import { type ChipRunOptions, type ChipRunResult, createChip, type LoadedChip } from "./chip.js";
import { costTable } from "./costs.js";
import { buildLayout, type Layout } from "./layout.js";
import { coreMemory } from "./memory.js";
import { idleSummary, mergeSummaries } from "./phased-summary.js";
import { chipRunSections } from "./sections.js";

/** What the run JSON's `phases` section says (per sample where it is a time). */
export interface PhasedChipInfo {
  phases: number;
  /** Steps of one phase (the clip's T); the run takes phases × T. */
  stepsPerPhase: number;
  /** Values held in the sequence buffers (Σ T × n) and the most alive at once. */
  bufferValues: number;
  peakBufferValues: number;
  /** Bits they take on the cores (values × their payload width; spikes 1 bit). */
  bufferBits: number;
  /** Core number → bits of sequence buffers held there. */
  bufferBitsByCore: Map<number, number>;
  /** Simulated time of the phases after the first, per sample: what the buffered schedule adds. */
  addedLatencyS: number;
  addedSteps: number;
}

/** The mapping of the whole module restricted to the populations of one phase (same cores, same places). */
function phaseMapping(mapping: Mapping, sub: NmirModule): Mapping {
  const keep = new Set([...sub.populations, ...sub.dynamicMatmuls].map((x) => x.id));
  const cores = mapping.cores
    .map((c) => ({ ...c, slices: c.slices.filter((s) => keep.has(s.population)) }))
    .filter((c) => c.slices.length > 0);
  const used = new Set(cores.map((c) => c.index));
  return {
    ...mapping,
    cores,
    routes: mapping.routes
      .filter((r) => used.has(r.fromCore))
      .map((r) => ({ ...r, toCores: r.toCores.filter((c) => used.has(c)) })),
    ...(mapping.encodings
      ? { encodings: Object.fromEntries(Object.entries(mapping.encodings).filter(([id]) => keep.has(id))) }
      : {}),
  };
}

/**
 * Bits of each stored sequence by the core that holds them: a population's (or dynamic matmul's) own values on
 * the cores of its neurons (neuron i's T values where neuron i is); a module input's, which is on no core, on
 * the cores of the population its replay feeds, in proportion to the neurons each holds.
 */
function bufferBitsByCore(ir: NmirModule, plan: PhasePlan, layout: Layout, T: number): Map<number, number> {
  const by = new Map<number, number>();
  const add = (slot: number, bits: number) => {
    const core = layout.coreIndex[slot]!;
    by.set(core, (by.get(core) ?? 0) + bits);
  };
  const table = sourceTable(ir);
  const done = new Set<string>();
  for (const b of plan.buffers) {
    if (done.has(b.output)) continue;
    done.add(b.output);
    const src = ir.outputs.find((o) => o.id === b.output)!.src;
    const info = table.get(src)!;
    const width = info.event.kind === "graded" ? info.event.bits : 1;
    const slots = layout.slotOf.get(src);
    if (slots) {
      for (let i = 0; i < slots.length; i++) add(slots[i]!, T * width);
      continue;
    }
    const reader = ir.projections.find((p) =>
      plan.buffers.some((x) => x.output === b.output && x.input === p.src),
    );
    const slices = reader ? (layout.slices.get(reader.dst) ?? []) : [];
    const n = shapeSize(ir.inputs.find((i) => i.id === b.input)!.shape);
    const total = slices.reduce((a, s) => a + s.count, 0);
    for (const s of slices) add(s.slot, Math.ceil((T * n * width * s.count) / total));
  }
  return by;
}

/**
 * `simulateChip` for a module with sequence buffers: phase k runs on the cores of its populations (a chip
 * loaded per phase with the mapping restricted to them), fed the user's inputs or the stored sequences
 * (runPhased). Throws a misfit when a core cannot hold its synapses and the sequences stored on it.
 */
export function simulateChipPhased(
  ir: NmirModule,
  raw: Mapping,
  profile: ChipProfile,
  samples: readonly Named<InputSequence>[],
  opts: SimulateChipOptions = {},
): SimulateChipResult & { phased: PhasedChipInfo } {
  if (opts.sanafe)
    throw new SpikegridError(
      "UNSUPPORTED",
      "the sanafe convention does not run modules with sequence buffers",
      {
        hint: "run it under the default convention (drop --convention sanafe)",
      },
    );
  const plan = phasePlan(ir);
  const mapping = validateMapping(raw, ir, profile);
  const table = sourceTable(ir);
  const nodeSizes = new Map(
    [...table].filter(([id]) => !ir.inputs.some((i) => i.id === id)).map(([id, s]) => [id, s.size]),
  );
  const layout = buildLayout(profile, mapping, nodeSizes);
  const costs = costTable(profile, layout.slots, layout.tilesInUse);
  const memory = coreMemory(ir, profile, layout);
  const sources = {
    sizes: Object.fromEntries([...table].map(([id, s]) => [id, s.size])),
    spiking: [...table.values()].filter((s) => s.event.kind === "spike").map((s) => s.id),
  };
  const chip = createChip(profile, {
    ...(opts.timing ? { timing: opts.timing } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
  });
  // a phase with nothing on cores (it only stores a module input) takes its T steps with no chip work
  const loaded: (LoadedChip | undefined)[] = [];
  // A population's stored sequence stays in the state memory of its cores: its store and replay never cross
  // the host link. A module input stored for a later phase is held on the cores its replay feeds, so it
  // crosses the host link as it is replayed (as a fed input does).
  const sourceOf = new Map(ir.outputs.map((o) => [o.id, o.src]));
  const moduleInputs = new Set(ir.inputs.map((i) => i.id));
  const onChipPorts = new Set(
    plan.buffers
      .filter((b) => !moduleInputs.has(sourceOf.get(b.output)!))
      .flatMap((b) => [b.input, b.output]),
  );
  for (let k = 0; k < plan.phases; k++) {
    const sub = phaseModule(ir, plan, k);
    const empty = sub.populations.length === 0 && sub.dynamicMatmuls.length === 0;
    loaded.push(empty ? undefined : chip.load(sub, phaseMapping(mapping, sub), { onChipPorts }));
  }
  const runOpts: ChipRunOptions = opts.perStepCounts ? { perStepCounts: true } : {};
  let info: PhasedChipInfo | undefined;
  let stored = memory;
  const results = samples.map((s): ChipRunResult => {
    const r = runPhased(ir, s, (sub, feed, k) => {
      const ids = new Set([...sub.inputs, ...sub.populations, ...sub.dynamicMatmuls].map((x) => x.id));
      const record = (opts.record ?? []).filter((id) => ids.has(id));
      const on = loaded[k];
      if (on) return on.run(feed, opts.timesteps, { ...runOpts, record });
      const mode = opts.mode ?? profile.timestep.semantics;
      const timesteps = opts.timesteps === undefined ? {} : { timesteps: opts.timesteps };
      return { ...runReference(sub, feed, { mode, ...timesteps, record }), chip: undefined };
    });
    const records = new Map<string, StepEvents[]>();
    for (const p of r.phases) for (const [id, ev] of p.records) records.set(id, ev);
    const T = r.phases[0]!.steps;
    if (!info) {
      const byCore = bufferBitsByCore(ir, plan, layout, T);
      checkBufferFit(profile, memory, layout, byCore);
      stored = withBuffers(memory, layout, byCore);
      info = {
        phases: plan.phases,
        stepsPerPhase: T,
        bufferValues: r.bufferValues,
        peakBufferValues: r.peakBufferValues,
        bufferBits: [...byCore.values()].reduce((a, b) => a + b, 0),
        bufferBitsByCore: byCore,
        addedLatencyS: 0,
        addedSteps: T * (plan.phases - 1),
      };
    }
    info.addedLatencyS +=
      r.phases.slice(1).reduce((a, p) => a + (p.chip?.simulatedS ?? 0), 0) / samples.length;
    return {
      mode: r.phases[0]!.mode,
      steps: T,
      outputs: r.outputs,
      outputsScaled: r.outputsScaled,
      records,
      counts: mergePhaseCounts(r.phases.map((p) => p.counts)),
      warnings: [...new Set(r.phases.flatMap((p) => p.warnings))],
      chip: mergeSummaries(
        r.phases.find((p) => p.chip)!.chip!,
        r.phases.map((p) => p.chip ?? idleSummary(T)),
        layout,
        costs.staticPowerW,
        stored,
        sources,
      ),
    };
  });
  const sections = chipRunSections(results, opts.mappingSource ?? "auto");
  return {
    outputs: results.map((r) => r.outputs),
    outputsScaled: results.map((r) => r.outputsScaled),
    results,
    sections,
    phased: info!,
  };
}

/**
 * The stored sequences are neuron-side data (a population's own past outputs): they count in the cores'
 * state memory, and a core whose state-memory limit (when the profile declares one) cannot hold its states
 * and the sequences is a misfit (what, needed, has, what would fit).
 */
function checkBufferFit(
  profile: ChipProfile,
  memory: ReturnType<typeof coreMemory>,
  layout: Layout,
  byCore: Map<number, number>,
): void {
  for (let s = 0; s < layout.slots; s++) {
    const core = layout.coreIndex[s]!;
    const bits = byCore.get(core) ?? 0;
    const limit = limitsOf(profile, core).stateBits;
    if (!bits || limit === undefined) continue;
    const used = memory[s]!.neuronBits;
    if (used + bits > limit)
      throw new SpikegridError(
        "UNSUPPORTED",
        `sequence buffers do not fit on ${profile.name}: core ${core} needs ${used} bits of neuron state + ${bits} bits of stored sequence (T × its neurons × payload width), has ${limit}`,
        {
          hint: "fewer steps per clip, fewer neurons per core (--neurons-per-core N spreads the buffered population over more cores), or --bidirectional refuse",
        },
      );
  }
}

/** Per-core memory with the stored sequences added to the neuron-state bits. */
function withBuffers(
  memory: ReturnType<typeof coreMemory>,
  layout: Layout,
  byCore: Map<number, number>,
): ReturnType<typeof coreMemory> {
  return memory.map((m, s) => {
    const bits = byCore.get(layout.coreIndex[s]!) ?? 0;
    return bits ? { ...m, neuronBits: m.neuronBits + bits } : m;
  });
}

/** The run JSON's `phases` section of a chip run. */
export function phasesSection(p: PhasedChipInfo): RunPhases {
  return {
    phases: p.phases,
    stepsPerPhase: p.stepsPerPhase,
    addedSteps: p.addedSteps,
    addedLatencyS: p.addedLatencyS,
    bufferValues: p.bufferValues,
    peakBufferValues: p.peakBufferValues,
    bufferBits: p.bufferBits,
    bufferCores: [...p.bufferBitsByCore].map(([core, bits]) => ({ core, bits })),
    convention: PHASES_CONVENTION,
  };
}

export const PHASES_CONVENTION =
  "a bidirectional layer runs as buffered passes over the clip: phase k is a run of T steps of its populations; a stored sequence is T × n values at its payload width (spikes 1 bit), held on the cores of the population that produced it (a module input's on the cores of the population its replay feeds) in their neuron-state memory; counts, energy and time add over the phases; addedLatencyS: the simulated time of every phase after the first, per sample";

/** Bits the stored sequences take per step of the clip (× T for the run): Σ n × payload width over stores. */
export function storedBitsPerStep(ir: NmirModule): number {
  const table = sourceTable(ir);
  const stores = new Set(phasePlan(ir).buffers.map((b) => b.output));
  let bits = 0;
  for (const o of ir.outputs) {
    if (!stores.has(o.id)) continue;
    const info = table.get(o.src)!;
    bits += info.size * (info.event.kind === "graded" ? info.event.bits : 1);
  }
  return bits;
}
