// Producer conventions for NIR files whose parameters only reproduce the producer's own results under the
// producer's discretisation. `rockpool`: Rockpool simulates LIF as v ← e^{−dt/τ}·v + W·x with subtractive reset
// and exports r = e^{−dt/τ}·τ/dt, which under NIR's forward Euler changes both the decay and the input gain.

import { SpikegridError } from "../../../common/errors.js";
import type { NetGraph } from "../../graph/graph.js";
import type { NdArray } from "../../graph/ndarray.js";

export type NirConvention = "nir" | "rockpool";

function mapArray(a: NdArray, f: (v: number, i: number) => number): NdArray {
  return { shape: [...a.shape], data: Float64Array.from(a.data, f) };
}

/**
 * Rewrites every LIF so that NIR forward Euler at step `dt` equals Rockpool's update: with β = e^{−dt/τ},
 * τ' = dt/(1 − β) gives the decay 1 − dt/τ' = β, and R' = τ'/dt gives the input gain dt/τ'·R' = 1; reset subtracts.
 * Returns notes naming the rewritten nodes (and any whose r does not look like a Rockpool export).
 */
export function applyRockpoolConvention(g: NetGraph, dt: number): string[] {
  if (!(dt > 0)) {
    throw new SpikegridError(
      "USAGE",
      "the rockpool convention needs the simulation step: pass --dt (e.g. 1e-4)",
    );
  }
  const notes: string[] = [];
  for (const [id, node] of g.nodes) {
    if (node.kind === "Subgraph") {
      notes.push(...applyRockpoolConvention(node.graph, dt).map((n) => `${id}.${n}`));
      continue;
    }
    if (node.kind !== "LIF") continue;
    const beta = (i: number) =>
      Math.exp(-dt / (node.tau.data.length === 1 ? node.tau.data[0]! : node.tau.data[i]!));
    const r = node.r;
    const looksExported = r.data.every((rv, i) => {
      const tau = node.tau.data.length === 1 ? node.tau.data[0]! : node.tau.data[i]!;
      return Math.abs(rv - (beta(i) * tau) / dt) <= 1e-4 * Math.abs(rv);
    });
    node.tau = mapArray(node.tau, (_t, i) => dt / (1 - beta(i)));
    node.r = mapArray(node.tau, (t) => t / dt);
    node.resetMode = "subtract";
    notes.push(
      `node "${id}" (LIF) read with Rockpool's discretisation (decay e^{-dt/tau}, input gain 1, subtractive reset)` +
        (looksExported
          ? ""
          : `; note: its r does not equal e^{-dt/tau}·tau/dt, so it may not come from Rockpool`),
    );
  }
  return notes;
}
