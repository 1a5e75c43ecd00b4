// The WebAssembly walk (unicast-wasm.ts) against the JS walk (unicast.ts, routeContended) on random paths with
// mesh and chip-link entries, crowded and spread times, phases sharing link state, and blocks of every size
// around the 1,024 packets a call walks: every arrival, free time, maximum, hop count and per-pair count the same
// double. The router-level comparison with the plain per-hop walk is unicast.test.ts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routeContended, SUMS, type UnicastBatch, type UnicastTiming } from "./unicast.js";
import { UnicastWasm } from "./unicast-wasm.js";

interface Net {
  links: number;
  /** Per pair: [row-run entries, column-run entries]; an entry is a link id or ~id for a chip link. */
  paths: [number[], number[]][];
}

function layout(net: Net) {
  const pathLinks: number[] = [];
  const span = new Int32Array(4 * net.paths.length);
  net.paths.forEach(([row, col], k) => {
    span[4 * k] = pathLinks.length;
    pathLinks.push(...row);
    span[4 * k + 1] = pathLinks.length;
    pathLinks.push(...col);
    span[4 * k + 2] = pathLinks.length;
  });
  return { span, pathLinks: Int32Array.from(pathLinks) };
}

const TIMING: UnicastTiming = { latEW: 2.05, latNS: 3.25, latCL: 200, occCL: 3.686635944700461, axonIn: 7.5 };

/** Routes every phase through one walk; returns everything it wrote. */
function routeAll(net: Net, phases: [number, number][][], walk: "js" | "wasm") {
  const { span, pathLinks } = layout(net);
  const pairs = net.paths.length;
  const w = walk === "wasm" ? UnicastWasm.create(span, pathLinks, net.links, pairs) : undefined;
  if (walk === "wasm") expect(w).toBeDefined();
  const state = {
    span: w?.span ?? span,
    pathLinks: w?.pathLinks ?? pathLinks,
    linkFree: w?.linkFree ?? new Float64Array(net.links),
    pairCount: w?.pairCount ?? new Float64Array(pairs),
    touched: w?.touched ?? new Int32Array(pairs),
  };
  const sums = new Float64Array(SUMS);
  const out: number[][] = [];
  for (const phase of phases) {
    // packets pushed in reverse; `order` puts them back in time order, as the router's time sort does
    const n = phase.length;
    const time = Float64Array.from(phase.map(([, t]) => t).reverse());
    const pair = Int32Array.from(phase.map(([p]) => p % net.paths.length).reverse());
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a]! - time[b]! || b - a);
    const arrival = new Float64Array(n);
    const b: UnicastBatch = { n, order, time, pair, ...state, arrival, writeArrival: true };
    if (w) w.route(b, TIMING, sums);
    else routeContended(b, TIMING, sums);
    out.push([...arrival], [...sums], [...state.linkFree], [...state.pairCount], [...state.touched]);
  }
  return out;
}

const netArb = fc.integer({ min: 1, max: 40 }).chain((links) =>
  fc.record({
    links: fc.constant(links),
    paths: fc.array(
      fc.tuple(
        fc.uniqueArray(fc.nat(links - 1), { maxLength: links }),
        fc.uniqueArray(fc.nat(links - 1), { maxLength: links }),
      ),
      { minLength: 1, maxLength: 12 },
    ),
  }),
);

/** A path's runs with a link id at most once, some entries chip links. */
const pathsOf = (net: Net, chip: boolean[]): Net => {
  const paths = net.paths.map(([row, col]) => {
    const seen = new Set(row);
    const c = col.filter((l) => !seen.has(l));
    const entry = (l: number) => (chip[l % chip.length] ? ~l : l);
    return [row.map(entry), c.map(entry)] as [number[], number[]];
  });
  return { links: net.links, paths };
};

