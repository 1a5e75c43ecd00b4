// The soma part of the direct-run step's WebAssembly code (step-module.ts): an input neuron's train, and a LIF
// neuron's leak, bias, input, fire, reset and reverse floor — the JS loop's operations (direct-step.ts) in its
// order — plus two small helpers the step's code shares.

import {
  code,
  ELSE,
  END,
  F64_ABS,
  F64_ADD,
  F64_CONVERT_I32_S,
  F64_GT,
  F64_LOAD,
  F64_LT,
  F64_MUL,
  F64_NE,
  F64_STORE,
  F64_SUB,
  F64_TRUNC,
  f64Const,
  get,
  I32_ADD,
  I32_AND,
  I32_EQ,
  I32_LOAD,
  I32_LT_S,
  I32_NE,
  I32_OR,
  I32_SHR_S,
  I32_SHR_U,
  I32_STORE,
  IF,
  i32Const,
  inc,
  itemAt,
  RETURN,
  SELECT,
  set,
  tee,
} from "../wasm-binary.js";
import { A, BIAS, COUNT_BITS, L, LEAK, LIMIT, REVERSE, T, THRESHOLD } from "./step-args.js";

const at = itemAt;
/** local (f64) += the f64 at byte offset `o` from local address `a`. */
export const addF = (l: number, a: number, o: number) => code(get(l), get(a), F64_LOAD(o), F64_ADD, set(l));
/** memory[address on the stack] += 1 (i32). */
export const bumpAt = (addr: number[]) =>
  code(addr, set(L.addr), get(L.addr), get(L.addr), I32_LOAD(0), i32Const(1), I32_ADD, I32_STORE(0));

/** An input neuron: fire when its train's next spike is at this step. */
export const inputSoma = code(
  code(at(A.order, L.i, 2), I32_LOAD(0), set(L.k)),
  code(at(A.trainAt, L.k, 2), I32_LOAD(0), set(L.from)),
  code(get(L.from), at(A.trainStart, L.k, 2), I32_LOAD(4), I32_LT_S, IF),
  code(at(A.trainSteps, L.from, 2), I32_LOAD(0), get(T), I32_EQ, IF),
  code(
    i32Const(1),
    set(L.fire),
    at(A.trainAt, L.k, 2),
    get(L.from),
    i32Const(1),
    I32_ADD,
    I32_STORE(0),
    inc(L.inputs),
  ),
  END,
  END,
  code(get(L.fire), get(L.rule), i32Const(1), I32_EQ, I32_OR, set(L.upd)),
);

/** A LIF neuron: leak, bias and input, fire and reset, the reverse floor; −1 returned past the limit. */
export const lifSoma = code(
  code(at(A.v, L.i, 3), F64_LOAD(0), set(L.vk)),
  code(at(A.current, L.i, 2), I32_LOAD(0), set(L.arr)),
  code(get(L.p), F64_LOAD(BIAS), set(L.b)),
  // updated: rule 1 always, rule 2 when a spike arrived or v ≠ 0, else never
  code(i32Const(1)),
  code(get(L.arr), get(L.mask), I32_AND, i32Const(0), I32_NE, get(L.vk), f64Const(0), F64_NE, I32_OR),
  code(i32Const(0), get(L.rule), i32Const(2), I32_EQ, SELECT),
  code(get(L.rule), i32Const(1), I32_EQ, SELECT, set(L.upd)),
  // active (an input or a bias) counted without a branch: whether a spike arrived follows the network's activity
  code(at(A.activeAt, L.i, 2), set(L.addr), get(L.addr), get(L.addr), I32_LOAD(0)),
  code(get(L.arr), get(COUNT_BITS), I32_SHR_S, i32Const(0), I32_NE, get(L.b), f64Const(0), F64_NE, I32_OR),
  code(I32_ADD, I32_STORE(0)),
  code(get(L.vk), get(L.p), F64_LOAD(LEAK), F64_MUL, F64_TRUNC, get(L.b), F64_ADD),
  code(get(L.arr), get(COUNT_BITS), I32_SHR_S, F64_CONVERT_I32_S, F64_ADD, set(L.vk)),
  code(at(A.current, L.i, 2), i32Const(0), I32_STORE(0)),
  code(get(L.p), F64_LOAD(THRESHOLD), set(L.thr)),
  code(get(L.vk), get(L.thr), F64_GT, IF),
  code(i32Const(1), set(L.fire), get(L.f), i32Const(3), I32_SHR_U, i32Const(3), I32_AND, tee(L.mode)),
  code(i32Const(2), I32_EQ, IF, at(A.reset, L.i, 3), F64_LOAD(0), set(L.vk), ELSE),
  code(get(L.mode), i32Const(1), I32_EQ, IF, get(L.vk), get(L.thr), F64_SUB, set(L.vk), END, END),
  END,
  code(
    get(L.f),
    i32Const(32),
    I32_AND,
    i32Const(0),
    I32_NE,
    get(L.vk),
    get(L.p),
    F64_LOAD(REVERSE),
    F64_LT,
    I32_AND,
  ),
  code(IF, get(L.p), F64_LOAD(REVERSE), set(L.vk), END),
  code(at(A.v, L.i, 3), get(L.vk), F64_STORE(0)),
  // |v| > limit (the same as v > limit or v < −limit: no NaN here), one compare
  code(get(L.vk), F64_ABS, get(LIMIT), F64_GT, IF, i32Const(-1), RETURN, END),
);
