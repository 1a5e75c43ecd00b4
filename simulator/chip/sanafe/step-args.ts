// The direct-run step function's parameters and locals (step-module.ts writes its code over them; step-wasm.ts
// passes the arrays' addresses in STEP_ARRAYS order), and where a neuron's values sit in its `par` row.

/** The step function's parameters, in order: the step, the core count, the arrays' byte addresses (STEP_ARRAYS),
 * the arrival count's bits, the potential limit and axon-out latency (f64). */
export const STEP_ARRAYS = [
  "slotStart",
  "flags",
  "par",
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
/** The step function's parameter holding array `name`'s address. */
const arg = (name: (typeof STEP_ARRAYS)[number]) => 2 + STEP_ARRAYS.indexOf(name);
export const T = 0;
export const CORES = 1;
export const SLOT_START = arg("slotStart");
export const FLAGS = arg("flags");
export const PAR = arg("par");
export const V = arg("v");
export const RESET = arg("reset");
export const CUR = arg("current");
export const NEXT = arg("next");
export const ACTIVE = arg("activeAt");
export const ORDER = arg("order");
export const TRAIN_AT = arg("trainAt");
export const TRAIN_START = arg("trainStart");
export const TRAIN_STEPS = arg("trainSteps");
export const FIRED_LIST = arg("firedList");
export const FIRED_PER = arg("firedPerNeuron");
export const POST_START = arg("postStart");
export const MSG_START = arg("msgStart");
export const SOMA_OF = arg("somaOf");
export const NEURON_HOPS = arg("neuronHops");
export const NEURON_SYNAPSES = arg("neuronSynapses");
export const SOMA_E = arg("somaE");
export const SOMA_L = arg("somaL");
export const TARGETS = arg("targets");
export const MSG_SYN_ONLY_J = arg("msgSynOnlyJ");
export const MSG_DENDRITE_J = arg("msgDendriteJ");
export const MSG_NET_J = arg("msgNetJ");
export const MSG_PROC_S = arg("msgProcS");
export const MSG_CORE = arg("msgCore");
export const Q_DEST = arg("qDest");
export const Q_GEN = arg("qGen");
export const Q_PROC = arg("qProc");
export const Q_COUNT = arg("qCount");
export const SUMS = arg("sums");
export const COUNT_BITS = 2 + STEP_ARRAYS.length;
export const LIMIT = COUNT_BITS + 1;
export const AXON_OUT_L = COUNT_BITS + 2;
// the locals after the parameters: 27 i32, then 11 f64
let nextLocal = AXON_OUT_L + 1;
const local = () => nextLocal++;
export const [SLOT, END_I, I, F, RULE, K, FROM, ARR, UPD] = [
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
];
export const [FIRE, COUNT, INPUTS, UPDATED, MESSAGES, R, REND, X, M] = [
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
];
export const [MEND, FIRST, P, U, MASK, SHIFT, AT, ADDR, MODE] = [
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
];
export const I32_LOCALS = 27;
export const [SOMA_J, SYN_J, DEN_J, NET_J, PENDING, VK, B, THR, HOPS, SYNAPTIC, UPDF] = [
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
  local(),
];
export const F64_LOCALS = 11;

/** Where the per-neuron values are in a `par` row (direct-step.ts's PAR_*), in bytes. */
export const LEAK = 0;
export const THRESHOLD = 8;
export const BIAS = 16;
export const REVERSE = 24;
export const ACCESS_E = 32;
export const ACCESS_L = 40;
export const UPDATE_E = 48;
export const UPDATE_L = 56;
