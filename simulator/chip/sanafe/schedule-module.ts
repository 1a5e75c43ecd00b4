// The WebAssembly code of SANA-FE's detailed timing of one step (schedule.ts's DetailedScheduler.schedule, which
// schedule-wasm.ts runs): the cores' send heap, the destinations' receive heap (KeyHeap's push and sift, from
// key-heap-module.ts), the route densities, the congestion delay and the per-destination FIFOs of messages in flight —
// the same operations on the same doubles in the same order, so every step's time is bit for bit the JS
// scheduler's. Written out with wasm-binary.ts; every address is a byte address.

import {
  BLOCK,
  BR,
  BR_IF,
  code,
  compileOnce,
  dec,
  ELSE,
  END,
  F64,
  F64_ADD,
  F64_CONVERT_I32_S,
  F64_DIV,
  F64_GT,
  F64_LE,
  F64_LOAD,
  F64_MAX,
  F64_MUL,
  F64_STORE,
  F64_SUB,
  f64Const,
  get,
  I32,
  I32_ADD,
  I32_EQZ,
  I32_GE_S,
  I32_GE_U,
  I32_GT_S,
  I32_LOAD,
  I32_LT_S,
  I32_MUL,
  I32_SHL,
  I32_STORE,
  I32_SUB,
  IF,
  i32Const,
  inc,
  itemAt,
  LOOP,
  moduleBytes,
  SELECT,
  set,
  tee,
  upTo,
} from "../wasm-binary.js";
import { type HeapLocals, pushCode, siftCode } from "./key-heap-module.js";
import { SCHEDULE_ROWS } from "./schedule-wasm.js";

/** The pair and flight rows' layout (WasmScheduler's), each row 32 bytes (addresses are index << 5). */
const { PAIR_MIN_HOP, PAIR_ADJUST, PAIR_ROUTE, PAIR_HOPS } = SCHEDULE_ROWS;
if (SCHEDULE_ROWS.PAIR_BYTES !== 32 || SCHEDULE_ROWS.FLIGHT_BYTES !== 32)
  throw new Error("rows are 32 bytes");
const FLIGHT_ADJUST = 0;
const FLIGHT_PROC = 8;
const FLIGHT_RECEIVED = 16;
const FLIGHT_PAIR = 24;
const FLIGHT_NEXT = 28;

const at = itemAt;
/** local m = max(m, x) as `if (x > m) m = x` (the same value for every x the scheduler sees: no NaN). */
const keepMax = (m: number, x: number) => code(get(x), get(m), get(x), get(m), F64_GT, SELECT, set(m));

// schedule's parameters: the core count; the step's message counts per core (address) and its first entry's
// index in the queue; the queue (dest, gen, proc); per core its first entry, next message, FIFO head and tail,
// finished time; the link densities and their count; the pairs, links, flights; the two heaps (times, ties,
// values each); the link buffer (f64)
const CORES = 0;
const COUNT = 1;
const BASE = 2;
const Q_DEST = 3;
const Q_GEN = 4;
const Q_PROC = 5;
const START = 6;
const NEXT = 7;
const HEAD = 8;
const TAIL = 9;
const FINISHED = 10;
const DENSITY = 11;
const N_LINKS = 12;
const PAIRS = 13;
const LINKS = 14;
const FLIGHTS = 15;
const RT = 16;
const RTIE = 17;
const RVAL = 18;
const AT_ = 19;
const ATIE = 20;
const AVAL = 21;
const LINK_BUFFER = 22;
// i32 locals (the last five: the inline heap code's size, entry tie and value, index, parent or child)
const [C, M, Q, D, F, P, R, REND, AFTER, HOPS, NFLIGHT, IN_NOC, READY_N, ARRIVING_N, ADDR, PR, FR, NXT] = [
  23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
];
const [H_N, H_KEY, H_VALUE, H_I, H_P] = [41, 42, 43, 44, 45];
const I32_LOCALS = 23;
// f64 locals (the last two: the inline heap code's entry time and scratch time)
const [T, LAST, MEAN, ALONG, ADJ, CAP, EARLIEST, PROC, RECEIVED, DONE, SENT, X] = [
  46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57,
];
const [H_TIME, H_X] = [58, 59];
const F64_LOCALS = 14;

/** The two heaps' arrays with the shared scratch locals of the inline heap code. */
const heapOf = (t: number, tie: number, val: number): HeapLocals => ({
  t,
  tie,
  val,
  n: H_N,
  time: H_TIME,
  key: H_KEY,
  value: H_VALUE,
  i: H_I,
  p: H_P,
  x: H_X,
});
const READY = heapOf(RT, RTIE, RVAL);
const ARRIVING = heapOf(AT_, ATIE, AVAL);
/** The heap's entry and size from the values the four code pieces leave, then `op` (pushCode or siftCode). */
const heapOp = (
  op: (h: HeapLocals) => number[],
  h: HeapLocals,
  n: number[],
  time: number[],
  key: number[],
  value: number[],
) => code(n, set(H_N), time, set(H_TIME), key, set(H_KEY), value, set(H_VALUE), op(h));

