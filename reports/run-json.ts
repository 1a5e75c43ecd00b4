// The run JSON (`simulate --json run.json`): a versioned, documented record of one simulation — model, run
// settings, op counts in total and per layer, theoretical energy, quantization — with every number's
// convention stated in `conventions`. zod schema here; run.schema.json is generated from it (run-json.test.ts).

import { readFileSync } from "node:fs";
import * as z from "zod";
import { SpikegridError } from "../common/errors.js";
import { packagePath } from "../common/package-root.js";
import { checkRunBudgets } from "./run-budgets.js";
import {
  accuracySchema,
  approximationSchema,
  chipEnergySchema,
  coreRowSchema,
  count,
  fraction,
  latencySchema,
  linkRowSchema,
  memorySchema,
  perStepSchema,
  phasesSchema,
  rasterSchema,
  streamingSchema,
  systemSchema,
} from "./run-json-sections.js";

/** Bump on an incompatible change; adding optional fields or sections is compatible. */
export const RUN_SCHEMA_VERSION = 1;

/** JSON has no Infinity: an exact quantization (no error at all) has SQNR "inf". */
const db = z.union([z.number(), z.literal("inf")]);

/** Every object is loose (unknown keys allowed): later stages (chip simulator, mapper) add fields and sections. */
export const countsSchema = z.looseObject({
  ac: count,
  mac: count,
  dense: count,
  neuronUpdates: count,
  activeNeuronUpdates: count,
  spikes: count,
  gradedEvents: count,
  saturations: count,
  synapticOps: count.optional(),
  inputEvents: count.optional(),
  matmulAc: count.optional(),
  matmulMac: count.optional(),
  matmulDense: count.optional(),
  /** Chip engine: packets sent (one per destination core, or per multicast tree) and link traversals. */
  packets: count.optional(),
  hops: count.optional(),
});

export const layerSchema = z.looseObject({
  /** Population or dynamic-matmul id. */
  id: z.string(),
  /** Neuron model kind (lif, if, li, linear, …) or "dynamicMatmul". */
  kind: z.string(),
  neurons: count,
  /** Projections into this layer, whose synaptic ops are counted here. */
  projections: z.array(z.string()),
  ac: count,
  mac: count,
  dense: count,
  spikes: count,
  gradedEvents: count,
  neuronUpdates: count,
  activeNeuronUpdates: count,
  saturations: count,
  /** E_AC·ac + E_MAC·mac of this layer, joules. */
  theoreticalJ: z.number().nonnegative(),
  /**
   * The term neurons (`<matmul>.terms`) or accumulators (`<matmul>`) of a dynamic matmul realised by term
   * neurons on a chip without dynamic matmul: counted, not instantiated (conventions["reference.counted"]).
   */
  counted: z.literal(true).optional(),
});

export const theoreticalEnergySchema = z.looseObject({
  totalJ: z.number().nonnegative(),
  acJ: z.number().nonnegative(),
  macJ: z.number().nonnegative(),
  /** Joules per AC and per MAC. */
  eAC: z.number().nonnegative(),
  eMAC: z.number().nonnegative(),
  includesMatmul: z.boolean(),
  convention: z.string(),
});

const scaleSchema = z.union([
  z.object({ kind: z.literal("perProjection"), exp: z.number().int() }),
  z.object({
    kind: z.literal("perChannel"),
    min: z.number().int(),
    max: z.number().int(),
    exps: z.array(z.number().int()),
  }),
]);

/** Float vs integer run of the same inputs (`simulate --compare-float`): what quantization cost in behaviour. */
export const agreementSchema = z.looseObject({
  /** The network file the float reference ran (the source the .nmir was compiled from). */
  source: z.string(),
  /** What the float reference read: the float inputs as given, or the integer inputs dequantized (--raw-input). */
  inputs: z.enum(["float", "dequantized"]),
  samples: count,
  /** Integer timesteps per sample; each comparison covers steps − lag of them. */
  steps: count,
  outputs: z.array(
    z.looseObject({
      id: z.string(),
      floatId: z.string(),
      /** Integer step t + lag is compared with float step t (pipelined: the depth of the output's source). */
      lag: count,
      maxAbs: z.number().nonnegative(),
      rmse: z.number().nonnegative(),
      relative: db,
      argmax: fraction,
    }),
  ),
  spikes: z.array(
    z.looseObject({
      id: z.string(),
      lag: count,
      fraction,
      floatSpikes: count,
      intSpikes: count,
    }),
  ),
});

