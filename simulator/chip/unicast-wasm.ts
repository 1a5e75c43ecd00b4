// The detailed-timing unicast walk (unicast.ts, routeContended) in WebAssembly: the same per-hop operations —
// depart = max(t, free[l]), a mesh link then free at depart + its latency, a chip link held occCL, t = depart +
// latency — in the same order, on the same doubles, so every time is bit for bit the JS walk's. Measured on a
// recorded routing trace of spikformer-8-768 at 112×112 on Loihi 2 Hala Point (1.27 G hops): the JS walk is
// bound by its instruction count, not by the chain of times (dropping the chain, the max or the chip-link
// branch left it as slow); here a hop is ≈ 1 ns against ≈ 2 (simulator/chip/README.md, Routing).
//
// The paths, the per-pair spans and the links' free times live in the module's memory (`span`, `pathLinks`,
// `linkFree` are views of it, and the router and Noc use those views in place of their own arrays, so nothing
// is held twice). Packets go through a block at a time: JS gathers a block's injection times and pairs in the
// phase's time order, the module walks them and writes their arrival times and the block's hop counts, and JS
// keeps the per-pair counts, the arrivals and the step's maxima as unicast.ts does.

import {
  CL_X,
  CL_Y,
  HOPS_X,
  HOPS_Y,
  MAX_DELIVER,
  MAX_NET,
  N_TOUCHED,
  type UnicastBatch,
  type UnicastTiming,
} from "./unicast.js";
import {
  BLOCK,
  BR,
  BR_IF,
  compileOnce,
  ELSE,
  END,
  F64,
  F64_ADD,
  F64_GT,
  F64_LOAD,
  F64_STORE,
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
  PAGE,
  SELECT,
  set,
  tee,
  wasm,
} from "./wasm-binary.js";

/** Packets a call walks. */
const PER_CALL = 1024;

// parameters: the block's size; byte addresses of its times, pairs, arrival times and counts, of the spans,
// paths and free times; the mesh latencies east-west and north-south, a chip link's latency and occupancy
const N = 0;
const TIMES = 1;
const PAIRS = 2;
const OUT = 3;
const COUNTS = 4;
const SPAN = 5;
const PATH = 6;
const FREE = 7;
const LAT_EW = 8;
const LAT_NS = 9;
const LAT_CL = 10;
const OCC_CL = 11;
// locals: i32 then f64 (the time and a link's free time)
const K = 12;
const S = 13;
const H = 14;
const MID = 15;
const STOP = 16;
const E = 17;
const A = 18;
const CLX = 19;
const CLY = 20;
const HX = 21;
const HY = 22;
const T = 23;
const F = 24;

/** Instructions in order (one logical step per argument). */
const code = (...parts: number[][]): number[] => parts.flat();

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

const walkBody = code(
  BLOCK,
  LOOP,
  code(get(K), get(N), I32_GE_U, BR_IF(1)),
  // S = SPAN + 16 · pairs[k]; H, MID, STOP: the path's start, row-run end and end as byte addresses
  code(item(PAIRS, 2), I32_LOAD(0), i32Const(4), I32_SHL, get(SPAN), I32_ADD, set(S)),
  code(pathAt(0), set(H), pathAt(4), set(MID), pathAt(8), set(STOP)),
  addEntries(HX, MID, H),
  addEntries(HY, STOP, MID),
  code(item(TIMES, 3), F64_LOAD(0), set(T)),
  run(MID, LAT_EW, CLX),
  run(STOP, LAT_NS, CLY),
  code(item(OUT, 3), get(T), F64_STORE(0)),
  code(get(K), i32Const(1), I32_ADD, set(K)),
  BR(0),
  END,
  END,
  // the block's hops and chip-link crossings, by run
  [HX, HY, CLX, CLY].flatMap((v, i) => code(get(COUNTS), get(v), I32_STORE(4 * i))),
  END,
);

const walkModule = compileOnce(() =>
  moduleBytes([
    {
      name: "walk",
      params: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64],
      locals: [
        [11, I32],
        [2, F64],
      ],
      body: walkBody,
    },
  ]),
);

type Walk = (...args: number[]) => void;

/** The largest memory a module may have (wasm32: 2^16 pages). */
const MAX_BYTES = 2 ** 32;

export class UnicastWasm {
  /** Views of the module's memory: the router's spans and free times, the Noc's paths. */
  readonly span: Int32Array<ArrayBuffer>;
  readonly pathLinks: Int32Array<ArrayBuffer>;
  readonly linkFree: Float64Array<ArrayBuffer>;
  private readonly times: Float64Array;
  private readonly pairs: Int32Array;
  private readonly out: Float64Array;
  private readonly counts: Int32Array;
  private readonly at: {
    times: number;
    pairs: number;
    out: number;
    counts: number;
    span: number;
    path: number;
    free: number;
  };

