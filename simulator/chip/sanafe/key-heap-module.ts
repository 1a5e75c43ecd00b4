// KeyHeap's push and sift (schedule.ts) as WebAssembly code, written inline into the scheduler's function
// (schedule-module.ts) rather than called: the same comparisons — (time, tie), ties to the smaller — on a heap
// kept as three arrays (times, ties, values), every time past its last entry +∞. The code works on locals the
// caller names (HeapLocals): the heap's three arrays (byte addresses), its size or index, the entry, and three
// scratch locals. Inline, a replay of the DVS run's queues schedules ≈ 5 % faster than with two calls an entry.

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

/** The locals the heap code reads and writes: the heap's times, ties and values (byte addresses), its size (i32),
 * the entry's time (f64), tie and value (i32), and scratch: an index and a parent or child (i32), a time (f64). */
export interface HeapLocals {
  t: number;
  tie: number;
  val: number;
  n: number;
  time: number;
  key: number;
  value: number;
  i: number;
  p: number;
  x: number;
}

/** Moves the entry at index `from` (a local) to index `to`. */
const move = (h: HeapLocals, from: number, to: number) =>
  code(
    code(at(h.t, to, 3), at(h.t, from, 3), F64_LOAD(0), F64_STORE(0)),
    code(at(h.tie, to, 2), at(h.tie, from, 2), I32_LOAD(0), I32_STORE(0)),
    code(at(h.val, to, 2), at(h.val, from, 2), I32_LOAD(0), I32_STORE(0)),
  );
const place = (h: HeapLocals) =>
  code(
    code(at(h.t, h.i, 3), get(h.time), F64_STORE(0)),
    code(at(h.tie, h.i, 2), get(h.key), I32_STORE(0)),
    code(at(h.val, h.i, 2), get(h.value), I32_STORE(0)),
  );

/** Leaves the sift's loop when entry p's key compares to the entry's (time, key) by `timeCmp`, or has its time
 * and compares by `tieCmp` on the ties. */
const stopWhen = (h: HeapLocals, timeCmp: number[], tieCmp: number[]) =>
  code(
    code(at(h.t, h.p, 3), F64_LOAD(0), tee(h.x), get(h.time), timeCmp),
    code(get(h.x), get(h.time), F64_EQ, at(h.tie, h.p, 2), I32_LOAD(0), get(h.key), tieCmp),
    code(I32_AND, I32_OR, BR_IF(1)),
  );

/** KeyHeap.push with the heap's size (before it) in n: sift the entry up from the end. */
export const pushCode = (h: HeapLocals) =>
  code(
    code(get(h.n), set(h.i)),
    code(BLOCK, LOOP, get(h.i), I32_EQZ, BR_IF(1)),
    code(get(h.i), i32Const(1), I32_SUB, i32Const(1), I32_SHR_U, set(h.p)),
    // stop when parent < entry: its time smaller, or equal with a smaller tie
    stopWhen(h, F64_LT, I32_LT_S),
    move(h, h.p, h.i),
    code(get(h.p), set(h.i), BR(0), END, END),
    place(h),
  );

/** KeyHeap.siftDown over the first n entries (every time past them is +∞): the entry from the root down. */
export const siftCode = (h: HeapLocals) =>
  code(
    code(i32Const(0), set(h.i)),
    code(BLOCK, LOOP),
    code(get(h.i), i32Const(1), I32_SHL, i32Const(1), I32_ADD, tee(h.p), get(h.n), I32_GE_S, BR_IF(1)),
    // the smaller child: the right when its time is smaller, or equal with a smaller tie
    code(get(h.p), at(h.t, h.p, 3), F64_LOAD(8), at(h.t, h.p, 3), F64_LOAD(0), F64_LT),
    code(at(h.t, h.p, 3), F64_LOAD(8), at(h.t, h.p, 3), F64_LOAD(0), F64_EQ),
    code(
      at(h.tie, h.p, 2),
      I32_LOAD(4),
      at(h.tie, h.p, 2),
      I32_LOAD(0),
      I32_LT_S,
      I32_AND,
      I32_OR,
      I32_ADD,
      set(h.p),
    ),
    // stop when the child is after the entry
    stopWhen(h, F64_GT, I32_GT_S),
    move(h, h.p, h.i),
    code(get(h.p), set(h.i), BR(0), END, END),
    place(h),
  );
