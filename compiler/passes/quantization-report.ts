// The quantization report of a quantized module: per projection SQNR, clipping, bits used and exponents; per
// population its LSB, clipped parameters and (given a run) saturation. Built from the plan and statistics the
// passes stored in the module's metadata, so it works on a .nmir file alone. Float/int agreement:
// quantization-agreement.ts.

import { SpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../nmir/index.js";
import { readPlan } from "./quant-plan.js";
import { readParamStats, readWeightStats, type WeightStats } from "./quant-stats.js";

export interface ProjectionQuantReport extends WeightStats {
  id: string;
  src: string;
  dst: string;
  port: string;
  /** Stored weights (conv kernels once). */
  weights: number;
  weightBits: number;
  scale:
    | { kind: "perProjection"; exp: number }
    | { kind: "perChannel"; min: number; max: number; exps: number[] };
}

export interface PopulationQuantReport {
  id: string;
  kind: string;
  /** Exponent k of λ = 2^k (lowered units per integer unit) of each input port; "in" is also v's LSB. */
  lsbExp: Record<string, number>;
  /** Payload LSB exponent of graded populations. */
  payloadExp?: number;
  /** The real range the LSB was chosen to cover. */
  range: number;
  /** Parameter values (threshold, bias, reset, vMin, …) that did not fit their width and were clipped. */
  paramsClipped: number;
  /** Saturation events of the population in a run, when one was given. */
  saturations?: number;
  saturated?: boolean;
}

export interface QuantizationReport {
  weightBits: number;
  stateBits: number;
  payloadBits: number;
  granularity: "perProjection" | "perChannel";
  decay: string;
  inputs: { id: string; scaleExp: number; range: number }[];
  projections: ProjectionQuantReport[];
  populations: PopulationQuantReport[];
  totals: { weights: number; clipped: number; zeroed: number; worstSqnrDb: number };
}

/** Per-population saturation events of a run, by population id. */
export type Saturations = Map<string, number> | Record<string, number>;

/**
 * The report of a module quantized by planScales → quantizeNeurons → quantizeWeights. `saturations`
 * (e.g. from the reference interpreter's per-population counts) fills `saturations` / `saturated`.
 */
export function quantizationReport(ir: NmirModule, saturations?: Saturations): QuantizationReport {
  if (ir.stage !== "quantized") {
    throw new SpikegridError(
      "USAGE",
      `module "${ir.name}" is at stage "${ir.stage}"; nothing was quantized yet`,
    );
  }
  const plan = readPlan(ir);
  const wstats = readWeightStats(ir);
  const pstats = readParamStats(ir);
  const sat = saturations instanceof Map ? saturations : new Map(Object.entries(saturations ?? {}));
  const projections: ProjectionQuantReport[] = ir.projections.map((p) => {
    const s = wstats[p.id] ?? { sqnrDb: Number.NaN, clipped: 0, zeroed: 0, effectiveBits: 0, maxAbs: 0 };
    let scale: ProjectionQuantReport["scale"];
    if (p.scale.kind === "perProjection") scale = { kind: "perProjection", exp: p.scale.exp };
    else {
      const exps = Array.from(p.scale.exps);
      scale = { kind: "perChannel", min: Math.min(...exps), max: Math.max(...exps), exps };
    }
    const { id, src, dst, port, weightBits } = p;
    return { id, src, dst, port, weights: p.connectivity.weights.length, weightBits, ...s, scale };
  });
  const populations = ir.populations.map((p) => {
    const r: PopulationQuantReport = {
      id: p.id,
      kind: p.model.kind,
      lsbExp: plan.lsb[p.id] ?? {},
      range: plan.range[p.id] ?? 0,
      paramsClipped: pstats[p.id] ?? 0,
    };
    if (plan.out[p.id] !== undefined) r.payloadExp = plan.out[p.id]!;
    const n = sat.get(p.id);
    if (n !== undefined) Object.assign(r, { saturations: n, saturated: n > 0 });
    return r;
  });
  const inputs = ir.inputs
    .filter((x) => plan.out[x.id] !== undefined)
    .map((x) => ({ id: x.id, scaleExp: plan.out[x.id]!, range: plan.range[x.id] ?? 0 }));
  return {
    weightBits: plan.weightBits,
    stateBits: plan.stateBits,
    payloadBits: plan.payloadBits,
    granularity: plan.granularity,
    decay: plan.decay,
    inputs,
    projections,
    populations,
    totals: {
      weights: projections.reduce((a, p) => a + p.weights, 0),
      clipped: projections.reduce((a, p) => a + p.clipped, 0),
      zeroed: projections.reduce((a, p) => a + p.zeroed, 0),
      worstSqnrDb: projections.reduce((a, p) => Math.min(a, p.sqnrDb), Number.POSITIVE_INFINITY),
    },
  };
}

export {
  type Agreement,
  type AgreementOptions,
  agreement,
  type FloatRunLike,
  type IntRunLike,
  type OutputAgreement,
  type SpikeAgreement,
} from "./quantization-agreement.js";
