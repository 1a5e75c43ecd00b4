// The normalised chip profile the mapper, simulators and reports consume: plain numbers in SI units.
// An absent optional field means "not modelled / unknown" — never read it as zero.

import type { CostName, Status } from "./schema.js";

/** One per-event cost. `latencyCycles` is set when the file gave cycles; `latencyS` when it can be known. */
export interface Cost {
  energyJ?: number;
  latencyS?: number;
  latencyCycles?: number;
}

/** Per-event costs by name. Missing names are not modelled. `hop` given alone also fills `hopEW` and `hopNS`. */
export type Costs = Partial<Record<CostName, Cost>>;

/** One named unit's costs (SANA-FE's synapse / dendrite units: per synaptic look-up). */
export interface NamedCost {
  name: string;
  cost: Cost;
}
/** A named soma unit: access (every neuron, every step), update (state changed), spike out (fired). */
export interface SomaUnit {
  name: string;
  model: "lif" | "input";
  access: Cost;
  update: Cost;
  spikeOut: Cost;
}
/** Named per-unit costs in file order; the first of a section is the default unit. */
export interface Units {
  synapse: NamedCost[];
  dendrite: NamedCost[];
  soma: SomaUnit[];
  /** Per hop by direction (east = +x, north = +y), when the file states them apart. */
  hops?: { north: Cost; south: Cost; east: Cost; west: Cost };
}

/** Limits that can differ from core to core (see `coreLimits`). */
export interface CoreLimits {
  neurons: number;
  synapseMemoryBits?: number;
  inputAxons?: number;
  outputRoutes?: number;
}

export interface Capabilities {
  gradedSpikes: boolean;
  payloadBits?: number;
  productNeurons: boolean;
  /**
   * Graded neurons that evaluate a table function each step (NMIR `function`: sigmoid, GELU, 1/√x of a
   * LayerNorm). Absent in a file means false.
   */
  functionNeurons?: boolean;
  /**
   * Multi-compartment neurons with dendritic joins (Loihi: AND, OR, MIN, PASS, …), so a stateless coincidence
   * (AND) neuron of two spikes exists: spiking self-attention of binary Q, K lowers to such neurons
   * (compiler/passes/lower-attention.ts). Absent in a file means false.
   */
  compartmentJoins?: boolean;
  dynamicMatmul: boolean;
  /** Longest synaptic delay, in timesteps. */
  maxDelay?: number;
}

export interface SpeckCoreMemory {
  kernelEntries: number;
  neuronEntries: number;
  biasEntries: number;
}

export type MemoryModel =
  /** sharedWeights: a conv kernel or rowwise matrix is stored once per core (compiler/mapping/README.md). */
  | { kind: "dense"; sharedWeights?: boolean }
  | { kind: "csr"; wordBits?: number; indexBits?: number; sharedWeights?: boolean }
  | { kind: "conv-shared" }
  | {
      kind: "loihi";
      wordBits: number;
      blockSynapses: number;
      blockHeaderBits: number;
      compartmentBase: number;
    }
  | {
      kind: "speck";
      /** Indexed by core number. */
      cores: SpeckCoreMemory[];
      maxKernelSize: number;
      maxStride: number;
      maxPadding: number;
      maxChannels: number;
      maxInputSize: number;
      maxOutputSize: number;
      maxPool: number;
      maxDestinations: number;
    }
  | {
      kind: "truenorth-crossbar";
      axons: number;
      neurons: number;
      axonTypes: number;
      typeWeightBits: number;
      targetsPerNeuron: number;
    }
  | {
      kind: "xylo";
      inputChannels: number;
      hiddenNeurons: number;
      outputNeurons: number;
      synapsesPerNeuron: number;
      maxFanOut: number;
      maxInputSpikesPerStep?: number;
      maxHiddenSpikesPerStep?: number;
    };

export type Barrier =
  | { kind: "table"; points: { tiles: number; latencyS: number }[] }
  | { kind: "tick"; periodS: number }
  | { kind: "none" };

