// Op counts of a reference run (DESIGN §7; NeuroBench effective ACs/MACs and Dense) per projection, population,
// dynamic matmul and input, per step and in total, with their conventions; and the theoretical AC/MAC energy.
// The chip simulator and the reports reuse these types.

import type { NeuronKind } from "../../compiler/nmir/neuron-models.js";

export interface ProjectionCounts {
  id: string;
  src: string;
  dst: string;
  port: string;
  /** The source's event kind: spike sources give ACs, graded sources MACs. */
  srcEvent: "spike" | "graded";
  ac: number;
  mac: number;
  dense: number;
  /** Source events delivered through the projection. */
  events: number;
  saturations: number;
  /** The largest clamp: |value| / |limit| it passed (0 without clamps). */
  overshoot: number;
  /** Synapses of a matmul's term neurons: counted, not instantiated (COUNT_CONVENTIONS.counted). */
  counted?: true;
}

export interface PopulationCounts {
  id: string;
  kind: NeuronKind;
  neurons: number;
  neuronUpdates: number;
  activeNeuronUpdates: number;
  spikes: number;
  gradedEvents: number;
  saturations: number;
  /** The largest clamp: |value| / |limit| it passed (0 without clamps). */
  overshoot: number;
  /** A matmul's term neurons or accumulators: counted, not instantiated (COUNT_CONVENTIONS.counted). */
  counted?: true;
}

/** A projection's counts at zero (the reference and the chip datapath start from the same). */
export function zeroProjectionCounts(
  p: { id: string; src: string; dst: string; port: string },
  srcEvent: "spike" | "graded",
): ProjectionCounts {
  return {
    id: p.id,
    src: p.src,
    dst: p.dst,
    port: p.port,
    srcEvent,
    ac: 0,
    mac: 0,
    dense: 0,
    events: 0,
    saturations: 0,
    overshoot: 0,
  };
}

/** A population's counts at zero. */
export function zeroPopulationCounts(id: string, kind: NeuronKind, neurons: number): PopulationCounts {
  return {
    id,
    kind,
    neurons,
    neuronUpdates: 0,
    activeNeuronUpdates: 0,
    spikes: 0,
    gradedEvents: 0,
    saturations: 0,
    overshoot: 0,
  };
}

export interface MatmulCounts {
  id: string;
  ac: number;
  mac: number;
  dense: number;
  gradedEvents: number;
  saturations: number;
  /** The largest clamp: |value| / |limit| it passed (0 without clamps). */
  overshoot: number;
}

export interface InputCounts {
  id: string;
  events: number;
}

export interface CountTotals {
  steps: number;
  /** Projection synaptic ops (NeuroBench Effective_ACs / Effective_MACs / Dense). */
  ac: number;
  mac: number;
  /** ac + mac. */
  synapticOps: number;
  dense: number;
  /** Dynamic-matmul products, kept apart from the synaptic ops. */
  matmulAc: number;
  matmulMac: number;
  matmulDense: number;
  neuronUpdates: number;
  activeNeuronUpdates: number;
  spikes: number;
  gradedEvents: number;
  inputEvents: number;
  saturations: number;
}

/** One step's counts (the same shapes as the totals, for the one step t). */
export interface StepCounts {
  t: number;
  totals: CountTotals;
  perProjection: ProjectionCounts[];
  perPopulation: PopulationCounts[];
  perMatmul: MatmulCounts[];
}

export interface OpCounts {
  totals: CountTotals;
  perProjection: ProjectionCounts[];
  perPopulation: PopulationCounts[];
  perMatmul: MatmulCounts[];
  perInput: InputCounts[];
  /** Present when the run was asked for per-step counts. */
  perStep?: StepCounts[];
  conventions: typeof COUNT_CONVENTIONS;
}

