// Splits every node into slices that each fit one core: the capability checks first (weight width, state
// width, graded payloads too wide for bit planes, product neurons, dynamic matmuls, delays), then the largest
// contiguous slices whose usage stays within the tightest core's limits (bit-plane encoded sources counted
// with their b axons and b synapse copies, encoding.ts). Speck cannot split a layer: a layer is one slice and must
// fit the largest of its unequal cores.

import { noProgress, type Progress } from "../../common/progress.js";
import { type ChipProfile, listProfiles } from "../../hw-profiles/index.js";
import type { NmirModule, Projection } from "../nmir/index.js";
import { bitPlanes, MAX_BITPLANES } from "./encoding.js";
import type { Misfit } from "./fit-types.js";
import { limitsOf, type NodeFacts, nodeFacts, overLimit, runsUsage, sliceUsage } from "./memory-models.js";
import { type MapNode, mapNodes, sourceSizes } from "./nodes.js";
import type { Run } from "./shared-weights.js";
import { realisableOn, runsAsTerms, termParts, termSliceUsage } from "./term-nodes.js";
import {
  bestTileShape,
  type FeatureGrid,
  featureGrid,
  readByRows,
  rowFanIn,
  rowWriters,
  TILE_EXTRA_CORES,
  TILE_FAN_IN_CUT,
  TILE_PAIRS_MIN,
  TILE_SPREAD_MIN,
  tileRuns,
} from "./tiles.js";
import type { Slice, Usage } from "./types.js";

export interface UsedSlice extends Slice {
  usage: Usage;
  /**
   * Goes on the same core as the slice before it: a tile of a per-token linear's destination (tiles.ts) is one
   * run per row or feature, and the tile's usage is on its first run (the others carry none).
   */
  withPrevious?: true;
}

export interface PartitionResult {
  nodes: MapNode[];
  slices: UsedSlice[];
  misfits: Misfit[];
}

export function capabilityMisfits(node: MapNode, profile: ChipProfile): Misfit[] {
  const c = profile.core;
  const out: Misfit[] = [];
  const add = (limit: string, needed: number, available: number, suggestion: string) =>
    out.push({ population: node.id, limit, needed, available, suggestion });
  for (const p of node.incoming) {
    if (p.weightBits > c.weightBits)
      add(
        "weightBits",
        p.weightBits,
        c.weightBits,
        `recompile with --weight-bits ${c.weightBits} (projection ${p.id})`,
      );
    const maxDelay = c.capabilities.maxDelay;
    if (maxDelay !== undefined && p.delay > maxDelay)
      add("delay", p.delay, maxDelay, `shorten the delay of projection ${p.id} to ≤ ${maxDelay} steps`);
  }
  if (c.stateBits !== undefined && node.widestState > c.stateBits)
    add("stateBits", node.widestState, c.stateBits, `recompile with --state-bits ${c.stateBits}`);
  // Graded events on a binary-spike chip travel as bit planes; only payloads wider than the planes a weight
  // exponent can span are refused.
  const planes = bitPlanes(node, profile);
  if (planes > MAX_BITPLANES)
    add(
      "payloadBits",
      planes,
      MAX_BITPLANES,
      `${profile.name} sends only binary spikes, so graded ${planes}-bit events travel as ${planes} bit planes; at most ${MAX_BITPLANES} fit the weight exponent range: recompile with --payload-bits ${MAX_BITPLANES} or fewer, or use a profile with graded spikes (e.g. loihi2)`,
    );
  if (node.product && !c.capabilities.productNeurons)
    add("productNeurons", 1, 0, "use a profile with product neurons (e.g. loihi2, generic-45nm)");
  if (node.table !== undefined && !c.capabilities.functionNeurons)
    add(
      "functionNeurons",
      1,
      0,
      `${node.table} is a table function neuron: use a profile with function neurons (e.g. loihi2, spinnaker2, generic-45nm)`,
    );
  const terms = node.termsOf?.realisation;
  if (terms && !c.capabilities.dynamicMatmul && !realisableOn(profile, terms.form)) {
    const { m, k, n } = node.termsOf!;
    add(
      terms.form === "coincidence" ? "compartmentJoins" : "productNeurons",
      m * k * n,
      0,
      `its ${(m * k * n).toLocaleString("en-US")} ${terms.form} term neurons (counted, not instantiated) need ${terms.form === "coincidence" ? "compartment joins or product neurons" : "product neurons"}, which ${profile.name} lacks: ${matmulSuggestion(node, profile)}`,
    );
  } else if (node.kind === "matmul" && !terms && !c.capabilities.dynamicMatmul)
    add("dynamicMatmul", 1, 0, matmulSuggestion(node, profile));
  return out;
}

