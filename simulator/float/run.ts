// The float reference runner: executes a NetGraph over T timesteps (whole sequences, batches, or streaming one
// step at a time) with the layer-sync schedule of schedule.ts and the kernels of kernels/.

import { SpikegridError } from "../../common/errors.js";
import {
  type ClipStart,
  type LookaheadPlan,
  lookaheadPlan,
  type NetGraph,
} from "../../compiler/graph/index.js";
import { type Schedule, scheduleGraph } from "../../compiler/graph/schedule.js";
import { splitBatch } from "./batch.js";
import { kernelNode, withheldConstants } from "./clip-start.js";
import { delayLines } from "./delay-lines.js";
import {
  checkFinite,
  checkInputIds,
  checkSequences,
  type InputTensor,
  type Named,
  resolveDt,
  sizeOf,
  toMap,
} from "./inputs.js";
import { createKernel, type Kernel } from "./kernels/index.js";
import { eulerTimeConstants } from "./kernels/neurons.js";
import { runWholeSequence } from "./sequence.js";

export interface FloatRunnerOptions {
  /** Integration step in seconds; defaults to `graph.dt`, else 1 (with a warning). */
  dt?: number;
  /**
   * Streaming only: "gate" (default) holds each node at reset until its frame 0, the delayed whole-clip
   * definition; "free" runs every node from step 0, look-ahead partial sums of frames < 0 included, as an
   * ungated NMIR module does (compile option `clipStart`; clip-start.ts).
   */
  clipStart?: ClipStart;
}

export interface FloatRunOptions extends FloatRunnerOptions {
  /** Steps to run (≤ the inputs' T); required when the graph has no Input node. */
  timesteps?: number;
  /** Node ids (flat: `sub.inner` inside subgraphs) whose output to record every step. */
  record?: string[];
  /** Neuron ids whose membrane potential v (after this step's reset) to record every step. */
  recordState?: string[];
  /**
   * "stream" (default): causal, step by step: the whole-clip definition delayed by the algorithmic delay
   * (`runner.plan.delay`; frame f of every Output at step f + delay), exact except for the last
   * `plan.tail` frames, which need inputs past the clip (feed `delay` trailing zero steps to flush).
   * "whole": the finite input as one sequence, indexed by frame, with zero padding at both ends (sequence.ts).
   */
  sequence?: "stream" | "whole";
}

export interface FloatRunResult {
  /** Each top-level Output node's value, one array per step. */
  outputs: Map<string, Float64Array[]>;
  /** Outputs of the nodes named in `record`, one array per step. */
  records: Map<string, Float64Array[]>;
  /** Membrane potentials of the neurons named in `recordState`, one array per step. */
  states: Map<string, Float64Array[]>;
  steps: number;
  warnings: string[];
}

export interface FloatRunner {
  readonly dt: number;
  readonly schedule: Schedule;
  /** When each node starts and how each edge is delayed; `plan.delay` is the algorithmic delay. */
  readonly plan: LookaheadPlan;
  /** Shape of each top-level Input and Output (batch and time excluded). */
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
  readonly outputShapes: ReadonlyMap<string, readonly number[]>;
  /** Steps taken since creation or the last reset. */
  readonly t: number;
  readonly warnings: readonly string[];
  /** Advances one step; each input is the flat data of one step of its Input node. Returns copies. */
  step(inputs: Named<ArrayLike<number>>): Map<string, Float64Array>;
  /** Back to t = 0 with all state (and recurrent edges) zeroed. */
  reset(): void;
  /** Live view of a node's current output (overwritten by the next step). */
  output(id: string): Float64Array;
  /** Live view of a neuron's membrane potential. */
  membrane(id: string): Float64Array;
}

type StepFn = (inputs: ReadonlyMap<string, ArrayLike<number>>) => void;

/** Builds the kernels and input buffers of a graph once; `step` then allocates only the returned copies. */
export function createFloatRunner(graph: NetGraph, opts: FloatRunnerOptions = {}): FloatRunner {
  return buildRunner(graph, opts).runner;
}

