// Test helper: one timestep of the float reference (simulator/float) on a stateless imported graph, so the
// ONNX tests check imported graphs with the same executor users run.

import { createFloatRunner } from "../../../simulator/float/index.js";
import type { NetGraph } from "../../graph/graph.js";

export interface Evaluated {
  shape: number[];
  data: Float64Array;
}

/** Runs one sample through the graph; returns each Output node's values with its shape. */
export function evaluate(g: NetGraph, inputs: Record<string, Float64Array>): Record<string, Evaluated> {
  const runner = createFloatRunner(g, { dt: 1 });
  const outs = runner.step(inputs);
  const result: Record<string, Evaluated> = {};
  for (const [id, data] of outs)
    result[id] = { shape: [...(runner.outputShapes.get(id) ?? [data.length])], data };
  return result;
}
