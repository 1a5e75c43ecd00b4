// The chip-profile file format (YAML or JSON) as a zod v4 schema; strict objects, so unknown keys are errors.
// `ProfileFile` is what a file holds; the normalised runtime `ChipProfile` (SI numbers) lives in types.ts.

import * as z from "zod";
import { type Dimension, unitsOf } from "./units.js";

export type { ChipProfile } from "./types.js";

export const STATUSES = ["published", "derived", "estimate"] as const;
export type Status = (typeof STATUSES)[number];

// Provenance every number carries: how sure it is and which `sources:` entry it comes from.
const provenance = {
  status: z.enum(STATUSES).describe("published | derived (computed from published numbers) | estimate"),
  source: z.string().min(1).describe("a key of the file's top-level `sources:` map"),
  note: z.string().min(1).optional().describe("why the number is what it is: caveats, formula, reasoning"),
};

function quantity(dim: Dimension, id: string) {
  return z.strictObject({ value: z.number().nonnegative(), unit: z.enum(unitsOf(dim)), ...provenance }).meta({
    id,
    description: `${dim} quantity {value, unit: ${unitsOf(dim).join("|")}, status, source, note?}`,
  });
}

export const energyQ = quantity("energy", "Energy");
export const latencyQ = quantity("latency", "Latency");
export const durationQ = quantity("duration", "Duration");
export const powerQ = quantity("power", "Power");
export const memoryQ = quantity("memory", "Memory");
export const frequencyQ = quantity("frequency", "Frequency");
export const bandwidthQ = quantity("bandwidth", "Bandwidth");
/** A dimensionless integer (neurons, axons, bits of a weight, tile counts): no `unit`. */
export const countQ = z
  .strictObject({ value: z.number().int().nonnegative(), ...provenance })
  .meta({ id: "Count", description: "count {value: integer ≥ 0, status, source, note?} (no unit)" });

/**
 * A count that is impossible outside lo..hi (a core with 0 neurons, a 0-wide grid, a 64-bit weight). Widths
 * follow NMIR and the compiler: weights 1..32 bits (NMIR `weightBits`), state 2..32 (compile --state-bits).
 */
function countIn(lo: number, hi: number | undefined, id: string) {
  const v = z.number().int().min(lo);
  const range = hi === undefined ? `≥ ${lo}` : `${lo}..${hi}`;
  return z
    .strictObject({ value: hi === undefined ? v : v.max(hi), ...provenance })
    .meta({ id, description: `count {value: integer ${range}, status, source, note?} (no unit)` });
}

/** Mesh sides and cores per chip: small enough that the tiles and cores of a chip can be enumerated. */
export const MAX_GRID_SIDE = 4096;
export const MAX_CORES_PER_CHIP = 2 ** 20;
const positiveQ = countIn(1, undefined, "PositiveCount");
const gridSideQ = countIn(1, MAX_GRID_SIDE, "GridSide");
const coresPerTileQ = countIn(1, MAX_CORES_PER_CHIP, "CoresPerTile");
const bitsQ = countIn(1, 32, "Bits");
const stateBitsQ = countIn(2, 32, "StateBits");
const positive = () => positiveQ;
/** A yes/no property of the chip with provenance (e.g. memoryModel.sharedWeights). */
const flagQ = z
  .strictObject({ value: z.boolean(), ...provenance })
  .meta({ id: "Flag", description: "flag {value: true | false, status, source, note?}" });
const sharedWeights = flagQ
  .optional()
  .describe(
    "a core stores a shared matrix (a convolution's kernel, a per-token linear's [out, in] matrix) once for all the rows it hosts (compiler/mapping/README.md)",
  );
const bits = (lo: 1 | 2) => (lo === 1 ? bitsQ : stateBitsQ);

/** One per-event cost: energy and/or latency (at least one; checked after parsing). */
const cost = z
  .strictObject({ energy: energyQ.optional(), latency: latencyQ.optional() })
  .meta({ id: "Cost", description: "per-event cost {energy?, latency?}" });

