// Test helper: random NetGraphs of nine nodes over earlier ones where paths of different look-ahead join (two
// edges summed into a port, Concat, Product) and constants sit everywhere (biases, BatchNorm shifts) — the
// streaming / clip-start property tests of the float runner and the lowering share it.

import {
  addNode,
  connect,
  createActivation,
  createAffine,
  createBatchNorm,
  createConcat,
  createDelay,
  createGraph,
  createInput,
  createLIF,
  createOutput,
  createProduct,
  createTemporalConv,
  type GraphNode,
  type NetGraph,
  ndarray,
  scalar,
} from "../graph/index.js";
import { rng } from "./testing.js";

/** Channels of every node. */
export const LOOKAHEAD_NET_WIDTH = 3;

export interface LookaheadNetOptions {
  /** Also draw Delay nodes (per-channel delays 0..2). */
  delays?: boolean;
  /** Give some LIFs a leak toward 0.1, so they are busy before their frame 0. */
  leakyLif?: boolean;
}

export function randomLookaheadNet(seed: number, opts: LookaheadNetOptions = {}): NetGraph {
  const W = LOOKAHEAD_NET_WIDTH;
  const r = rng(seed);
  const v = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * (2 * r() - 1));
  const g = createGraph({ dt: 1 });
  const ids: string[] = ["x"];
  addNode(g, "x", createInput([W]));
  const pick = () => ids[Math.floor(r() * ids.length)]!;
  /** Two different sources summed into one port (one when only one exists). */
  const two = (): [string][] => {
    const a = pick();
    const b = pick();
    return a === b ? [[a]] : [[a], [b]];
  };
  const add = (id: string, node: GraphNode, srcs: [string, string?][]) => {
    addNode(g, id, node);
    for (const [s, port] of srcs) connect(g, s, id, port === undefined ? {} : { dstPort: port });
    ids.push(id);
  };
  const kinds = opts.delays ? 7 : 6;
  for (let i = 0; i < 9; i++) {
    const id = `n${i}`;
    const kind = Math.floor(r() * kinds);
    if (kind <= 1) {
      const k = 1 + Math.floor(r() * 3);
      const lookahead = Math.floor(r() * k);
      const node = createTemporalConv({
        weight: ndarray([W, W, k], v(W * W * k)),
        bias: ndarray([W], v(W)),
        lookahead,
      });
      add(id, node, r() < 0.5 ? two() : [[pick()]]);
    } else if (kind === 2) {
      const bn = createBatchNorm({
        mean: ndarray([W], v(W)),
        variance: ndarray(
          [W],
          v(W).map((x) => 1 + x * x),
        ),
        gamma: ndarray([W], v(W)),
        beta: ndarray([W], v(W)),
      });
      add(id, bn, [[pick()]]);
    } else if (kind === 3) {
      const vLeak = scalar(opts.leakyLif && r() < 0.3 ? 0.1 : 0);
      add(
        id,
        createLIF({ tau: scalar(2), r: scalar(1), vLeak, vThreshold: scalar(0.4), vReset: scalar(0) }),
        [[pick()]],
      );
    } else if (kind === 4) {
      addNode(g, `${id}.cat`, createConcat(2, 0));
      connect(g, pick(), `${id}.cat`, { dstPort: "in0" });
      connect(g, pick(), `${id}.cat`, { dstPort: "in1" });
      add(id, createAffine(ndarray([W, 2 * W], v(2 * W * W)), ndarray([W], v(W))), [[`${id}.cat`]]);
    } else if (kind === 5 && opts.delays) {
      const delays = Float64Array.from({ length: W }, () => Math.floor(r() * 3));
      add(id, createDelay(ndarray([W], delays)), [[pick()]]);
    } else if (r() < 0.5) {
      add(id, createProduct(), [
        [pick(), "a"],
        [pick(), "b"],
      ]);
    } else add(id, createActivation("relu"), two());
  }
  addNode(g, "y", createOutput());
  for (const [src] of [["n8"], ...two()].filter(([s], i, all) => all.findIndex(([t]) => t === s) === i))
    connect(g, src!, "y");
  return g;
}