  private constructor(
    private readonly walk: Walk,
    buffer: ArrayBuffer,
    spanLength: number,
    pathLength: number,
    links: number,
  ) {
    // 8-byte items first, so every region is aligned to its element
    let next = 0;
    const take = (bytes: number) => {
      const p = next;
      next += Math.ceil(bytes / 8) * 8;
      return p;
    };
    const at = {
      times: take(8 * PER_CALL),
      out: take(8 * PER_CALL),
      free: take(8 * links),
      counts: take(16),
      pairs: take(4 * PER_CALL),
      span: take(4 * spanLength),
      path: take(4 * pathLength),
    };
    this.at = at;
    this.times = new Float64Array(buffer, at.times, PER_CALL);
    this.out = new Float64Array(buffer, at.out, PER_CALL);
    this.linkFree = new Float64Array(buffer, at.free, links);
    this.counts = new Int32Array(buffer, at.counts, 4);
    this.pairs = new Int32Array(buffer, at.pairs, PER_CALL);
    this.span = new Int32Array(buffer, at.span, spanLength);
    this.pathLinks = new Int32Array(buffer, at.path, pathLength);
  }

  /** Bytes the memory needs for these arrays. */
  static bytes(spanLength: number, pathLength: number, links: number): number {
    const up8 = (b: number) => Math.ceil(b / 8) * 8;
    return 8 * PER_CALL * 2 + 8 * links + 16 + 4 * PER_CALL + up8(4 * spanLength) + up8(4 * pathLength);
  }

  /**
   * The walk over copies of `span` and `pathLinks`, with `links` free times (all 0); undefined where the runtime
   * has no WebAssembly or the arrays pass `maxBytes` (a module's 4 GiB): then the JS walk runs.
   */
  static create(
    span: Int32Array,
    pathLinks: Int32Array,
    links: number,
    maxBytes = MAX_BYTES,
  ): UnicastWasm | undefined {
    const mod = walkModule();
    const bytes = UnicastWasm.bytes(span.length, pathLinks.length, links);
    if (!wasm || !mod || bytes > maxBytes) return undefined;
    let memory: { buffer: ArrayBuffer };
    try {
      memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    } catch {
      return undefined; // the runtime would not reserve it
    }
    const walk = new wasm.Instance(mod, { m: { memory } }).exports.walk as Walk;
    const made = new UnicastWasm(walk, memory.buffer, span.length, pathLinks.length, links);
    made.span.set(span);
    made.pathLinks.set(pathLinks);
    return made;
  }

  /** routeContended's work on `b` (whose span, pathLinks and linkFree are this walk's views). */
  route(b: UnicastBatch, c: UnicastTiming, sums: Float64Array): void {
    const { n, order, time, pair, pairCount, touched, arrival, writeArrival } = b;
    const { latEW, latNS, latCL, occCL, axonIn } = c;
    const { times, pairs, out, counts, span, at } = this;
    let maxDeliver = sums[MAX_DELIVER]!;
    let maxNet = sums[MAX_NET]!;
    let nTouched = sums[N_TOUCHED]!;
    let [hopsX, hopsY, clX, clY] = [0, 0, 0, 0];
    for (let x = 0; x < n; x += PER_CALL) {
      const m = Math.min(n - x, PER_CALL);
      for (let k = 0; k < m; k++) {
        const o = order[x + k]!;
        const key = pair[o]!;
        // a pair without a path (or no pair) would send the walk to arbitrary addresses
        if (!(span[4 * key]! >= 0))
          throw new Error(`no path for slot pair ${key}: call Noc.path() before finalize()`);
        times[k] = time[o]!;
        pairs[k] = key;
      }
      this.walk(
        m,
        at.times,
        at.pairs,
        at.out,
        at.counts,
        at.span,
        at.path,
        at.free,
        latEW,
        latNS,
        latCL,
        occCL,
      );
      hopsX += counts[0]!;
      hopsY += counts[1]!;
      clX += counts[2]!;
      clY += counts[3]!;
      for (let k = 0; k < m; k++) {
        const inject = times[k]!;
        const arr = out[k]! + axonIn;
        const key = pairs[k]!;
        if (writeArrival) arrival[order[x + k]!] = arr;
        if (arr > maxDeliver) maxDeliver = arr;
        if (arr - inject > maxNet) maxNet = arr - inject;
        if (pairCount[key]!++ === 0) touched[nTouched++] = key;
      }
    }
    sums[MAX_DELIVER] = maxDeliver;
    sums[MAX_NET] = maxNet;
    sums[N_TOUCHED] = nTouched;
    sums[HOPS_X] = hopsX;
    sums[HOPS_Y] = hopsY;
    sums[CL_X] = clX;
    sums[CL_Y] = clY;
  }
}
