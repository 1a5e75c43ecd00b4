// Where the direct run (direct-run.ts) may stand in for the compiled chip under the sanafe convention: the networks
// whose default compile is integer-exact with room to spare and whose file mapping the profile checks by neuron
// counts alone — there both fire SANA-FE's spikes (direct-run.test.ts compares them on random networks). Anything
// else returns the reason, and `simulate` runs the compiled chip (with its own errors and warnings).

import type { ParsedSanafe } from "../../../compiler/importers/sanafe/parsed.js";
import { mappingsOf, somasOf } from "../../../compiler/importers/sanafe/parsed.js";
import type { LifSoma, Soma } from "../../../compiler/importers/sanafe/soma.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
import { type DirectSomas, RESET_HARD, RESET_NONE, RESET_SOFT } from "./direct-run.js";

/** Largest |value| the direct run takes (weights, biases, thresholds, resets), in units of 1/64. */
const MAX_VALUE_64THS = 2 ** 26;

/** A decay the exact compile reproduces: 1, or k/4096, or a decimal a hair below it (its `leakBelow`). */
function exactDecay(d: number): boolean {
  if (d === 1) return true;
  const k = Math.round(d * 4096);
  if (k < 1 || k > 4095) return false;
  const gap = k / 4096 - d;
  return gap >= 0 && gap < 1e-9;
}

/** Whether x is a multiple of 1/64 within the direct run's range. */
const on64thGrid = (x: number) => Number.isInteger(x * 64) && Math.abs(x * 64) <= MAX_VALUE_64THS;

/** Signed bits of an edge's weight mantissas at their grain (the coarsest power of two all are multiples of). */
function mantissaBits(ws: Float64Array): number {
  let max = 0;
  let grain = 2 ** 30;
  // indexed loops here and below: these run once, cold, over every weight and neuron, where a for…of allocates
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (w === 0) continue;
    max = Math.max(max, Math.abs(w));
    while (grain > 2 ** -6 && w / grain !== Math.trunc(w / grain)) grain /= 2;
  }
  return max === 0 ? 2 : Math.ceil(Math.log2(max / grain + 1)) + 1;
}

export interface DirectPlan {
  somas: DirectSomas;
  /** |v| beyond which the compiled state might saturate: the run then leaves the network to the compiled chip. */
  limit: number;
}

/**
 * The somas of a direct run of `parsed` on `profile`, or why it cannot run directly. `fanInAbs[k]`: Σ|w| into
 * neuron k (from the convention's connection table).
 */
