// Graph pass `convertAnnToSnn` (after foldBatchNorm; only with `options.convert`): rate-based ANN→SNN conversion
// of a ReLU network (Rueckauer et al. 2017, with Diehl et al. 2015's data-based normalisation). ReLUs become IF
// neurons, affine maps are rescaled by the calibrated layer scales, outputs become accumulators.

import { SpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../graph/index.js";
import { scheduleGraph } from "../graph/schedule.js";
import { calibrateRelus, type LayerScale } from "./convert-ann/calibrate.js";
import { maxPoolTree, poolInput } from "./convert-ann/max-pool.js";
import { insertAccumulators, normalizeUnits, rateNeuron } from "./convert-ann/normalize.js";
import { type ConvertOptions, calibrationSamples, resolveConvertOptions } from "./convert-ann/options.js";
import { convertRoles } from "./convert-ann/roles.js";
import { cloneGraph } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";

export { percentile } from "./convert-ann/calibrate.js";
export type { ConvertCalibration, ConvertOptions, ConvertSample } from "./convert-ann/options.js";
export { rateEncode } from "./convert-ann/rate-code.js";

const PASS = "convertAnnToSnn";
/** Graph metadata key of the conversion record (`ConversionRecord`). */
export const CONVERSION_KEY = "annToSnn";

/** What the pass did, stored in the converted graph's metadata under `annToSnn`. */
export interface ConversionRecord {
  method: string;
  percentile: number;
  inputCoding: "current" | "rate";
  maxPool: "relu-tree" | "or";
  samples: number;
  timesteps?: number;
  /** Per ReLU (now an IF neuron, same id): λ and what it was computed from. */
  layers: LayerScale[];
  /** Affine nodes rescaled: W ← weight·W, b ← bias·b. */
  scaled: { node: string; weight: number; bias: number }[];
  /** Scale nodes inserted where no weights could absorb a change of unit. */
  inserted: string[];
  /** Output id → the accumulator (I) it now reads. */
  accumulators: Record<string, string>;
  /** MaxPool2d id → its difference neurons (relu-tree), or [] (or). */
  maxPools: Record<string, string[]>;
}

const g4 = (x: number) => +x.toPrecision(4);

export function convertAnnToSnn(g: NetGraph, ctx: PassContext): NetGraph {
  const given: ConvertOptions | undefined = ctx.options.convert;
  if (given === undefined) return g;
  const o = resolveConvertOptions(given);
  const note = (level: "note" | "warning", message: string, where?: string) =>
    diagnose(ctx, PASS, level, message, where);
  const roles = convertRoles(g.nodes);
  const schedule = scheduleGraph(g);
  if (schedule.recurrent.length > 0) {
    const e = schedule.recurrent[0]!;
    throw new SpikegridError(
      "UNSUPPORTED",
      `ANN→SNN conversion: the edge "${e.src}" → "${e.dst}" closes a loop; conversion takes a feed-forward ANN`,
      { hint: "compile recurrent networks without --convert (library option convert)" },
    );
  }
  const relus = [...roles].filter(([, r]) => r === "relu").map(([id]) => id);
  const inputShapes = new Map(
    [...g.nodes].flatMap(([id, n]) => (n.kind === "Input" ? [[id, n.shape] as const] : [])),
  );
  const samples = calibrationSamples(o.calibration, inputShapes);
  const count = [...samples.values()][0]?.count ?? 0;
  const layers = calibrateRelus(g, relus, samples, o.percentile);
  const lambda = new Map(layers.map((l) => [l.node, l.lambda]));

  // a discrete-time SNN: one ANN evaluation per step; r = 1/dt makes every integrator add its input once a step
  const dt = ctx.options.dt ?? g.dt ?? 1;
  const out = cloneGraph(g);
  if (out.dt === undefined) out.dt = dt;
  const accs = insertAccumulators(out, dt);
  const allRoles = new Map(roles);
  for (const a of accs) allRoles.set(a, "accumulator");
  const order = scheduleGraph(out).nodes.map((n) => n.id);
  const norm = normalizeUnits(out, order, allRoles, lambda);
  for (const id of relus) out.nodes.set(id, rateNeuron(dt));

  const maxPools: Record<string, string[]> = Object.create(null); // keyed by node ids, which may be "__proto__"
  // spikes to take a max of: converted ReLUs, and rate-coded inputs (their spikes are rates in unit 1 too)
  const converted = new Set([...relus, ...(o.inputCoding === "rate" ? inputShapes.keys() : [])]);
  for (const [id, node] of [...out.nodes]) {
    if (node.kind !== "MaxPool2d") continue;
    const input = poolInput(out, id, converted);
    if (o.maxPool === "or") {
      maxPools[id] = [];
      note(
        "warning",
        'max pooling is approximated by the OR of spikes in each window, whose rate exceeds the largest rate when neurons fire at different steps (convert.maxPool: "relu-tree" computes the max of rates)',
        id,
      );
      continue;
    }
    maxPools[id] = maxPoolTree(out, id, input, dt);
    note(
      "note",
      `max of rates as a tree of max(a, b) = a + relu(b − a): ${maxPools[id].length} IF difference populations (${maxPools[id].map((n) => `"${n}"`).join(", ")})`,
      id,
    );
  }

  for (const l of layers) {
    const feeds = norm.scaled.filter((s) => out.edges.some((e) => e.src === s.node && e.dst === l.node));
    note(
      l.positives === 0 ? "warning" : "note",
      l.positives === 0
        ? "ReLU → IF: never active on the calibration data, λ = 1"
        : `ReLU → IF (v_th 1, reset subtract): λ = ${g4(l.lambda)}, the ${o.percentile}th percentile of ${l.positives} positive activations (max ${g4(l.max)})` +
            (feeds.length
              ? `; ${feeds.map((s) => `"${s.node}" W ×${g4(s.weight)}, b ×${g4(s.bias)}`).join(", ")}`
              : ""),
      l.node,
    );
  }
  if (relus.length === 0) note("warning", "the network has no ReLU: only its outputs became accumulators");
  if (norm.inserted.length > 0) {
    note("note", `units matched by inserted Scale nodes: ${norm.inserted.map((s) => `"${s}"`).join(", ")}`);
  }
  const accumulators: Record<string, string> = Object.create(null); // keyed by node ids, which may be "__proto__"
  for (const a of accs) {
    const outId = out.edges.find((e) => e.src === a)!.dst;
    accumulators[outId] = a;
    note(
      "note",
      `reads the accumulator "${a}" (I, no leak): after T steps its value ≈ T × the ANN's output${o.timesteps ? ` (advised T = ${o.timesteps}; rates resolve 1/T)` : ""}`,
      outId,
    );
  }
  if (o.inputCoding === "rate") checkRateInputs(samples, ctx.options.inputEvent, note);

  const record: ConversionRecord = {
    method: "rate coding: ReLU → IF (reset by subtraction), data-based normalisation (Rueckauer et al. 2017)",
    percentile: o.percentile,
    inputCoding: o.inputCoding,
    maxPool: o.maxPool,
    samples: count,
    ...(o.timesteps === undefined ? {} : { timesteps: o.timesteps }),
    layers,
    scaled: norm.scaled,
    inserted: norm.inserted,
    accumulators,
    maxPools,
  };
  out.metadata = { ...g.metadata, [CONVERSION_KEY]: record };
  return out;
}

/** Rate coding reads inputs as spike probabilities: values outside [0, 1] are clipped, so say so. */
function checkRateInputs(
  samples: ReturnType<typeof calibrationSamples>,
  inputEvent: "spike" | "graded" | undefined,
  note: (level: "note" | "warning", message: string, where?: string) => void,
): void {
  for (const [id, x] of samples) {
    let outside = 0;
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i]!;
      if (v < 0 || v > 1) outside++;
    }
    if (outside > 0) {
      note(
        "warning",
        `inputCoding "rate": ${outside} of ${x.data.length} calibration values lie outside [0, 1] and will be clipped by the rate code`,
        id,
      );
    }
  }
  if (inputEvent !== "spike") {
    note(
      "warning",
      'inputCoding "rate": compile with inputEvent "spike" and feed rateEncode(x, T) spike trains',
    );
  }
}
