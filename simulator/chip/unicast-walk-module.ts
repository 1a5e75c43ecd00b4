// The WebAssembly code of detailed timing's unicast walk (unicast-wasm.ts runs it): one function, `walk`, over a
// block of packets — for each, its pair's path from the spans, the row run at the east-west latency and the
// column run at the north-south one, a chip link (a negative entry) held occCL and crossed in latCL; then its
// arrival, the step's maxima and the pair's packet count. The operations are routeContended's (unicast.ts), in
// the same order on the same doubles. Written out with wasm-binary.ts; every address is a byte address.

import {
  BLOCK,
  BR,
  BR_IF,
  code,
  compileOnce,
  ELSE,
  END,
  F64,
  F64_ADD,
  F64_EQ,
  F64_GT,
  F64_LOAD,
  F64_STORE,
  F64_SUB,
  f64Const,
  get,
  I32,
  I32_ADD,
  I32_GE_S,
  I32_GE_U,
  I32_LOAD,
  I32_SHL,
  I32_SHR_S,
  I32_SHR_U,
  I32_STORE,
  I32_SUB,
  I32_XOR,
  IF,
  i32Const,
  LOOP,
  moduleBytes,
  SELECT,
  set,
  tee,
} from "./wasm-binary.js";

/** Packets a call walks. */
export const PER_CALL = 1024;

// parameters: the block's size; byte addresses of its times, pairs and arrival times, of the state carried
// between calls (STATE_*), of the spans, paths, free times, per-pair packet counts and touched pairs; the mesh
// latencies east-west and north-south, a chip link's latency and occupancy, the axon-in cycles
const N = 0;
const TIMES = 1;
const PAIRS = 2;
const OUT = 3;
const STATE = 4;
const SPAN = 5;
const PATH = 6;
const FREE = 7;
const PAIR_COUNT = 8;
const TOUCHED = 9;
const LAT_EW = 10;
const LAT_NS = 11;
const LAT_CL = 12;
const OCC_CL = 13;
const AXON_IN = 14;
// locals: i32 (the last two: the pair, the touched pairs' count), then f64 (the time, a link's free time,
// the latest delivery and the longest route)
const K = 15;
const S = 16;
const H = 17;
const MID = 18;
const STOP = 19;
const E = 20;
const A = 21;
const CLX = 22;
const CLY = 23;
const HX = 24;
const HY = 25;
const KEY = 26;
const NT = 27;
const T = 28;
const F = 29;
const MD = 30;
const MN = 31;

/** The state's layout (bytes from STATE): the latest delivery and longest route (f64), then hops and chip-link
 * crossings of the row and column runs of this call, and the touched pairs' count (i32). */
const STATE_MAX_DELIVER = 0;
const STATE_MAX_NET = 8;
export const STATE_COUNTS = 16;
const STATE_TOUCHED = 32;
export const STATE_BYTES = 40;

/** t = max(t, free) where free = memory[A]: a select, not a branch on contention. */
const departFromA = code(get(A), F64_LOAD(0), tee(F), get(T), get(F), get(T), F64_GT, SELECT, set(T));

/** A = FREE + 8 · the link id on the stack. */
const linkAddress = code(i32Const(3), I32_SHL, get(FREE), I32_ADD, set(A));

/** One run of a path, from H (a byte address of its entries) up to `stop`: mesh hops at `lat`, chip links counted in `cl`. */
const run = (stop: number, lat: number, cl: number) =>
  code(
    BLOCK,
    LOOP,
    code(get(H), get(stop), I32_GE_U, BR_IF(1)),
    code(get(H), I32_LOAD(0), tee(E), i32Const(0), I32_GE_S),
    IF,
    // a mesh link: free afterwards at the packet's time after it
    code(get(E), linkAddress, departFromA),
    code(get(A), get(T), get(lat), F64_ADD, tee(T), F64_STORE(0)),
    ELSE,
    // a chip link (entry ~l): held occCL, crossed in latCL
    code(get(E), get(E), i32Const(31), I32_SHR_S, I32_XOR, linkAddress, departFromA),
    code(get(A), get(T), get(OCC_CL), F64_ADD, F64_STORE(0)),
    code(get(T), get(LAT_CL), F64_ADD, set(T)),
    code(get(cl), i32Const(1), I32_ADD, set(cl)),
    END,
    code(get(H), i32Const(4), I32_ADD, set(H)),
    BR(0),
    END,
    END,
  );

