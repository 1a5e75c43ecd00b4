// Traffic profiling: run the reference interpreter on sample inputs, recording every population and
// dynamic matmul, and count the events each neuron sent; mapNetwork weighs traffic with these counts.

import { runReference } from "../../simulator/reference/index.js";
import type { NmirModule } from "../nmir/index.js";
import type { SpikeCounts } from "./traffic.js";

/** Events per neuron over the run; `inputs` are integer inputs [T, ...shape] by input id. */
export function profileTraffic(
  ir: NmirModule,
  inputs: Record<string, { shape: number[]; data: Float64Array }>,
  timesteps?: number,
): SpikeCounts {
  const ids = [...ir.populations.map((p) => p.id), ...ir.dynamicMatmuls.map((m) => m.id)];
  const run = runReference(ir, inputs, { record: ids, ...(timesteps ? { timesteps } : {}) });
  const counts: SpikeCounts = {};
  for (const id of ids) {
    const size =
      ir.populations.find((p) => p.id === id)?.shape.reduce((a, b) => a * b, 1) ??
      ((m) => (m ? m.m * m.n : 0))(ir.dynamicMatmuls.find((d) => d.id === id));
    const c = new Float64Array(size);
    for (const step of run.records.get(id) ?? []) for (const i of step.index) c[i] = (c[i] ?? 0) + 1;
    counts[id] = c;
  }
  return counts;
}
