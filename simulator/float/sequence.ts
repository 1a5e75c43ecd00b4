// Whole-sequence execution (`runFloat(…, { sequence: "whole" })`): the graph's own, non-causal definition of
// TemporalConv (y_t uses x_{t+lookahead}) over a finite input of T steps, as PyTorch computes a Conv1d over the
// whole clip. The streaming runner (run.ts) aligns paths and holds nodes at reset before frame 0 the same way
// (compiler/graph/lookahead.ts) but cannot know where the clip ends; here every node runs on its own logical
// clock and also stops at frame T:
// - a node's input delay is the most look-ahead on any same-step path from an Input to it, its output delay
//   adds its own look-ahead; shorter paths into it are read from a ring of past outputs, so all terms align;
// - a node steps only while its logical input step is in [0, T) (TemporalConv: [0, T + lookahead), to emit its
//   last outputs) and outputs 0 otherwise, so it starts from reset state at logical step 0 and every
//   TemporalConv sees zeros before 0 and after T − 1, exactly PyTorch's padding.
// A bidirectional DiagonalSsm is a look-ahead of T − 1 (it needs the whole clip; kernels/ssm-bidirectional.ts).
// Outputs, records and states are indexed by logical step (T of them). Recurrent edges must join nodes of
// equal delay (a loop through a look-ahead has no whole-sequence meaning here).

import { SpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../../compiler/graph/index.js";
import { scheduleGraph } from "../../compiler/graph/schedule.js";
import { checkSequences, type InputTensor, resolveDt, sizeOf } from "./inputs.js";
import { createKernel } from "./kernels/index.js";
import type { FloatRunOptions, FloatRunResult } from "./run.js";

export function runWholeSequence(
  graph: NetGraph,
  inputs: Map<string, InputTensor>,
  opts: FloatRunOptions,
): FloatRunResult {
  const warnings: string[] = [];
  const dt = resolveDt(opts.dt, graph.dt, warnings);
  const schedule = scheduleGraph(graph);
  const { nodes } = schedule;
  const index = new Map(nodes.map((sn, i) => [sn.id, i]));
  const T = checkSequences(
    new Map(schedule.inputs.map((id) => [id, nodes[index.get(id)!]!.outShape])),
    inputs,
    opts.timesteps,
  );
  const kernels = nodes.map((sn) =>
    createKernel(sn.node, {
      id: sn.id,
      dt,
      inShapes: sn.inShapes,
      outShape: sn.outShape,
      sequenceLength: T,
    }),
  );
  // A bidirectional SSM reads the whole clip before its first output: a look-ahead of T − 1 steps.
  const ahead = nodes.map((sn) =>
    sn.node.kind === "TemporalConv"
      ? sn.node.lookahead
      : sn.node.kind === "DiagonalSsm" && sn.node.bidirectional
        ? T - 1
        : 0,
  );
  const dIn = new Int32Array(nodes.length);
  const dOut = new Int32Array(nodes.length);
  nodes.forEach((sn, i) => {
    for (const port of sn.sources)
      for (const s of port) if (!s.recurrent) dIn[i] = Math.max(dIn[i]!, dOut[s.src]!);
    dOut[i] = dIn[i]! + ahead[i]!;
  });
  // lag[i]: how many steps back the slowest reader of node i looks; ring[i] keeps that many past outputs
  const lag = new Int32Array(nodes.length);
  nodes.forEach((sn, i) => {
    for (const port of sn.sources)
      for (const s of port) {
        if (s.recurrent && dOut[s.src] !== dIn[i]) {
          throw new SpikegridError(
            "UNSUPPORTED",
            `whole-sequence run: the recurrent edge ${nodes[s.src]!.id} → ${sn.id} crosses a look-ahead`,
            { hint: 'run this graph step by step (--sequence stream; library: sequence "stream")' },
          );
        }
        if (!s.recurrent) lag[s.src] = Math.max(lag[s.src]!, dIn[i]! - dOut[s.src]!);
      }
  });
  const rings = nodes.map((sn, i) =>
    lag[i]! > 0 ? new Float64Array((lag[i]! + 1) * sizeOf(sn.outShape)) : undefined,
  );
  const past = (i: number, step: number, n: number) => {
    const slot = step % (lag[i]! + 1);
    return rings[i]!.subarray(slot * n, (slot + 1) * n);
  };
  const ports = nodes.map((sn) => sn.inShapes.map((s) => new Float64Array(sizeOf(s))));

  const data = [...inputs].map(([id, x]) => [index.get(id)!, Float64Array.from(x.data)] as const);
  const pick = (ids: string[] | undefined, what: string) =>
    (ids ?? []).map((id) => {
      const i = index.get(id);
      if (i === undefined) throw new SpikegridError("USAGE", `cannot ${what} "${id}": no such node`);
      if (what === "record the state of" && !kernels[i]!.state)
        throw new SpikegridError("USAGE", `node "${id}" (${nodes[i]!.node.kind}) has no membrane potential`);
      return [id, i] as const;
    });
  const outs = pick(schedule.outputs, "read the output of");
  const recs = pick(opts.record, "record the output of");
  const sts = pick(opts.recordState, "record the state of");
  const result: FloatRunResult = {
    outputs: new Map(outs.map(([id]) => [id, []])),
    records: new Map(recs.map(([id]) => [id, []])),
    states: new Map(sts.map(([id]) => [id, []])),
    steps: T,
    warnings,
  };
  const maxDelay = Math.max(0, ...dOut);
  for (let t = 0; t < T + maxDelay; t++) {
    for (const [i, x] of data) {
      const n = kernels[i]!.out.length;
      if (t < T) kernels[i]!.out.set(x.subarray(t * n, (t + 1) * n));
      else kernels[i]!.out.fill(0);
    }
    for (let i = 0; i < nodes.length; i++) {
      const k = kernels[i]!;
      const local = t - dIn[i]!;
      if (nodes[i]!.node.kind === "Input") {
        // written above; nothing to step
      } else if (local < 0 || local >= T + ahead[i]!) k.out.fill(0);
      else {
        nodes[i]!.sources.forEach((srcs, p) => {
          const buf = ports[i]![p]!;
          buf.fill(0);
          for (const s of srcs) {
            const back = s.recurrent ? 0 : dIn[i]! - dOut[s.src]!;
            const n = buf.length;
            // a source `back` steps ahead of this node: its output of step t − back (0 before step 0)
            const from = back === 0 ? kernels[s.src]!.out : t >= back ? past(s.src, t - back, n) : undefined;
            if (from) for (let e = 0; e < n; e++) buf[e]! += from[e]!;
          }
        });
        k.step(ports[i]!);
        if (t - dOut[i]! >= T) k.out.fill(0);
      }
      const ring = rings[i];
      if (ring) ring.set(k.out, (t % (lag[i]! + 1)) * k.out.length);
    }
    const emit = (list: (readonly [string, number])[], into: Map<string, Float64Array[]>, state: boolean) => {
      for (const [id, i] of list) {
        const logical = t - dOut[i]!;
        if (logical >= 0 && logical < T)
          into.get(id)!.push(Float64Array.from(state ? kernels[i]!.state! : kernels[i]!.out));
      }
    };
    emit(outs, result.outputs, false);
    emit(recs, result.records, false);
    emit(sts, result.states, true);
  }
  return result;
}
