// What one slice of a node uses on a core under the profile's memory model, and what a core offers.
// dense: sources × neurons × weight bits. csr: nnz × (weight + index bits) + row pointers, rounded up to
// the profile's word; with `sharedWeights` a conv kernel or rowwise matrix is stored once per core for the
// channels it hosts (shared-weights.ts). conv-shared: such a kernel whole, once per core, others dense. loihi:
// Loihi's synapse encodings and population axons (loihi-synapses.ts).
// speck: sinabs' formulas, whole layers only (see speckUsage). truenorth-crossbar: a 256 × 256 binary
// crossbar with ≤ axonTypes distinct weights per neuron. xylo: hidden/output neurons, input channels, fan-out.

import type { ChipProfile } from "../../hw-profiles/index.js";
import { coreLimits } from "../../hw-profiles/index.js";
import { bitsFor, connOutSize, type Projection } from "../nmir/index.js";
import type { AbsorbedPool } from "../passes/lower/pool-record.js";
import { bitPlanes } from "./encoding.js";
import { loihiGroup } from "./loihi-synapses.js";
import { log2ceil } from "./math.js";
import type { MapNode } from "./nodes.js";
import {
  isSharedConn,
  type Run,
  sameMatrix,
  sharedMatrixBits,
  sharedMatrixExtraBits,
  sharesWeights,
} from "./shared-weights.js";
import { maxDistinctWeights, maxFanOut, type SliceSynapses, sliceSynapses } from "./synapses.js";
import type { Usage } from "./types.js";

/** Usage keys combined by maximum rather than by sum when slices share a core. */
export const MAX_KEYS: ReadonlySet<string> = new Set(["axonTypes", "fanOut"]);

export function addUsage(a: Usage, b: Usage): Usage {
  const r: Usage = { ...a };
  for (const [k, v] of Object.entries(b)) r[k] = MAX_KEYS.has(k) ? Math.max(r[k] ?? 0, v) : (r[k] ?? 0) + v;
  return r;
}

/**
 * The limits of core `index` (on a multi-chip system the global number chip·coresPerChip + core): the profile's,
 * with per-core overrides and Speck's table, capped by options. Override and table indices count cores on one
 * chip and every chip of a system is the same chip, so they apply to that core of every chip.
 */
export function limitsOf(profile: ChipProfile, globalIndex: number, neuronsPerCore?: number): Usage {
  const index = globalIndex % profile.grid.coresPerChip;
  const l = coreLimits(profile, index);
  const m = profile.core.memoryModel;
  const r: Usage = { neurons: Math.min(l.neurons, neuronsPerCore ?? Number.POSITIVE_INFINITY) };
  if (l.inputAxons !== undefined) r.inputAxons = l.inputAxons;
  if (l.outputRoutes !== undefined) r.outputRoutes = l.outputRoutes;
  if (l.synapseMemoryBits !== undefined && m.kind !== "speck") r.synapseBits = l.synapseMemoryBits;
  if (m.kind === "speck") {
    const t = m.cores[index];
    if (t) Object.assign(r, t);
    r.outputRoutes = Math.min(r.outputRoutes ?? m.maxDestinations, m.maxDestinations);
  } else if (m.kind === "truenorth-crossbar") {
    r.neurons = Math.min(r.neurons ?? m.neurons, m.neurons);
    r.inputAxons = Math.min(r.inputAxons ?? m.axons, m.axons);
    r.axonTypes = m.axonTypes;
  } else if (m.kind === "xylo") {
    r.hiddenNeurons = m.hiddenNeurons;
    r.outputNeurons = m.outputNeurons;
    r.inputAxons = Math.min(r.inputAxons ?? m.inputChannels, m.inputChannels);
    r.fanOut = m.maxFanOut;
  }
  return r;
}

/** Speck pools with stride = kernel (non-overlapping windows); other pooling stays composed. */
const speckPools = (r: AbsorbedPool) => r.kernel[0] === r.stride[0] && r.kernel[1] === r.stride[1];

/**
 * Speck's entries for a whole layer (sinabs `get_kernel_memory` / `get_neuron_memory`). A projection that
 * absorbed a sum/avg pooling (`node.pools`, stride = kernel as Speck pools) counts as its un-pooled layer: the
 * pooling belongs to the source layer (sinabs DynapcnnLayer = conv → IAF → pool) and costs no kernel memory;
 * the source's neuron memory already is its conv output before pooling.
 */