/** for (local i = 0; i < local n; i++) body */
const each = (i: number, n: number, body: number[]) => code(i32Const(0), set(i), upTo(i, n, body));
/** for (r = the route's start; r < its end; r++) body(link address on the stack) over pair record PR. */
const route = (body: number[]) =>
  code(
    code(get(PR), I32_LOAD(PAIR_ROUTE), set(R), get(PR), I32_LOAD(PAIR_ROUTE + 4), set(REND)),
    code(BLOCK, LOOP, get(R), get(REND), I32_GE_U, BR_IF(1)),
    code(at(LINKS, R, 2), I32_LOAD(0), i32Const(3), I32_SHL, get(DENSITY), I32_ADD, set(ADDR)),
    body,
    code(inc(R), BR(0), END, END),
  );
/** The first entry of a heap: its time or its value. */
const topTime = (t: number) => code(get(t), F64_LOAD(0));
const topValue = (val: number) => code(get(val), I32_LOAD(0));
/** KeyHeap.pop of heap h whose size is local n. */
const pop = (h: HeapLocals, n: number) =>
  code(
    dec(n),
    code(at(h.t, n, 3), F64_LOAD(0), set(X), at(h.t, n, 3), f64Const(Number.POSITIVE_INFINITY), F64_STORE(0)),
    code(get(n), IF),
    heapOp(
      siftCode,
      h,
      get(n),
      get(X),
      code(at(h.tie, n, 2), I32_LOAD(0)),
      code(at(h.val, n, 2), I32_LOAD(0)),
    ),
    END,
  );

/** Messages received by time T leave the network: their densities off their routes, the mean proc updated. */
const receive = code(
  code(BLOCK, LOOP, get(ARRIVING_N), I32_EQZ, BR_IF(1), topTime(AT_), get(T), F64_LE, I32_EQZ, BR_IF(1)),
  code(topValue(AVAL), set(D), at(HEAD, D, 2), I32_LOAD(0), set(F)),
  code(get(F), i32Const(5), I32_SHL, get(FLIGHTS), I32_ADD, set(FR)),
  code(get(FR), I32_LOAD(FLIGHT_PAIR), i32Const(5), I32_SHL, get(PAIRS), I32_ADD, set(PR)),
  code(get(FR), F64_LOAD(FLIGHT_ADJUST), set(ADJ)),
  route(code(get(ADDR), get(ADDR), F64_LOAD(0), get(ADJ), F64_SUB, F64_STORE(0))),
  code(get(IN_NOC), i32Const(1), I32_GT_S, IF),
  code(get(MEAN), get(MEAN), get(FR), F64_LOAD(FLIGHT_PROC), F64_SUB),
  code(get(IN_NOC), i32Const(1), I32_SUB, F64_CONVERT_I32_S, F64_DIV, F64_ADD, set(MEAN)),
  code(ELSE, f64Const(0), set(MEAN), END),
  dec(IN_NOC),
  code(get(FR), I32_LOAD(FLIGHT_NEXT), tee(AFTER), at(HEAD, D, 2), get(AFTER), I32_STORE(0)),
  code(i32Const(0), I32_LT_S, IF, pop(ARRIVING, ARRIVING_N), ELSE),
  heapOp(
    siftCode,
    ARRIVING,
    get(ARRIVING_N),
    code(get(AFTER), i32Const(5), I32_SHL, get(FLIGHTS), I32_ADD, F64_LOAD(FLIGHT_RECEIVED)),
    get(AFTER),
    topValue(AVAL),
  ),
  END,
  code(BR(0), END, END),
);

