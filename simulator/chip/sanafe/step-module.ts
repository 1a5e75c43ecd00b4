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
  A,
  ACCESS_E,
  ACCESS_L,
  AXON_OUT_L,
  CORES,
  COUNT_BITS,
  F64_LOCALS,
  I32_LOCALS,
  L,
  UPDATE_E,
  UPDATE_L,
} from "./step-args.js";

import { PACK_LOCALS, PACK_PARAMS, packBody } from "./step-pack-code.js";
import { addF, bumpAt, inputSoma, lifSoma } from "./step-soma-code.js";

export { STEP_ARRAYS } from "./step-args.js";

const at = itemAt;
const range = upTo;

/** A fired neuron: listed, counted, its soma's fire cost, its spike into next step's currents, its messages. */
const fired = code(
  code(at(A.order, L.i, 2), I32_LOAD(0), set(L.k)),
  code(at(A.firedList, L.count, 2), get(L.k), I32_STORE(0), inc(L.count)),
  bumpAt(at(A.firedPerNeuron, L.k, 2)),
  code(at(A.somaOf, L.k, 2), I32_LOAD(0), i32Const(3), I32_MUL, i32Const(2), I32_ADD, set(L.u)),
  code(get(L.somaJ), at(A.somaE, L.u, 3), F64_LOAD(0), F64_ADD, set(L.somaJ)),
  code(get(L.pending), at(A.somaL, L.u, 3), F64_LOAD(0), F64_ADD, set(L.pending)),
  code(at(A.postStart, L.k, 2), I32_LOAD(0), set(L.r), at(A.postStart, L.k, 2), I32_LOAD(4), set(L.rEnd)),
  range(
    L.r,
    L.rEnd,
    code(
      code(
        at(A.targets, L.r, 2),
        I32_LOAD(0),
        tee(L.x),
        i32Const(16),
        I32_SHR_U,
        i32Const(2),
        I32_SHL,
        get(A.next),
      ),
      code(I32_ADD, tee(L.addr), get(L.addr), I32_LOAD(0)),
      code(
        get(L.x),
        i32Const(16),
        I32_SHL,
        get(L.shift),
        I32_SHR_S,
        I32_ADD,
        i32Const(1),
        I32_ADD,
        I32_STORE(0),
      ),
    ),
  ),
  code(at(A.msgStart, L.k, 2), I32_LOAD(0), set(L.m), at(A.msgStart, L.k, 2), I32_LOAD(4), set(L.mEnd)),
  code(get(L.messages), get(L.mEnd), get(L.m), I32_SUB, I32_ADD, set(L.messages)),
  code(get(L.hops), at(A.neuronHops, L.k, 3), F64_LOAD(0), F64_ADD, set(L.hops)),
  code(get(L.synaptic), at(A.neuronSynapses, L.k, 3), F64_LOAD(0), F64_ADD, set(L.synaptic)),
  range(
    L.m,
    L.mEnd,
    code(
      code(get(L.m), i32Const(3), I32_SHL, set(L.addr)),
      code(get(L.synJ), get(L.addr), get(A.msgSynOnlyJ), I32_ADD, F64_LOAD(0), F64_ADD, set(L.synJ)),
      code(get(L.denJ), get(L.addr), get(A.msgDendriteJ), I32_ADD, F64_LOAD(0), F64_ADD, set(L.denJ)),
      code(get(L.netJ), get(L.addr), get(A.msgNetJ), I32_ADD, F64_LOAD(0), F64_ADD, set(L.netJ)),
      code(at(A.qDest, L.at, 2), at(A.msgCore, L.m, 2), I32_LOAD(0), I32_STORE(0)),
      code(at(A.qGen, L.at, 3), get(L.pending), get(AXON_OUT_L), F64_ADD, F64_STORE(0)),
      code(at(A.qProc, L.at, 3), get(L.addr), get(A.msgProcS), I32_ADD, F64_LOAD(0), F64_STORE(0)),
      code(inc(L.at), f64Const(0), set(L.pending)),
    ),
  ),
);

/** One neuron at position I. */
const neuron = code(
  code(at(A.parOf, L.i, 2), I32_LOAD(0), i32Const(6), I32_SHL, get(A.par), I32_ADD, set(L.p)),
  code(
    get(A.flags),
    get(L.i),
    I32_ADD,
    I32_LOAD8_U(0),
    tee(L.f),
    i32Const(1),
    I32_SHR_U,
    i32Const(3),
    I32_AND,
    set(L.rule),
  ),
  addF(L.somaJ, L.p, ACCESS_E),
  addF(L.pending, L.p, ACCESS_L),
  code(i32Const(0), set(L.fire)),
  code(get(L.f), i32Const(1), I32_AND, IF, inputSoma, ELSE, lifSoma, END),
  code(get(L.upd), get(L.fire), I32_OR, tee(L.upd), get(L.updated), I32_ADD, set(L.updated)),
  code(get(L.upd), F64_CONVERT_I32_S, set(L.updF)),
  code(get(L.somaJ), get(L.p), F64_LOAD(UPDATE_E), get(L.updF), F64_MUL, F64_ADD, set(L.somaJ)),
  code(get(L.pending), get(L.p), F64_LOAD(UPDATE_L), get(L.updF), F64_MUL, F64_ADD, set(L.pending)),
  code(get(L.fire), IF, fired, END),
);

/** One core slot: its neurons, then a placeholder for the neuron work after its last message. */
const slot = code(
  code(get(L.at), set(L.first), f64Const(0), set(L.pending)),
  code(
    at(A.slotStart, L.slot, 2),
    I32_LOAD(0),
    set(L.i),
    at(A.slotStart, L.slot, 2),
    I32_LOAD(4),
    set(L.endI),
  ),
  range(L.i, L.endI, neuron),
  code(get(L.pending), f64Const(0), F64_NE, IF),
  code(at(A.qDest, L.at, 2), i32Const(-1), I32_STORE(0)),
  code(at(A.qGen, L.at, 3), get(L.pending), F64_STORE(0)),
  code(at(A.qProc, L.at, 3), f64Const(0), F64_STORE(0), inc(L.at)),
  END,
  code(at(A.qCount, L.slot, 2), get(L.at), get(L.first), I32_SUB, I32_STORE(0)),
);

/** sums[i] = local (as f64). */
const sum = (i: number, l: number, isInt: boolean) =>
  code(get(A.sums), get(l), isInt ? F64_CONVERT_I32_S : [], F64_STORE(8 * i));

const stepBody = code(
  code(i32Const(1), get(COUNT_BITS), I32_SHL, i32Const(1), I32_SUB, set(L.mask)),
  code(i32Const(16), get(COUNT_BITS), I32_SUB, set(L.shift)),
  range(L.slot, CORES, slot),
  // the order of direct-step.ts's STEP_* sums
  sum(0, L.count, true),
  sum(1, L.inputs, true),
  sum(2, L.updated, true),
  sum(3, L.messages, true),
  sum(4, L.hops, false),
  sum(5, L.synaptic, false),
  sum(6, L.somaJ, false),
  sum(7, L.synJ, false),
  sum(8, L.denJ, false),
  sum(9, L.netJ, false),
  get(L.at),
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
