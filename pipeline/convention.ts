// The counting convention of a chip run: spikegrid's default (NeuroBench's op counts, the profile's events) or
// SANA-FE's (simulator/chip/sanafe), which needs the SANA-FE network file itself: its connections, zero weights
// included, its mappings and the unit each neuron names.

import { readFileSync } from "node:fs";
import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import type { ChipProfile } from "../hw-profiles/index.js";
import { conventionNetFromSanafe } from "../simulator/chip/sanafe/from-file.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";

export const CONVENTIONS = ["neurobench", "sanafe"] as const;
export type Convention = (typeof CONVENTIONS)[number];

/** The sanafe convention's network for `model` (a SANA-FE network file) on `profile`. */
export function sanafeNetOf(model: string, graph: NetGraph | undefined, profile: ChipProfile): ConventionNet {
  if (graph?.metadata.format !== "sanafe")
    throw new SpikegridError(
      "USAGE",
      `--convention sanafe counts by a SANA-FE network file's own connections and mappings; ${model} is not one`,
      { hint: "give a SANA-FE SNN YAML (network: … mappings: …), or leave out --convention" },
    );
  return conventionNetFromSanafe(readFileSync(model, "utf8"), model, profile);
}