export const COST_NAMES = [
  "synopAC",
  "synopMAC",
  "neuronUpdateActive",
  "neuronUpdateIdle",
  "spikeOut",
  "hop",
  "hopEW",
  "hopNS",
  "axonIn",
  "axonOut",
  "memoryAccess",
] as const;
export type CostName = (typeof COST_NAMES)[number];

const costs = z
  .strictObject(
    Object.fromEntries(COST_NAMES.map((n) => [n, cost.optional()])) as Record<
      CostName,
      z.ZodOptional<typeof cost>
    >,
  )
  .describe("per-event costs; an absent cost is not modelled (never zero)");

const grid = z.strictObject({
  width: gridSideQ.describe("tiles along x"),
  height: gridSideQ.describe("tiles along y"),
  coresPerTile: coresPerTileQ,
  cores: positive().optional().describe("usable cores per chip when some tile positions hold no cores"),
  unavailableTiles: z
    .array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]))
    .optional()
    .describe("[x, y] tile positions (0-based) with no cores; structural, so no provenance"),
  routing: z
    .enum(["xy", "point-to-point"])
    .describe("xy: dimension-order on the mesh; point-to-point: no hops"),
  multicast: z
    .boolean()
    .describe("true: one packet reaches many cores; false: one packet per destination core"),
  chips: positive().describe("chips of this kind; a profile with `system:` describes one chip here (1)"),
  chipLink: cost
    .optional()
    .describe("cost of crossing a chip-to-chip link (informational; `system.link` is charged)"),
  routingEntriesPerChip: countQ.optional(),
  linkBuffer: positive()
    .optional()
    .describe("messages a link buffers (SANA-FE's link_buffer_size; its detailed timing's congestion model)"),
});

/** Chips per side of a system's chip grid, and chips × cores in all: what mapping can enumerate. */
export const MAX_SYSTEM_CORES = 2 ** 22;

/** A board or rack of identical chips on a 2-D chip grid joined by chip-to-chip links (system.ts). */
const system = z
  .strictObject({
    chips: z
      .strictObject({ x: gridSideQ.describe("chips along x"), y: gridSideQ.describe("chips along y") })
      .describe("the chip grid: chip (cx, cy) sits at x = cx, y = cy; each chip is the `grid:` mesh"),
    packetBits: positive().describe("bits one spike packet occupies on a chip-to-chip link"),
    link: z
      .strictObject({
        energyPerPacket: energyQ.optional(),
        energyPerBit: energyQ.optional().describe("× packetBits gives the energy per packet"),
        latency: latencyQ.optional().describe("time for a packet to cross one chip boundary"),
        bandwidth: bandwidthQ
          .optional()
          .describe("per link and direction; a packet holds the link packetBits / bandwidth"),
        hops: positive()
          .optional()
          .describe("link traversals between adjacent chips (default 1): energy and latency × hops"),
      })
      .describe("one chip-to-chip link between adjacent chips (per direction)"),
    host: z
      .strictObject({
        bandwidth: bandwidthQ
          .optional()
          .describe("per direction; a packet holds the host link packetBits / bandwidth"),
        energyPerPacket: energyQ.optional(),
        energyPerBit: energyQ.optional().describe("× packetBits gives the energy per packet"),
        latency: latencyQ.optional().describe("time for a packet to cross between the host and the system"),
        packetBits: positive()
          .optional()
          .describe(
            "bits one input event or output value occupies on the host link (default system.packetBits)",
          ),
      })
      .optional()
      .describe(
        "the host link (per direction): input events enter the system and output values leave it through it",
      ),
    staticPowerPerChip: powerQ
      .optional()
      .describe("static power per chip in use in this system (replaces staticPower.perChip)"),
    barrier: durationQ
      .optional()
      .describe("system-wide timestep synchronisation, added to each step when more than one chip is in use"),
  })
  .describe("a multi-chip system (board, rack) of identical chips");

const speckCoreGroup = z.strictObject({
  cores: z.array(z.number().int().nonnegative()).min(1).describe("core indices this row applies to"),
  kernelEntries: countQ,
  neuronEntries: countQ,
  biasEntries: countQ,
});