describe("the WebAssembly unicast walk = the JS walk", () => {
  it("on random paths, chip links, times and phases: arrivals, free times, sums and pair counts", () => {
    const time = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 5000, noNaN: true }));
    fc.assert(
      fc.property(
        netArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(fc.tuple(fc.nat(50), time), { maxLength: 80 }), { minLength: 1, maxLength: 3 }),
        (net, chip, phases) => {
          const n = pathsOf(net, chip);
          expect(routeAll(n, phases, "wasm")).toEqual(routeAll(n, phases, "js"));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("across the blocks a call walks: 0, 1, 1,023 … 2,049 packets, crowded onto shared links", () => {
    const net: Net = {
      links: 30,
      paths: Array.from({ length: 9 }, (_, k) => [
        Array.from({ length: 3 + k }, (_, h) => (h * 7 + k) % 15),
        Array.from({ length: 2 + (k % 4) }, (_, h) => 15 + ((h * 5 + k) % 15)).map((l, h) =>
          h === 1 ? ~l : l,
        ),
      ]) as [number[], number[]][],
    };
    for (const n of [0, 1, 1023, 1024, 1025, 2048, 2049]) {
      const phase = Array.from({ length: n }, (_, i) => [(i * 5) % 9, (i * 13) % 50] as [number, number]);
      const wasm = routeAll(net, [phase, phase.slice(0, 100)], "wasm");
      expect(wasm).toEqual(routeAll(net, [phase, phase.slice(0, 100)], "js"));
    }
    // the case waits: some packet arrives later than its path's latencies alone would bring it
    const phase = Array.from({ length: 500 }, (_, i) => [i % 9, 0] as [number, number]);
    const [arrivals] = routeAll(net, [phase], "wasm");
    expect(Math.max(...arrivals!)).toBeGreaterThan(1000);
  });

  it("a pair without a path is an error, not a walk from an arbitrary address", () => {
    const w = UnicastWasm.create(Int32Array.of(-1, -1, -1, 0), new Int32Array(0), 1, 1)!;
    const b: UnicastBatch = {
      n: 1,
      order: Int32Array.of(0),
      time: Float64Array.of(0),
      pair: Int32Array.of(0),
      span: w.span,
      pathLinks: w.pathLinks,
      linkFree: w.linkFree,
      pairCount: w.pairCount,
      touched: w.touched,
      arrival: new Float64Array(1),
      writeArrival: true,
    };
    expect(() => w.route(b, TIMING, new Float64Array(SUMS))).toThrow(/no path for slot pair 0/);
    expect(() => w.route({ ...b, pair: Int32Array.of(3) }, TIMING, new Float64Array(SUMS))).toThrow(/pair 3/);
  });

  it("copies the paths into its memory, declines arrays past its byte limit and batches not its own", () => {
    const span = Int32Array.of(0, 1, 2, 0);
    const pathLinks = Int32Array.of(4, ~5);
    const w = UnicastWasm.create(span, pathLinks, 6, 1)!;
    expect([...w.span]).toEqual([...span]);
    expect([...w.pathLinks]).toEqual([...pathLinks]);
    expect([...w.linkFree]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...w.pairCount]).toEqual([0]);
    const need = UnicastWasm.bytes(4, 2, 6, 1);
    expect(UnicastWasm.create(span, pathLinks, 6, 1, need)).toBeDefined();
    expect(UnicastWasm.create(span, pathLinks, 6, 1, need - 1)).toBeUndefined();
    // a batch whose arrays are not the walk's is refused (the module would not see them)
    const b: UnicastBatch = {
      n: 0,
      order: new Int32Array(0),
      time: new Float64Array(0),
      pair: new Int32Array(0),
      span: w.span,
      pathLinks: w.pathLinks,
      linkFree: w.linkFree,
      pairCount: new Float64Array(1),
      touched: w.touched,
      arrival: new Float64Array(0),
      writeArrival: false,
    };
    expect(() => w.route(b, TIMING, new Float64Array(SUMS))).toThrow(/not this walk's/);
  });
});
