// lowerToNmir: the sum/avg pooling a composed projection absorbed, kept in the module's metadata as
// `pool.<projectionId>` = JSON (NMIR itself is unchanged: the projection stays the exact composite). A chip that
// pools at the output of the source layer (Speck: sinabs DynapcnnLayer = conv → IAF → sum-pool) sizes such a
// projection as the un-pooled layer: the original conv kernel, or a dense after flatten as a conv whose kernel
// covers the pooled map [c, h, w].

import type { Term, TermStep } from "./paths.js";
import { isReindex } from "./roles.js";

export const POOL_KEY_PREFIX = "pool.";

export interface AbsorbedPool {
  /** "sum" when every absorbed pool is a SumPool2d, else "avg" (its 1/(kh·kw) is in the weights). */
  kind: "sum" | "avg";
  /** Kernel and stride of the pooling (consecutive unpadded pools composed into one). */
  kernel: [number, number];
  stride: [number, number];
  /** [C, H, W] read from the source (before pooling) and after pooling. */
  inShape: number[];
  pooledShape: number[];
  /**
   * The projection without the pooling, as a conv on the pooled map: "conv" keeps the original kernel
   * [f, c/groups, kh, kw] and output; "dense" (flatten + Affine/Linear) is kernel [f, c, h, w], output [f, 1, 1].
   */
  unpooled: { as: "conv" | "dense"; kernel: number[]; outShape: number[] };
}

const isPool = (s: TermStep) => s.node.kind === "SumPool2d" || s.node.kind === "AvgPool2d";
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * What `term` absorbs when it is "reindex* pools+ conv2d" or "reindex* pools+ reindex* Affine/Linear" (then
 * trailing Scale/reindex, as `buildConnectivity` strips them), with unpadded pools on a [C, H, W] map; else
 * undefined.
 */
export function absorbedPool(term: Term): AbsorbedPool | undefined {
  const steps = term.steps;
  let lo = 0;
  let hi = steps.length;
  while (lo < hi && isReindex(steps[lo]!.node)) lo++;
  while (hi > lo && (steps[hi - 1]!.node.kind === "Scale" || isReindex(steps[hi - 1]!.node))) hi--;
  const core = steps.slice(lo, hi);
  let n = 0;
  while (n < core.length && isPool(core[n]!)) n++;
  const last = core[core.length - 1];
  if (n === 0 || !last || core.slice(n, -1).some((s) => !isReindex(s.node))) return undefined;
  let kernel: [number, number] = [1, 1];
  let stride: [number, number] = [1, 1];
  let kind: "sum" | "avg" = "sum";
  for (const s of core.slice(0, n)) {
    const p = s.node;
    if ((p.kind !== "SumPool2d" && p.kind !== "AvgPool2d") || p.pads.some((x) => x !== 0)) return undefined;
    if (p.kind === "AvgPool2d") kind = "avg";
    // pool (k1, t1) then pool (k2, t2) without padding = pool ((k2 − 1)·t1 + k1, t1·t2)
    kernel = [0, 1].map((a) => (p.kernel[a]! - 1) * stride[a]! + kernel[a]!) as [number, number];
    stride = [0, 1].map((a) => stride[a]! * p.stride[a]!) as [number, number];
  }
  const inShape = core[0]!.inShapes[0]!;
  const pooledShape = core[n - 1]!.outShape;
  if (inShape.length !== 3 || pooledShape.length !== 3) return undefined;
  const base = { kind, kernel, stride, inShape, pooledShape };
  const node = last.node;
  if (node.kind === "Conv2d" && core.length === n + 1) {
    return { ...base, unpooled: { as: "conv", kernel: [...node.weight.shape], outShape: last.outShape } };
  }
  if (node.kind === "Linear" && core.length > n) {
    const [f, nIn] = node.weight.shape as [number, number];
    if (nIn !== size(pooledShape)) return undefined;
    return { ...base, unpooled: { as: "dense", kernel: [f, ...pooledShape], outShape: [f, 1, 1] } };
  }
  return undefined;
}

/** The records of a module's metadata by projection id (malformed entries are skipped). */
export function poolRecords(metadata: Readonly<Record<string, string>>): Map<string, AbsorbedPool> {
  const m = new Map<string, AbsorbedPool>();
  for (const [k, v] of Object.entries(metadata)) {
    if (!k.startsWith(POOL_KEY_PREFIX)) continue;
    try {
      const r = JSON.parse(v) as AbsorbedPool;
      if (Array.isArray(r.kernel) && Array.isArray(r.unpooled?.kernel))
        m.set(k.slice(POOL_KEY_PREFIX.length), r);
    } catch {
      // not a record written by lowerToNmir
    }
  }
  return m;
}
