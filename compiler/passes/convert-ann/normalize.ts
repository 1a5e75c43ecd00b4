// convertAnnToSnn, step 3: the graph rewrite of rate-based conversion. Each value of the converted network is
// the ANN's value divided by a unit μ (1 for inputs and outputs, λ_l for the rates of ReLU layer l); affine
// maps absorb the change of unit (W·μ_in/μ_out, b/μ_out), ReLUs become IF neurons, outputs accumulators.

import {
  type BatchNormNode,
  connect,
  createAffine,
  createI,
  createIF,
  createLinear,
  createScale,
  type Edge,
  type GraphNode,
  type NdArray,
  type NetGraph,
  ndarray,
  scalar,
} from "../../graph/index.js";
import { freshId, replaceNode } from "../graph-edit.js";
import type { ConvertRole } from "./roles.js";

/** How one affine node was rescaled: W ← weight·W, b ← bias·b. */
export interface ScaledNode {
  node: string;
  weight: number;
  bias: number;
}

export interface Normalization {
  scaled: ScaledNode[];
  /** Scale nodes put on edges where the units of two sides differed and no weights were there to absorb it. */
  inserted: string[];
}

/** Equal up to float rounding (units are products and ratios of the same λs). */
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

const times = (a: NdArray, k: number): NdArray =>
  ndarray(
    a.shape,
    Float64Array.from(a.data, (x) => x * k),
  );

/**
 * An affine node whose input arrives in unit uIn and whose output must come out in unit uOut:
 * y/uOut = (uIn/uOut)·W·(x/uIn) + b/uOut. BatchNorm y = γ(x − m)/s + β takes γ·uIn/uOut, β/uOut, m/uIn.
 */
export function rescaleAffine(node: GraphNode, uIn: number, uOut: number): GraphNode {
  const w = uIn / uOut;
  const b = 1 / uOut;
  switch (node.kind) {
    case "Affine":
      return createAffine(times(node.weight, w), times(node.bias, b));
    case "Linear":
      return createLinear(times(node.weight, w));
    case "Conv1d":
    case "Conv2d":
      return node.bias
        ? { ...node, weight: times(node.weight, w), bias: times(node.bias, b) }
        : { ...node, weight: times(node.weight, w) };
    case "BatchNorm": {
      const bn: BatchNormNode = {
        ...node,
        gamma: times(node.gamma, w),
        beta: times(node.beta, b),
        mean: times(node.mean, 1 / uIn),
      };
      return bn;
    }
    default:
      throw new Error(`internal: ${node.kind} is not an affine node`);
  }
}

/**
 * Puts an integrator I (v ← v + dt·r·x, r = 1/dt, so v adds x each step) between every Output and what it
 * reads: the lowering makes it a graded `li` without leak, whose value after T steps is Σ_t x_t ≈ T × the
 * ANN's output. Returns the accumulator ids (they take role `accumulator`).
 */
export function insertAccumulators(g: NetGraph, dt: number): string[] {
  const accs: string[] = [];
  for (const [id, node] of [...g.nodes]) {
    if (node.kind !== "Output") continue;
    const acc = freshId(g, `${id}.acc`);
    replaceNode(g, id, [
      [acc, createI({ r: scalar(1 / dt) })],
      [id, node],
    ]);
    for (const e of g.edges) {
      if (e.dst !== id) continue;
      e.dst = acc;
      delete e.dstPort;
    }
    connect(g, acc, id);
    accs.push(acc);
  }
  return accs;
}

/** An IF neuron that fires at rate ≈ relu(x) for x ≤ 1 per step: v_th = 1, reset by subtraction, r = 1/dt. */
export function rateNeuron(dt: number, fire: "gt" | "ge" = "gt"): GraphNode {
  // subtracting the threshold keeps the residual charge, so the spike count tracks Σx (Rueckauer et al. 2017)
  return createIF({
    r: scalar(1 / dt),
    vThreshold: scalar(1),
    vReset: scalar(0),
    resetMode: "subtract",
    fire,
  });
}

/**
 * Propagates units in `order` (a topological order of g, which must be acyclic) and rescales g in place:
 * every affine node takes the unit its first downstream consumer needs (through homogeneous nodes: a ReLU's
 * λ, an accumulator's 1; none when it feeds another affine node, which then does the conversion); a mismatch
 * no weights can absorb (a skip edge, a Concat of differently scaled layers) gets a Scale node on the edge.
 */
export function normalizeUnits(
  g: NetGraph,
  order: readonly string[],
  roles: ReadonlyMap<string, ConvertRole>,
  lambda: ReadonlyMap<string, number>,
): Normalization {
  const unit = new Map<string, number>();
  const result: Normalization = { scaled: [], inserted: [] };
  const readers = (id: string) => g.edges.filter((e) => e.src === id);

  /** The unit the first consumer downstream of `id` (through homogeneous nodes) needs, if any. */
  const demand = (id: string): number | undefined => {
    const seen = new Set<string>();
    const walk = (from: string): number | undefined => {
      for (const e of readers(from)) {
        const r = roles.get(e.dst);
        if (r === "relu") return lambda.get(e.dst)!;
        if (r === "accumulator") return 1;
        if (r === "homogeneous" && !seen.has(e.dst)) {
          seen.add(e.dst);
          const d = walk(e.dst);
          if (d !== undefined) return d;
        }
      }
      return undefined;
    };
    return walk(id);
  };

  /** Makes every edge into `dst` deliver unit `req`, inserting Scale(u_src/req) where it does not. */
  const deliver = (dst: string, ins: Edge[], req: number) => {
    for (const e of ins) {
      const u = unit.get(e.src)!;
      if (same(u, req)) continue;
      const id = freshId(g, `${e.src}.to.${dst}.unit`);
      replaceNode(g, dst, [
        [id, createScale(scalar(u / req))],
        [dst, g.nodes.get(dst)!],
      ]);
      const into: Edge = { src: id, dst };
      if (e.dstPort !== undefined) into.dstPort = e.dstPort;
      e.dst = id;
      delete e.dstPort;
      g.edges.push(into);
      result.inserted.push(id);
    }
  };

  for (const id of order) {
    const ins = g.edges.filter((e) => e.dst === id);
    const first = ins[0] === undefined ? 1 : unit.get(ins[0].src)!;
    const role = roles.get(id)!;
    switch (role) {
      case "input":
      case "output":
        unit.set(id, 1);
        break;
      case "relu":
      case "accumulator": {
        const req = role === "relu" ? lambda.get(id)! : 1;
        deliver(id, ins, req);
        unit.set(id, req);
        break;
      }
      case "homogeneous":
        deliver(id, ins, first);
        unit.set(id, first);
        break;
      case "weighted": {
        deliver(id, ins, first);
        const out = demand(id) ?? first;
        g.nodes.set(id, rescaleAffine(g.nodes.get(id)!, first, out));
        result.scaled.push({ node: id, weight: first / out, bias: 1 / out });
        unit.set(id, out);
        break;
      }
    }
  }
  return result;
}