/** PATH + 4 · (the span's entry at byte offset `o` from S): a path entry's byte address. */
const pathAt = (o: number) => code(get(S), I32_LOAD(o), i32Const(2), I32_SHL, get(PATH), I32_ADD);
/** local v += (local hi − local lo) / 4: a run's entries. */
const addEntries = (v: number, hi: number, lo: number) =>
  code(get(v), get(hi), get(lo), I32_SUB, i32Const(2), I32_SHR_U, I32_ADD, set(v));
/** local + 2^shift · k: the byte address of item k of the block's array at `base`. */
const item = (base: number, shift: number) => code(get(K), i32Const(shift), I32_SHL, get(base), I32_ADD);

/** local m = select(local x, m, x > m): `if (x > m) m = x`, without a branch. */
const keepMax = (m: number, x: number) => code(get(x), get(m), get(x), get(m), F64_GT, SELECT, set(m));

const walkBody = code(
  code(get(STATE), F64_LOAD(STATE_MAX_DELIVER), set(MD)),
  code(get(STATE), F64_LOAD(STATE_MAX_NET), set(MN)),
  code(get(STATE), I32_LOAD(STATE_TOUCHED), set(NT)),
  BLOCK,
  LOOP,
  code(get(K), get(N), I32_GE_U, BR_IF(1)),
  // S = SPAN + 16 · pairs[k]; H, MID, STOP: the path's start, row-run end and end as byte addresses
  code(item(PAIRS, 2), I32_LOAD(0), tee(KEY), i32Const(4), I32_SHL, get(SPAN), I32_ADD, set(S)),
  code(pathAt(0), set(H), pathAt(4), set(MID), pathAt(8), set(STOP)),
  addEntries(HX, MID, H),
  addEntries(HY, STOP, MID),
  code(item(TIMES, 3), F64_LOAD(0), set(T)),
  run(MID, LAT_EW, CLX),
  run(STOP, LAT_NS, CLY),
  // the arrival, the step's latest delivery and longest route (arrival − injection)
  code(get(T), get(AXON_IN), F64_ADD, set(T)),
  code(item(OUT, 3), get(T), F64_STORE(0)),
  keepMax(MD, T),
  code(get(T), item(TIMES, 3), F64_LOAD(0), F64_SUB, set(F)),
  keepMax(MN, F),
  // the pair's packets: a pair counted for the first time since the last flush joins the touched ones
  code(get(KEY), i32Const(3), I32_SHL, get(PAIR_COUNT), I32_ADD, set(A)),
  code(get(A), F64_LOAD(0), tee(F), f64Const(0), F64_EQ),
  IF,
  code(get(NT), i32Const(2), I32_SHL, get(TOUCHED), I32_ADD, get(KEY), I32_STORE(0)),
  code(get(NT), i32Const(1), I32_ADD, set(NT)),
  END,
  code(get(A), get(F), f64Const(1), F64_ADD, F64_STORE(0)),
  code(get(K), i32Const(1), I32_ADD, set(K)),
  BR(0),
  END,
  END,
  // the block's hops and chip-link crossings by run, and the state for the next call
  [HX, HY, CLX, CLY].flatMap((v, i) => code(get(STATE), get(v), I32_STORE(STATE_COUNTS + 4 * i))),
  code(get(STATE), get(NT), I32_STORE(STATE_TOUCHED)),
  code(get(STATE), get(MD), F64_STORE(STATE_MAX_DELIVER)),
  code(get(STATE), get(MN), F64_STORE(STATE_MAX_NET)),
  END,
);

/** The compiled module (exports `walk`), or null without WebAssembly. */
export const walkModule = compileOnce(() =>
  moduleBytes([
    {
      name: "walk",
      params: [...Array<number>(10).fill(I32), F64, F64, F64, F64, F64],
      locals: [
        [13, I32],
        [4, F64],
      ],
      body: walkBody,
    },
  ]),
);
