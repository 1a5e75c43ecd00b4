// SANA-FE soma attributes per group: which model a group is (`input` spike source or Loihi-style
// `leaky_integrate_fire`) and its per-neuron parameters, with what has no NetGraph form refused by name.

import type { Attr, Attrs, SanafeGroup } from "./network.js";
import { boolOf, numberOf, type YamlFile } from "./yaml-read.js";

/** Attributes SANA-FE's kernel consumes itself (logging and unit selection): no effect on the dynamics. */
export const RESERVED = new Set([
  "log_spikes",
  "log_potential",
  "log_v",
  "log_u",
  "soma_hw_name",
  "synapse_hw_name",
  "default_synapse_hw_name",
  "dendrite_hw_name",
  "force_update",
  "force_update_every_timestep",
]);
const LIF_KEYS = new Set([
  "threshold",
  "reverse_threshold",
  "reset",
  "reverse_reset",
  "reset_mode",
  "reverse_reset_mode",
  "bias",
  "leak_decay",
  "input_decay",
  "refractory_delay",
  "potential",
  "noise",
  "noise_bits",
]);
const INPUT_KEYS = new Set(["spikes", "poisson", "rate"]);
export type ResetKind = "none" | "soft" | "hard" | "saturate";
const RESETS: ResetKind[] = ["none", "soft", "hard", "saturate"];

export interface InputSoma {
  kind: "input";
  /** Per neuron, the steps (0-based) at which `spikes:` has a 1. */
  trains: number[][];
  /** Length of the longest train. */
  length: number;
}

export interface LifSoma {
  kind: "lif";
  threshold: Float64Array;
  reverseThreshold: Float64Array;
  reset: Float64Array;
  bias: Float64Array;
  leakDecay: Float64Array;
  inputDecay: Float64Array;
  resetMode: ResetKind;
  reverseResetMode: ResetKind;
}

export type Soma = InputSoma | LifSoma;

/** An input group: some neuron carries `spikes`, `poisson` or `rate` (the `input` model's attributes). */
export function isInputGroup(g: SanafeGroup): boolean {
  let previous: Attrs | undefined;
  for (const a of g.neurons) {
    // a range's neurons share one map: each map is looked at once in a row
    if (a === previous) continue;
    previous = a;
    for (const k of INPUT_KEYS) if (a.has(k)) return true;
  }
  return false;
}

function num(f: YamlFile, a: Attr | undefined, fallback: number, what: string): number {
  if (!a) return fallback;
  const v = numberOf(a.value);
  if (v === undefined) f.fail(a.path, `${what} must be a number, found ${JSON.stringify(a.value)}`);
  return v;
}

function readInput(f: YamlFile, g: SanafeGroup): InputSoma {
  const trains: number[][] = [];
  let length = 0;
  g.neurons.forEach((attrs) => {
    for (const k of ["poisson", "rate"]) {
      const a = attrs.get(k);
      if (a && numberOf(a.value) !== 0)
        f.fail(
          a.path,
          `input "${k}" spikes are not supported yet (SANA-FE draws them from its own generator)`,
          "give the train as spikes: [1, 0, ...]",
          "UNSUPPORTED",
        );
    }
    for (const key of attrs.keys())
      if (LIF_KEYS.has(key))
        f.fail(
          attrs.get(key)!.path,
          `"${key}" is a leaky_integrate_fire attribute, but group "${g.name}" is an input group (it has spikes:)`,
          "put spike sources and LIF neurons in separate groups",
        );
    const a = attrs.get("spikes");
    const steps: number[] = [];
    if (a) {
      const list = Array.isArray(a.value)
        ? a.value
        : f.fail(a.path, "spikes: must be a list of 0/1 (or true/false) per step");
      list.forEach((x, t) => {
        const b = boolOf(x);
        if (b === undefined)
          f.fail([...a.path, t], `spikes entries must be 0/1 or true/false, found ${JSON.stringify(x)}`);
        if (b) steps.push(t);
      });
      length = Math.max(length, list.length);
    }
    trains.push(steps);
  });
  return { kind: "input", trains, length };
}

