// PairHash (the NoC's slot-pair ids) against a Map on random pairs, through several growths, with keys whose
// a·slots + b passes 2^31 (where a Map keyed by that product boxes every key).

import { describe, expect, it } from "vitest";
import { PairHash } from "./pair-hash.js";

describe("PairHash", () => {
  it("gives every added pair's value and −1 for the others, past growths and large slot numbers", () => {
    let s = 12345;
    const next = (n: number) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    };
    const h = new PairHash();
    const ref = new Map<string, number>();
    const slots = 60_000;
    for (let v = 0; v < 20_000; v++) {
      const [a, b] = [next(slots), next(slots)];
      if (ref.has(`${a},${b}`)) continue;
      ref.set(`${a},${b}`, v);
      h.add(a, b, v);
    }
    expect(h.size).toBe(ref.size);
    for (const [k, v] of ref) {
      const [a, b] = k.split(",").map(Number) as [number, number];
      expect(h.get(a, b)).toBe(v);
    }
    let absent = 0;
    for (let k = 0; k < 5_000; k++) {
      const [a, b] = [next(slots), next(slots)];
      if (!ref.has(`${a},${b}`)) {
        expect(h.get(a, b)).toBe(-1);
        absent++;
      }
    }
    expect(absent).toBeGreaterThan(4_000);
  });
});
