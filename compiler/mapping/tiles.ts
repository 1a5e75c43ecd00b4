// Tiles of a per-token linear's destination: its neurons form a [rows, features] grid (rowwise connectivity),
// and a core that holds a block of features for a block of rows stores only those features' matrix rows once
// (shared-weights.ts). Contiguous slices of a token-major population instead hold every feature of a few
// tokens, so each core needs the whole matrix; a tile keeps out-features together across tokens.

import type { MemoryModel } from "../../hw-profiles/index.js";
import { overLimit } from "./memory-models.js";
import type { MapNode } from "./nodes.js";
import { type Run, sharesWeights } from "./shared-weights.js";
import type { Usage } from "./types.js";

/** The node's neurons as rows × features, token-major (j = r·features + o) or feature-major (o·rows + r). */
export interface FeatureGrid {
  rows: number;
  features: number;
  featureMajor: boolean;
}

/** The grid every incoming rowwise projection agrees on, when the memory model shares their matrices. */
export function featureGrid(node: MapNode, m: MemoryModel): FeatureGrid | undefined {
  if (!sharesWeights(m)) return undefined;
  let g: FeatureGrid | undefined;
  for (const p of node.incoming) {
    const c = p.connectivity;
    if (c.kind !== "rowwise") continue;
    const here = { rows: c.rows, features: c.kernel[0], featureMajor: c.dstTransposed };
    if (g && (g.rows !== here.rows || g.features !== here.features || g.featureMajor !== here.featureMajor))
      return undefined;
    g = here;
  }
  return g && g.rows * g.features === node.size ? g : undefined;
}

/** Rows r0 .. r0 + nr − 1 × features o0 .. o0 + nf − 1 as runs of consecutive neurons. */
export function tileRuns(g: FeatureGrid, r0: number, nr: number, o0: number, nf: number): Run[] {
  const runs: Run[] = [];
  const add = (start: number, count: number) => {
    const last = runs[runs.length - 1];
    if (last && last.start + last.count === start) last.count += count;
    else runs.push({ start, count });
  };
  if (g.featureMajor) for (let o = o0; o < o0 + nf; o++) add(o * g.rows + r0, nr);
  else for (let r = r0; r < r0 + nr; r++) add(r * g.features + o0, nf);
  return runs;
}

export interface TileShape {
  rows: number;
  features: number;
  tiles: number;
}

/**
 * The tile shape with the fewest tiles whose first tile fits `limits`: for each split of the features into k
 * near-equal blocks, the most rows that fit (galloping, then binary search). Stops once k alone needs at least
 * as many tiles as the best so far (`atMost`, e.g. the contiguous slicing's count, bounds it from the start).
 */
export function bestTileShape(
  g: FeatureGrid,
  use: (runs: Run[]) => Usage,
  limits: Usage,
  atMost = Number.POSITIVE_INFINITY,
): TileShape | undefined {
  const fits = (nr: number, nf: number) => overLimit(use(tileRuns(g, 0, nr, 0, nf)), limits) === undefined;
  let best: TileShape | undefined;
  let bound = atMost;
  let previous = 0;
  for (let k = 1; k <= g.features; k++) {
    const nf = Math.ceil(g.features / k);
    if (nf === previous) continue;
    previous = nf;
    const blocks = Math.ceil(g.features / nf);
    if (blocks >= bound) break;
    if (!fits(1, nf)) continue;
    let lo = 1;
    let step = 2;
    while (step <= g.rows && fits(step, nf)) {
      lo = step;
      step *= 2;
    }
    let hi = Math.min(g.rows, step - 1);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid, nf)) lo = mid;
      else hi = mid - 1;
    }
    const tiles = Math.ceil(g.rows / lo) * blocks;
    if (tiles < bound) {
      bound = tiles;
      best = { rows: lo, features: nf, tiles };
    }
  }
  return best;
}
