// The reference interpreter: runs a verified NMIR module step by step (layer-sync or pipelined) with exact
// integer semantics at stage quantized (float at stage lowered), producing outputs, event records and counts.

import { SpikegridError } from "../../common/errors.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { inputPorts } from "../../compiler/nmir/model-info.js";
import type { DynamicMatmul, NmirModule, OutputPort, Population } from "../../compiler/nmir/types.js";
import { verify } from "../../compiler/nmir/verify.js";
import { INT32 } from "./arith.js";
import {
  CountBook,
  type InputCounts,
  type MatmulCounts,
  type OpCounts,
  type PopulationCounts,
  zeroPopulationCounts,
} from "./counts.js";
import { checkInputIds, checkStepLength, loadInput, type Named, toMap } from "./inputs.js";
import { createMatmulKernel, type MatmulKernel } from "./matmul.js";
import {
  createKernel,
  type NeuronKernel,
  SatCounter,
  type SatTally,
  type StateArray,
  saturationWarning,
} from "./models.js";
import { createProjectionRun, type ProjectionRun } from "./projection.js";
import { type Frame, planSchedule, type Schedule, SourceHistory, type TimestepMode } from "./schedule.js";
import { TermCounter, termPopulationRows, termProjectionRows, termRows } from "./term-counts.js";

export interface ReferenceRunnerOptions {
  /** Default "layer-sync". */
  mode?: TimestepMode;
  /** Keep every step's counts (`counts().perStep`); off by default. */
  perStepCounts?: boolean;
}

/** One step's events of one source: indices (ascending) and values (1 for spikes, else the payload). */
export interface StepEvents {
  index: Int32Array;
  value: Float64Array;
}

export interface ReferenceRunner {
  readonly ir: NmirModule;
  readonly mode: TimestepMode;
  /** Steps run so far (the index of the next step). */
  readonly t: number;
  /** Population and dynamic-matmul ids in update order. */
  readonly order: readonly string[];
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
  readonly outputShapes: ReadonlyMap<string, readonly number[]>;
  /** Runs one step; returns every output's raw source values (spike 0/1 or payload), fresh arrays. */
  step(inputs: Named<ArrayLike<number>>): Map<string, Float64Array>;
  /** State, time and counts back to 0. */
  reset(): void;
  counts(): OpCounts;
  /** The last step's events of an input, population or dynamic matmul. */
  events(sourceId: string): StepEvents;
  /** The last step's values of every neuron of a source (a fresh array). */
  values(sourceId: string): Float64Array;
  /** max |value| over the last step's events of a source (0 when it had none), without copying them. */
  peakAbs(sourceId: string): number;
  /** Live views of a population's state variables (v, u, ref; empty for stateless kinds). */
  state(populationId: string): Readonly<Record<string, StateArray>>;
  /** Saturation summaries so far, one line per element that clamped. */
  warnings(): string[];
}

interface PopRun {
  pop: Population;
  n: number;
  kernel: NeuronKernel;
  ports: Float64Array[];
  projections: ProjectionRun[][];
  tally: PopulationCounts;
  hist: SourceHistory;
}

interface MatmulRun {
  dm: DynamicMatmul;
  kernel: MatmulKernel;
  a: SourceHistory;
  b: SourceHistory;
  tally: MatmulCounts;
  hist: SourceHistory;
}

/** Internal: one step, with the inputs loaded by `load`. */
export interface SteppableRunner extends ReferenceRunner {
  advance(load: (id: string, frame: Frame, t: number) => void): void;
}

