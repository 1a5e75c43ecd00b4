// The WebAssembly code of one direct-run step with counted connections (direct-step.ts's `step`, its `counted`
// form, which step-wasm.ts runs): every neuron in processing order, core by core — soma update, spike delivery,
// the account's sums, the step's messages — with the same operations on the same doubles in the same order, so
// every potential, sum and message time is bit for bit the JS loop's. Written out with wasm-binary.ts; every
// address is a byte address. The step's messages are written from the queue's start (the caller places them).
// The module also exports `pack` (step-pack-code.ts), which packs the connections while the run sets up.

import {
  code,
  compileOnce,
  ELSE,
  END,
  F64,
  F64_ADD,
  F64_CONVERT_I32_S,
  F64_LOAD,
  F64_MUL,
  F64_NE,
  F64_STORE,
  f64Const,
  get,
  I32,
  I32_ADD,
  I32_AND,
  I32_LOAD,
  I32_LOAD8_U,
  I32_MUL,
  I32_OR,
  I32_SHL,
  I32_SHR_S,
  I32_SHR_U,
  I32_STORE,
  I32_SUB,
  IF,
  i32Const,
  inc,
  itemAt,
  moduleBytes,
  set,
  tee,
  upTo,
} from "../wasm-binary.js";
import {
  ACCESS_E,
  ACCESS_L,
  ADDR,
  AT,
  AXON_OUT_L,
  CORES,
  COUNT,
  COUNT_BITS,
  DEN_J,
  END_I,
  F,
  F64_LOCALS,
  FIRE,
  FIRED_LIST,
  FIRED_PER,
  FIRST,
  FLAGS,
  HOPS,
  I,
  I32_LOCALS,
  INPUTS,
  K,
  M,
  MASK,
  MEND,
  MESSAGES,
  MSG_CORE,
  MSG_DENDRITE_J,
  MSG_NET_J,
  MSG_PROC_S,
  MSG_START,
  MSG_SYN_ONLY_J,
  NET_J,
  NEURON_HOPS,
  NEURON_SYNAPSES,
  NEXT,
  ORDER,
  P,
  PAR,
  PENDING,
  POST_START,
  Q_COUNT,
  Q_DEST,
  Q_GEN,
  Q_PROC,
  R,
  REND,
  RULE,
  SHIFT,
  SLOT,
  SLOT_START,
  SOMA_E,
  SOMA_J,
  SOMA_L,
  SOMA_OF,
  SUMS,
  SYN_J,
  SYNAPTIC,
  TARGETS,
  U,
  UPD,
  UPDATE_E,
  UPDATE_L,
  UPDATED,
  UPDF,
  X,
} from "./step-args.js";

import { PACK_LOCALS, PACK_PARAMS, packBody } from "./step-pack-code.js";
import { addF, bumpAt, inputSoma, lifSoma } from "./step-soma-code.js";

export { STEP_ARRAYS } from "./step-args.js";

const at = itemAt;
const range = upTo;

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
    {
      name: "pack",
      params: Array(PACK_PARAMS).fill(I32),
      locals: [[PACK_LOCALS, I32]],
      body: packBody,
      results: [I32],
    },
  ]),
);
