// KeyHeap's push and sift (schedule.ts) as WebAssembly functions, for the scheduler's module (schedule-module.ts):
// the same comparisons — (time, tie), ties to the smaller — on a heap kept as three arrays (times, ties, values),
// every time past its last entry +∞. Each takes (times, ties, values, index or size, the entry's time, tie and
// value); every address is a byte address.

import {
  BLOCK,
  BR,
  BR_IF,
  code,
  END,
  F64_EQ,
  F64_GT,
  F64_LOAD,
  F64_LT,
  F64_STORE,
  get,
  I32_ADD,
  I32_AND,
  I32_EQZ,
  I32_GE_S,
  I32_GT_S,
  I32_LOAD,
  I32_LT_S,
  I32_OR,
  I32_SHL,
  I32_SHR_U,
  I32_STORE,
  I32_SUB,
  i32Const,
  itemAt,
  LOOP,
  set,
  tee,
} from "../wasm-binary.js";

const at = itemAt;

// the heap functions' parameters: the heap's times, ties and values, an index or size, the entry
const H_T = 0;
const H_TIE = 1;
const H_VAL = 2;
const H_N = 3;
const H_TIME = 4;
const H_KEY = 5;
const H_VALUE = 6;
const H_I = 7;
const H_P = 8;
const H_X = 9;

/** Moves the entry at index `from` (a local) to index `to`. */
const move = (from: number, to: number) =>
  code(
    code(at(H_T, to, 3), at(H_T, from, 3), F64_LOAD(0), F64_STORE(0)),
    code(at(H_TIE, to, 2), at(H_TIE, from, 2), I32_LOAD(0), I32_STORE(0)),
    code(at(H_VAL, to, 2), at(H_VAL, from, 2), I32_LOAD(0), I32_STORE(0)),
  );
const place = code(
  code(at(H_T, H_I, 3), get(H_TIME), F64_STORE(0)),
  code(at(H_TIE, H_I, 2), get(H_KEY), I32_STORE(0)),
  code(at(H_VAL, H_I, 2), get(H_VALUE), I32_STORE(0)),
);

/** Leaves the sift's loop when entry H_P's key compares to the entry's (H_TIME, H_KEY) by `timeCmp`, or has
 * its time and compares by `tieCmp` on the ties. */
const stopWhen = (timeCmp: number[], tieCmp: number[]) =>
  code(
    code(at(H_T, H_P, 3), F64_LOAD(0), tee(H_X), get(H_TIME), timeCmp),
    code(get(H_X), get(H_TIME), F64_EQ, at(H_TIE, H_P, 2), I32_LOAD(0), get(H_KEY), tieCmp),
    code(I32_AND, I32_OR, BR_IF(1)),
  );

/** KeyHeap.push with the heap's size (before it) as H_N: sift the entry up from the end. */
export const pushBody = code(
  code(get(H_N), set(H_I)),
  code(BLOCK, LOOP, get(H_I), I32_EQZ, BR_IF(1)),
  code(get(H_I), i32Const(1), I32_SUB, i32Const(1), I32_SHR_U, set(H_P)),
  // stop when parent < entry: its time smaller, or equal with a smaller tie
  stopWhen(F64_LT, I32_LT_S),
  move(H_P, H_I),
  code(get(H_P), set(H_I), BR(0), END, END),
  place,
  END,
);

/** KeyHeap.siftDown over the first H_N entries (every time past them is +∞): the entry from the root down. */
export const siftBody = code(
  code(i32Const(0), set(H_I)),
  code(BLOCK, LOOP),
  code(get(H_I), i32Const(1), I32_SHL, i32Const(1), I32_ADD, tee(H_P), get(H_N), I32_GE_S, BR_IF(1)),
  // the smaller child: the right when its time is smaller, or equal with a smaller tie
  code(get(H_P), at(H_T, H_P, 3), F64_LOAD(8), at(H_T, H_P, 3), F64_LOAD(0), F64_LT),
  code(at(H_T, H_P, 3), F64_LOAD(8), at(H_T, H_P, 3), F64_LOAD(0), F64_EQ),
  code(
    at(H_TIE, H_P, 2),
    I32_LOAD(4),
    at(H_TIE, H_P, 2),
    I32_LOAD(0),
    I32_LT_S,
    I32_AND,
    I32_OR,
    I32_ADD,
    set(H_P),
  ),
  // stop when the child is after the entry
  stopWhen(F64_GT, I32_GT_S),
  move(H_P, H_I),
  code(get(H_P), set(H_I), BR(0), END, END),
  place,
  END,
);
