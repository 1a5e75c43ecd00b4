// Which projections repeat an earlier projection's weights (the same array, or the same values: a residual
// stream's terms read through one per-token linear), so a .nmir file stores each set of weights once
// (Projection.weights_from) and reading it back gives one shared array, as the compiler held it.

import type { Weights } from "./connectivity.js";
import type { Projection } from "./types.js";

/** FNV-1a over the values' bits: a cheap key, confirmed by a full comparison. */
function hashOf(w: Weights): number {
  const bits = new Int32Array(w.buffer, w.byteOffset, w.length);
  let h = 0x811c9dc5 ^ w.length;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  return h >>> 0;
}

function sameValues(a: Weights, b: Weights): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Per projection, 0 when it holds its own weights, or k ≥ 1 when its weights equal projections[k − 1]'s (the
 * first projection with those values, same array type and length). Arrays under `minLength` values are not
 * shared: the reference would save nothing worth the lookup.
 */
export function weightSources(projections: readonly Projection[], minLength = 64): Uint32Array {
  const from = new Uint32Array(projections.length);
  const byArray = new Map<Weights, number>();
  const byHash = new Map<string, number[]>();
  projections.forEach((p, i) => {
    const w = p.connectivity.weights;
    if (w.length < minLength) return;
    const same = byArray.get(w);
    if (same !== undefined) {
      from[i] = same + 1;
      return;
    }
    const key = `${w.constructor.name}:${w.length}:${hashOf(w)}`;
    const candidates = byHash.get(key) ?? [];
    const twin = candidates.find((j) => sameValues(projections[j]!.connectivity.weights, w));
    if (twin !== undefined) {
      from[i] = twin + 1;
      return;
    }
    byArray.set(w, i);
    byHash.set(key, [...candidates, i]);
  });
  return from;
}