/** What each number means; reports print these next to the numbers (DESIGN §7). */
export const COUNT_CONVENTIONS = {
  ac:
    "AC: one per (spike event, synapse) pair with a nonzero weight, delivered this step (NeuroBench " +
    "Effective_ACs: zero weights and absent events excluded; bias is not a synaptic op); spike sources are " +
    "spiking populations and spike inputs",
  mac:
    "MAC: one per (graded event, synapse) pair with a nonzero weight (NeuroBench Effective_MACs); a zero " +
    "payload is not an event",
  dense:
    "Dense: every synapse of the connectivity once per step, whatever the activity and weight values " +
    "(NeuroBench Dense: all-ones inputs and weights), conv taps on padding excluded, bias excluded",
  matmul:
    "dynamic matmul: one op per product A[i,l]·B[l,j] with both operands nonzero, an AC when either operand " +
    "is a spike source, else a MAC; dense = m·k·n per step; not in ac/mac (NeuroBench has no such layer), " +
    "included by theoreticalEnergy (Spikformer counts attention as SOPs)",
  neuronUpdates: "every neuron of every population once per step (all-neurons update policy)",
  activeNeuronUpdates:
    "neurons whose input (any port) was nonzero this step (only-with-input update policy); not " +
    "NeuroBench MembraneUpdates (state changed)",
  saturations:
    "sat clamps that changed a value: per projection the int32 accumulator and the scaled contribution; per " +
    "population the int32 port sum, the state and the payload; vMin and activation clamps are model " +
    "behaviour, not saturation; never at stage lowered",
  counted:
    "rows marked counted (not instantiated): the term neurons, accumulators and synapses that a dynamic matmul " +
    "realised by term neurons (NMIR realisation, chips without dynamic matmul) stands for, named and counted " +
    "exactly as lowerAttention's explicit form would be (<id>.terms, <id>, <id>.terms.a/.b, <id>.sum), from " +
    "the operands' events; the product itself is computed as the matmul and has no perMatmul row",
  normalization: "summed over the steps of one run (one sample); NeuroBench reports per sample",
} as const;

export function zeroTotals(): CountTotals {
  return {
    steps: 0,
    ac: 0,
    mac: 0,
    synapticOps: 0,
    dense: 0,
    matmulAc: 0,
    matmulMac: 0,
    matmulDense: 0,
    neuronUpdates: 0,
    activeNeuronUpdates: 0,
    spikes: 0,
    gradedEvents: 0,
    inputEvents: 0,
    saturations: 0,
  };
}

/** Sums the per-entity counts into totals. */
export function sumTotals(
  steps: number,
  proj: readonly ProjectionCounts[],
  pop: readonly PopulationCounts[],
  mm: readonly MatmulCounts[],
  inp: readonly InputCounts[],
): CountTotals {
  const t = zeroTotals();
  t.steps = steps;
  for (const p of proj) {
    t.ac += p.ac;
    t.mac += p.mac;
    t.dense += p.dense;
    t.saturations += p.saturations;
  }
  for (const p of pop) {
    t.neuronUpdates += p.neuronUpdates;
    t.activeNeuronUpdates += p.activeNeuronUpdates;
    t.spikes += p.spikes;
    t.gradedEvents += p.gradedEvents;
    t.saturations += p.saturations;
  }
  for (const m of mm) {
    t.matmulAc += m.ac;
    t.matmulMac += m.mac;
    t.matmulDense += m.dense;
    t.gradedEvents += m.gradedEvents;
    t.saturations += m.saturations;
  }
  for (const i of inp) t.inputEvents += i.events;
  t.synapticOps = t.ac + t.mac;
  return t;
}

/** `a − b` field by field over the numeric fields (labels kept from a). */
function minus<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === "number" && k !== "neurons") out[k] = v - ((b as Record<string, number>)[k] ?? 0);
  }
  return out as T;
}

const copy = <T extends object>(xs: readonly T[]): T[] => xs.map((x) => ({ ...x }));

/** The live counters a runner updates, with per-step snapshots on request. */
export class CountBook {
  steps = 0;
  private readonly stepLog: StepCounts[] | undefined;
  private prev: { proj: ProjectionCounts[]; pop: PopulationCounts[]; mm: MatmulCounts[] } | undefined;
  private readonly initial: {
    proj: ProjectionCounts[];
    pop: PopulationCounts[];
    mm: MatmulCounts[];
    inp: InputCounts[];
  };

