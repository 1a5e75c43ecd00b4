// Options of the ANN→SNN conversion pass (convertAnnToSnn, `options.convert`): their type, defaults and checks,
// and the calibration tensors split into one float sample per ANN input.

import { SpikegridError } from "../../../common/errors.js";

/** A float tensor: row-major `data` of `shape`. */
export interface ConvertSample {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** ANN inputs shaped [N, ...inputShape]: one tensor for a single-input network, else one per Input id. */
export type ConvertCalibration = ConvertSample | Map<string, ConvertSample> | Record<string, ConvertSample>;

export interface ConvertOptions {
  /** Calibration inputs of the float ANN, [N, ...inputShape] (or just inputShape for one sample). */
  calibration: ConvertCalibration;
  /** Percentile of each ReLU's positive activations taken as its scale λ (default 99.9; 100 = the max). */
  percentile?: number;
  /** Steps the SNN is meant to run. Advice only: recorded in the graph metadata and the notes. */
  timesteps?: number;
  /**
   * "current" (default): the analog input is fed unchanged every step, as a constant current into the first
   * layer. "rate": the caller feeds spikes whose rate is the input value in [0, 1] (`rateEncode`), compiled with
   * `inputEvent: "spike"`. Both keep the input's unit at 1, so the first layer's scaling is the same.
   */
  inputCoding?: "current" | "rate";
  /**
   * MaxPool2d on spikes: "relu-tree" (default) builds max(a, b) = a + relu(b − a) from IF neurons, whose rates
   * give the max of the window's rates; "or" leaves the node to the lowering's OR of spikes, which over-counts.
   */
  maxPool?: "relu-tree" | "or";
}

export interface ResolvedConvertOptions {
  calibration: ConvertCalibration;
  percentile: number;
  timesteps?: number;
  inputCoding: "current" | "rate";
  maxPool: "relu-tree" | "or";
}

/** One input's calibration samples: `count` samples of `per` values each, row-major. */
export interface InputSamples {
  count: number;
  per: number;
  data: ArrayLike<number>;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (allowed.includes(v as T)) return v as T;
  throw new SpikegridError(
    "USAGE",
    `convert.${name} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${JSON.stringify(v)}`,
  );
}

/** Defaults applied and every value checked (SpikegridError USAGE naming the bad one). */
export function resolveConvertOptions(o: ConvertOptions): ResolvedConvertOptions {
  if (typeof o !== "object" || o === null || o.calibration === undefined) {
    throw new SpikegridError("USAGE", "--convert (library option convert) needs calibration inputs", {
      hint: "pass convert: { calibration: { shape: [N, ...inputShape], data } } (CLI: --convert --calibrate in.npy)",
    });
  }
  const p = o.percentile ?? 99.9;
  if (typeof p !== "number" || !(p > 0 && p <= 100)) {
    throw new SpikegridError("USAGE", `convert.percentile must be in (0, 100], got ${String(p)}`, {
      hint: "99.9 (Rueckauer et al. 2017) ignores rare outliers; 100 is the maximum (Diehl et al. 2015)",
    });
  }
  const t = o.timesteps;
  if (t !== undefined && !(Number.isInteger(t) && t > 0)) {
    throw new SpikegridError("USAGE", `convert.timesteps must be a positive integer, got ${String(t)}`);
  }
  const r: ResolvedConvertOptions = {
    calibration: o.calibration,
    percentile: p,
    inputCoding: oneOf("inputCoding", o.inputCoding, ["current", "rate"] as const, "current"),
    maxPool: oneOf("maxPool", o.maxPool, ["relu-tree", "or"] as const, "relu-tree"),
  };
  if (t !== undefined) r.timesteps = t;
  return r;
}

const isTensor = (c: ConvertCalibration): c is ConvertSample =>
  !(c instanceof Map) && Array.isArray((c as ConvertSample).shape) && "data" in c;

const fmt = (s: readonly number[]) => `[${s.join(",")}]`;

/**
 * The calibration tensors by Input id, each checked against the input's shape: [N, ...shape] or shape (N = 1).
 * Every Input needs samples and all inputs the same N.
 */
export function calibrationSamples(
  c: ConvertCalibration,
  inputShapes: ReadonlyMap<string, readonly number[]>,
): Map<string, InputSamples> {
  const ids = [...inputShapes.keys()];
  let given: Map<string, ConvertSample>;
  if (isTensor(c)) {
    if (ids.length !== 1) {
      throw new SpikegridError(
        "USAGE",
        `convert.calibration is one tensor but the network has ${ids.length} inputs`,
        { hint: `give one tensor per input id: ${ids.map((i) => `"${i}"`).join(", ")}` },
      );
    }
    given = new Map([[ids[0]!, c]]);
  } else {
    given = c instanceof Map ? c : new Map(Object.entries(c));
  }
  const out = new Map<string, InputSamples>();
  for (const id of ids) {
    const x = given.get(id);
    const shape = inputShapes.get(id)!;
    if (!x) throw new SpikegridError("USAGE", `convert.calibration has no samples for input "${id}"`);
    const per = shape.reduce((a, b) => a * b, 1);
    const plain = x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]);
    const batched = x.shape.length === shape.length + 1 && x.shape.slice(1).every((d, i) => d === shape[i]);
    if (!(plain || batched) || x.data.length !== (plain ? per : x.shape[0]! * per) || x.data.length === 0) {
      throw new SpikegridError(
        "USAGE",
        `convert.calibration for input "${id}": expected [N, ${shape.join(", ")}], got ${fmt(x.shape)} with ${x.data.length} values`,
        { hint: "calibration samples are ANN inputs, one per row, without a time axis" },
      );
    }
    out.set(id, { count: plain ? 1 : x.shape[0]!, per, data: x.data });
  }
  for (const id of given.keys()) {
    if (!inputShapes.has(id))
      throw new SpikegridError("USAGE", `convert.calibration: "${id}" is not an input`);
  }
  const counts = new Set([...out.values()].map((s) => s.count));
  if (counts.size > 1) {
    throw new SpikegridError(
      "USAGE",
      `convert.calibration: inputs have different sample counts (${[...counts]})`,
    );
  }
  return out;
}
