// A true lower bound on the cores a network needs, from partition-independent demand: for every summed
// limit, ⌈total demand / the largest per-core capacity⌉. Counts every node, also those that fit no core.

import type { ChipProfile } from "../../hw-profiles/index.js";
import { connOutSize, type NmirModule, outChannels } from "../nmir/index.js";
import { storedWeightBits } from "./loihi-synapses.js";
import { limitsOf, MAX_KEYS, type NodeFacts, nodeFacts, sliceUsage } from "./memory-models.js";
import { type MapNode, sourceSizes } from "./nodes.js";
import { isSharedConn, type SharedConn, sharesWeights } from "./shared-weights.js";
import { sliceSynapses } from "./synapses.js";
import type { Usage } from "./types.js";

/**
 * What node `node` needs on any partition into slices, summed over the slices: neurons, state and output
 * routes grow linearly with a slice, so the whole node's count is exact; input axons of the whole node (its
 * distinct sources) never exceed the sum over slices; synapse memory is at least every synapse's weight
 * (csr: and its index; conv-shared, loihi convolutions and shared matrices under `sharedWeights`: the kernel
 * once). Speck layers are never split, so theirs is exact.
 */
export function nodeDemand(
  node: MapNode,
  facts: NodeFacts,
  profile: ChipProfile,
  inputIds: ReadonlySet<string>,
  sizes: ReadonlyMap<string, number>,
): Usage {
  const whole = sliceUsage(node, facts, 0, node.size, profile, inputIds, sizes);
  const m = profile.core.memoryModel;
  if (m.kind === "speck" || m.kind === "xylo" || whole.synapseBits === undefined) return whole;
  let bits = 0;
  for (const [k, p] of node.incoming.entries()) {
    const planes = Math.max(1, facts.srcPlanes?.[k] ?? 0);
    const c = p.connectivity;
    const synapses = sliceSynapses(c, 0, connOutSize(c)).synapses * planes;
    const once = isSharedConn(c) && sharesWeights(m) ? sharedAtLeast(c, synapses, planes) : synapses;
    if (m.kind === "csr") bits += once * (p.weightBits + (m.indexBits ?? 1));
    else if (m.kind === "conv-shared" && isSharedConn(c)) bits += c.weights.length * p.weightBits * planes;
    else if (m.kind === "dense")
      // dense stores every hosted channel's weights (zeros too): the whole matrix at least once
      bits += (isSharedConn(c) && sharesWeights(m) ? c.weights.length * planes : synapses) * p.weightBits;
    else if (m.kind === "loihi")
      // every weight stored at least once: a convolution's kernel (shared population lists), else each synapse
      bits +=
        (c.kind === "conv1d" || c.kind === "conv2d" ? c.weights.length * planes : synapses) *
        storedWeightBits(p.weightBits);
    else if (m.kind === "truenorth-crossbar") bits += synapses;
    else bits += synapses * p.weightBits;
  }
  return { ...whole, synapseBits: bits };
}

/**
 * Entries of a shared matrix over all cores, at least: every output channel sits on some core, which stores its
 * weights (dense) or, csr taking the cheaper form per core, at least one neuron's synapses — a rowwise neuron
 * reads its whole row, a conv neuron at least its smallest window (padding cuts the others).
 */
function sharedAtLeast(c: SharedConn, synapses: number, planes: number): number {
  if (c.kind === "rowwise") return Math.min(synapses, c.weights.length * planes);
  const two = c.kind === "conv2d";
  const axes: [number, number, number, number, number, number][] = two
    ? [0, 1].map(
        (a) =>
          [
            c.inShape[a + 1]!,
            c.outShape[a + 1]!,
            c.kernel[a + 2]!,
            c.stride[a]!,
            c.padding[a]!,
            c.dilation[a]!,
          ] as [number, number, number, number, number, number],
      )
    : [[c.inShape[1], c.outShape[1], c.kernel[2], c.stride, c.padding, c.dilation]];
  let taps = 1;
  for (const [len, out, k, stride, pad, dil] of axes) {
    let least = k;
    for (let o = 0; o < out; o++) {
      let n = 0;
      for (let t = 0; t < k; t++) {
        const i = o * stride - pad + t * dil;
        if (i >= 0 && i < len) n++;
      }
      least = Math.min(least, n);
    }
    taps *= least;
  }
  return Math.min(synapses, outChannels(c) * c.kernel[1] * taps * planes);
}

/** max over summed limits of ⌈Σ demand / largest capacity of one of `cores` cores⌉ (0 for no neurons). */
export function coreLowerBound(
  ir: NmirModule,
  nodes: readonly MapNode[],
  profile: ChipProfile,
  cores: number,
  neuronsPerCore?: number,
): number {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const inputIds = new Set(ir.inputs.map((i) => i.id));
  const sizes = sourceSizes(ir);
  const total: Usage = {};
  for (const node of nodes) {
    if (node.size === 0) continue;
    const d = nodeDemand(node, nodeFacts(node, profile, byId), profile, inputIds, sizes);
    for (const [k, v] of Object.entries(d)) if (!MAX_KEYS.has(k)) total[k] = (total[k] ?? 0) + v;
  }
  const capacity: Usage = {};
  for (let i = 0; i < cores; i++)
    for (const [k, v] of Object.entries(limitsOf(profile, i, neuronsPerCore)))
      capacity[k] = Math.max(capacity[k] ?? 0, v);
  let lb = (total.neurons ?? 0) > 0 ? 1 : 0;
  for (const [k, v] of Object.entries(total)) {
    const cap = capacity[k];
    if (cap !== undefined && cap > 0) lb = Math.max(lb, Math.ceil(v / cap));
  }
  return lb;
}