export const MEMORY_MODELS = [
  "dense",
  "csr",
  "conv-shared",
  "loihi",
  "speck",
  "truenorth-crossbar",
  "xylo",
] as const;
export type MemoryModelKind = (typeof MEMORY_MODELS)[number];

const memoryModel = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("dense"), sharedWeights }),
    z.strictObject({
      kind: z.literal("csr"),
      wordBits: memoryQ.optional().describe("synapse memory is allocated in words of this size"),
      indexBits: bits(1).optional().describe("bits of the target index stored with each synapse"),
      sharedWeights,
    }),
    z.strictObject({ kind: z.literal("conv-shared") }),
    z
      .strictObject({
        kind: z.literal("loihi"),
        wordBits: memoryQ.describe("synapse memory is allocated in words of this size"),
        blockSynapses: positiveQ.describe("most synapses one synapse-list block (one header) holds"),
        blockHeaderBits: countQ.describe("bits of a block's header (synapse-format index + synapse count)"),
        compartmentBase: positiveQ.describe(
          "a population axon's compartment base stays below this; a larger offset needs its own list copy",
        ),
      })
      .describe(
        "Loihi's synapse encodings: per-axon synapse lists in dense, sparse or run-length format, population axons sharing a convolution's lists (compiler/mapping/README.md)",
      ),
    z.strictObject({
      kind: z.literal("speck"),
      coreTable: z.array(speckCoreGroup).min(1),
      maxKernelSize: countQ,
      maxStride: countQ.describe("strides are powers of two up to this"),
      maxPadding: countQ,
      maxChannels: countQ,
      maxInputSize: countQ.describe("largest input feature map side"),
      maxOutputSize: countQ.describe("largest output feature map side"),
      maxPool: countQ.describe("sum-pool sizes are powers of two up to this"),
      maxDestinations: positive(),
    }),
    z.strictObject({
      kind: z.literal("truenorth-crossbar"),
      axons: positive(),
      neurons: positive(),
      axonTypes: positive(),
      typeWeightBits: bits(1),
      targetsPerNeuron: countQ,
    }),
    z.strictObject({
      kind: z.literal("xylo"),
      inputChannels: positive(),
      hiddenNeurons: positive(),
      outputNeurons: positive(),
      synapsesPerNeuron: countQ.describe("synaptic state variables per hidden neuron"),
      maxFanOut: countQ,
      maxInputSpikesPerStep: countQ.optional(),
      maxHiddenSpikesPerStep: countQ.optional(),
    }),
  ])
  .describe(`memory model: {kind: ${MEMORY_MODELS.join(" | ")}, …its parameters}`);

const capabilities = z.strictObject({
  gradedSpikes: z.boolean(),
  payloadBits: bits(1).optional(),
  productNeurons: z.boolean(),
  functionNeurons: z
    .boolean()
    .optional()
    .describe(
      "graded neurons that evaluate a piecewise-linear table (sigmoid, GELU, 1/sqrt x) per step; absent = false",
    ),
  compartmentJoins: z
    .boolean()
    .optional()
    .describe(
      "multi-compartment neurons whose dendritic joins (AND, OR, MIN, PASS, ...) combine two inputs, so a stateless coincidence (AND) neuron of two spikes exists; absent = false",
    ),
  dynamicMatmul: z.boolean(),
  maxDelay: countQ.optional().describe("longest synaptic delay in timesteps"),
});

const core = z.strictObject({
  neurons: positive(),
  synapseMemory: memoryQ.optional(),
  memoryModel,
  inputAxons: positive().optional(),
  outputRoutes: positive().optional(),
  weightBits: bits(1).describe("widest weight the core stores, 1..32 bits"),
  weightFormat: z
    .enum(["twosComplement", "signMagnitude"])
    .optional()
    .describe(
      "how weightBits is counted (default twosComplement): signMagnitude = a sign bit plus weightBits − 1 magnitude bits, so a mixed-sign layer holds weightBits − 1 two's-complement bits (Loihi)",
    ),
  stateBits: bits(2).optional().describe("widest state variable, 2..32 bits"),
  capabilities,
});

