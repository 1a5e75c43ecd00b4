// The detailed-timing unicast walk (unicast.ts, routeContended) in WebAssembly: the same per-hop operations —
// depart = max(t, free[l]), a mesh link then free at depart + its latency, a chip link held occCL, t = depart +
// latency — in the same order, on the same doubles, so every time is bit for bit the JS walk's. Measured on a
// recorded routing trace of spikformer-8-768 at 112×112 on Loihi 2 Hala Point (1.27 G hops): the JS walk is
// bound by its instruction count, not by the chain of times (dropping the chain, the max or the chip-link
// branch left it as slow); here a hop is ≈ 1 ns against ≈ 2 (simulator/chip/README.md, Routing).
//
// The paths, the per-pair spans, the links' free times and the per-pair packet counts live in the module's
// memory (`span`, `pathLinks`, `linkFree`, `pairCount`, `touched` are views of it, and the router and Noc use
// those views in place of their own arrays, so nothing is held twice). Packets go through a block at a time:
// JS gathers a block's injection times and pairs in the phase's time order; the module (unicast-walk-module.ts)
// walks them, writes their arrival times, counts their pairs and keeps the step's maxima; JS writes the
// arrivals where the router keeps them.

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
import { PER_CALL, STATE_BYTES, STATE_COUNTS, walkModule } from "./unicast-walk-module.js";
import { PAGE, wasm } from "./wasm-binary.js";

type Walk = (...args: number[]) => void;

/** The largest memory a module may have (wasm32: 2^16 pages). */
const MAX_BYTES = 2 ** 32;

/** Where each array lives in the memory (byte addresses): 8-byte items first, so each is aligned to its element. */
function regions(spanLength: number, pathLength: number, links: number, pairs: number) {
  let next = 0;
  const take = (bytes: number) => {
    const p = next;
    next += Math.ceil(bytes / 8) * 8;
    return p;
  };
  return {
    times: take(8 * PER_CALL),
    out: take(8 * PER_CALL),
    free: take(8 * links),
    pairCount: take(8 * pairs),
    state: take(STATE_BYTES),
    pairs: take(4 * PER_CALL),
    touched: take(4 * pairs),
    span: take(4 * spanLength),
    path: take(4 * pathLength),
    end: next,
  };
}

export class UnicastWasm {
  /** Views of the module's memory: the router's spans, free times and per-pair counts, the Noc's paths. */
  readonly span: Int32Array<ArrayBuffer>;
  readonly pathLinks: Int32Array<ArrayBuffer>;
  readonly linkFree: Float64Array<ArrayBuffer>;
  readonly pairCount: Float64Array<ArrayBuffer>;
  readonly touched: Int32Array<ArrayBuffer>;
  private readonly times: Float64Array;
  private readonly pairs: Int32Array;
  private readonly out: Float64Array;
  private readonly stateF64: Float64Array;
  private readonly stateI32: Int32Array;

  private constructor(
    private readonly walk: Walk,
    buffer: ArrayBuffer,
    private readonly at: ReturnType<typeof regions>,
    spanLength: number,
    pathLength: number,
    links: number,
    pairs: number,
  ) {
    this.times = new Float64Array(buffer, at.times, PER_CALL);
    this.out = new Float64Array(buffer, at.out, PER_CALL);
    this.linkFree = new Float64Array(buffer, at.free, links);
    this.pairCount = new Float64Array(buffer, at.pairCount, pairs);
    this.stateF64 = new Float64Array(buffer, at.state, 2);
    this.stateI32 = new Int32Array(buffer, at.state + STATE_COUNTS, 5);
    this.pairs = new Int32Array(buffer, at.pairs, PER_CALL);
    this.touched = new Int32Array(buffer, at.touched, pairs);
    this.span = new Int32Array(buffer, at.span, spanLength);
    this.pathLinks = new Int32Array(buffer, at.path, pathLength);
  }

  /** Bytes the memory needs for these arrays. */
  static bytes(spanLength: number, pathLength: number, links: number, pairs: number): number {
    return regions(spanLength, pathLength, links, pairs).end;
  }

  /**
   * The walk over copies of `span` and `pathLinks`, with `links` free times and `pairs` packet counts (all 0);
   * undefined where the runtime has no WebAssembly or the arrays pass `maxBytes` (a module's 4 GiB): then the JS
   * walk runs.
   */
  static create(
    span: Int32Array,
    pathLinks: Int32Array,
    links: number,
    pairs: number,
    maxBytes = MAX_BYTES,
  ): UnicastWasm | undefined {
    const mod = walkModule();
    const at = regions(span.length, pathLinks.length, links, pairs);
    if (!wasm || !mod || at.end > maxBytes) return undefined;
    let memory: { buffer: ArrayBuffer };
    try {
      memory = new wasm.Memory({ initial: Math.ceil(at.end / PAGE) });
    } catch {
      return undefined; // the runtime would not reserve it
    }
    const walk = new wasm.Instance(mod, { m: { memory } }).exports.walk as Walk;
    const made = new UnicastWasm(walk, memory.buffer, at, span.length, pathLinks.length, links, pairs);
    made.span.set(span);
    made.pathLinks.set(pathLinks);
    return made;
  }

  /**
   * routeContended's work on `b`, whose span, pathLinks, linkFree, pairCount and touched must be this walk's
   * views (the module reads and writes them in its memory).
   */
  route(b: UnicastBatch, c: UnicastTiming, sums: Float64Array): void {
    const { n, order, time, pair, arrival, writeArrival } = b;
    if (
      b.span !== this.span ||
      b.pathLinks !== this.pathLinks ||
      b.linkFree !== this.linkFree ||
      b.pairCount !== this.pairCount ||
      b.touched !== this.touched
    )
      throw new Error("UnicastWasm.route: the batch's per-pair and per-link arrays are not this walk's");
    const { latEW, latNS, latCL, occCL, axonIn } = c;
    const { times, pairs, out, span, at, stateF64, stateI32 } = this;
    stateF64[0] = sums[MAX_DELIVER]!;
    stateF64[1] = sums[MAX_NET]!;
    stateI32[4] = sums[N_TOUCHED]!;
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
        at.state,
        at.span,
        at.path,
        at.free,
        at.pairCount,
        at.touched,
        latEW,
        latNS,
        latCL,
        occCL,
        axonIn,
      );
      hopsX += stateI32[0]!;
      hopsY += stateI32[1]!;
      clX += stateI32[2]!;
      clY += stateI32[3]!;
      if (writeArrival) for (let k = 0; k < m; k++) arrival[order[x + k]!] = out[k]!;
    }
    sums[MAX_DELIVER] = stateF64[0]!;
    sums[MAX_NET] = stateF64[1]!;
    sums[N_TOUCHED] = stateI32[4]!;
    sums[HOPS_X] = hopsX;
    sums[HOPS_Y] = hopsY;
    sums[CL_X] = clX;
    sums[CL_Y] = clY;
  }
}
