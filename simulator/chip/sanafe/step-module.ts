// The WebAssembly code of one direct-run step with counted connections (direct-step.ts's `step`, its `counted`
// form, which step-wasm.ts runs): every neuron in processing order, core by core — soma update, spike delivery,
// the account's sums, the step's messages — with the same operations on the same doubles in the same order, so
// every potential, sum and message time is bit for bit the JS loop's. Written out with wasm-binary.ts; every
// address is a byte address. The step's messages are written from the queue's start (the caller places them).

import {
  BLOCK,
  BR,
  BR_IF,
  compileOnce,
  ELSE,
  END,
  F64,
  F64_ADD,
  F64_CONVERT_I32_S,
  F64_GT,
  F64_LOAD,
  F64_LT,
  F64_MUL,
  F64_NE,
  F64_NEG,
  F64_STORE,
  F64_SUB,
  F64_TRUNC,
  f64Const,
  get,
  I32,
  I32_ADD,
  I32_AND,
  I32_EQ,
  I32_GE_U,
  I32_LOAD,
  I32_LOAD8_U,
  I32_LT_S,
  I32_MUL,
  I32_NE,
  I32_OR,
  I32_SHL,
  I32_SHR_S,
  I32_SHR_U,
  I32_STORE,
  I32_SUB,
  IF,
  i32Const,
  LOOP,
  moduleBytes,
  RETURN,
  SELECT,
  set,
  tee,
} from "../wasm-binary.js";

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
const T = 0;
const CORES = 1;
const SLOT_START = arg("slotStart");
const FLAGS = arg("flags");
const PAR = arg("par");
const V = arg("v");
const RESET = arg("reset");
const CUR = arg("current");
const NEXT = arg("next");
const ACTIVE = arg("activeAt");
const ORDER = arg("order");
const TRAIN_AT = arg("trainAt");
const TRAIN_START = arg("trainStart");
const TRAIN_STEPS = arg("trainSteps");
const FIRED_LIST = arg("firedList");
const FIRED_PER = arg("firedPerNeuron");
const POST_START = arg("postStart");
const MSG_START = arg("msgStart");
const SOMA_OF = arg("somaOf");
const NEURON_HOPS = arg("neuronHops");
const NEURON_SYNAPSES = arg("neuronSynapses");
const SOMA_E = arg("somaE");
const SOMA_L = arg("somaL");
const TARGETS = arg("targets");
const MSG_SYN_ONLY_J = arg("msgSynOnlyJ");
const MSG_DENDRITE_J = arg("msgDendriteJ");
const MSG_NET_J = arg("msgNetJ");
const MSG_PROC_S = arg("msgProcS");
const MSG_CORE = arg("msgCore");
const Q_DEST = arg("qDest");
const Q_GEN = arg("qGen");
const Q_PROC = arg("qProc");
const Q_COUNT = arg("qCount");
const SUMS = arg("sums");
const COUNT_BITS = 2 + STEP_ARRAYS.length;
const LIMIT = COUNT_BITS + 1;
const AXON_OUT_L = COUNT_BITS + 2;
// the locals after the parameters: 27 i32, then 11 f64
let nextLocal = AXON_OUT_L + 1;
const local = () => nextLocal++;
const [SLOT, END_I, I, F, RULE, K, FROM, ARR, UPD] = [
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
const [FIRE, COUNT, INPUTS, UPDATED, MESSAGES, R, REND, X, M] = [
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
const [MEND, FIRST, P, U, MASK, SHIFT, AT, ADDR, MODE] = [
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
const I32_LOCALS = 27;
const [SOMA_J, SYN_J, DEN_J, NET_J, PENDING, VK, B, THR, HOPS, SYNAPTIC, UPDF] = [
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
const F64_LOCALS = 11;

/** Where the per-neuron values are in a `par` row (direct-step.ts's PAR_*), in bytes. */
const LEAK = 0;
const THRESHOLD = 8;
const BIAS = 16;
const REVERSE = 24;
const ACCESS_E = 32;
const ACCESS_L = 40;
const UPDATE_E = 48;
const UPDATE_L = 56;

const code = (...parts: number[][]): number[] => parts.flat();
/** The byte address of item `index` (a local) of the array at parameter `base`: base + index · 2^shift. */
const at = (base: number, index: number, shift: number) =>
  code(get(index), i32Const(shift), I32_SHL, get(base), I32_ADD);
/** local += 1 (i32). */
const inc = (l: number) => code(get(l), i32Const(1), I32_ADD, set(l));
/** local (f64) += the f64 at byte offset `o` from local address `a`. */
const addF = (l: number, a: number, o: number) => code(get(l), get(a), F64_LOAD(o), F64_ADD, set(l));
/** memory[address on the stack] += 1 (i32). */
const bumpAt = (addr: number[]) =>
  code(addr, set(ADDR), get(ADDR), get(ADDR), I32_LOAD(0), i32Const(1), I32_ADD, I32_STORE(0));
/** while (local a < local b) { body; a += step } */
const range = (a: number, b: number, body: number[]) =>
  code(BLOCK, LOOP, get(a), get(b), I32_GE_U, BR_IF(1), body, inc(a), BR(0), END, END);

/** An input neuron: fire when its train's next spike is at this step. */
const inputSoma = code(
  code(at(ORDER, I, 2), I32_LOAD(0), set(K)),
  code(at(TRAIN_AT, K, 2), I32_LOAD(0), set(FROM)),
  code(get(FROM), at(TRAIN_START, K, 2), I32_LOAD(4), I32_LT_S, IF),
  code(at(TRAIN_STEPS, FROM, 2), I32_LOAD(0), get(T), I32_EQ, IF),
  code(
    i32Const(1),
    set(FIRE),
    at(TRAIN_AT, K, 2),
    get(FROM),
    i32Const(1),
    I32_ADD,
    I32_STORE(0),
    inc(INPUTS),
  ),
  END,
  END,
  code(get(FIRE), get(RULE), i32Const(1), I32_EQ, I32_OR, set(UPD)),
);

/** A LIF neuron: leak, bias and input, fire and reset, the reverse floor; −1 returned past the limit. */
const lifSoma = code(
  code(at(V, I, 3), F64_LOAD(0), set(VK)),
  code(at(CUR, I, 2), I32_LOAD(0), set(ARR)),
  code(get(P), F64_LOAD(BIAS), set(B)),
  // updated: rule 1 always, rule 2 when a spike arrived or v ≠ 0, else never
  code(i32Const(1)),
  code(get(ARR), get(MASK), I32_AND, i32Const(0), I32_NE, get(VK), f64Const(0), F64_NE, I32_OR),
  code(i32Const(0), get(RULE), i32Const(2), I32_EQ, SELECT),
  code(get(RULE), i32Const(1), I32_EQ, SELECT, set(UPD)),
  code(get(ARR), get(COUNT_BITS), I32_SHR_S, i32Const(0), I32_NE, get(B), f64Const(0), F64_NE, I32_OR, IF),
  bumpAt(at(ACTIVE, I, 2)),
  END,
  code(get(VK), get(P), F64_LOAD(LEAK), F64_MUL, F64_TRUNC, get(B), F64_ADD),
  code(get(ARR), get(COUNT_BITS), I32_SHR_S, F64_CONVERT_I32_S, F64_ADD, set(VK)),
  code(at(CUR, I, 2), i32Const(0), I32_STORE(0)),
  code(get(P), F64_LOAD(THRESHOLD), set(THR)),
  code(get(VK), get(THR), F64_GT, IF),
  code(i32Const(1), set(FIRE), get(F), i32Const(3), I32_SHR_U, i32Const(3), I32_AND, tee(MODE)),
  code(i32Const(2), I32_EQ, IF, at(RESET, I, 3), F64_LOAD(0), set(VK), ELSE),
  code(get(MODE), i32Const(1), I32_EQ, IF, get(VK), get(THR), F64_SUB, set(VK), END, END),
  END,
  code(
    get(F),
    i32Const(32),
    I32_AND,
    i32Const(0),
    I32_NE,
    get(VK),
    get(P),
    F64_LOAD(REVERSE),
    F64_LT,
    I32_AND,
  ),
  code(IF, get(P), F64_LOAD(REVERSE), set(VK), END),
  code(at(V, I, 3), get(VK), F64_STORE(0)),
  code(
    get(VK),
    get(LIMIT),
    F64_GT,
    get(VK),
    get(LIMIT),
    F64_NEG,
    F64_LT,
    I32_OR,
    IF,
    i32Const(-1),
    RETURN,
    END,
  ),
);

/** A fired neuron: listed, counted, its soma's fire cost, its spike into next step's currents, its messages. */
const fired = code(
  code(at(ORDER, I, 2), I32_LOAD(0), set(K)),
  code(at(FIRED_LIST, COUNT, 2), get(K), I32_STORE(0), inc(COUNT)),
  bumpAt(at(FIRED_PER, K, 2)),
  code(at(SOMA_OF, K, 2), I32_LOAD(0), i32Const(3), I32_MUL, i32Const(2), I32_ADD, set(U)),
  code(get(SOMA_J), at(SOMA_E, U, 3), F64_LOAD(0), F64_ADD, set(SOMA_J)),
  code(get(PENDING), at(SOMA_L, U, 3), F64_LOAD(0), F64_ADD, set(PENDING)),
  code(at(POST_START, K, 2), I32_LOAD(0), set(R), at(POST_START, K, 2), I32_LOAD(4), set(REND)),
  range(
    R,
    REND,
    code(
      code(at(TARGETS, R, 2), I32_LOAD(0), tee(X), i32Const(16), I32_SHR_U, i32Const(2), I32_SHL, get(NEXT)),
      code(I32_ADD, tee(ADDR), get(ADDR), I32_LOAD(0)),
      code(get(X), i32Const(16), I32_SHL, get(SHIFT), I32_SHR_S, I32_ADD, i32Const(1), I32_ADD, I32_STORE(0)),
    ),
  ),
  code(at(MSG_START, K, 2), I32_LOAD(0), set(M), at(MSG_START, K, 2), I32_LOAD(4), set(MEND)),
  code(get(MESSAGES), get(MEND), get(M), I32_SUB, I32_ADD, set(MESSAGES)),
  code(get(HOPS), at(NEURON_HOPS, K, 3), F64_LOAD(0), F64_ADD, set(HOPS)),
  code(get(SYNAPTIC), at(NEURON_SYNAPSES, K, 3), F64_LOAD(0), F64_ADD, set(SYNAPTIC)),
  range(
    M,
    MEND,
    code(
      code(get(M), i32Const(3), I32_SHL, set(ADDR)),
      code(get(SYN_J), get(ADDR), get(MSG_SYN_ONLY_J), I32_ADD, F64_LOAD(0), F64_ADD, set(SYN_J)),
      code(get(DEN_J), get(ADDR), get(MSG_DENDRITE_J), I32_ADD, F64_LOAD(0), F64_ADD, set(DEN_J)),
      code(get(NET_J), get(ADDR), get(MSG_NET_J), I32_ADD, F64_LOAD(0), F64_ADD, set(NET_J)),
      code(at(Q_DEST, AT, 2), at(MSG_CORE, M, 2), I32_LOAD(0), I32_STORE(0)),
      code(at(Q_GEN, AT, 3), get(PENDING), get(AXON_OUT_L), F64_ADD, F64_STORE(0)),
      code(at(Q_PROC, AT, 3), get(ADDR), get(MSG_PROC_S), I32_ADD, F64_LOAD(0), F64_STORE(0)),
      code(inc(AT), f64Const(0), set(PENDING)),
    ),
  ),
);

/** One neuron at position I. */
const neuron = code(
  code(get(I), i32Const(6), I32_SHL, get(PAR), I32_ADD, set(P)),
  code(
    get(FLAGS),
    get(I),
    I32_ADD,
    I32_LOAD8_U(0),
    tee(F),
    i32Const(1),
    I32_SHR_U,
    i32Const(3),
    I32_AND,
    set(RULE),
  ),
  addF(SOMA_J, P, ACCESS_E),
  addF(PENDING, P, ACCESS_L),
  code(i32Const(0), set(FIRE)),
  code(get(F), i32Const(1), I32_AND, IF, inputSoma, ELSE, lifSoma, END),
  code(get(UPD), get(FIRE), I32_OR, tee(UPD), get(UPDATED), I32_ADD, set(UPDATED)),
  code(get(UPD), F64_CONVERT_I32_S, set(UPDF)),
  code(get(SOMA_J), get(P), F64_LOAD(UPDATE_E), get(UPDF), F64_MUL, F64_ADD, set(SOMA_J)),
  code(get(PENDING), get(P), F64_LOAD(UPDATE_L), get(UPDF), F64_MUL, F64_ADD, set(PENDING)),
  code(get(FIRE), IF, fired, END),
);

/** One core slot: its neurons, then a placeholder for the neuron work after its last message. */
const slot = code(
  code(get(AT), set(FIRST), f64Const(0), set(PENDING)),
  code(at(SLOT_START, SLOT, 2), I32_LOAD(0), set(I), at(SLOT_START, SLOT, 2), I32_LOAD(4), set(END_I)),
  range(I, END_I, neuron),
  code(get(PENDING), f64Const(0), F64_NE, IF),
  code(at(Q_DEST, AT, 2), i32Const(-1), I32_STORE(0)),
  code(at(Q_GEN, AT, 3), get(PENDING), F64_STORE(0)),
  code(at(Q_PROC, AT, 3), f64Const(0), F64_STORE(0), inc(AT)),
  END,
  code(at(Q_COUNT, SLOT, 2), get(AT), get(FIRST), I32_SUB, I32_STORE(0)),
);

/** sums[i] = local (as f64). */
const sum = (i: number, l: number, isInt: boolean) =>
  code(get(SUMS), get(l), isInt ? F64_CONVERT_I32_S : [], F64_STORE(8 * i));

const stepBody = code(
  code(i32Const(1), get(COUNT_BITS), I32_SHL, i32Const(1), I32_SUB, set(MASK)),
  code(i32Const(16), get(COUNT_BITS), I32_SUB, set(SHIFT)),
  range(SLOT, CORES, slot),
  // the order of direct-step.ts's STEP_* sums
  sum(0, COUNT, true),
  sum(1, INPUTS, true),
  sum(2, UPDATED, true),
  sum(3, MESSAGES, true),
  sum(4, HOPS, false),
  sum(5, SYNAPTIC, false),
  sum(6, SOMA_J, false),
  sum(7, SYN_J, false),
  sum(8, DEN_J, false),
  sum(9, NET_J, false),
  get(AT),
  END,
);

export const stepModule = compileOnce(() =>
  moduleBytes([
    {
      name: "step",
      params: [...Array(COUNT_BITS + 1).fill(I32), F64, F64],
      locals: [
        [I32_LOCALS, I32],
        [F64_LOCALS, F64],
      ],
      body: stepBody,
      results: [I32],
    },
  ]),
);
