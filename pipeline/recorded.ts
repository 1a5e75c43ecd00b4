// The inputs a network file records itself (a SANA-FE file's input spike trains and bias inputs): the samples a
// run uses when given neither --input nor a dataset. Steps: the given ones, else the longest recorded train.

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { type SanafeInput, sanafeInputs } from "../compiler/importers/sanafe/index.js";
import type { FurtherInput } from "./data.js";

export interface RecordedSamples {
  /** One per Input node of the graph, in the graph's order: one sample [1, T, n] each. */
  inputs: FurtherInput[];
  steps: number;
  /** Every input is a spike train (no bias constants): they compile as spike events. */
  spikesOnly: boolean;
}

/** The graph's recorded inputs for `recordedSteps` steps; undefined when the graph records none. */
export function recordedSamples(
  graph: NetGraph,
  g: { model: string; recordedSteps?: number },
): RecordedSamples | undefined {
  const meta = graph.metadata.sanafe as { inputs?: Record<string, SanafeInput> } | undefined;
  const recorded = meta?.inputs ?? {};
  const ids = [...graph.nodes].filter(([, n]) => n.kind === "Input").map(([id]) => id);
  if (!ids.length || ids.some((id) => recorded[id] === undefined)) return undefined;
  const lengths = ids.map((id) => recorded[id]!).flatMap((r) => (r.kind === "spikes" ? [r.length] : []));
  const steps = g.recordedSteps ?? (lengths.length ? Math.max(...lengths) : 0);
  if (steps < 1)
    throw new SpikegridError(
      "USAGE",
      `${g.model}: its recorded inputs (${ids.join(", ")}) give no number of steps (${lengths.length ? "every spike train is empty" : "bias inputs only"})`,
      { hint: "give --timesteps T" },
    );
  const arrays = sanafeInputs(graph, steps);
  const inputs = ids.map((id) => {
    const a = arrays.get(id)!;
    return {
      id,
      shape: a.shape.slice(1),
      samples: { shape: [1, ...a.shape], data: Float32Array.from(a.data) },
    };
  });
  return { inputs, steps, spikesOnly: ids.every((id) => recorded[id]!.kind === "spikes") };
}