  constructor(
    readonly proj: ProjectionCounts[],
    readonly pop: PopulationCounts[],
    readonly mm: MatmulCounts[],
    readonly inp: InputCounts[],
    perStep: boolean,
  ) {
    this.initial = { proj: copy(proj), pop: copy(pop), mm: copy(mm), inp: copy(inp) };
    this.stepLog = perStep ? [] : undefined;
    this.prev = perStep ? { proj: copy(proj), pop: copy(pop), mm: copy(mm) } : undefined;
  }

  /** Closes step `t`: counts it and, when logging, stores its own counts. */
  endStep(t: number): void {
    this.steps++;
    if (!this.stepLog || !this.prev) return;
    const perProjection = this.proj.map((p, i) => minus(p, this.prev!.proj[i]!));
    const perPopulation = this.pop.map((p, i) => minus(p, this.prev!.pop[i]!));
    const perMatmul = this.mm.map((m, i) => minus(m, this.prev!.mm[i]!));
    const totals = sumTotals(1, perProjection, perPopulation, perMatmul, []);
    this.stepLog.push({ t, totals, perProjection, perPopulation, perMatmul });
    this.prev = { proj: copy(this.proj), pop: copy(this.pop), mm: copy(this.mm) };
  }

  snapshot(): OpCounts {
    const out: OpCounts = {
      totals: sumTotals(this.steps, this.proj, this.pop, this.mm, this.inp),
      perProjection: copy(this.proj),
      perPopulation: copy(this.pop),
      perMatmul: copy(this.mm),
      perInput: copy(this.inp),
      conventions: COUNT_CONVENTIONS,
    };
    if (this.stepLog) out.perStep = [...this.stepLog];
    return out;
  }

  reset(): void {
    const back = <T extends object>(live: T[], init: readonly T[]) =>
      live.forEach((x, i) => {
        Object.assign(x, init[i]);
      });
    back(this.proj, this.initial.proj);
    back(this.pop, this.initial.pop);
    back(this.mm, this.initial.mm);
    back(this.inp, this.initial.inp);
    this.steps = 0;
    if (this.stepLog) this.stepLog.length = 0;
    if (this.prev) this.prev = { proj: copy(this.proj), pop: copy(this.pop), mm: copy(this.mm) };
  }
}

export interface EnergyOptions {
  /** Joules per accumulate (default 0.9 pJ, Horowitz 45 nm float add). */
  eAC?: number;
  /** Joules per multiply-accumulate (default 4.6 pJ, Horowitz 45 nm float mult + add). */
  eMAC?: number;
  /** Count dynamic-matmul products (default true, as Spikformer counts attention). */
  includeMatmul?: boolean;
}

export interface TheoreticalEnergy {
  totalJ: number;
  acJ: number;
  macJ: number;
  ac: number;
  mac: number;
  eAC: number;
  eMAC: number;
  /** Whether `ac`/`mac` include the dynamic-matmul products. */
  includesMatmul: boolean;
  convention: string;
}

const pJ = (j: number) => `${+(j * 1e12).toPrecision(6)}`;

/** `E_AC·AC + E_MAC·MAC` over a run's counts (DESIGN §7, the theoretical view). */
export function theoreticalEnergy(
  counts: Pick<OpCounts, "totals">,
  opts: EnergyOptions = {},
): TheoreticalEnergy {
  const eAC = opts.eAC ?? 0.9e-12;
  const eMAC = opts.eMAC ?? 4.6e-12;
  const withMm = opts.includeMatmul ?? true;
  const t = counts.totals;
  const ac = t.ac + (withMm ? t.matmulAc : 0);
  const mac = t.mac + (withMm ? t.matmulMac : 0);
  const defaults = eAC === 0.9e-12 && eMAC === 4.6e-12;
  const source = defaults ? " (Horowitz 45 nm; Spikformer convention)" : "";
  return {
    totalJ: eAC * ac + eMAC * mac,
    acJ: eAC * ac,
    macJ: eMAC * mac,
    ac,
    mac,
    eAC,
    eMAC,
    includesMatmul: withMm,
    convention: `E_AC·AC + E_MAC·MAC, ${pJ(eAC)}/${pJ(eMAC)} pJ${source}`,
  };
}
