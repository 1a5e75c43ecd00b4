// The direct-run step function's parameters and locals (step-module.ts writes its code over them; step-wasm.ts
// passes the arrays' addresses in STEP_ARRAYS order), and where a neuron's values sit in its `par` row.

/** The step function's parameters, in order: the step, the core count, the arrays' byte addresses (STEP_ARRAYS),
 * the arrival count's bits, the potential limit and axon-out latency (f64). */
export const STEP_ARRAYS = [
  "slotStart",
  "flags",
  // the distinct `par` rows, and per position the row its neuron reads
  "par",
  "parOf",
  "v",
  "reset",
  "current",
  "next",
  "activeAt",
  "order",
  "trainAt",
  "trainStart",
  "trainSteps",
  "firedList",
  "firedPerNeuron",
  // per neuron (global index): its connections' and messages' ranges (CSR), soma, hops and synaptic events
  "postStart",
  "msgStart",
  "somaOf",
  "neuronHops",
  "neuronSynapses",
  // per soma unit × 3: its costs (the fire cost at 3 u + 2)
  "somaE",
  "somaL",
  "targets",
  // per message: its synapse-only, dendrite and network energy, its proc time and destination core
  "msgSynOnlyJ",
  "msgDendriteJ",
  "msgNetJ",
  "msgProcS",
  "msgCore",
  "qDest",
  "qGen",
  "qProc",
  "qCount",
  "sums",
] as const;
export type StepArray = (typeof STEP_ARRAYS)[number];

/** Names numbered in order from `first` (parameter or local indices). */
function numbered<const N extends readonly string[]>(names: N, first: number): Record<N[number], number> {
  return Object.fromEntries(names.map((name, i) => [name, first + i])) as Record<N[number], number>;
}

/** Each array's parameter (its byte address): after the step and the core count. */
export const A = numbered(STEP_ARRAYS, 2);
export const T = 0;
export const CORES = 1;
export const COUNT_BITS = 2 + STEP_ARRAYS.length;
export const LIMIT = COUNT_BITS + 1;
export const AXON_OUT_L = COUNT_BITS + 2;

/** The locals after the parameters: the i32 ones, then the f64 ones. */
const I32_NAMES = [
  "slot",
  "endI",
  "i",
  "f",
  "rule",
  "k",
  "from",
  "arr",
  "upd",
  "fire",
  "count",
  "inputs",
  "updated",
  "messages",
  "r",
  "rEnd",
  "x",
  "m",
  "mEnd",
  "first",
  "p",
  "u",
  "mask",
  "shift",
  "at",
  "addr",
  "mode",
] as const;
const F64_NAMES = [
  "somaJ",
  "synJ",
  "denJ",
  "netJ",
  "pending",
  "vk",
  "b",
  "thr",
  "hops",
  "synaptic",
  "updF",
] as const;
export const L = numbered([...I32_NAMES, ...F64_NAMES], AXON_OUT_L + 1);
export const I32_LOCALS = I32_NAMES.length;
export const F64_LOCALS = F64_NAMES.length;

/** Where the per-neuron values are in a `par` row (direct-step.ts's PAR_*), in bytes. */
export const LEAK = 0;
export const THRESHOLD = 8;
export const BIAS = 16;
export const REVERSE = 24;
export const ACCESS_E = 32;
export const ACCESS_L = 40;
export const UPDATE_E = 48;
export const UPDATE_L = 56;