export const quantizationSchema = z.looseObject({
  weightBits: count,
  stateBits: count,
  payloadBits: count,
  granularity: z.enum(["perProjection", "perChannel"]),
  decay: z.string(),
  inputs: z.array(z.looseObject({ id: z.string(), scaleExp: z.number().int(), range: z.number() })),
  projections: z.array(
    z.looseObject({
      id: z.string(),
      src: z.string(),
      dst: z.string(),
      port: z.string(),
      weights: count,
      weightBits: count,
      effectiveBits: count,
      sqnrDb: db,
      clipped: count,
      zeroed: count,
      maxAbs: z.number(),
      scale: scaleSchema,
    }),
  ),
  populations: z.array(
    z.looseObject({
      id: z.string(),
      kind: z.string(),
      lsbExp: z.record(z.string(), z.number().int()),
      payloadExp: z.number().int().optional(),
      range: z.number(),
      paramsClipped: count,
      saturations: count.optional(),
      saturated: z.boolean().optional(),
    }),
  ),
  totals: z.looseObject({ weights: count, clipped: count, zeroed: count, worstSqnrDb: db }),
  agreement: agreementSchema.optional(),
});

export const runJsonSchema = z
  .looseObject({
    schemaVersion: z.literal(RUN_SCHEMA_VERSION).describe("version of this format; readers refuse others"),
    tool: z
      .looseObject({ name: z.literal("spikegrid"), version: z.string() })
      .describe("what wrote the file"),
    model: z
      .looseObject({
        file: z.string(),
        name: z.string(),
        /** file: a SANA-FE network file run directly under the sanafe convention (run.path "direct"). */
        stage: z.enum(["lowered", "quantized", "file"]),
        inputs: count,
        populations: count,
        projections: count,
        dynamicMatmuls: count,
        neurons: count,
        synapses: count,
        params: count,
        /** Where the weights came from, when the module records it (NMIR metadata model.weights). */
        weights: z.enum(["trained", "default-zeros", "seeded-init"]).optional(),
        /** Whether the payload ranges were observed on samples or guessed (NMIR metadata quant.ranges). */
        ranges: z.enum(["calibrated", "static", "exact"]).optional(),
      })
      .describe(
        "the simulated module: element counts, neurons, synapses, stored parameters, weights and ranges provenance",
      ),
    run: z
      .looseObject({
        engine: z.string(),
        mode: z.enum(["layer-sync", "pipelined"]),
        timesteps: count,
        batch: z.number().int().positive(),
        input: z.string().optional(),
        rawInput: z.boolean().optional(),
        labels: z.string().optional(),
        /** Chip engine: the profile, the timing model and where the mapping came from (a file or "auto"). */
        profile: z.string().optional(),
        timing: z.enum(["simple", "detailed"]).optional(),
        mapping: z.string().optional(),
        /** "direct": SANA-FE's own model run on a SANA-FE file's mappings (simulator/chip/sanafe/direct.ts). */
        path: z.literal("direct").optional(),
      })
      .describe("engine, timestep semantics, steps per sample, samples"),
    counts: countsSchema.describe("op counts summed over every step of every sample (see conventions)"),
    perLayer: z.array(layerSchema).describe("one row per population / dynamic matmul"),
    energy: z
      .looseObject({ theoretical: theoreticalEnergySchema, chip: chipEnergySchema.optional() })
      .describe("theoretical = E_AC·AC + E_MAC·MAC; chip simulators add their own view"),
    conventions: z.record(z.string(), z.string()).describe("what each number counts, by key path"),
    quantization: quantizationSchema.optional().describe("what quantizing cost (a quantized module)"),
    latency: latencySchema.optional().describe("chip engine: cycles and seconds per step and per sample"),
    memory: memorySchema.optional().describe("chip engine: memory under the profile's memory model"),
    approximations: z
      .array(approximationSchema)
      .optional()
      .describe(
        "ops the compiler approximated (function-neuron tables; the ternary mix, exact): error on a stated synthetic input, and float vs lowered at the node's output on the first calibration sample",
      ),
    phases: phasesSchema
      .optional()
      .describe("a module with sequence buffers (bidirectional SSM): phases, stored sequences, added time"),
    grid: z
      .looseObject({ width: count, height: count })
      .optional()
      .describe("chip engine: the mesh the cores sit on"),
    cores: z.array(coreRowSchema).optional().describe("chip engine: one row per core in use"),
    links: z
      .array(linkRowSchema)
      .optional()
      .describe("chip engine: one row per mesh link that carried packets"),
    system: systemSchema
      .optional()
      .describe(
        "chip engine on a multi-chip system: chips used, traffic per chip-to-chip link, energy split",
      ),
    perStep: perStepSchema.optional().describe("activity per timestep index, summed over samples"),
    raster: z.array(rasterSchema).optional().describe("spike rasters of the first sample"),
    accuracy: accuracySchema.optional().describe("when labels are given"),
    streaming: streamingSchema.optional().describe("accuracy as a function of samples seen (all_seq)"),
    warnings: z.array(z.string()).optional(),
    errors: z
      .array(z.string())
      .optional()
      .describe(
        "saturations of an integer-exact compile: the run clipped where nothing may clip, so it is not exact",
      ),
  })
  .describe("spikegrid run: what `spikegrid simulate --json` writes (reports/README.md)");