/** The runner plus a step without input checks, for runFloat, which checks whole sequences up front. */
function buildRunner(
  graph: NetGraph,
  opts: FloatRunnerOptions,
): { runner: FloatRunner; stepUnchecked: StepFn } {
  const warnings: string[] = [];
  const dt = resolveDt(opts.dt, graph.dt, warnings);
  const schedule = scheduleGraph(graph);
  const { nodes } = schedule;
  const free = opts.clipStart === "free";
  const kernels: Kernel[] = nodes.map((sn) =>
    createKernel(kernelNode(sn.node, opts.clipStart ?? "gate"), {
      id: sn.id,
      dt,
      inShapes: sn.inShapes,
      outShape: sn.outShape,
    }),
  );
  const index = new Map(nodes.map((sn, i) => [sn.id, i]));
  for (const sn of nodes) {
    for (const [name, tau] of eulerTimeConstants(sn.node)) {
      if (dt / tau > 1) {
        warnings.push(
          `node "${sn.id}" (${sn.node.kind}): dt/${name} = ${+(dt / tau).toPrecision(4)} > 1 (dt = ${dt} s, ${name} = ${tau} s); ` +
            "forward Euler overshoots and is unstable above 2 — was dt meant to be smaller (NIR graphs use 1e-4 s)?",
        );
      }
    }
  }

  // Look-ahead alignment (compiler/graph/lookahead.ts): node i runs from step plan.start[i] on (before that its
  // inputs carry frames < 0, which the definition pads with zeros, so it stays at reset and outputs 0 — its
  // biases and constant terms never act there), and the edge s → i is read plan.delays[i][p][k] steps late
  // from a ring of s's past outputs, so every input of i carries the same frame. In "free" mode every node
  // runs from step 0 and only linear constants wait for their frame 0 (`withheld`, taken out before it).
  const plan = lookaheadPlan(nodes);
  const lines = delayLines(nodes, kernels, plan);
  const withheld = free ? withheldConstants(nodes, plan, dt) : [];

  // Port inputs: a single same-step source without delay is read in place; anything else is summed into a
  // port buffer.
  type Sum = { buf: Float64Array; srcs: { src: number; delay: number }[] };
  const portInputs: Float64Array[][] = [];
  const sums: Sum[][] = [];
  nodes.forEach((sn, i) => {
    const ins: Float64Array[] = [];
    const mine: Sum[] = [];
    sn.sources.forEach((srcs, p) => {
      const only = srcs[0];
      const delays = plan.delays[i]![p]!;
      if (srcs.length === 1 && only && !only.recurrent && delays[0] === 0) ins.push(kernels[only.src]!.out);
      else {
        const buf = new Float64Array(sizeOf(sn.inShapes[p]!));
        ins.push(buf);
        mine.push({ buf, srcs: srcs.map((s, k) => ({ src: s.src, delay: delays[k]! })) });
      }
    });
    portInputs[i] = ins;
    sums[i] = mine;
  });

  const inputShapes = new Map(schedule.inputs.map((id) => [id, nodes[index.get(id)!]!.outShape] as const));
  const outputShapes = new Map(schedule.outputs.map((id) => [id, nodes[index.get(id)!]!.outShape] as const));
  let t = 0;

  const stepUnchecked: StepFn = (inputs) => {
    for (const [id, values] of inputs) kernels[index.get(id)!]!.out.set(values);
    for (let i = 0; i < kernels.length; i++) {
      if (free || t >= plan.start[i]!) {
        for (const { buf, srcs } of sums[i]!) {
          buf.fill(0);
          for (const { src, delay } of srcs) {
            const s = lines.past(src, delay, t);
            if (s) for (let k = 0; k < buf.length; k++) buf[k]! += s[k]!;
          }
        }
        kernels[i]!.step(portInputs[i]!);
        const c = withheld[i];
        if (c && t < plan.ahead[i]!) for (let k = 0, o = kernels[i]!.out; k < c.length; k++) o[k]! -= c[k]!;
      }
      lines.store(i, t);
    }
    t++;
  };

  const find = (id: string, what: string): Kernel => {
    const i = index.get(id);
    if (i === undefined) {
      throw new SpikegridError("USAGE", `cannot ${what} "${id}": no such node`, {
        hint: `nodes: ${[...index.keys()].slice(0, 40).join(", ")}${index.size > 40 ? ", …" : ""}`,
      });
    }
    return kernels[i]!;
  };

  const runner: FloatRunner = {
    dt,
    schedule,
    plan,
    inputShapes,
    outputShapes,
    warnings,
    get t() {
      return t;
    },
    step(inputs) {
      const m = toMap(inputs);
      checkInputIds(inputShapes, m);
      for (const [id, v] of m) {
        const n = sizeOf(inputShapes.get(id)!);
        if (v.length !== n) {
          throw new SpikegridError(
            "USAGE",
            `input "${id}" at step ${t}: expected ${n} values (shape [${inputShapes.get(id)!.join(",")}]), got ${v.length}`,
          );
        }
        checkFinite(id, v, n, t);
      }
      stepUnchecked(m);
      return new Map(schedule.outputs.map((id) => [id, Float64Array.from(kernels[index.get(id)!]!.out)]));
    },
    reset() {
      for (const k of kernels) k.reset();
      for (const s of sums) for (const { buf } of s) buf.fill(0);
      lines.reset();
      t = 0;
    },
    output: (id) => find(id, "read the output of").out,
    membrane(id) {
      const k = find(id, "read the membrane of");
      if (!k.state) {
        const kind = nodes[index.get(id)!]!.node.kind;
        throw new SpikegridError("USAGE", `node "${id}" (${kind}) has no membrane potential to record`, {
          hint: "recordState applies to I, IF, LI, LIF, CubaLI and CubaLIF nodes; use record for outputs",
        });
      }
      return k.state;
    },
  };
  return { runner, stepUnchecked };
}

