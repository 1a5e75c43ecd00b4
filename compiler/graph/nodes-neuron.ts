// Stateful neuron nodes of the float NetGraph (NIR's I, IF, LI, LIF, CubaLI, CubaLIF, Threshold).
// Continuous-time parameters in SI units; the float reference integrates them by forward Euler with step dt.

import type { NdArray } from "./ndarray.js";

/** How a spiking neuron resets after a spike. NIR files express only `value` (v ← v_reset). */
export type ResetMode = "value" | "subtract" | "none";
/** Spike condition: NIR and snnTorch use `v > θ` (gt); spikingjelly uses `v ≥ θ` (ge). */
export type FireMode = "gt" | "ge";

/** Options shared by the spiking neurons beyond NIR's fields (defaults: reset to value, fire on >). */
export interface SpikeOptions {
  resetMode: ResetMode;
  fire: FireMode;
  /**
   * Lower clamp of v (sinabs `min_v_mem`), applied at the end of each step after the spike test and reset, as
   * sinabs' lif_forward_single does; absent = unbounded. Same result as clamping before the test when
   * vMin ≤ min(0, v_reset, θ).
   */
  vMin?: NdArray;
}

/** Perfect integrator, graded output: v ← v + dt·R·I; y = v. */
export interface INode {
  kind: "I";
  r: NdArray;
}

/** Integrate-and-fire: v ← v + dt·R·I; z = v > θ (or ≥); on z: reset per `resetMode`. Output z ∈ {0,1}. */
export interface IFNode extends SpikeOptions {
  kind: "IF";
  r: NdArray;
  vThreshold: NdArray;
  vReset: NdArray;
}

/** Leaky integrator, graded output: v ← v + dt/τ·(v_leak − v + R·I); y = v. */
export interface LINode {
  kind: "LI";
  tau: NdArray;
  r: NdArray;
  vLeak: NdArray;
}

/**
 * Leaky integrate-and-fire: v ← v + dt/τ·(v_leak − v + R·I); z = v > θ (or ≥); on z reset.
 * With dt = 1, τ = 2, R = 1, v_leak = 0, fire = ge this is spikingjelly's LIFNode(tau=2, decay_input=True).
 */
export interface LIFNode extends SpikeOptions {
  kind: "LIF";
  tau: NdArray;
  r: NdArray;
  vLeak: NdArray;
  vThreshold: NdArray;
  vReset: NdArray;
}

/** Current-based leaky integrator: I ← I + dt/τ_syn·(−I + w_in·S); v ← v + dt/τ_mem·(v_leak − v + R·I) (new I). */
export interface CubaLINode {
  kind: "CubaLI";
  tauSyn: NdArray;
  tauMem: NdArray;
  r: NdArray;
  vLeak: NdArray;
  wIn: NdArray;
}

/** CubaLI plus z = v > θ (or ≥) and reset on z. */
export interface CubaLIFNode extends SpikeOptions {
  kind: "CubaLIF";
  tauSyn: NdArray;
  tauMem: NdArray;
  r: NdArray;
  vLeak: NdArray;
  vThreshold: NdArray;
  vReset: NdArray;
  wIn: NdArray;
}

/** Stateless spike encoder: z = x > θ (NIR Threshold, Heaviside). */
export interface ThresholdNode {
  kind: "Threshold";
  threshold: NdArray;
  fire: FireMode;
}

export type NeuronNode = INode | IFNode | LINode | LIFNode | CubaLINode | CubaLIFNode | ThresholdNode;

const spikeDefaults: SpikeOptions = { resetMode: "value", fire: "gt" };

export function createI(p: Omit<INode, "kind">): INode {
  return { kind: "I", ...p };
}
export function createIF(p: Omit<IFNode, "kind" | keyof SpikeOptions> & Partial<SpikeOptions>): IFNode {
  return { kind: "IF", ...spikeDefaults, ...p };
}
export function createLI(p: Omit<LINode, "kind">): LINode {
  return { kind: "LI", ...p };
}
export function createLIF(p: Omit<LIFNode, "kind" | keyof SpikeOptions> & Partial<SpikeOptions>): LIFNode {
  return { kind: "LIF", ...spikeDefaults, ...p };
}
export function createCubaLI(p: Omit<CubaLINode, "kind">): CubaLINode {
  return { kind: "CubaLI", ...p };
}
export function createCubaLIF(
  p: Omit<CubaLIFNode, "kind" | keyof SpikeOptions> & Partial<SpikeOptions>,
): CubaLIFNode {
  return { kind: "CubaLIF", ...spikeDefaults, ...p };
}
export function createThreshold(p: { threshold: NdArray; fire?: FireMode }): ThresholdNode {
  return { kind: "Threshold", fire: p.fire ?? "gt", threshold: p.threshold };
}

/** The parameter arrays of a neuron node, by field name (all must broadcast to the neuron shape). */
export function neuronParams(n: NeuronNode): Record<string, NdArray> {
  const { kind: _k, ...rest } = n;
  const out: Record<string, NdArray> = {};
  for (const [k, v] of Object.entries(rest))
    if (typeof v === "object" && v && "data" in v) out[k] = v as NdArray;
  return out;
}
