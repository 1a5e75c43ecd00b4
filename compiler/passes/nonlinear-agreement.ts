// lowerNonlinear's measurement on data: the float reference of the graph before and after the rewrite on the
// first calibration sample, compared at every approximated node's output (what the lowered module computes).

import { runFloat } from "../../simulator/float/index.js";
import type { NetGraph } from "../graph/index.js";
import type { SampleTensor } from "./quant-plan.js";

/** Steps of the first calibration sample the comparison runs (bounds the compile-time cost). */
export const AGREEMENT_STEPS = 256;

export interface NodeAgreement {
  id: string;
  steps: number;
  maxAbs: number;
  /** Root-mean-square error over the RMS of the exact output. */
  relRms: number;
  message: string;
}

/** The first sample of a calibration tensor, as [T, ...input shape], cut to AGREEMENT_STEPS steps. */
function firstSample(t: SampleTensor, inputShape: readonly number[]) {
  const batched = t.shape.length === inputShape.length + 2;
  const shape = batched ? t.shape.slice(1) : [...t.shape];
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const steps = Math.min(shape[0]!, AGREEMENT_STEPS);
  const data = Float64Array.from({ length: steps * per }, (_, i) => t.data[i]!);
  return { shape: [steps, ...shape.slice(1)], data };
}

export function measureOnCalibration(
  before: NetGraph,
  after: NetGraph,
  ids: string[],
  calibration: Map<string, SampleTensor> | Record<string, SampleTensor>,
  dt: number | undefined,
): NodeAgreement[] {
  const get = (id: string) => (calibration instanceof Map ? calibration.get(id) : calibration[id]);
  const inputs: Record<string, { shape: number[]; data: Float64Array }> = {};
  for (const [id, n] of before.nodes) {
    if (n.kind !== "Input") continue;
    const t = get(id);
    if (!t) return [];
    inputs[id] = firstSample(t, n.shape);
  }
  // a bidirectional SSM has meaning only over the whole clip
  const whole = [...before.nodes.values()].some((n) => n.kind === "DiagonalSsm" && n.bidirectional);
  const opts = {
    record: ids,
    sequence: whole ? ("whole" as const) : ("stream" as const),
    ...(dt ? { dt } : {}),
  };
  const a = runFloat(before, inputs, opts);
  const b = runFloat(after, inputs, opts);
  const steps = Object.values(inputs)[0]?.shape[0] ?? 0;
  return ids.map((id) => {
    const xs = a.records.get(id)!;
    const ys = b.records.get(id)!;
    let maxAbs = 0;
    let se = 0;
    let ss = 0;
    for (let t = 0; t < xs.length; t++) {
      for (let i = 0; i < xs[t]!.length; i++) {
        const e = ys[t]![i]! - xs[t]![i]!;
        maxAbs = Math.max(maxAbs, Math.abs(e));
        se += e * e;
        ss += xs[t]![i]! ** 2;
      }
    }
    const relRms = ss > 0 ? Math.sqrt(se / ss) : Math.sqrt(se);
    return {
      id,
      steps,
      maxAbs,
      relRms,
      message: `float vs lowered on the first calibration sample (${steps} steps${whole ? ", whole sequence" : ""}): max |error| ${maxAbs.toExponential(1)}, relative RMS error ${relRms.toExponential(1)}`,
    };
  });
}