export function createReferenceRunner(ir: NmirModule, opts: ReferenceRunnerOptions = {}): SteppableRunner {
  verify(ir, ir.stage);
  const mode = opts.mode ?? "layer-sync";
  if (mode !== "layer-sync" && mode !== "pipelined") {
    throw new SpikegridError("USAGE", `unknown timestep mode "${mode}"`, {
      hint: 'use "layer-sync" or "pipelined"',
    });
  }
  const q = ir.stage === "quantized";
  const plan: Schedule = planSchedule(ir, mode);
  const sources = sourceTable(ir);
  const hist = new Map<string, SourceHistory>();
  for (const [id, s] of sources) hist.set(id, new SourceHistory(s.size, plan.depth.get(id) ?? 1));
  const history = (id: string) => hist.get(id)!;
  const isSpike = (id: string) => sources.get(id)!.event.kind === "spike";

  const projections = ir.projections.map((p) =>
    createProjectionRun(
      p,
      history(p.src),
      isSpike(p.src) ? "spike" : "graded",
      plan.projectionLag.get(p.id)!,
      q,
    ),
  );
  const pops = new Map<string, PopRun>();
  for (const pop of ir.populations) {
    const n = sources.get(pop.id)!.size;
    const names = inputPorts(pop.model);
    pops.set(pop.id, {
      pop,
      n,
      kernel: createKernel(pop.model, n, q),
      ports: names.map(() => new Float64Array(n)),
      projections: names.map((port) => projections.filter((r) => r.p.dst === pop.id && r.p.port === port)),
      tally: zeroPopulationCounts(pop.id, pop.model.kind, n),
      hist: history(pop.id),
    });
  }
  const matmuls = new Map<string, MatmulRun>();
  const termCounters: TermCounter[] = [];
  for (const dm of ir.dynamicMatmuls) {
    const terms = dm.realisation
      ? new TermCounter(dm, termRows(dm, isSpike(dm.a), isSpike(dm.b)))
      : undefined;
    if (terms) termCounters.push(terms);
    matmuls.set(dm.id, {
      dm,
      kernel: createMatmulKernel(dm, q, isSpike(dm.a) || isSpike(dm.b), terms),
      a: history(dm.a),
      b: history(dm.b),
      tally: { id: dm.id, ac: 0, mac: 0, dense: 0, gradedEvents: 0, saturations: 0, overshoot: 0 },
      hist: history(dm.id),
    });
  }
  const inputTallies: InputCounts[] = ir.inputs.map((i) => ({ id: i.id, events: 0 }));
  // a matmul realised by term neurons is counted as its term rows (term-counts.ts), not as a matmul
  const book = new CountBook(
    [...projections.map((r) => r.tally), ...termCounters.flatMap((c) => termProjectionRows(c.rows))],
    [...[...pops.values()].map((r) => r.tally), ...termCounters.flatMap((c) => termPopulationRows(c.rows))],
    [...matmuls.values()].filter((r) => !r.dm.realisation).map((r) => r.tally),
    inputTallies,
    opts.perStepCounts ?? false,
  );
  const portSat = new SatCounter();
  const [lo, hi] = INT32;
  let t = 0;

  const updatePopulation = (r: PopRun) => {
    const { n, ports } = r;
    for (let k = 0; k < ports.length; k++) {
      const into = ports[k]!;
      into.fill(0);
      for (const pr of r.projections[k]!) pr.deliver(t, into);
      if (q) for (let j = 0; j < n; j++) into[j] = portSat.sat(into[j]!, lo, hi);
    }
    const a = ports[0]!;
    const b = ports[1];
    let active = 0;
    for (let j = 0; j < n; j++) if (a[j] !== 0 || (b !== undefined && b[j] !== 0)) active++;
    r.tally.neuronUpdates += n;
    r.tally.activeNeuronUpdates += active;
    portSat.drainInto(r.tally);
    r.kernel.step(r.ports, r.hist.slot(t), r.tally);
  };

  const updateMatmul = (r: MatmulRun) => {
    const lag = plan.matmulLag;
    r.kernel.step(r.a.at(t - lag), r.b.at(t - lag), r.hist.slot(t), r.tally);
  };

  const frameOf = (id: string): Frame => {
    const h = hist.get(id);
    if (!h) throw new SpikegridError("USAGE", `"${id}" is not an input, population or dynamic matmul`);
    const f = h.at(t - 1);
    if (!f) throw new SpikegridError("USAGE", `no step has run yet, so "${id}" has no output`);
    return f;
  };

  const runner: SteppableRunner = {
    ir,
    mode,
    get t() {
      return t;
    },
    order: plan.order,
    inputShapes: new Map(ir.inputs.map((i) => [i.id, i.shape])),
    outputShapes: new Map(ir.outputs.map((o: OutputPort) => [o.id, sources.get(o.src)!.shape])),
    advance(load) {
      ir.inputs.forEach((port, i) => {
        const frame = history(port.id).slot(t);
        load(port.id, frame, t);
        inputTallies[i]!.events += frame.count;
      });
      for (const id of plan.order) {
        const p = pops.get(id);
        if (p) updatePopulation(p);
        else updateMatmul(matmuls.get(id)!);
      }
      book.endStep(t);
      t++;
    },
    step(inputs) {
      const given = toMap(inputs);
      checkInputIds(ir.inputs, given);
      const ports = new Map(ir.inputs.map((p) => [p.id, p]));
      runner.advance((id, frame, step) => {
        const data = given.get(id)!;
        checkStepLength(ports.get(id)!, data, step);
        loadInput(ports.get(id)!, data, 0, frame, q, step);
      });
      return new Map(ir.outputs.map((o) => [o.id, runner.values(o.src)]));
    },
    reset() {
      t = 0;
      for (const h of hist.values()) h.clear();
      for (const p of pops.values()) p.kernel.reset();
      book.reset();
    },
    counts: () => book.snapshot(),
    events(id) {
      const f = frameOf(id);
      const index = f.idx.slice(0, f.count);
      return { index, value: Float64Array.from(index, (i) => f.values[i]!) };
    },
    values: (id) => Float64Array.from(frameOf(id).values),
    peakAbs(id) {
      const f = frameOf(id);
      let peak = 0;
      for (let e = 0; e < f.count; e++) peak = Math.max(peak, Math.abs(f.values[f.idx[e]!]!));
      return peak;
    },
    state(id) {
      const p = pops.get(id);
      if (!p) throw new SpikegridError("USAGE", `"${id}" is not a population of module "${ir.name}"`);
      return p.kernel.state;
    },
    warnings() {
      const out: string[] = [];
      const note = (what: string, id: string, t: SatTally) => {
        const w = saturationWarning(what, id, t);
        if (w) out.push(w);
      };
      for (const r of projections) note("projection", r.p.id, r.tally);
      for (const r of pops.values()) note("population", r.pop.id, r.tally);
      for (const r of matmuls.values()) note("dynamic matmul", r.dm.id, r.tally);
      return out;
    },
  };
  return runner;
}