const coreOverride = z.strictObject({
  cores: z.array(z.number().int().nonnegative()).min(1).describe("core indices this override applies to"),
  neurons: positive().optional(),
  synapseMemory: memoryQ.optional(),
  inputAxons: positive().optional(),
  outputRoutes: positive().optional(),
});

const barrier = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("table"),
      points: z
        .array(z.strictObject({ tiles: z.number().int().positive(), latency: durationQ }))
        .min(1)
        .describe("latency at a number of tiles in use; linear in between, clamped outside"),
    }),
    z.strictObject({ kind: z.literal("tick"), period: durationQ }),
    z.strictObject({ kind: z.literal("none"), note: z.string().min(1).optional() }),
  ])
  .describe("barrier: {kind: table, points} | {kind: tick, period} | {kind: none}");

/** A soma unit's three costs, SANA-FE's soma model: access (every neuron, every step), update (its state
 * changed), spike out (it fired). */
const somaUnit = z.strictObject({
  model: z.enum(["lif", "input"]).optional().describe("what the unit runs (default lif)"),
  access: cost.optional(),
  update: cost.optional(),
  spikeOut: cost.optional(),
});
const unitName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.\-[\]]*$/, "a unit name: letters, digits, _ . - [ ]");
const units = z
  .strictObject({
    synapse: z.record(unitName, cost).optional().describe("per synaptic look-up, by unit name"),
    dendrite: z.record(unitName, cost).optional().describe("per synaptic look-up at the target's dendrite"),
    soma: z.record(unitName, somaUnit).optional().describe("per neuron, by unit name"),
    hops: z
      .strictObject({ north: cost, south: cost, east: cost, west: cost })
      .optional()
      .describe(
        "per hop by direction (SANA-FE's tile hop costs; east = +x, north = +y); the convention sanafe charges these where given, else hopEW / hopNS",
      ),
  })
  .describe(
    "named per-unit costs (SANA-FE's synapse / dendrite / soma units); the first of a section is the default unit; the convention sanafe charges each neuron and connection by the unit it names",
  );

export const profileFileSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' or '-'"),
    description: z.string().min(1),
    extends: z
      .string()
      .optional()
      .describe(
        "a built-in profile whose keys this file starts from (top-level keys here replace them; sources merge)",
      ),
    sources: z.record(z.string(), z.string().min(1)).describe("source key → full citation"),
    grid,
    core,
    coreOverrides: z.array(coreOverride).optional(),
    costs,
    units: units.optional(),
    barrier: barrier.optional(),
    staticPower: z.strictObject({ perCore: powerQ.optional(), perChip: powerQ.optional() }).optional(),
    clock: frequencyQ.optional(),
    system: system.optional(),
    timestep: z.strictObject({
      semantics: z.enum(["layer-sync", "pipelined"]),
      updatePolicy: z
        .enum(["all", "active"])
        .describe("all: every neuron every step; active: only those with input"),
    }),
    notes: z
      .array(z.string().min(1))
      .optional()
      .describe("what a conversion could not express (e.g. from a SANA-FE architecture file)"),
  })
  .meta({
    title: "spikegrid chip profile",
    description: "A neuromorphic chip model for spikegrid (hw-profiles/).",
  });

/** A profile file as written (after schema validation), before unit normalisation. */
export type ProfileFile = z.infer<typeof profileFileSchema>;
export type CountQuantity = z.infer<typeof countQ>;
export type UnitQuantity = z.infer<typeof energyQ>;
export type Quantity = CountQuantity | UnitQuantity;
export type CostFile = z.infer<typeof cost>;
export type UnitsFile = z.infer<typeof units>;
export type MemoryModelFile = ProfileFile["core"]["memoryModel"];
export type SystemFile = NonNullable<ProfileFile["system"]>;
export type BarrierFile = NonNullable<ProfileFile["barrier"]>;

/** The JSON Schema of the file format (written to hw-profiles/profile.schema.json by json-schema.test.ts). */
export function profileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(profileFileSchema) as Record<string, unknown>;
}