function mode(f: YamlFile, g: SanafeGroup, key: string, fallback: ResetKind): ResetKind {
  let seen: ResetKind | undefined;
  let previous: Attrs | undefined;
  for (const attrs of g.neurons) {
    if (attrs === previous) continue; // a range's neurons share one map
    previous = attrs;
    const a = attrs.get(key);
    const m = a ? (typeof a.value === "string" ? a.value.trim() : "") : fallback;
    if (!RESETS.includes(m as ResetKind))
      f.fail(a!.path, `${key} must be one of ${RESETS.join(", ")}, found ${JSON.stringify(a!.value)}`);
    if (seen !== undefined && seen !== m)
      f.fail(
        a?.path ?? g.path,
        `group "${g.name}" mixes ${key} ${seen} and ${m}`,
        "the importer needs one reset mode per group: split the group",
        "UNSUPPORTED",
      );
    seen = m as ResetKind;
  }
  return seen ?? fallback;
}

function readLif(f: YamlFile, g: SanafeGroup, warnings: string[]): LifSoma {
  const n = g.size;
  const arr = () => new Float64Array(n);
  const s: LifSoma = {
    kind: "lif",
    threshold: arr(),
    reverseThreshold: arr(),
    reset: arr(),
    bias: arr(),
    leakDecay: arr(),
    inputDecay: arr(),
    resetMode: mode(f, g, "reset_mode", "hard"),
    reverseResetMode: mode(f, g, "reverse_reset_mode", "none"),
  };
  const unknown = new Set<string>();
  let previous: Attrs | undefined;
  g.neurons.forEach((attrs: Attrs, i) => {
    // neurons of one range share their attributes (network.ts): the values and checks of the one before hold
    if (attrs === previous) {
      s.threshold[i] = s.threshold[i - 1]!;
      s.reverseThreshold[i] = s.reverseThreshold[i - 1]!;
      s.reset[i] = s.reset[i - 1]!;
      s.bias[i] = s.bias[i - 1]!;
      s.leakDecay[i] = s.leakDecay[i - 1]!;
      s.inputDecay[i] = s.inputDecay[i - 1]!;
      return;
    }
    previous = attrs;
    s.threshold[i] = num(f, attrs.get("threshold"), 0, "threshold");
    s.reverseThreshold[i] = num(f, attrs.get("reverse_threshold"), 0, "reverse_threshold");
    s.reset[i] = num(f, attrs.get("reset"), 0, "reset");
    s.bias[i] = num(f, attrs.get("bias"), 0, "bias");
    s.leakDecay[i] = num(f, attrs.get("leak_decay"), 1, "leak_decay");
    s.inputDecay[i] = num(f, attrs.get("input_decay"), 0, "input_decay");
    for (const k of ["leak_decay", "input_decay"] as const) {
      const v = k === "leak_decay" ? s.leakDecay[i]! : s.inputDecay[i]!;
      if (v < 0 || v > 1)
        f.fail(
          attrs.get(k)!.path,
          `${k} ${v} is outside 0..1`,
          "a decay keeps a fraction 0..1 of the value each step",
        );
    }
    for (const k of ["refractory_delay", "potential"]) {
      const a = attrs.get(k);
      if (a && num(f, a, 0, k) !== 0)
        f.fail(
          a.path,
          `${k} ≠ 0 has no NetGraph form yet (group "${g.name}")`,
          `remove ${k}, or leave this network to SANA-FE`,
          "UNSUPPORTED",
        );
    }
    const noise = attrs.get("noise");
    if (noise)
      f.fail(
        noise.path,
        "noise streams are not supported (they read a file of random values)",
        "remove noise:",
        "UNSUPPORTED",
      );
    for (const key of attrs.keys()) if (!LIF_KEYS.has(key) && !RESERVED.has(key)) unknown.add(key);
  });
  if (s.reverseResetMode === "soft" || s.reverseResetMode === "hard")
    f.fail(
      g.path,
      `group "${g.name}": reverse_reset_mode ${s.reverseResetMode} has no NetGraph form`,
      "use reverse_reset_mode saturate (a floor on v) or none",
      "UNSUPPORTED",
    );
  if (unknown.size)
    warnings.push(
      `${f.at(g.path)}: group "${g.name}": attributes ${[...unknown].join(", ")} are not leaky_integrate_fire attributes and were ignored`,
    );
  return s;
}

/** The soma of every group, by name. */
export function readSomas(f: YamlFile, groups: Iterable<SanafeGroup>, warnings: string[]): Map<string, Soma> {
  const out = new Map<string, Soma>();
  for (const g of groups) out.set(g.name, isInputGroup(g) ? readInput(f, g) : readLif(f, g, warnings));
  return out;
}
