// Bit-plane encoding of graded events on chips that send only binary spikes (Loihi 1, TrueNorth, Speck,
// Xylo). A graded event with a b-bit two's-complement payload p is sent as binary spikes on b axons: bit i
// (i < b − 1) on an axon whose synapses hold w·2^i, the sign bit on one holding −w·2^(b−1), so
// Σ_i bit_i · w_i = p·w exactly and the arithmetic (hence the answer) is unchanged. What it costs: b input
// axons per graded source neuron, b copies of every synapse of its projections (each plane is its own
// synapse list with its own weight exponent), b output axons per (neuron, reader), and per event
// popcount(p mod 2^b) spikes, each a packet per destination core and fan-out ACs. Only populations that
// feed a projection are encoded: an output-only population's values go to the host, not over the mesh.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { type MapNode, mapNodes } from "./nodes.js";

/** How a population's events travel: recorded in the mapping for every bit-plane encoded population. */
export interface BitPlanes {
  kind: "bitplanes";
  /** The population's payload width: one binary axon per bit. */
  bits: number;
}

export type Encoding = BitPlanes;

/**
 * The widest payload sent as bit planes. Each plane shares the weight mantissa and differs only by its
 * weight exponent (w·2^i), and Loihi 1's synapse format holds that exponent in [−7, 7] (nengo-loihi's
 * `validate_synapse_fmt`): 15 distinct exponents, so at most 15 planes; the same bound is used for every
 * binary-spike profile.
 */
export const MAX_BITPLANES = 15;

/** Bit planes a node's events need on `profile` (0 when they travel as they are). */
export function bitPlanes(node: MapNode, profile: ChipProfile): number {
  const c = profile.core.capabilities;
  if (c.gradedSpikes || node.kind !== "population" || !node.graded || node.readers.length === 0) return 0;
  return node.payloadBits ?? 0;
}

/** Bit planes of every graded population of `ir` on `profile`, by population id (empty when none). */
export function encodingsOf(ir: NmirModule, profile: ChipProfile): Record<string, Encoding> {
  const out: Record<string, Encoding> = {};
  if (profile.core.capabilities.gradedSpikes) return out;
  for (const n of mapNodes(ir)) {
    const bits = bitPlanes(n, profile);
    if (bits > 0) out[n.id] = { kind: "bitplanes", bits };
  }
  return out;
}

/** Binary spikes a b-bit two's-complement payload `v` costs: the set bits of v mod 2^b (b ≤ 31). */
export function popcount(v: number, bits: number): number {
  let x = (v & ((1 << bits) - 1)) >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
