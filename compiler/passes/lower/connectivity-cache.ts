// lowerToNmir: the connectivity of a term is a function of its steps (nodes, ports, shapes) and the
// destination's gains alone, not of its source. The terms of a residual stream read through one per-token conv
// or linear differ only in their source, so each is built once: the projections then share one weight array
// (an ImageNet Spikformer's 356 M lowered weights hold about a third as many distinct ones), which every later
// pass reads once per array and the .nmir writer stores once anyway.

import type { GraphNode } from "../../graph/nodes.js";
import type { Connectivity } from "../../nmir/index.js";
import type { Limits } from "./compose.js";
import { buildConnectivity } from "./connectivity.js";
import type { Term } from "./paths.js";

type Built = { conn: Connectivity; how: string };

/** Equal values bit for bit (−0 and 0, NaN payloads told apart), so a cached result is the one a build gives. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export class ConnectivityCache {
  private readonly nodeIds = new Map<GraphNode, number>();
  private readonly built = new Map<string, { gain: Float64Array; result: Built }[]>();

  constructor(private readonly limits: Limits) {}

  private nodeId(n: GraphNode): number {
    let id = this.nodeIds.get(n);
    if (id === undefined) {
      id = this.nodeIds.size;
      this.nodeIds.set(n, id);
    }
    return id;
  }

  /** What `buildConnectivity(term, gain, limits)` gives; a repeated term shares the first one's arrays. */
  build(term: Term, gain: Float64Array): Built {
    const steps = term.steps.map(
      (s) => `${this.nodeId(s.node)}:${s.port}:${JSON.stringify(s.inShapes)}:${s.outShape.join(",")}`,
    );
    const key = `${steps.join("|")}#${term.inShape.join(",")}#${term.outShape.join(",")}`;
    const seen = this.built.get(key) ?? [];
    const hit = seen.find((e) => sameBits(e.gain, gain));
    // a shallow copy: projections own their connectivity record, only its arrays are shared
    if (hit) return { conn: { ...hit.result.conn }, how: hit.result.how };
    const result = buildConnectivity(term, gain, this.limits);
    seen.push({ gain: Float64Array.from(gain), result });
    this.built.set(key, seen);
    return { conn: { ...result.conn }, how: result.how };
  }
}
