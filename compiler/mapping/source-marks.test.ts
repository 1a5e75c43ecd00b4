// markSources / visitSources find exactly the sources forEachSynapse visits, on random convolutions (groups,
// stride, padding, dilation; 1-D and 2-D), rowwise and sparse projections, for random destination runs (one,
// or several on one core as a tile's).

import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  connInSize,
  connOutSize,
  createConv1d,
  createConv2d,
  createRowwise,
  createSparse,
} from "../nmir/index.js";
import { markSources, visitSources } from "./source-marks.js";
import { forEachSynapse } from "./synapses.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function randomConn(r: (n: number) => number): Connectivity {
  const groups = 1 + r(3);
  const cin = groups * (1 + r(3));
  const cout = groups * (1 + r(3));
  const k = 1 + r(3);
  const stride = 1 + r(2);
  const padding = r(2);
  const dilation = 1 + r(2);
  const ones = (n: number) => new Int32Array(n).fill(1);
  switch (r(5)) {
    case 3: {
      // random CSR by source, repeated (i, j) pairs allowed
      const [inSize, outSize] = [1 + r(12), 1 + r(12)];
      const rowPtr = new Int32Array(inSize + 1);
      const cols: number[] = [];
      for (let i = 0; i < inSize; i++) {
        for (let k = r(4); k > 0; k--) cols.push(r(outSize));
        rowPtr[i + 1] = cols.length;
      }
      return createSparse({
        inSize,
        outSize,
        rowPtr,
        colIdx: Int32Array.from(cols),
        weights: ones(cols.length),
      });
    }
    case 0: {
      const len = k * dilation + 1 + r(8);
      return createConv1d({
        inShape: [cin, len],
        kernel: [cout, cin / groups, k],
        weights: ones(cout * (cin / groups) * k),
        stride,
        padding,
        dilation,
        groups,
      });
    }
    case 1:
    case 2: {
      const h = k * dilation + 1 + r(6);
      const w = k * dilation + 1 + r(6);
      const kernel: [number, number, number, number] = [cout, cin / groups, k, k];
      return createConv2d({
        inShape: [cin, h, w],
        kernel,
        weights: ones(cout * (cin / groups) * k * k),
        stride,
        padding,
        dilation,
        groups,
      });
    }
    default: {
      const [nOut, nIn] = [1 + r(5), 1 + r(5)];
      return createRowwise({
        rows: 1 + r(6),
        kernel: [nOut, nIn],
        weights: ones(nOut * nIn),
        srcTransposed: r(2) === 1,
        dstTransposed: r(2) === 1,
      });
    }
  }
}

describe("markSources", () => {
  it("= the sources forEachSynapse visits, on 400 random connectivities and runs", () => {
    const r = rng(7);
    for (let trial = 0; trial < 400; trial++) {
      const c = randomConn(r);
      const n = connOutSize(c);
      const start = r(n);
      const count = 1 + r(n - start);
      const want = new Uint8Array(connInSize(c));
      forEachSynapse(c, start, count, (i) => {
        want[i] = 1;
      });
      const got = new Uint8Array(connInSize(c));
      markSources(c, start, count, got);
      expect([...got], `${c.kind} trial ${trial} run ${start}+${count}`).toEqual([...want]);
    }
  });
});

describe("visitSources", () => {
  it("over several runs visits the union of the runs' sources, on 400 random connectivities", () => {
    const r = rng(11);
    for (let trial = 0; trial < 400; trial++) {
      const c = randomConn(r);
      const n = connOutSize(c);
      const runs = Array.from({ length: 1 + r(4) }, () => {
        const start = r(n);
        return { start, count: 1 + r(Math.min(3, n - start)) };
      });
      const want = new Uint8Array(connInSize(c));
      for (const { start, count } of runs)
        forEachSynapse(c, start, count, (i) => {
          want[i] = 1;
        });
      const got = new Uint8Array(connInSize(c));
      visitSources(c, runs, (i) => {
        got[i] = 1;
      });
      expect([...got], `${c.kind} trial ${trial} runs ${JSON.stringify(runs)}`).toEqual([...want]);
    }
  });
});

describe("visitSources with ranges", () => {
  it("points and ranges together visit the union; no source in two ranges or in a range and a point", () => {
    const r = rng(13);
    let ranges = 0;
    for (let trial = 0; trial < 400; trial++) {
      const c = randomConn(r);
      const n = connOutSize(c);
      // long runs too (whole channels), so groups and channels read stretches of consecutive sources
      const runs = Array.from({ length: 1 + r(4) }, () => {
        const start = r(n);
        return { start, count: 1 + r(r(2) ? n - start : Math.min(3, n - start)) };
      });
      const want = new Uint8Array(connInSize(c));
      for (const { start, count } of runs)
        forEachSynapse(c, start, count, (i) => {
          want[i] = 1;
        });
      const points = new Uint8Array(connInSize(c));
      const inRange = new Uint8Array(connInSize(c));
      visitSources(
        c,
        runs,
        (i) => {
          points[i] = 1;
        },
        (lo, hi) => {
          ranges++;
          expect(lo).toBeLessThan(hi);
          for (let i = lo; i < hi; i++) {
            expect(inRange[i], `trial ${trial}: source ${i} in two ranges`).toBe(0);
            inRange[i] = 1;
          }
        },
      );
      const label = `${c.kind} trial ${trial} runs ${JSON.stringify(runs)}`;
      expect(
        [...points].map((p, i) => p | inRange[i]!),
        label,
      ).toEqual([...want]);
      expect(
        [...points].some((p, i) => p === 1 && inRange[i] === 1),
        label,
      ).toBe(false);
    }
    expect(ranges).toBeGreaterThan(50);
  });
});