export function speckUsage(node: MapNode, srcPlanes: readonly number[] = []): Usage {
  let kernel = 0;
  let channels = 1;
  let h = 1;
  let w = 1;
  for (const [k, p] of node.incoming.entries()) {
    const c = p.connectivity;
    // a bit-plane encoded source is b input channels (one per plane)
    const planes = Math.max(1, srcPlanes[k] ?? 0);
    const pool = node.pools?.get(p.id);
    if (pool && speckPools(pool)) {
      // the conv on the pooled map: original kernel, or a dense after flatten with kernel h × w over c channels
      const [f, cin, kh, kw] = pool.unpooled.kernel as [number, number, number, number];
      kernel += planes * cin * 2 ** (log2ceil(kh * kw) + log2ceil(f));
      [channels, h, w] = pool.unpooled.outShape as [number, number, number];
    } else if (c.kind === "conv2d") {
      const [f, cin, kh, kw] = c.kernel;
      // K = c · 2^(⌈log2(kx·ky)⌉ + ⌈log2 f⌉)
      kernel += planes * cin * 2 ** (log2ceil(kh * kw) + log2ceil(f));
      [channels, h, w] = c.outShape;
    } else if (c.kind === "conv1d") {
      const [f, cin, k] = c.kernel;
      kernel += planes * cin * 2 ** (log2ceil(k) + log2ceil(f));
      [channels, w] = c.outShape;
    } else {
      // A dense layer runs as a 1 × 1 convolution over inSize channels with f = outSize.
      const f = connOutSize(c);
      kernel += planes * sliceSynapses(c, 0, f).sources * 2 ** log2ceil(f);
      channels = f;
    }
  }
  if (node.incoming.length === 0) channels = node.size;
  // N = f · 2^(⌈log2 H_out⌉ + ⌈log2 W_out⌉)
  const neuronEntries = channels * 2 ** (log2ceil(h) + log2ceil(w));
  return { neurons: node.size, kernelEntries: kernel, neuronEntries, biasEntries: channels };
}

/**
 * Bits of one projection on one run of destinations, each synapse its own entry (no sharing). `planes` ≥ 1: a
 * bit-plane encoded source stores every synapse once per plane (its own synapse list).
 */
function projectionBits(
  p: Projection,
  profile: ChipProfile,
  one: SliceSynapses,
  count: number,
  planes: number,
): number {
  const m = profile.core.memoryModel;
  const synapses = one.synapses * planes;
  const sources = one.sources * planes;
  const wb = p.weightBits;
  switch (m.kind) {
    case "csr": {
      const idx = m.indexBits ?? Math.max(1, bitsFor(count - 1));
      const bits = synapses * (wb + idx) + (sources + 1) * Math.max(1, bitsFor(synapses));
      const word = m.wordBits ?? 1;
      return Math.ceil(bits / word) * word;
    }
    case "truenorth-crossbar":
      return sources * count;
    default:
      return sources * count * wb;
  }
}

/** Per-node facts computed once (they do not depend on the slice). */
export interface NodeFacts {
  axonTypes?: number;
  fanOut?: number;
  speck?: Usage;
  /** Bit planes of each incoming projection's source (0: sent as it is), aligned with `node.incoming`. */
  srcPlanes?: number[];
  /** Bit planes of the node's own events (0: sent as they are). */
  planes?: number;
  /**
   * Per incoming projection, the first earlier one with the very same matrix (sameMatrix), when the memory
   * model shares matrices: a core stores that matrix once for both.
   */
  matrixOf?: number[];
}

export function nodeFacts(node: MapNode, profile: ChipProfile, nodes: Map<string, MapNode>): NodeFacts {
  const m = profile.core.memoryModel;
  const srcPlanes = node.incoming.map((p) => {
    const src = nodes.get(p.src);
    return src ? bitPlanes(src, profile) : 0;
  });
  const planes = bitPlanes(node, profile);
  const enc: NodeFacts = { srcPlanes, planes };
  if (sharesWeights(m)) {
    const matrixOf = node.incoming.map((p, k) => {
      for (let j = 0; j < k; j++) {
        const q = node.incoming[j]!;
        if (srcPlanes[j] === srcPlanes[k] && sameMatrix(q, p)) return j;
      }
      return k;
    });
    if (matrixOf.some((j, k) => j !== k)) enc.matrixOf = matrixOf;
  }
  if (m.kind === "speck") return { speck: speckUsage(node, srcPlanes), ...enc };
  if (m.kind === "truenorth-crossbar") {
    const types = node.incoming.map((p, k) => maxDistinctWeights(p.connectivity, srcPlanes[k]));
    return { axonTypes: Math.max(0, ...types), ...enc };
  }
  if (m.kind === "xylo") {
    let fanOut = 0;
    for (const r of new Set(node.readers)) {
      for (const p of nodes.get(r)?.incoming ?? [])
        if (p.src === node.id) fanOut = Math.max(fanOut, maxFanOut(p.connectivity));
    }
    // every plane of an encoded neuron drives its own copy of the synapses
    return { fanOut: fanOut * Math.max(1, planes), ...enc };
  }
  return enc;
}

