// Tiles of a destination whose neurons form a [rows, features] grid: a per-token linear's (rowwise) tokens ×
// out-features, or a convolution's output positions × channels (channel-major). A core that holds a block of
// features for a block of rows stores only those features' matrix rows or filters once (shared-weights.ts),
// and reads only those rows' sources: contiguous slices of a token-major linear hold every feature of a few
// tokens (each core needs the whole matrix), and contiguous slices of a channel-major map hold one channel at
// every position (each core of a 1×1 convolution reads every core of its source). A tile keeps both local.

import type { MemoryModel } from "../../hw-profiles/index.js";
import type { Connectivity, Projection } from "../nmir/index.js";
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

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The grid a projection writes its destination in (undefined: no grid, e.g. dense or one-to-one). */
function destinationGrid(c: Connectivity): FeatureGrid | undefined {
  if (c.kind === "rowwise") return { rows: c.rows, features: c.kernel[0], featureMajor: c.dstTransposed };
  if (c.kind === "conv1d" || c.kind === "conv2d")
    return { rows: product(c.outShape.slice(1)), features: c.outShape[0], featureMajor: true };
  return undefined;
}

/** The grid a projection reads its source in. */
function sourceGrid(c: Connectivity): FeatureGrid | undefined {
  if (c.kind === "rowwise") return { rows: c.rows, features: c.kernel[1], featureMajor: c.srcTransposed };
  if (c.kind === "conv1d" || c.kind === "conv2d")
    return { rows: product(c.inShape.slice(1)), features: c.inShape[0], featureMajor: true };
  return undefined;
}

/** The one grid all of `grids` agree on (undefined when there is none or they differ). */
function agreed(grids: readonly (FeatureGrid | undefined)[]): FeatureGrid | undefined | "conflict" {
  let g: FeatureGrid | undefined;
  for (const here of grids) {
    if (!here) continue;
    if (g && (g.rows !== here.rows || g.features !== here.features || g.featureMajor !== here.featureMajor))
      return "conflict";
    g = here;
  }
  return g;
}

/**
 * The node's grid, when the memory model shares matrices: the one every incoming rowwise projection or
 * convolution writes; for a node fed by neither (a sum relay fed one-to-one, a head concatenation fed by
 * sparse picks), the one its `outgoing` rowwise projections or convolutions read it in, so it is cut the way
 * its readers want it.
 */
export function featureGrid(
  node: MapNode,
  m: MemoryModel,
  outgoing: readonly Projection[] = [],
): FeatureGrid | undefined {
  if (!sharesWeights(m)) return undefined;
  let g = agreed(node.incoming.map((p) => destinationGrid(p.connectivity)));
  if (g === undefined) g = agreed(outgoing.map((p) => sourceGrid(p.connectivity)));
  return g !== undefined && g !== "conflict" && g.rows * g.features === node.size ? g : undefined;
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
 * `widest`: the shape with the fewest feature blocks among those under `atMost` instead (a row on the fewest
 * cores, for readers of a few rows), the first k found.
 */
export function bestTileShape(
  g: FeatureGrid,
  use: (runs: Run[]) => Usage,
  limits: Usage,
  atMost = Number.POSITIVE_INFINITY,
  widest = false,
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
    // a tile holds at most ⌊neurons / nf⌋ rows: skip a split that cannot beat the best without searching it
    const rowsAtMost = Math.floor((limits.neurons ?? Number.POSITIVE_INFINITY) / nf);
    if (rowsAtMost < 1 || blocks * Math.ceil(g.rows / rowsAtMost) >= bound) continue;
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
      if (widest) return best;
    }
  }
  return best;
}

/**
 * Extra cores tiles may cost over the contiguous slices (a fraction of their count), taken only when a reader
 * reads the node by rows and the tiles cut the cores one row is spread over by at least `TILE_FAN_IN_CUT`:
 * every reader core of a few rows then reads that many times fewer source cores (a 1×1 convolution over a
 * channel-major map otherwise reads every source core; spikformer-8-384 at 224×224: 294 contiguous fc2 slices
 * against 312 tiles, 294 → 14 source cores per fc1 core).
 */
export const TILE_EXTRA_CORES = 0.1;
export const TILE_FAN_IN_CUT = 4;
/**
 * …and only when a row of the contiguous slices spans at least this many cores: below it the cut in core pairs
 * is not worth the cores (widest tiles fill a core's memory, so nothing else packs beside them).
 * spikformer-4-384 (64 tokens, rows on ≤ 96 slices) on spinnaker2 took 9,032 → 10,499 cores without it, and
 * on loihi2 2,094 → 3,053.
 */
export const TILE_SPREAD_MIN = 128;

/** Whether some projection of `outgoing` reads the node in grid `g` (each of its cores a few rows). */
export function readByRows(g: FeatureGrid, outgoing: readonly Projection[]): boolean {
  return outgoing.some((p) => {
    const s = sourceGrid(p.connectivity);
    return (
      s !== undefined && s.rows === g.rows && s.features === g.features && s.featureMajor === g.featureMajor
    );
  });
}

/**
 * The projections of `incoming` that write the node in grid `g` (per-token linears, convolutions): each
 * destination row reads only its own source rows (or a window of them), so a core holding a few rows reads only
 * the source cores that hold those rows, while a contiguous slice of a feature-major grid holds a channel at
 * every row and reads every source core (spikformer-8-768 at 224×224: 640 × 588 core pairs per q, k, v term).
 */
export function rowWriters(g: FeatureGrid, incoming: readonly Projection[]): Projection[] {
  return incoming.filter((p) => {
    const d = destinationGrid(p.connectivity);
    return (
      d !== undefined && d.rows === g.rows && d.features === g.features && d.featureMajor === g.featureMajor
    );
  });
}

/**
 * A node read by no projection by rows takes tiles that cost more cores than its contiguous slices only when
 * those slices would read at least this many (source core, destination core) pairs through its row writers
 * (slices × the cores of each source): then the pairs, not the cores, are what stops the mapping. Measured
 * (spinnaker2-sandia, 224×224): spikformer-8-768's q, k, v read 588 × (588 + 640) ≈ 722 K pairs from block 0
 * on (tiled: 640 tiles, 2 blocks 10.5 M → 3.3 M pairs); spikformer-8-384's last fc2 294 × 1,176 ≈ 346 K, kept
 * contiguous (tiled it took 26 more cores and one more chip for 0.34 M fewer pairs, under the budget anyway).
 */
export const TILE_PAIRS_MIN = 2 ** 19;

/** How many of the contiguous slices (`starts` ascending, the first 0) hold some feature of row `r`. */
export function rowFanIn(g: FeatureGrid, starts: readonly number[], r: number): number {
  const sliceOf = (neuron: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (starts[mid]! <= neuron) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  if (!g.featureMajor) return sliceOf(r * g.features + g.features - 1) - sliceOf(r * g.features) + 1;
  let count = 0;
  let last = -1;
  for (let o = 0; o < g.features; o++) {
    const s = sliceOf(o * g.rows + r);
    if (s !== last) count++;
    last = s;
  }
  return count;
}
