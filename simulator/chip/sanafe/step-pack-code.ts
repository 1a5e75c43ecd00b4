// The direct-run step module's `pack` function (step-module.ts; step-wasm.ts calls it a block at a time while it
// sets up): connections' targets and weights × 64 into the step's packed form — the target's position in the
// upper 16 bits, the weight's low 16 bits below (connection-targets.ts's packing, the same Int32s) — counting the
// connections into each position. Returns 1, or 0 at the first weight that does not fit 16 bits.

import {
  BLOCK,
  BR,
  BR_IF,
  code,
  END,
  get,
  I32_ADD,
  I32_AND,
  I32_GE_U,
  I32_LOAD,
  I32_NE,
  I32_OR,
  I32_SHL,
  I32_SHR_S,
  I32_STORE,
  IF,
  i32Const,
  inc,
  itemAt,
  LOOP,
  RETURN,
  set,
  tee,
} from "../wasm-binary.js";

// parameters: the block's targets (global neuron numbers) and weights × 64, each neuron's position, where the
// packed connections go, the per-position counts, the block's size; locals: the connection, its weight, its
// target's position
const POST = 0;
const WEIGHT = 1;
const POSITION = 2;
const OUT = 3;
const INTO = 4;
const N = 5;
const R = 6;
const W = 7;
const D = 8;
export const PACK_PARAMS = 6;
export const PACK_LOCALS = 3;

export const packBody = code(
  code(BLOCK, LOOP, get(R), get(N), I32_GE_U, BR_IF(1)),
  // a weight × 64 outside the Int16 range: no packing
  code(
    itemAt(WEIGHT, R, 2),
    I32_LOAD(0),
    tee(W),
    i32Const(16),
    I32_SHL,
    i32Const(16),
    I32_SHR_S,
    get(W),
    I32_NE,
  ),
  code(IF, i32Const(0), RETURN, END),
  code(itemAt(POST, R, 2), I32_LOAD(0), set(D), itemAt(POSITION, D, 2), I32_LOAD(0), set(D)),
  code(
    itemAt(OUT, R, 2),
    get(D),
    i32Const(16),
    I32_SHL,
    get(W),
    i32Const(0xffff),
    I32_AND,
    I32_OR,
    I32_STORE(0),
  ),
  code(itemAt(INTO, D, 2), itemAt(INTO, D, 2), I32_LOAD(0), i32Const(1), I32_ADD, I32_STORE(0)),
  code(inc(R), BR(0), END, END),
  i32Const(1),
  END,
);