export type RunJson = z.infer<typeof runJsonSchema>;
export type RunCounts = z.infer<typeof countsSchema>;
export type RunLayer = z.infer<typeof layerSchema>;
export type RunQuantization = z.infer<typeof quantizationSchema>;
export type RunAgreement = z.infer<typeof agreementSchema>;
export type RunChipEnergy = z.infer<typeof chipEnergySchema>;
export type RunLatency = z.infer<typeof latencySchema>;
export type RunMemory = z.infer<typeof memorySchema>;
export type RunPhases = z.infer<typeof phasesSchema>;
export type RunCore = z.infer<typeof coreRowSchema>;
export type RunLink = z.infer<typeof linkRowSchema>;
export type RunSystem = z.infer<typeof systemSchema>;
export type RunPerStep = z.infer<typeof perStepSchema>;
export type RunRaster = z.infer<typeof rasterSchema>;
export type RunStreaming = z.infer<typeof streamingSchema>;
export type RunAccuracy = z.infer<typeof accuracySchema>;

/** What each number of a run JSON means. Renderers print these; new fields add an entry. */
export const RUN_CONVENTIONS: Record<string, string> = {
  "counts.ac":
    "synaptic accumulates: one per (spike event, synapse with nonzero weight) delivered (NeuroBench Effective_ACs); bias is not a synaptic op",
  "counts.mac":
    "synaptic multiply-accumulates: one per (graded event, synapse with nonzero weight); a zero payload is not an event (NeuroBench Effective_MACs)",
  "counts.dense":
    "every synapse once per step whatever the activity (NeuroBench Dense); conv taps on padding excluded",
  "counts.neuronUpdates": "every neuron of every population once per step (all-neurons update policy)",
  "counts.activeNeuronUpdates": "neurons whose input was nonzero in a step (only-with-input update policy)",
  "counts.spikes": "binary events emitted by spiking populations",
  "counts.gradedEvents": "nonzero payloads emitted by graded populations and dynamic matmuls",
  "counts.saturations": "clamps to a declared width that changed a value (accumulators, state, payloads)",
  "counts.matmul*": "dynamic-matmul products (nonzero operand pairs), kept apart from synaptic ops",
  normalization:
    "counts and energy are totals over every timestep of every sample of the batch; divide by run.batch for per-sample figures",
  perLayer:
    "one row per population (and dynamic matmul): the synaptic ops of the projections into it, its own neuron updates and events",
  "energy.theoretical": "E_AC·AC + E_MAC·MAC in joules (DESIGN §7; 0.9/4.6 pJ Horowitz 45 nm by default)",
  "model.params":
    "stored values: weights (conv kernels once) plus per-neuron parameters as stored (a broadcast parameter counts once)",
  "model.weights":
    'where the weights came from: "trained" (a checkpoint or a shipped demo), "default-zeros" (a builder\'s all-zero learned matrices) or "seeded-init" (a deterministic init); untrained runs describe no trained model, and warnings says so',
  "model.ranges":
    '"calibrated": payload ranges observed on sample inputs before quantizing; "static": the compiler\'s analytic guesses (with untrained weights, activity and saturations are then not meaningful); "exact": an integer-exact compile (every weight, threshold, bias, reset and decay representable: no rounding, no clipping; a saturation in the run is an error)',
  "model.synapses": "(source neuron, destination neuron) connections, conv padding taps excluded",
  "run.timesteps": "steps simulated per sample",
  "quantization.sqnrDb":
    '10·log10(Σw² / Σ(w − ŵ)²) over stored weights, ŵ dequantized; "inf" when the quantized weights are exact',
  "quantization.effectiveBits":
    "signed bits the mantissas use, minus trailing zero bits shared by all (Lava num_weight_bits)",
  "quantization.lsbExp":
    "λ = 2^lsbExp lowered (float) units per integer unit of a population port's input and state",
  "quantization.scaleExp": "a graded input's float value ≈ integer · 2^scaleExp",
  "quantization.agreement.outputs":
    'float reference vs integer reading (value · 2^scaleExp) over every sample, compared step and element: max |error|, RMSE, ‖error‖₂/‖float‖₂ ("inf" when the float output is all zero); argmax = fraction of samples whose time-summed outputs have the same argmax',
  "quantization.agreement.spikes":
    "per spiking population that is a node of the source network (same id): fraction of (neuron, step) pairs where both runs spiked or both stayed silent, over every sample",
  "counts.packets":
    "chip engine: packets sent, one per (event-emitting neuron, destination core) pair (SANA-FE and Loihi: one message per firing neuron and destination core); multicast chips: one per event-emitting neuron; a graded population on a binary-spike chip (mapping encodings: bit planes) sends one binary spike per set bit of its two's-complement payload, each with its own packets",
  "counts.hops":
    "chip engine: link traversals, Σ packets × XY Manhattan distance (multicast: edges of the route tree)",
  "energy.chip":
    "chip engine: Σ events × the profile's per-event energy (byEvent) + static power × simulated time; entries resting on estimate-status profile values are listed in energy.chip.estimates; events are the chip's hardware events: a bit-plane encoded graded event (binary-spike chips) costs popcount(payload) spikeOut, popcount × fan-out synopAC and the packets/hops of each bit spike, while counts (synapticOps, ac, mac) keep the reference's convention (one MAC per graded event × synapse)",
  latency:
    "chip engine: a step ends at the slowest core plus NoC drain plus the barrier for the tiles in use; per sample = Σ steps of a sample; timing 'simple' = busiest core, 'detailed' = event-driven with link contention",
  memory:
    "chip engine: bits per core under the profile's memory model; utilization = used / the core's limit",
  cores: "chip engine: per core totals over every step of every sample",
  perStep: "per timestep index t, summed over the samples of the batch",
  raster: "spikes of the first sample, at most 64 neurons and 256 steps per population",
  accuracy: "argmax of the readout (run.readout) against the labels, over the batch",
  streaming:
    "LMUFormer all_seq: the prediction after t steps is the argmax of the mean of the outputs of steps 0..t−1; algorithmic delay = look-ahead of non-causal temporal convs, reported apart from compute latency",
  "quantization.agreement.lag":
    "integer step t + lag is compared with float step t: 0 in layer-sync, the count of delay-0 projections from an input in pipelined mode",
};

