// lowerToNmir, step 3: every path of linear nodes that ends in one port of a boundary, found by walking edges
// upstream to the nearest boundaries (signal paths) and to every biased linear node on the way (constant paths).

import { SpikegridError } from "../../../common/errors.js";
import type { GraphNode, LookaheadPlan } from "../../graph/index.js";
import type { Schedule } from "../../graph/schedule.js";
import { type Bias, linearTaps, type Tap } from "./taps.js";

/** A linear node on a path and the input port the path enters it through. */
export interface Link {
  index: number;
  port: number;
}

export interface Path {
  /** Schedule index of the boundary that emits the signal, or of the linear node whose bias this is. */
  source: number;
  constant: boolean;
  /** Linear nodes after the source, in signal order. */
  chain: Link[];
  /** Steps added by the edges crossed: one per recurrent edge, plus the look-ahead alignment delays. */
  delay: number;
}

/** One map of a path with one tap chosen per linear node: a stateless chain plus a total delay. */
export interface TermStep {
  node: GraphNode;
  port: number;
  inShapes: number[][];
  outShape: number[];
  label: string;
}
export interface Term {
  delay: number;
  steps: TermStep[];
  inShape: number[];
  outShape: number[];
  label: string;
}

export interface PathContext {
  schedule: Schedule;
  isLinear: (index: number) => boolean;
  taps: (index: number) => { taps: Tap[]; bias?: Bias };
  /** Start steps, output steps and per-edge alignment delays (compiler/graph/lookahead.ts). */
  plan: LookaheadPlan;
  maxPaths: number;
}

/** The taps of every linear node, computed once per node. */
export function tapTable(schedule: Schedule, isLinear: (i: number) => boolean, dt: number) {
  const memo = new Map<number, { taps: Tap[]; bias?: Bias }>();
  return (i: number) => {
    let t = memo.get(i);
    if (!t) {
      if (!isLinear(i)) throw new Error(`internal: taps of non-linear node ${schedule.nodes[i]!.id}`);
      t = linearTaps(schedule.nodes[i]!, dt);
      memo.set(i, t);
    }
    return t;
  };
}

/** Every signal and constant path into port `port` of node `dst`. */
export function pathsInto(pc: PathContext, dst: number, port: number): Path[] {
  const { nodes } = pc.schedule;
  const out: Path[] = [];
  const onPath: number[] = [];
  const walk = (node: number, p: number, chain: Link[], delay: number) => {
    for (const [k, s] of nodes[node]!.sources[p]!.entries()) {
      const d = delay + (s.recurrent ? 1 : 0) + pc.plan.delays[node]![p]![k]!;
      if (!pc.isLinear(s.src)) {
        out.push({ source: s.src, constant: false, chain, delay: d });
      } else {
        if (onPath.includes(s.src)) {
          const loop = [...onPath.slice(onPath.indexOf(s.src)), s.src].map((i) => nodes[i]!.id);
          throw new SpikegridError(
            "UNSUPPORTED",
            `the loop ${loop.map((x) => `"${x}"`).join(" → ")} holds only linear nodes: it is an infinite-impulse filter with no population to keep its state`,
            { hint: "put an identity Activation (a graded population) or a neuron on the loop" },
          );
        }
        if (pc.taps(s.src).bias) out.push({ source: s.src, constant: true, chain, delay: d });
        onPath.push(s.src);
        const ports = nodes[s.src]!.ports.length;
        for (let q = 0; q < ports; q++) walk(s.src, q, [{ index: s.src, port: q }, ...chain], d);
        onPath.pop();
      }
      if (out.length > pc.maxPaths) {
        throw new SpikegridError(
          "UNSUPPORTED",
          `more than ${pc.maxPaths} linear paths lead into port "${nodes[dst]!.ports[port]}" of "${nodes[dst]!.id}"`,
          {
            hint: "raise the compile option maxPaths (library only, no CLI flag), or insert a population where linear branches fan out and merge",
          },
        );
      }
    }
  };
  walk(dst, port, [], 0);
  return out;
}

/** A path's nodes as text: `lif1 → conv2 → pool3 → lif4`. */
export function pathLabel(pc: PathContext, path: Path, dst: number): string {
  const ids = [path.source, ...path.chain.map((l) => l.index), dst].map((i) => pc.schedule.nodes[i]!.id);
  return `${path.constant ? "bias of " : ""}${ids.join(" → ")}`;
}

/** The path's terms: one per combination of taps, delays added (identity taps drop out of the chain). */
export function pathTerms(pc: PathContext, path: Path, dst: number, maxTerms = 256): Term[] {
  const { nodes } = pc.schedule;
  const label = pathLabel(pc, path, dst);
  const first = nodes[path.source]!;
  // a constant starts at its node's output frame 0 (zero padding before: the definition's frames < 0)
  const start = path.delay + (path.constant ? pc.plan.ahead[path.source]! : 0);
  let partial: { delay: number; steps: TermStep[] }[] = [{ delay: start, steps: [] }];
  for (const link of path.chain) {
    const sn = nodes[link.index]!;
    const next: typeof partial = [];
    for (const tap of pc.taps(link.index).taps) {
      for (const p of partial) {
        const step: TermStep[] = tap.node
          ? [{ node: tap.node, port: link.port, inShapes: sn.inShapes, outShape: sn.outShape, label: sn.id }]
          : [];
        next.push({ delay: p.delay + tap.delay, steps: [...p.steps, ...step] });
      }
    }
    if (next.length > maxTerms) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `the path ${label} expands into more than ${maxTerms} delayed taps`,
        {
          hint: "split long temporal convolutions or per-element delays with a population in between",
        },
      );
    }
    partial = next;
  }
  const inShape = first.outShape;
  const last = path.chain.length ? nodes[path.chain[path.chain.length - 1]!.index]!.outShape : inShape;
  return partial.map((p) => ({ delay: p.delay, steps: p.steps, inShape, outShape: last, label }));
}
