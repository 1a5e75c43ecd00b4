// The chip's functional datapath: the integer NMIR semantics, built from the reference interpreter's kernels
// (neuron models, projection accumulate/scale/saturate, dynamic matmul) — the definition of what NMIR means —
// so the chip's answer is the reference's whatever the mapping; the chip model (traffic, timing, energy)
// reads the frames and port inputs this leaves behind after each step.

import { SpikegridError } from "../../common/errors.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { inputPorts } from "../../compiler/nmir/model-info.js";
import type { DynamicMatmul, NmirModule, Population } from "../../compiler/nmir/types.js";
import { verify } from "../../compiler/nmir/verify.js";
import { INT32 } from "../reference/arith.js";
import {
  CountBook,
  type InputCounts,
  type MatmulCounts,
  type PopulationCounts,
  zeroPopulationCounts,
} from "../reference/counts.js";
import { createMatmulKernel, type MatmulKernel } from "../reference/matmul.js";
import {
  createKernel,
  type NeuronKernel,
  SatCounter,
  type SatTally,
  saturationWarning,
} from "../reference/models.js";
import type { ProjectionRun } from "../reference/projection.js";
import {
  type Frame,
  planSchedule,
  type Schedule,
  SourceHistory,
  type TimestepMode,
} from "../reference/schedule.js";
import {
  TermCounter,
  type TermRows,
  termPopulationRows,
  termProjectionRows,
  termRows,
} from "../reference/term-counts.js";
import { AccumulateCache } from "./accumulate.js";
import { createChipProjectionRun } from "./projection.js";

export interface PopUnit {
  kind: "population";
  id: string;
  pop: Population;
  n: number;
  kernel: NeuronKernel;
  /** The port inputs (in, or a and b) of the update running: views of buffers every population shares. */
  ports: Float64Array[];
  projections: ProjectionRun[][];
  tally: PopulationCounts;
  hist: SourceHistory;
  /** Set by the chip model: neuron → index of its core among the unit's cores, and the active neurons per core
   * of the last update (counted in the same pass as the unit's active total). */
  coreOf?: Int32Array;
  activeByCore?: Float64Array;
}

export interface MatmulUnit {
  kind: "matmul";
  id: string;
  dm: DynamicMatmul;
  n: number;
  kernel: MatmulKernel;
  a: SourceHistory;
  b: SourceHistory;
  tally: MatmulCounts;
  hist: SourceHistory;
  /** Set when the matmul is realised by counted term neurons: their rows (the chip model charges them). */
  terms?: TermRows;
}

export type Unit = PopUnit | MatmulUnit;

export class Datapath {
  readonly mode: TimestepMode;
  readonly plan: Schedule;
  readonly quantized: boolean;
  readonly hist = new Map<string, SourceHistory>();
  readonly projections: ProjectionRun[];
  readonly units = new Map<string, Unit>();
  readonly inputTallies: InputCounts[];
  readonly book: CountBook;
  t = 0;
  private readonly portSat = new SatCounter();

  constructor(
    readonly ir: NmirModule,
    mode: TimestepMode,
    perStepCounts: boolean,
  ) {
    verify(ir, ir.stage);
    if (mode !== "layer-sync" && mode !== "pipelined") {
      throw new SpikegridError("USAGE", `unknown timestep mode "${String(mode)}"`, {
        hint: 'use "layer-sync" or "pipelined"',
      });
    }
    this.mode = mode;
    const q = ir.stage === "quantized";
    this.quantized = q;
    this.plan = planSchedule(ir, mode);
    const sources = sourceTable(ir);
    for (const [id, s] of sources) this.hist.set(id, new SourceHistory(s.size, this.plan.depth.get(id) ?? 1));
    const h = (id: string) => this.hist.get(id)!;
    const isSpike = (id: string) => sources.get(id)!.event.kind === "spike";
    // One accumulator for every projection and one buffer per input port for every population: a projection
    // leaves its accumulator zero, and port inputs are read only by the update that filled them, so the
    // datapath holds the largest population's worth of each rather than one per projection and population.
    const largest = ir.populations.reduce((m, p) => Math.max(m, sources.get(p.id)!.size), 0);
    const acc = new Float64Array(largest);
    const portBuffers: Float64Array[] = [];
    const portBuffer = (k: number) => {
      while (portBuffers.length <= k) portBuffers.push(new Float64Array(largest));
      return portBuffers[k]!;
    };
    // projections with the same geometry and weights share one rearranged weight copy
    const accumulates = new AccumulateCache();
    this.projections = ir.projections.map((p) =>
      createChipProjectionRun(
        p,
        h(p.src),
        isSpike(p.src) ? "spike" : "graded",
        this.plan.projectionLag.get(p.id)!,
        q,
        acc,
        accumulates,
      ),
    );
    for (const pop of ir.populations) {
      const n = sources.get(pop.id)!.size;
      const names = inputPorts(pop.model);
      this.units.set(pop.id, {
        kind: "population",
        id: pop.id,
        pop,
        n,
        kernel: createKernel(pop.model, n, q),
        ports: names.map((_, k) => portBuffer(k).subarray(0, n)),
        projections: names.map((port) =>
          this.projections.filter((r) => r.p.dst === pop.id && r.p.port === port),
        ),
        tally: zeroPopulationCounts(pop.id, pop.model.kind, n),
        hist: h(pop.id),
      });
    }
    const termCounters: TermCounter[] = [];
    for (const dm of ir.dynamicMatmuls) {
      const terms = dm.realisation
        ? new TermCounter(dm, termRows(dm, isSpike(dm.a), isSpike(dm.b)))
        : undefined;
      if (terms) termCounters.push(terms);
      this.units.set(dm.id, {
        kind: "matmul",
        id: dm.id,
        dm,
        n: dm.m * dm.n,
        ...(terms ? { terms: terms.rows } : {}),
        kernel: createMatmulKernel(dm, q, isSpike(dm.a) || isSpike(dm.b), terms),
        a: h(dm.a),
        b: h(dm.b),
        tally: { id: dm.id, ac: 0, mac: 0, dense: 0, gradedEvents: 0, saturations: 0, overshoot: 0 },
        hist: h(dm.id),
      });
    }
    this.inputTallies = ir.inputs.map((i) => ({ id: i.id, events: 0 }));
    const pops: PopulationCounts[] = [];
    const mms: MatmulCounts[] = [];
    for (const u of this.units.values()) {
      if (u.kind === "population") pops.push(u.tally);
      else if (!u.terms) mms.push(u.tally);
    }
    // a matmul realised by term neurons is counted as its term rows, as the reference counts it
    for (const c of termCounters) pops.push(...termPopulationRows(c.rows));
    this.book = new CountBook(
      [...this.projections.map((r) => r.tally), ...termCounters.flatMap((c) => termProjectionRows(c.rows))],
      pops,
      mms,
      this.inputTallies,
      perStepCounts,
    );
  }