/**
 * Validates a parsed run JSON; throws USAGE listing every problem with its key path. Sizes are checked against
 * the report budgets (run-budgets.ts) first, so an absurd file is refused before the schema walks it.
 */
export function checkRunJson(value: unknown, source = "run JSON"): RunJson {
  checkRunBudgets(value, source);
  const r = runJsonSchema.safeParse(value);
  if (r.success) return r.data;
  throw new SpikegridError(
    "USAGE",
    `${source} does not match run.schema.json (version ${RUN_SCHEMA_VERSION})`,
    {
      details: r.error.issues.map((i) => ({ where: i.path.join(".") || "(root)", message: i.message })),
    },
  );
}

/** The JSON Schema of the format (written to reports/run.schema.json by its test). */
export function runJsonSchemaDocument(): Record<string, unknown> {
  return { ...(z.toJSONSchema(runJsonSchema) as Record<string, unknown>), title: "spikegrid run" };
}

/** Text of a run JSON file (2-space indented, Infinity never appears: SQNR uses "inf"). */
export function formatRunJson(run: RunJson): string {
  return `${JSON.stringify(checkRunJson(run, "the run being written"), null, 2)}\n`;
}

/** The package version, for `tool.version`. */
export function toolVersion(): string {
  return (JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version;
}
