// Tests of connectivity helpers: PyTorch's conv output formula, and synapse counts against a brute-force
// enumeration of the documented conv sums.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convOutLength, createConv1d, createConv2d, outChannels, synapseCount } from "./connectivity.js";

/** Connections of one conv axis by direct enumeration: (output position, tap) pairs that land inside. */
function bruteTaps(inLen: number, outLen: number, k: number, s: number, p: number, d: number): number {
  let n = 0;
  for (let o = 0; o < outLen; o++)
    for (let t = 0; t < k; t++) if (o * s - p + t * d >= 0 && o * s - p + t * d < inLen) n++;
  return n;
}

describe("connectivity", () => {
  it("matches PyTorch output lengths", () => {
    expect(convOutLength(32, 3, 2, 1, 1)).toBe(16); // Conv2d(k=3, s=2, p=1) on 32×32
    expect(convOutLength(10, 3, 1, 0, 2)).toBe(6); // Conv1d(k=3, dilation=2)
    expect(convOutLength(28, 5, 1, 0, 1)).toBe(24); // LeNet conv1
    expect(convOutLength(7, 3, 3, 0, 1)).toBe(2);
    const c = createConv2d({
      inShape: [3, 8, 8],
      kernel: [8, 3, 3, 3],
      weights: new Int32Array(216),
      stride: 2,
      padding: 1,
    });
    expect(c.outShape).toEqual([8, 4, 4]);
    expect(outChannels(c)).toBe(8);
  });

  it("counts conv1d synapses, padding excluded", () => {
    fc.assert(
      fc.property(
        fc.record({
          cin: fc.integer({ min: 1, max: 3 }),
          len: fc.integer({ min: 1, max: 9 }),
          k: fc.integer({ min: 1, max: 4 }),
          s: fc.integer({ min: 1, max: 3 }),
          p: fc.integer({ min: 0, max: 3 }),
          d: fc.integer({ min: 1, max: 2 }),
          cout: fc.integer({ min: 1, max: 3 }),
        }),
        ({ cin, len, k, s, p, d, cout }) => {
          const outLen = convOutLength(len, k, s, p, d);
          fc.pre(outLen >= 1);
          const c = createConv1d({
            inShape: [cin, len],
            kernel: [cout, cin, k],
            weights: new Int32Array(cout * cin * k),
            stride: s,
            padding: p,
            dilation: d,
          });
          expect(synapseCount(c)).toBe(cout * cin * bruteTaps(len, outLen, k, s, p, d));
        },
      ),
    );
  });

  it("counts grouped conv2d synapses", () => {
    const c = createConv2d({
      inShape: [4, 5, 5],
      kernel: [4, 1, 3, 3],
      weights: new Int32Array(36),
      padding: 1,
      groups: 4,
    });
    // Depthwise 3×3 with padding 1 on 5×5: per channel, 5 rows × 5 cols of taps minus the padded ones.
    expect(synapseCount(c)).toBe(4 * bruteTaps(5, 5, 3, 1, 1, 1) ** 2);
  });
});
