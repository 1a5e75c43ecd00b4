// The look-ahead plan of a scheduled graph: when each node starts, and by how many steps each edge is delayed,
// so that step-by-step execution computes the graph's whole-clip definition (TemporalConv y_t uses x_{t+L},
// zero padding around the clip) delayed by the algorithmic delay. The float streaming runner and lowerToNmir
// both read this one plan, so the two cannot drift apart.
//
// Logical frames: node i's output frame f appears at step f + ahead[i]; its inputs' frame f at step
// f + start[i]. An edge s → i is delayed by start[i] − ahead[s] so every input of i carries the same frame
// (LMUFormer's `x + rpe_conv(x)`: paths of look-ahead 4 and 5 meet aligned). Before `start[i]` a node sees
// only frames < 0, which the definition pads with zeros: it must stay at rest and output 0 there (the runner
// does not step it; the lowering delays every constant to that step and gates early partial sums).
//
// ClipStart "free" drops that last requirement, as a chip streaming a signal from its start does: every node
// runs from step 0 and also sees the partial sums a look-ahead conv makes of its first input frames for
// frames < 0; only the additive constants of linear nodes still start at the node's frame 0.

import { SpikegridError } from "../../common/errors.js";
import type { GraphNode } from "./nodes.js";

/** One edge into a port: the schedule index of its source and whether it reads the previous step. */
export interface PlanSource {
  src: number;
  recurrent: boolean;
}

/** What the plan needs of a scheduled node (simulator/float's ScheduledNode fits). */
export interface PlanNode {
  id: string;
  node: GraphNode;
  /** Per input port, its sources. */
  sources: readonly (readonly PlanSource[])[];
}

export interface LookaheadPlan {
  /** Step at which node i reads its inputs' frame 0: the step it starts running. */
  start: Int32Array;
  /** Step at which node i emits its frame 0: start plus its own look-ahead (TemporalConv `lookahead`). */
  ahead: Int32Array;
  /** delays[i][port][k]: steps the k-th source of that port is delayed by (0 for recurrent edges). */
  delays: number[][][];
  /** The algorithmic delay: every top-level Output emits frame f at step f + delay. */
  delay: number;
  /**
   * Fed a clip of T frames followed by zeros, node i's frames f < T − tail[i] equal the whole-clip definition.
   * The last ones cannot: a look-ahead conv reads frames ≥ T of its input, which the definition pads with 0
   * while a stream still carries values there (biases, states) — except an Input, which the caller zero-pads.
   */
  tail: Int32Array;
}

/**
 * How execution treats the steps before a node's frame 0. "gate": the node stays at reset until `start` (the
 * whole-clip definition, delayed). "free": every node runs from step 0 and sees the look-ahead partial sums of
 * frames < 0; the constants of linear nodes (`hasFrameConstant`) start at their frame 0 (`ahead`), everything
 * else (neuron parameters such as v_leak) acts from step 0, as NMIR populations do.
 */
export type ClipStart = "gate" | "free";

/**
 * Linear node kinds whose output holds an additive constant (bias, BatchNorm shift): the lowering routes it as
 * a constant path that starts at the node's frame 0, and the "free" float runner withholds it until then.
 */
export function hasFrameConstant(node: GraphNode): boolean {
  const k = node.kind;
  return k === "Affine" || k === "Conv1d" || k === "Conv2d" || k === "BatchNorm" || k === "TemporalConv";
}

/** A node's own look-ahead in steps. */
export function ownLookahead(node: GraphNode): number {
  return node.kind === "TemporalConv" ? node.lookahead : 0;
}

/**
 * The plan of `nodes`, given in schedule order (every non-recurrent edge goes from an earlier node to a later
 * one). A recurrent edge s → i delivers s's previous step, i.e. frame f − 1 at i's frame f, only if s and i
 * run on the same clock (ahead[s] = start[i]). Its source lies downstream of i (a back edge), so ahead[s] ≥
 * start[i]; when a side input joins the loop with more look-ahead, i's start is raised to ahead[s] (its other
 * inputs are delayed instead). A loop holding look-ahead itself would have to wait for its own future: an error.
 */
export function lookaheadPlan(nodes: readonly PlanNode[]): LookaheadPlan {
  const n = nodes.length;
  const start = new Int32Array(n);
  const ahead = new Int32Array(n);
  const floor = new Int32Array(n);
  for (let round = 0; ; round++) {
    nodes.forEach((sn, i) => {
      let s = floor[i]!;
      for (const port of sn.sources) for (const e of port) if (!e.recurrent) s = Math.max(s, ahead[e.src]!);
      start[i] = s;
      ahead[i] = s + ownLookahead(sn.node);
    });
    let raised: [number, number] | undefined;
    nodes.forEach((sn, i) => {
      for (const port of sn.sources)
        for (const e of port)
          if (e.recurrent && ahead[e.src]! > start[i]!) {
            floor[i] = ahead[e.src]!;
            raised = [e.src, i];
          }
    });
    if (!raised) break;
    if (round > n) {
      const [s, i] = raised;
      throw new SpikegridError(
        "UNSUPPORTED",
        `the loop closed by the recurrent edge "${nodes[s]!.id}" → "${nodes[i]!.id}" passes through a TemporalConv with look-ahead: each pass around it would wait for later frames`,
        { hint: "make the TemporalConvs inside recurrent loops causal (lookahead 0)" },
      );
    }
  }
  // every Output on the common algorithmic delay, so one shift reads all of them
  let delay = 0;
  nodes.forEach((sn, i) => {
    if (sn.node.kind === "Output") delay = Math.max(delay, start[i]!);
  });
  nodes.forEach((sn, i) => {
    if (sn.node.kind === "Output") start[i] = ahead[i] = delay;
  });
  const delays = nodes.map((sn, i) =>
    sn.sources.map((port) => port.map((e) => (e.recurrent ? 0 : start[i]! - ahead[e.src]!))),
  );
  return { start, ahead, delays, delay, tail: tails(nodes) };
}

/** Plan.tail, by relaxation (recurrent sources are scheduled later; loops hold no look-ahead, so it settles). */
function tails(nodes: readonly PlanNode[]): Int32Array {
  const tail = new Int32Array(nodes.length);
  for (let changed = true; changed; ) {
    changed = false;
    nodes.forEach((sn, i) => {
      const l = ownLookahead(sn.node);
      let t = 0;
      for (const port of sn.sources)
        for (const e of port) {
          const padded = nodes[e.src]!.node.kind === "Input"; // zero past the clip, as the definition pads
          t = Math.max(t, tail[e.src]! + (padded ? 0 : l));
        }
      if (t > tail[i]!) {
        tail[i] = t;
        changed = true;
      }
    });
  }
  return tail;
}