/** What neurons `start .. start + count − 1` of `node` use. `inputIds` are the module's input ports. */
export function sliceUsage(
  node: MapNode,
  facts: NodeFacts,
  start: number,
  count: number,
  profile: ChipProfile,
  inputIds: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number>,
): Usage {
  return runsUsage(node, facts, [{ start, count }], profile, inputIds, sizes);
}

/**
 * What `runs` of `node` on one core use together: per run as one slice, except that a shared matrix (conv
 * kernel, rowwise matrix) under a sharing memory model is charged once for the channels any run needs; csr
 * takes the cheaper of that and one entry per synapse.
 */
export function runsUsage(
  node: MapNode,
  facts: NodeFacts,
  runs: readonly Run[],
  profile: ChipProfile,
  inputIds: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number>,
): Usage {
  const m = profile.core.memoryModel;
  let count = 0;
  for (const r of runs) count += r.count;
  if (m.kind === "speck" && facts.speck) {
    return {
      ...facts.speck,
      stateBits: count * node.stateBitsPerNeuron,
      outputRoutes: new Set(node.readers).size,
    };
  }
  let inputAxons = 0;
  let synapseBits = 0;
  const shared = sharesWeights(m);
  const groups = new Map<number, { once: number; own: number }>();
  // a bit-plane encoded source arrives on one axon per plane (encoding.ts)
  const planesOf = (k: number) => Math.max(1, facts.srcPlanes?.[k] ?? 0);
  for (const [k, p] of node.incoming.entries()) {
    if (m.kind === "xylo" && !inputIds.has(p.src)) continue;
    const planes = planesOf(k);
    if (m.kind === "loihi") {
      // one pass gives both (a convolution's population axons are its source positions); each bit plane is
      // its own synapse group: the same lists at exponent + i
      for (const r of runs) {
        const g = loihiGroup(p.connectivity, p.weightBits, r.start, r.count, m);
        inputAxons += g.axons * planes;
        synapseBits += g.bits * planes;
      }
      continue;
    }
    const c = p.connectivity;
    const ones = runs.map((r) => sliceSynapses(c, r.start, r.count));
    for (const o of ones) inputAxons += o.sources * planes;
    if (m.kind === "xylo") continue;
    let own = 0;
    for (const [i, r] of runs.entries()) own += projectionBits(p, profile, ones[i]!, r.count, planes);
    if (shared && isSharedConn(c)) {
      // a matrix stored once for every projection that reads it (facts.matrixOf): charged with the first
      const first = facts.matrixOf?.[k] ?? k;
      const g = groups.get(first) ?? { once: 0, own: 0 };
      g.once +=
        first === k
          ? sharedMatrixBits(c, p.weightBits, m, runs, ones, planes, count)
          : sharedMatrixExtraBits(c, m, runs, ones, planes, count);
      g.own += own;
      groups.set(first, g);
    } else synapseBits += own;
  }
  for (const g of groups.values()) synapseBits += m.kind === "csr" ? Math.min(g.once, g.own) : g.once;
  // Output Y[i, j] reads row i of A and column j of B (k values each): a slice reads the rows and columns it
  // touches (the whole operands when it spans them)
  const mm = node.matmul;
  if (mm && count > 0) {
    for (const r of runs) {
      if (r.count <= 0) continue;
      const first = Math.floor(r.start / mm.n);
      const last = Math.floor((r.start + r.count - 1) / mm.n);
      const cols = last > first ? Math.min(mm.n, r.count) : r.count;
      inputAxons += (last - first + 1) * mm.k + cols * mm.k;
    }
  } else for (const o of node.operands) inputAxons += sizes.get(o) ?? 0;
  const u: Usage = { neurons: count, inputAxons, stateBits: count * node.stateBitsPerNeuron };
  if (m.kind === "xylo") {
    if (node.outputOnly) u.outputNeurons = count;
    else u.hiddenNeurons = count;
    u.outputRoutes = node.outputOnly ? count : 0;
    u.fanOut = facts.fanOut ?? 0;
    return u;
  }
  u.synapseBits = synapseBits;
  u.outputRoutes = count * node.readers.length * Math.max(1, facts.planes ?? 0);
  if (facts.axonTypes !== undefined) u.axonTypes = facts.axonTypes;
  return u;
}

/** Whether `a + b` stays within `limits` (no allocation: packing calls this per slice × open core). */
export function fitsTogether(a: Usage, b: Usage, limits: Usage): boolean {
  for (const k in b) {
    const l = limits[k];
    if (l === undefined) continue;
    const v = b[k] ?? 0;
    const w = a[k] ?? 0;
    if ((MAX_KEYS.has(k) ? Math.max(v, w) : v + w) > l) return false;
  }
  return true;
}

/** The first key of `usage` over `limits`, or undefined when it fits. */
export function overLimit(usage: Usage, limits: Usage): string | undefined {
  for (const [k, v] of Object.entries(usage)) {
    const l = limits[k];
    if (l !== undefined && v > l) return k;
  }
  return undefined;
}