export interface Grid {
  /** Tiles along x and y. */
  width: number;
  height: number;
  coresPerTile: number;
  /** [x, y] tile positions without cores. */
  unavailableTiles: [number, number][];
  /** Usable cores on one chip. */
  coresPerChip: number;
  routing: "xy" | "point-to-point";
  multicast: boolean;
  chips: number;
  chipLink?: Cost;
  routingEntriesPerChip?: number;
  /** Messages a link buffers (SANA-FE's link_buffer_size), for the sanafe convention's congestion model. */
  linkBuffer?: number;
}

/** One chip-to-chip link (per direction) of a system, SI. Absent numbers are not modelled. */
export interface SystemLink {
  /** energyPerPacket, or energyPerBit × packetBits; already × hops. */
  energyPerPacketJ?: number;
  /** Time to cross one chip boundary, already × hops. */
  latencyS?: number;
  bandwidthBitsPerS?: number;
  /** Link traversals between adjacent chips. */
  hops: number;
}

/**
 * The host link of a system (per direction), SI: input events enter and output values leave through it. Absent
 * numbers are not modelled.
 */
export interface SystemHost {
  /** energyPerPacket, or energyPerBit × packetBits. */
  energyPerPacketJ?: number;
  latencyS?: number;
  bandwidthBitsPerS?: number;
  /** Bits per packet on the host link (host.packetBits, else system.packetBits). */
  packetBits: number;
}

/** A board or rack: `chipsX × chipsY` identical chips (the profile's grid each) on a 2-D chip grid. */
export interface System {
  chipsX: number;
  chipsY: number;
  packetBits: number;
  link: SystemLink;
  /** The host link; absent: host I/O is not modelled. */
  host?: SystemHost;
  /** Static power per chip in use (replaces `staticPower.perChipW` when given). */
  staticPowerPerChipW?: number;
  /** System-wide timestep synchronisation added to each step when more than one chip is in use. */
  barrierS?: number;
}

export interface ProvenanceEntry {
  /** Where the number sits in the file, e.g. `costs.synopAC.energy` (for `hopEW` filled from `hop`, the `hop` path). */
  keyPath: string;
  status: Status;
  /** The key into the file's `sources:` map, and the full citation it resolves to. */
  sourceKey: string;
  source: string;
  note?: string;
  /** The number as written, e.g. "23.6 pJ" or "1024". */
  original: string;
  /** The normalised value and its SI unit: "" for counts, "cycles" for cycles when the profile has no clock. */
  value: number;
  unit: string;
}

/** Provenance of every number, keyed by its normalised key path (e.g. `costs.synopAC.energy`). */
export type ProvenanceTable = Map<string, ProvenanceEntry>;

export interface ChipProfile {
  name: string;
  description: string;
  /** The file it was loaded from. */
  file: string;
  grid: Grid;
  core: CoreLimits & {
    memoryModel: MemoryModel;
    weightBits: number;
    /** How weightBits counts (absent: twosComplement); see hw-profiles/README.md. */
    weightFormat?: "twosComplement" | "signMagnitude";
    stateBits?: number;
    capabilities: Capabilities;
  };
  /** Per-core replacements of `core` limits (e.g. Speck's unequal cores); later entries win. */
  coreOverrides: { cores: number[]; limits: Partial<CoreLimits> }[];
  costs: Costs;
  /** Named unit costs (SANA-FE units); absent when the profile names none. */
  units?: Units;
  barrier?: Barrier;
  staticPower: { perCoreW?: number; perChipW?: number };
  clockHz?: number;
  /** Present for multi-chip systems; then `grid` is one chip and `grid.chips` = chipsX × chipsY. */
  system?: System;
  timestep: { semantics: "layer-sync" | "pipelined"; updatePolicy: "all" | "active" };
  /** Source key → full citation. */
  sources: Record<string, string>;
  provenance: ProvenanceTable;
  /** What a conversion (e.g. from a SANA-FE architecture file) could not express. */
  notes?: string[];
}