export function directPlan(
  parsed: ParsedSanafe,
  profile: ChipProfile,
  fanInAbs: Float64Array,
): DirectPlan | string {
  const core = profile.core;
  if (profile.system) return "a multi-chip system profile";
  if (
    core.synapseMemoryBits !== undefined ||
    core.inputAxons !== undefined ||
    core.outputRoutes !== undefined
  )
    return `${profile.name} limits synapse memory, input axons or output routes (checked on the compiled mapping)`;
  if (profile.coreOverrides.length) return `${profile.name} has per-core limits`;
  const warnings: string[] = [];
  const somas = somasOf(parsed, warnings);
  if (warnings.length) return "the file has warnings";
  const { net } = parsed;
  // the compiled state: widths the exact compile takes when the profile states none
  const weightBits = Math.min(core.weightBits ?? 16, 16);
  const stateBits = Math.min(core.stateBits ?? 32, 32);
  for (const e of net.edges) {
    if (e.ignored.length) return "an edge has attributes the importer ignores";
    if (e.delays?.some((d) => d !== 0)) return "an edge has dendrite delays";
    if (somas.get(e.dst)!.kind === "input") return "an edge targets an input group";
    const ws = e.weights;
    for (let i = 0; i < ws.length; i++) if (!on64thGrid(ws[i]!)) return "a weight is not a multiple of 1/64";
    if (mantissaBits(e.weights) > weightBits) return `weights need more than ${weightBits} bits`;
  }
  const n = [...net.groups.values()].reduce((a, g) => a + g.size, 0);
  const s: DirectSomas = {
    isInput: new Uint8Array(n),
    threshold: new Float64Array(n),
    reverseThreshold: new Float64Array(n),
    reset: new Float64Array(n),
    bias: new Float64Array(n),
    leakDecay: new Float64Array(n),
    inputDecay: new Float64Array(n),
    resetMode: new Uint8Array(n),
    reverseSaturate: new Uint8Array(n),
    trainStart: new Int32Array(n + 1),
    trainSteps: new Int32Array(0),
  };
  const steps: number[] = [];
  // potentials stay within the state at its finest LSB (1/64) with a factor 2 to spare
  const limit = 2 ** (stateBits - 2 - 6);
  let k = 0;
  for (const g of net.groups.values()) {
    const soma: Soma = somas.get(g.name)!;
    if (soma.kind === "input") {
      for (const train of soma.trains) {
        s.isInput[k] = 1;
        steps.push(...train);
        s.trainStart[++k] = steps.length;
      }
      continue;
    }
    const why = lifRefusal(soma) ?? biasRefusal(parsed, g.name, soma);
    if (why) return `group "${g.name}": ${why}`;
    for (let i = 0; i < g.size; i++, k++) {
      s.trainStart[k + 1] = steps.length;
      s.threshold[k] = soma.threshold[i]!;
      s.reverseThreshold[k] = soma.reverseThreshold[i]!;
      s.reset[k] = soma.reset[i]!;
      s.bias[k] = soma.bias[i]!;
      s.leakDecay[k] = soma.leakDecay[i]!;
      s.resetMode[k] =
        soma.resetMode === "hard" ? RESET_HARD : soma.resetMode === "soft" ? RESET_SOFT : RESET_NONE;
      s.reverseSaturate[k] = soma.reverseResetMode === "saturate" ? 1 : 0;
      // one step's bound of the exact compile: max(|threshold|, |reset|, |floor|) + Σ|w| + |bias|
      const bound =
        Math.max(Math.abs(s.threshold[k]!), Math.abs(s.reset[k]!), Math.abs(s.reverseThreshold[k]!)) +
        fanInAbs[k]! +
        Math.abs(s.bias[k]!);
      if (bound >= limit) return `group "${g.name}": one step's potential bound needs more state bits`;
    }
  }
  s.trainSteps = Int32Array.from(steps);
  const placement = mappingsOf(parsed);
  if (!placement) return "the file has no mappings:";
  // keyed by tile × 2^26 + core (one number per core while both are below 2^26), not by a text per neuron
  const perCore = new Map<number | string, number>();
  for (const [name, places] of placement) {
    if (somas.get(name)!.kind === "input") continue;
    for (let i = 0; i < places.length; i++) {
      const p = places[i]!;
      const key = p.tile < 2 ** 26 && p.core < 2 ** 26 ? p.tile * 2 ** 26 + p.core : `${p.tile}.${p.core}`;
      perCore.set(key, (perCore.get(key) ?? 0) + 1);
    }
  }
  if (core.neurons !== undefined)
    for (const count of perCore.values())
      if (count > core.neurons) return "a core holds more neurons than the profile allows";
  return { somas: s, limit };
}

/**
 * Why a fed group's biases have no exact place in the compiled graph, if they have none: the importer puts them in
 * the weights of a dense / sparse / neuron edge into the group, or of a conv2d edge when uniform per output
 * channel, on an edge outside any cycle (to-graph.ts placeBiases); anything else is carried inexactly or refused.
 */
function biasRefusal(parsed: ParsedSanafe, group: string, soma: LifSoma): string | undefined {
  const edges = parsed.net.edges.filter((e) => e.dst === group);
  if (!edges.length || soma.bias.every((b) => b === 0)) return undefined;
  const downstream = new Set([group]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of parsed.net.edges)
      if (downstream.has(e.src) && !downstream.has(e.dst)) {
        downstream.add(e.dst);
        grew = true;
      }
  }
  const acyclic = edges.filter((e) => !downstream.has(e.src));
  if (acyclic.some((e) => e.kind !== "conv2d")) return undefined;
  const conv = acyclic.find((e) => e.kind === "conv2d");
  if (conv && uniformPerChannel(soma.bias, conv.conv!.kernelCount)) return undefined;
  return "biases the compiled graph cannot hold exactly (no acyclic dense/sparse edge, not uniform per channel)";
}

function uniformPerChannel(bias: Float64Array, channels: number): boolean {
  const per = bias.length / channels;
  for (let c = 0; c < channels; c++)
    for (let i = 1; i < per; i++) if (bias[c * per + i] !== bias[c * per]) return false;
  return true;
}

/** Why a LIF group is outside the direct run, if it is. */
function lifRefusal(soma: LifSoma): string | undefined {
  const leaks = soma.leakDecay.some((d) => d !== 1);
  if (leaks && soma.leakDecay.some((d) => d === 1)) return "mixes leak_decay 1 and < 1";
  if (soma.leakDecay.some((d) => !exactDecay(d))) return "a leak_decay is not k/4096";
  if (soma.inputDecay.some((d) => d !== 0)) return "input_decay ≠ 0";
  for (const xs of [soma.threshold, soma.reverseThreshold, soma.reset, soma.bias])
    for (let i = 0; i < xs.length; i++)
      if (!on64thGrid(xs[i]!)) return "a parameter is not a multiple of 1/64";
  return undefined;
}