/** Whether compiling for `p` lowers a matmul (lowerAttention: AND neurons for spike × spike, else products). */
function lowersMatmul(p: ChipProfile, binary: boolean): boolean {
  const cap = p.core.capabilities;
  return !cap.dynamicMatmul && (cap.productNeurons || (binary && cap.compartmentJoins === true));
}

/**
 * What to do about a matmul left in the module on a profile without dynamic matmul: compile for a chip that
 * lowers it (this one, when it can — unless the lowering already left it, which compile's warning explains),
 * or use one that runs it natively. Names come from the built-in single-chip profiles.
 */
function matmulSuggestion(node: MapNode, profile: ChipProfile): string {
  const binary = node.binaryOperands === true;
  const form = binary ? "coincidence (AND)" : "product";
  const chips = listProfiles().filter((p) => !p.system);
  const native = chips.filter((p) => p.core.capabilities.dynamicMatmul).map((p) => p.name);
  const runNative = native.length ? `use a profile that runs it natively (${native.join(", ")})` : "";
  if (lowersMatmul(profile, binary))
    return `${profile.name} lowers this matmul to ${form} neurons when the module is compiled for it: recompile with --profile ${profile.name}; if it was compiled for ${profile.name}, lowerAttention left it (compile's warning says why, e.g. the terms' sum can exceed the int32 accumulator input)${runNative ? `, so ${runNative}` : ""}`;
  const lowering = chips.filter((p) => p.name !== profile.name && lowersMatmul(p, binary)).map((p) => p.name);
  const why = binary
    ? "neither compartment joins nor product neurons"
    : "no product neurons (an operand is graded)";
  const options = [
    ...(runNative ? [runNative] : []),
    ...(lowering.length
      ? [`compile for one that lowers it to ${form} neurons (${lowering.join(", ")})`]
      : []),
  ];
  return `${profile.name} has no dynamic matmul and ${why} to lower it to${options.length ? `: ${options.join(", or ")}` : ""}`;
}

/** Elementwise minimum of the limits of every core (the limits a slice must meet to go anywhere). */
export function tightestLimits(profile: ChipProfile, cores: number, neuronsPerCore?: number): Usage {
  let r: Usage = limitsOf(profile, 0, neuronsPerCore);
  for (let i = 1; i < cores; i++) {
    const l = limitsOf(profile, i, neuronsPerCore);
    const m: Usage = {};
    for (const k of new Set([...Object.keys(r), ...Object.keys(l)])) {
      const a = r[k];
      const b = l[k];
      m[k] = a === undefined ? (b as number) : b === undefined ? a : Math.min(a, b);
    }
    r = m;
  }
  return r;
}

/** " (graded x as 8 bit planes)" for the node's bit-plane encoded sources, so the misfit says why. */
function planesNote(node: MapNode, facts: NodeFacts): string {
  const enc = node.incoming.flatMap((p, k) => {
    const b = facts.srcPlanes?.[k] ?? 0;
    return b > 0 ? [`${p.src} as ${b} bit planes`] : [];
  });
  return enc.length > 0 ? ` (graded ${[...new Set(enc)].join(", ")})` : "";
}

function suggestionFor(
  key: string,
  needed: number,
  available: number,
  node: MapNode,
  facts: NodeFacts,
): string {
  switch (key) {
    case "synapseBits":
      return `one neuron's synapses need ${needed} bits${planesNote(node, facts)} of ${available}: use fewer weight bits (about ${Math.max(1, Math.floor((node.incoming[0]?.weightBits ?? 8) * (available / needed)))}) or a sparser layer`;
    case "inputAxons":
      return planesNote(node, facts)
        ? `one neuron reads ${needed} input axons${planesNote(node, facts)} but a core has ${available}: recompile with fewer --payload-bits, reduce the fan-in, or use a profile with graded spikes (e.g. loihi2)`
        : `one neuron reads ${needed} source neurons but a core has ${available} input axons: reduce the fan-in (e.g. split the layer's inputs) or use a profile with more input axons`;
    case "outputRoutes":
      return `one neuron feeds ${needed} output routes${facts.planes ? ` (its graded events as ${facts.planes} bit planes)` : ""} but a core has ${available}: reduce the fan-out`;
    case "axonTypes":
      return `a neuron uses ${needed} distinct weight values but a core has ${available} axon types: quantize to ≤ ${available} weight levels per neuron`;
    case "fanOut":
      return `a neuron feeds ${needed} synapses, the chip allows ${available}: reduce the fan-out`;
    default:
      return `needs ${needed} ${key}, a core has ${available}: use smaller layers or another profile`;
  }
}

