// The network as SANA-FE's convention sees it: every neuron on its core with its soma unit, every connection
// (zero weights included) with its synapse unit, summed per (source neuron, destination core) into the messages
// a spike sends. Built from a SANA-FE network file (from-file.ts); the accounting (account.ts) runs over it.

import type { ChipProfile, Cost } from "../../../hw-profiles/index.js";

/** Energy (J) and latency (s) of one event; an unmodelled cost is 0, as SANA-FE charges nothing for it. */
export interface EventCost {
  e: number;
  l: number;
}

export const eventCost = (c: Cost | undefined): EventCost => ({ e: c?.energyJ ?? 0, l: c?.latencyS ?? 0 });

export interface SomaCost {
  access: EventCost;
  update: EventCost;
  spikeOut: EventCost;
}

export interface SanafeCore {
  /** SANA-FE's core id (tile × cores per tile + offset), tile position and offset within the tile. */
  id: number;
  tile: number;
  x: number;
  y: number;
  offset: number;
  /** Global neuron indices in SANA-FE's processing order (the order of `mappings:`). */
  neurons: Int32Array;
}

/** A population of the run: which global neurons its events belong to (group id = population or input id). */
export interface SanafeGroupRef {
  id: string;
  start: number;
  size: number;
  input: boolean;
  /** Connections into the group (zero weights included), as the file's edges make them. */
  connectionsIn: number;
}

export interface ConventionNet {
  groups: SanafeGroupRef[];
  neurons: number;
  cores: SanafeCore[];
  /** Per neuron: slot of its core in `cores`, soma costs, whether its bias is nonzero, whether it is an input. */
  coreOf: Int32Array;
  soma: SomaCost[];
  somaOf: Int32Array;
  hasBias: Uint8Array;
  isInput: Uint8Array;
  /** Per neuron, its targets (CSR over `post`): who gets input next step when it fires. */
  postStart: Int32Array;
  post: Int32Array;
  /** Per neuron, its messages (CSR over `msg*`): destination core slot, synapses, their energy and latency
   * (synapse + the target's dendrite unit, per look-up), the dendrite part of the energy. */
  msgStart: Int32Array;
  msgCore: Int32Array;
  msgSynapses: Float64Array;
  msgSynapseJ: Float64Array;
  msgDendriteJ: Float64Array;
  msgLatencyS: Float64Array;
  /** Per core slot: axon in/out costs; hop costs per direction; link buffer; sync (barrier) latency. */
  axonIn: EventCost;
  axonOut: EventCost;
  /** SANA-FE's directions: east = +x, west = −x (or no x move), north = +y, south = −y (or none). */
  hopEast: EventCost;
  hopWest: EventCost;
  hopNorth: EventCost;
  hopSouth: EventCost;
  linkBuffer: number;
  syncS: number;
  gridWidth: number;
  gridHeight: number;
  coresPerTile: number;
}

/** The hop, axon and sync costs of a profile as the convention charges them. */
export function networkCosts(
  profile: ChipProfile,
): Pick<
  ConventionNet,
  "axonIn" | "axonOut" | "hopEast" | "hopWest" | "hopNorth" | "hopSouth" | "linkBuffer"
> {
  const c = profile.costs;
  const h = profile.units?.hops;
  return {
    axonIn: eventCost(c.axonIn),
    axonOut: eventCost(c.axonOut),
    hopEast: eventCost(h?.east ?? c.hopEW ?? c.hop),
    hopWest: eventCost(h?.west ?? c.hopEW ?? c.hop),
    hopNorth: eventCost(h?.north ?? c.hopNS ?? c.hop),
    hopSouth: eventCost(h?.south ?? c.hopNS ?? c.hop),
    // SANA-FE's own default link buffer when a profile states none
    linkBuffer: profile.grid.linkBuffer ?? 16,
  };
}