function runWith(
  { runner, stepUnchecked }: ReturnType<typeof buildRunner>,
  inputs: Map<string, InputTensor>,
  opts: FloatRunOptions,
): FloatRunResult {
  const steps = checkSequences(runner.inputShapes, inputs, opts.timesteps);
  const recordViews = (opts.record ?? []).map((id) => [id, runner.output(id)] as const);
  const stateViews = (opts.recordState ?? []).map((id) => [id, runner.membrane(id)] as const);
  const outViews = [...runner.outputShapes.keys()].map((id) => [id, runner.output(id)] as const);
  const data = [...inputs].map(([id, x]) => {
    const per = sizeOf(runner.inputShapes.get(id)!);
    const flat = x.data instanceof Float64Array ? x.data : Float64Array.from(x.data);
    return [id, flat, per] as const;
  });
  const result: FloatRunResult = {
    outputs: new Map(outViews.map(([id]) => [id, []])),
    records: new Map(recordViews.map(([id]) => [id, []])),
    states: new Map(stateViews.map(([id]) => [id, []])),
    steps,
    warnings: [...runner.warnings],
  };
  const stepInputs = new Map<string, Float64Array>();
  for (let t = 0; t < steps; t++) {
    for (const [id, flat, per] of data) stepInputs.set(id, flat.subarray(t * per, (t + 1) * per));
    stepUnchecked(stepInputs);
    for (const [id, v] of outViews) result.outputs.get(id)!.push(Float64Array.from(v));
    for (const [id, v] of recordViews) result.records.get(id)!.push(Float64Array.from(v));
    for (const [id, v] of stateViews) result.states.get(id)!.push(Float64Array.from(v));
  }
  return result;
}

/** Runs a graph from t = 0 over inputs of shape [T, ...inputShape] per Input node id. */
export function runFloat(
  graph: NetGraph,
  inputs: Named<InputTensor>,
  opts: FloatRunOptions = {},
): FloatRunResult {
  if (opts.sequence === "whole") return runWholeSequence(graph, toMap(inputs), opts);
  return runWith(buildRunner(graph, opts), toMap(inputs), opts);
}

/** runFloat for every sample of inputs shaped [batch, T, ...inputShape]; one runner, reset between samples. */
export function runFloatBatch(
  graph: NetGraph,
  inputs: Named<InputTensor>,
  opts: FloatRunOptions = {},
): FloatRunResult[] {
  const built = buildRunner(graph, opts);
  return splitBatch(toMap(inputs)).map((sample) => {
    built.runner.reset();
    return opts.sequence === "whole" ? runWholeSequence(graph, sample, opts) : runWith(built, sample, opts);
  });
}