export interface PartitionOptions {
  neuronsPerCore?: number;
  cores: number;
  /** Told each node partitioned (stage "partition"). */
  progress?: Progress;
  /** Core pairs a node's contiguous slices must read through its row writers to take costlier tiles. */
  tilePairsMin?: number;
}

/** The slices of every node, or the misfits that prevent it. */
export function partition(ir: NmirModule, profile: ChipProfile, opts: PartitionOptions): PartitionResult {
  const nodes = mapNodes(ir);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const inputIds = new Set(ir.inputs.map((i) => i.id));
  const sizes = sourceSizes(ir);
  const tight = tightestLimits(profile, opts.cores, opts.neuronsPerCore);
  const readersOf = new Map<string, Projection[]>();
  for (const q of ir.projections) {
    const list = readersOf.get(q.src);
    if (list) list.push(q);
    else readersOf.set(q.src, [q]);
  }
  const isSpeck = profile.core.memoryModel.kind === "speck";
  const slices: UsedSlice[] = [];
  // slices (≈ cores) of each node partitioned so far: how many source cores a row writer's slice reads
  const slicesOf = new Map<string, number>();
  const pairsMin = opts.tilePairsMin ?? TILE_PAIRS_MIN;
  const misfits: Misfit[] = [];
  const progress = opts.progress ?? noProgress;
  progress.stage("partition", nodes.length);
  for (const [i, node] of nodes.entries()) {
    progress.tick(i);
    const caps = capabilityMisfits(node, profile);
    misfits.push(...caps);
    if (caps.length > 0 || node.size === 0) continue;
    const facts: NodeFacts = nodeFacts(node, profile, byId);
    // a matmul realised by term neurons on a chip with their neurons: each output with its k terms
    const termUse =
      node.termsOf && runsAsTerms(profile, node.termsOf)
        ? termSliceUsage(termParts(node.termsOf, node), node.termsOf.k, profile, byId, inputIds, sizes)
        : undefined;
    const use = (start: number, count: number) =>
      termUse ? termUse(start, count) : sliceUsage(node, facts, start, count, profile, inputIds, sizes);
    if (isSpeck) {
      const u = use(0, node.size);
      const fitsSomewhere = Array.from({ length: opts.cores }, (_, i) =>
        limitsOf(profile, i, opts.neuronsPerCore),
      ).some((l) => overLimit(u, l) === undefined);
      if (fitsSomewhere) slices.push({ population: node.id, start: 0, count: node.size, usage: u });
      else misfits.push(...speckMisfits(node, u, profile, opts));
      continue;
    }
    const contiguous: UsedSlice[] = [];
    const misfitsBefore = misfits.length;
    let start = 0;
    while (start < node.size) {
      const one = use(start, 1);
      const bad = overLimit(one, tight);
      if (bad !== undefined) {
        const needed = one[bad] ?? 0;
        const available = tight[bad] ?? 0;
        misfits.push({
          population: node.id,
          limit: bad,
          needed,
          available,
          suggestion:
            (node.termsOf
              ? `one output with its ${node.termsOf.k} ${node.termsOf.realisation!.form} term neurons (counted, not instantiated): `
              : "") + suggestionFor(bad, needed, available, node, facts),
        });
        break;
      }
      // Galloping then binary search: the cost stays proportional to the slice found, not to the cap.
      const cap = Math.min(node.size - start, tight.neurons ?? node.size);
      let lo = 1;
      let step = 2;
      while (step <= cap && overLimit(use(start, step), tight) === undefined) {
        lo = step;
        step *= 2;
      }
      let hi = Math.min(cap, step - 1);
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (overLimit(use(start, mid), tight) === undefined) lo = mid;
        else hi = mid - 1;
      }
      contiguous.push({ population: node.id, start, count: lo, usage: use(start, lo) });
      start += lo;
    }
    const grid =
      misfits.length === misfitsBefore && !termUse
        ? featureGrid(node, profile.core.memoryModel, readersOf.get(node.id))
        : undefined;
    const useRuns = (runs: Run[]) => runsUsage(node, facts, runs, profile, inputIds, sizes);
    // one push per slice: a tiled node can have hundreds of thousands of runs (too many for a spread's arguments)
    const readers = readersOf.get(node.id) ?? [];
    const before = slices.length;
    for (const s of (grid && tiled(node, grid, useRuns, tight, contiguous, readers, slicesOf, pairsMin)) ||
      contiguous)
      slices.push(s);
    let own = 0;
    for (let k = before; k < slices.length; k++) if (!slices[k]!.withPrevious) own++;
    slicesOf.set(node.id, own);
  }
  progress.tick(nodes.length);
  return { nodes, slices, misfits };
}