  /** One step: inputs loaded by `load`, then every unit in schedule order (the reference's update). */
  advance(load: (id: string, frame: Frame, t: number) => void): void {
    const t = this.t;
    this.ir.inputs.forEach((port, i) => {
      const frame = this.hist.get(port.id)!.slot(t);
      load(port.id, frame, t);
      this.inputTallies[i]!.events += frame.count;
    });
    for (const id of this.plan.order) {
      const u = this.units.get(id)!;
      if (u.kind === "population") this.updatePopulation(u, t);
      else
        u.kernel.step(
          u.a.at(t - this.plan.matmulLag),
          u.b.at(t - this.plan.matmulLag),
          u.hist.slot(t),
          u.tally,
        );
    }
    this.book.endStep(t);
    this.t++;
  }

  private updatePopulation(r: PopUnit, t: number): void {
    const { n, ports } = r;
    const [lo, hi] = INT32;
    for (let k = 0; k < ports.length; k++) {
      const into = ports[k]!;
      into.fill(0);
      for (const pr of r.projections[k]!) pr.deliver(t, into);
      // only out-of-range values change (sat leaves every other value, NaN included, as it is); a single
      // port is saturated in the counting pass below
      if (this.quantized && ports.length > 1)
        for (let j = 0; j < n; j++) {
          const x = into[j]!;
          if (x > hi || x < lo) into[j] = this.portSat.sat(x, lo, hi);
        }
    }
    const a = ports[0]!;
    const b = ports[1];
    const { coreOf, activeByCore: act } = r;
    if (act) act.fill(0);
    let active = 0;
    if (b === undefined) {
      const sat = this.quantized;
      for (let j = 0; j < n; j++) {
        const x = a[j]!;
        if (x === 0) continue;
        if (sat && (x > hi || x < lo)) a[j] = this.portSat.sat(x, lo, hi);
        active++;
        if (act) act[coreOf![j]!]!++;
      }
    } else
      for (let j = 0; j < n; j++)
        if (a[j] !== 0 || b[j] !== 0) {
          active++;
          if (act) act[coreOf![j]!]!++;
        }
    r.tally.neuronUpdates += n;
    r.tally.activeNeuronUpdates += active;
    this.portSat.drainInto(r.tally);
    r.kernel.step(ports, r.hist.slot(t), r.tally);
  }

  /** The output of source `id` at step `t` (undefined before step 0). */
  frame(id: string, t: number): Frame | undefined {
    return this.hist.get(id)!.at(t);
  }

  reset(): void {
    this.t = 0;
    for (const h of this.hist.values()) h.clear();
    for (const u of this.units.values()) if (u.kind === "population") u.kernel.reset();
    this.book.reset();
  }

  /** Saturation summaries, one line per element that clamped (the reference's wording). */
  warnings(): string[] {
    const out: string[] = [];
    const note = (what: string, id: string, t: SatTally) => {
      const w = saturationWarning(what, id, t);
      if (w) out.push(w);
    };
    for (const r of this.projections) note("projection", r.p.id, r.tally);
    for (const u of this.units.values()) {
      if (u.kind === "population") note("population", u.id, u.tally);
    }
    for (const u of this.units.values()) {
      if (u.kind === "matmul") note("dynamic matmul", u.id, u.tally);
    }
    return out;
  }
}
