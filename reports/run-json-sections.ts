// Sections of the run JSON written by the chip engine (energy, latency, memory, cores, links), activity per
// step and rasters, and accuracy (labels, streaming all_seq). Assembled into the document in run-json.ts.

import * as z from "zod";

export const count = z.number().int().nonnegative();
export const fraction = z.number().min(0).max(1);

const joules = z.number().nonnegative();
/** A tile position [x, y] on the chip's mesh. */
const tile = z.tuple([z.number().int(), z.number().int()]);

/** Chip engine: Σ events × the profile's per-event energies + static power × simulated time. */
export const chipEnergySchema = z.looseObject({
  totalJ: joules,
  dynamicJ: joules,
  staticJ: joules,
  /** Joules per event kind (synopAC, synopMAC, neuronUpdateActive, neuronUpdateIdle, spikeOut, hop, …); sums to dynamicJ. */
  byEvent: z.record(z.string(), joules),
  /** Events per kind, the multiplicands of byEvent. */
  events: z.record(z.string(), count),
  /** The profile's cost per event kind as used, with the status of the value it rests on. */
  costs: z.record(
    z.string(),
    z.looseObject({ energyJ: joules, latencyS: z.number().nonnegative().optional(), status: z.string() }),
  ),
  /** byEvent keys (and "static") whose cost rests on an estimate-status profile value. */
  estimates: z.array(z.string()),
  staticPowerW: z.number().nonnegative(),
  simulatedS: z.number().nonnegative(),
  convention: z.string(),
});

export const latencySchema = z.looseObject({
  timing: z.enum(["simple", "detailed"]),
  clockHz: z.number().positive(),
  cycles: z.looseObject({
    total: z.number().nonnegative(),
    perTimestepMean: z.number().nonnegative(),
    perTimestepMax: z.number().nonnegative(),
  }),
  perTimestepS: z.looseObject({ mean: z.number(), min: z.number(), max: z.number() }),
  perSampleS: z.number().nonnegative(),
  throughputSamplesPerS: z.number().nonnegative(),
  /** Mean cycles per step spent in core compute, NoC drain and the barrier (they add up to the step). */
  breakdown: z.looseObject({ compute: z.number(), noc: z.number(), barrier: z.number() }).optional(),
  /** Look-ahead of non-causal temporal convs, in steps: a delay of the algorithm, not of the chip. */
  algorithmicDelaySteps: count.optional(),
  /** True when a latency cost the timing rests on has estimate status in the profile. */
  estimate: z.boolean().optional(),
  /** False when the profile gives no per-event latency and no barrier: every figure above is then 0, not a time. */
  modelled: z.boolean().optional(),
  convention: z.string(),
});

const utilization = z.record(z.string(), z.number().nonnegative());

export const coreRowSchema = z.looseObject({
  core: count,
  tile,
  /** Population slices on the core, "pop[start:end]". */
  slices: z.array(z.string()),
  neurons: count,
  ac: count,
  mac: count,
  neuronUpdates: count,
  activeNeuronUpdates: count,
  spikes: count,
  packetsIn: count,
  packetsOut: count,
  busyCycles: z.number().nonnegative(),
  energyJ: joules,
  byEvent: z.record(z.string(), joules),
  memory: z.looseObject({
    synapseBits: count,
    neuronBits: count,
    routingEntries: count,
    /** Limit name → used / available. */
    utilization,
  }),
});

export const linkRowSchema = z.looseObject({
  from: tile,
  to: tile,
  packets: count,
  busyCycles: z.number().nonnegative(),
});