/**
 * A grid destination (tiles.ts) as tiles of features × rows, when no more tiles than `contiguous` slices fit
 * (and every tile does): each tile is its runs, the first carrying the tile's usage. A tie goes to the tiles:
 * as many cores, but a reader of every feature of a few rows (a 1×1 convolution, a per-token linear) then
 * reads a few cores instead of all of them. When such a reader exists, the widest tiles (fewest feature
 * blocks) within `TILE_EXTRA_CORES` more cores than slices are taken if a row spans at least
 * `TILE_SPREAD_MIN` contiguous slices and they spread it over `TILE_FAN_IN_CUT` times fewer cores. A node read
 * by no one by rows gets the same when its contiguous slices would read at least `pairsMin` core pairs through
 * its row writers (`TILE_PAIRS_MIN`), tiles that tie first.
 */
function tiled(
  node: MapNode,
  grid: FeatureGrid,
  use: (runs: Run[]) => Usage,
  tight: Usage,
  contiguous: readonly UsedSlice[],
  readers: readonly Projection[],
  slicesOf: ReadonlyMap<string, number>,
  pairsMin: number,
): UsedSlice[] | undefined {
  const id = node.id;
  const readRows = readByRows(grid, readers);
  const sourceSlices = rowWriters(grid, node.incoming).reduce((n, p) => n + (slicesOf.get(p.src) ?? 0), 0);
  const pairsBound = !readRows && contiguous.length * sourceSlices >= pairsMin;
  const spread =
    contiguous.length >= TILE_SPREAD_MIN && (readRows || pairsBound)
      ? rowFanIn(
          grid,
          contiguous.map((s) => s.start),
          Math.floor(grid.rows / 2),
        )
      : 0;
  const slack = spread >= TILE_SPREAD_MIN ? Math.floor(contiguous.length * TILE_EXTRA_CORES) : 0;
  // only its own inputs are read by rows: tiles that tie with the slices cost no core, so they go first
  let shape = slack > 0 && !readRows ? bestTileShape(grid, use, tight, contiguous.length + 1) : undefined;
  shape ??= bestTileShape(grid, use, tight, contiguous.length + 1 + slack, slack > 0);
  if (
    shape &&
    shape.tiles > contiguous.length &&
    spread < TILE_FAN_IN_CUT * Math.ceil(grid.features / shape.features)
  )
    shape = bestTileShape(grid, use, tight, contiguous.length + 1);
  if (!shape) return undefined;
  const out: UsedSlice[] = [];
  for (let o0 = 0; o0 < grid.features; o0 += shape.features)
    for (let r0 = 0; r0 < grid.rows; r0 += shape.rows) {
      const runs = tileRuns(
        grid,
        r0,
        Math.min(shape.rows, grid.rows - r0),
        o0,
        Math.min(shape.features, grid.features - o0),
      );
      const usage = use(runs);
      if (overLimit(usage, tight) !== undefined) return undefined;
      for (const [k, r] of runs.entries())
        out.push(
          k === 0 ? { population: id, ...r, usage } : { population: id, ...r, usage: {}, withPrevious: true },
        );
    }
  return out;
}

function speckMisfits(node: MapNode, u: Usage, profile: ChipProfile, opts: PartitionOptions): Misfit[] {
  const all = Array.from({ length: opts.cores }, (_, i) => limitsOf(profile, i, opts.neuronsPerCore));
  const out: Misfit[] = [];
  for (const [k, v] of Object.entries(u)) {
    const best = all.reduce((a, l) => Math.max(a, l[k] ?? Number.POSITIVE_INFINITY), 0);
    if (v > best)
      out.push({
        population: node.id,
        limit: k,
        needed: v,
        available: best,
        suggestion: `Speck cannot split a layer across cores: the largest core has ${best} ${k}, the layer needs ${v}; reduce its channels or output size (sinabs formulas round each factor up to a power of two)`,
      });
  }
  if (out.length === 0)
    out.push({
      population: node.id,
      limit: "kernelEntries+neuronEntries",
      needed: (u.kernelEntries ?? 0) + (u.neuronEntries ?? 0),
      available: 0,
      suggestion: "no single Speck core has both enough kernel and neuron memory for this layer; shrink it",
    });
  return out;
}