/** The message at queue entry Q from core C to core D: its congestion, received and done times, in flight. */
const send = code(
  code(
    get(C),
    get(CORES),
    I32_MUL,
    get(D),
    I32_ADD,
    tee(P),
    i32Const(5),
    I32_SHL,
    get(PAIRS),
    I32_ADD,
    set(PR),
  ),
  code(
    get(PR),
    I32_LOAD(PAIR_HOPS),
    set(HOPS),
    f64Const(0),
    set(ALONG),
    get(PR),
    F64_LOAD(PAIR_ADJUST),
    set(ADJ),
  ),
  route(
    code(
      code(get(ADDR), F64_LOAD(0), set(X), get(ALONG), get(X), F64_ADD, set(ALONG)),
      code(get(ADDR), get(X), get(ADJ), F64_ADD, F64_STORE(0)),
    ),
  ),
  code(get(HOPS), i32Const(1), I32_ADD, F64_CONVERT_I32_S, get(LINK_BUFFER), F64_MUL, set(CAP)),
  code(get(ALONG), get(CAP), F64_GT, IF, get(T), get(ALONG), get(CAP), F64_SUB, get(MEAN), F64_MUL, F64_ADD),
  code(set(T), END),
  code(get(T), get(PR), F64_LOAD(PAIR_MIN_HOP), get(ALONG), get(MEAN), F64_MUL),
  code(get(HOPS), i32Const(1), I32_ADD, F64_CONVERT_I32_S, F64_DIV, F64_MAX, F64_ADD, set(EARLIEST)),
  code(at(Q_PROC, Q, 3), F64_LOAD(0), set(PROC)),
  code(at(FINISHED, D, 3), F64_LOAD(0), get(EARLIEST), F64_MAX, set(RECEIVED)),
  code(get(RECEIVED), get(PROC), F64_ADD, set(DONE), at(FINISHED, D, 3), get(DONE), F64_STORE(0)),
  keepMax(LAST, DONE),
  code(
    get(MEAN),
    get(PROC),
    get(MEAN),
    F64_SUB,
    get(IN_NOC),
    i32Const(1),
    I32_ADD,
    F64_CONVERT_I32_S,
    F64_DIV,
  ),
  code(F64_ADD, set(MEAN), inc(IN_NOC)),
  code(get(NFLIGHT), i32Const(5), I32_SHL, get(FLIGHTS), I32_ADD, set(FR)),
  code(get(FR), get(P), I32_STORE(FLIGHT_PAIR), get(FR), get(ADJ), F64_STORE(FLIGHT_ADJUST)),
  code(get(FR), get(PROC), F64_STORE(FLIGHT_PROC), get(FR), get(RECEIVED), F64_STORE(FLIGHT_RECEIVED)),
  code(get(FR), i32Const(-1), I32_STORE(FLIGHT_NEXT)),
  code(at(HEAD, D, 2), I32_LOAD(0), i32Const(0), I32_LT_S, IF),
  code(at(HEAD, D, 2), get(NFLIGHT), I32_STORE(0)),
  heapOp(pushCode, ARRIVING, get(ARRIVING_N), get(RECEIVED), get(NFLIGHT), get(D)),
  inc(ARRIVING_N),
  code(ELSE, at(TAIL, D, 2), I32_LOAD(0), i32Const(5), I32_SHL, get(FLIGHTS), I32_ADD, get(NFLIGHT)),
  code(I32_STORE(FLIGHT_NEXT), END),
  code(at(TAIL, D, 2), get(NFLIGHT), I32_STORE(0), inc(NFLIGHT)),
);

const scheduleBody = code(
  // a fresh step: no density, nothing finished or sent, no message in flight, both heaps empty (+∞ times)
  each(R, N_LINKS, code(at(DENSITY, R, 3), f64Const(0), F64_STORE(0))),
  each(
    C,
    CORES,
    code(at(FINISHED, C, 3), f64Const(0), F64_STORE(0), at(NEXT, C, 2), i32Const(0), I32_STORE(0)),
  ),
  each(C, CORES, code(at(HEAD, C, 2), i32Const(-1), I32_STORE(0))),
  code(get(CORES), i32Const(2), I32_ADD, set(M)),
  each(C, M, code(at(RT, C, 3), f64Const(Number.POSITIVE_INFINITY), F64_STORE(0))),
  each(C, M, code(at(AT_, C, 3), f64Const(Number.POSITIVE_INFINITY), F64_STORE(0))),
  // each core's first entry, and its first message in the send heap
  code(get(BASE), set(Q)),
  each(
    C,
    CORES,
    code(
      code(at(START, C, 2), get(Q), I32_STORE(0)),
      code(at(COUNT, C, 2), I32_LOAD(0), tee(M), IF),
      heapOp(pushCode, READY, get(READY_N), code(at(Q_GEN, Q, 3), F64_LOAD(0)), get(C), get(C)),
      code(inc(READY_N), END, get(Q), get(M), I32_ADD, set(Q)),
    ),
  ),
  code(BLOCK, LOOP, get(READY_N), I32_EQZ, BR_IF(1)),
  code(topValue(RVAL), set(C), at(NEXT, C, 2), I32_LOAD(0), set(M)),
  code(at(START, C, 2), I32_LOAD(0), get(M), I32_ADD, set(Q), topTime(RT), set(T)),
  keepMax(LAST, T),
  receive,
  code(at(Q_DEST, Q, 2), I32_LOAD(0), tee(D), i32Const(0), I32_GE_S, IF, send, END),
  // the core's next message leaves after this one's gen, or the core is done
  code(get(M), i32Const(1), I32_ADD, tee(NXT), at(COUNT, C, 2), I32_LOAD(0), I32_LT_S, IF),
  code(at(NEXT, C, 2), get(NXT), I32_STORE(0)),
  code(get(T), at(Q_GEN, Q, 3), F64_LOAD(8), F64_ADD, set(SENT)),
  keepMax(LAST, SENT),
  heapOp(siftCode, READY, get(READY_N), get(SENT), get(C), topValue(RVAL)),
  code(ELSE, pop(READY, READY_N), END),
  code(BR(0), END, END),
  get(LAST),
  END,
);

export const scheduleModule = compileOnce(() =>
  moduleBytes([
    {
      name: "schedule",
      params: [...Array(22).fill(I32), F64],
      locals: [
        [I32_LOCALS, I32],
        [F64_LOCALS, F64],
      ],
      body: scheduleBody,
      results: [F64],
    },
  ]),
);