/** Multi-chip systems: chips in use, traffic per chip-to-chip link, energy on-chip / inter-chip / static. */
export const systemSchema = z.looseObject({
  chips: z.looseObject({ x: count, y: count }),
  coresPerChip: count,
  chipsUsed: count,
  /** Packets × chip-to-chip links crossed, over every sample. */
  crossings: count,
  /** One row per directed chip-to-chip link (chip → neighbouring chip) that carried packets, busiest first. */
  links: z.array(
    z.looseObject({
      fromChip: count,
      toChip: count,
      packets: count,
      energyJ: joules,
      busyCycles: z.number().nonnegative(),
    }),
  ),
  /** onChipJ + interChipJ (+ hostJ) = energy.chip.dynamicJ; staticJ = energy.chip.staticJ. */
  energy: z.looseObject({ onChipJ: joules, interChipJ: joules, staticJ: joules, hostJ: joules.optional() }),
  /** A profile with a host link (system.host): its traffic, energy and time over every sample. */
  host: z
    .looseObject({
      packetsIn: count,
      packetsOut: count,
      bitsIn: count,
      bitsOut: count,
      energyInJ: joules,
      energyOutJ: joules,
      /** Time the link spent serialising packets (packets × packetBits / bandwidth), per direction. */
      busyInS: z.number().nonnegative(),
      busyOutS: z.number().nonnegative(),
      /** Steps whose end the host link set. */
      boundSteps: count,
      packetBits: count,
      energyPerPacketJ: joules.optional(),
      latencyS: z.number().nonnegative().optional(),
      bandwidthBitsPerS: z.number().positive().optional(),
      convention: z.string(),
    })
    .optional(),
  link: z.looseObject({
    packetBits: count,
    energyPerPacketJ: joules.optional(),
    latencyS: z.number().nonnegative().optional(),
    bandwidthBitsPerS: z.number().positive().optional(),
  }),
  convention: z.string(),
});

export const memorySchema = z.looseObject({
  model: z.string(),
  synapseBits: count,
  neuronBits: count,
  routingEntries: count,
  coresUsed: count,
  /** Limit name → the highest utilization over cores. */
  maxUtilization: utilization,
  convention: z.string(),
});

/** An op the compiler approximated (lowerNonlinear): its error on a synthetic input and on calibration data. */
export const approximationSchema = z.looseObject({
  id: z.string(),
  op: z.string(),
  points: count,
  synthetic: z.number().nonnegative(),
  maxAbs: z.number().nonnegative().optional(),
  relRms: z.number().nonnegative().optional(),
  steps: count.optional(),
});

/** A module run in phases joined by sequence buffers (compiler/nmir/phases.ts). */
export const phasesSchema = z.looseObject({
  phases: z.number().int().min(2),
  stepsPerPhase: count,
  /** Steps beyond the clip's own: (phases − 1) × T. */
  addedSteps: count,
  /** Chip engine: simulated time of the phases after the first, per sample. */
  addedLatencyS: z.number().nonnegative().optional(),
  /** Σ T × n over stored sequences, and the most held at once. */
  bufferValues: count,
  peakBufferValues: count,
  /** Chip engine: bits on the cores (values × payload width) and the cores that hold them. */
  bufferBits: count.optional(),
  bufferCores: z.array(z.looseObject({ core: count, bits: count })).optional(),
  convention: z.string(),
});

/** Per timestep index t, summed over the samples of the batch. */
export const perStepSchema = z.looseObject({
  spikes: z.array(count),
  synapticOps: z.array(count).optional(),
  cycles: z.array(z.number().nonnegative()).optional(),
  packets: z.array(count).optional(),
  energyJ: z.array(joules).optional(),
});

/** Spike raster of one population for the first sample (capped neurons and steps). */
export const rasterSchema = z.looseObject({
  id: z.string(),
  neurons: count,
  shownNeurons: count,
  steps: count,
  sample: count,
  /** [step, neuron] pairs. */
  spikes: z.array(z.tuple([count, count])),
});

export const streamingSchema = z.looseObject({
  /** accuracyBySamplesSeen[t] = accuracy when the prediction is read after t + 1 steps. */
  accuracyBySamplesSeen: z.array(fraction),
  finalAccuracy: fraction,
  algorithmicDelaySteps: count,
  convention: z.string(),
});

export const accuracySchema = z.looseObject({
  correct: count,
  total: count,
  fraction,
  readout: z.string(),
  convention: z.string(),
});
