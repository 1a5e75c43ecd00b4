// The message table against its definition (a plain walk summing every look-up in connection order), on random
// networks whose cores have uniform look-up costs, mixed ones, or both — the same numbers, bit for bit.

import { describe, expect, it } from "vitest";
import { rng } from "../../../compiler/mapping/math.js";
import { messageCounts, messageTable } from "./messages.js";

/** `clustered`: cores hold blocks of neighbouring neurons (revisited as blocks wrap) and each neuron's targets are
 * runs of neighbours, as a conv2d edge's are: long runs of targets on one core. */
function randomNet(seed: number, mixedCores: number, clustered = false) {
  const r = rng(seed);
  const n = 40;
  const cores = 5;
  const coreOf = Int32Array.from({ length: n }, (_, d) =>
    clustered ? Math.floor(d / 6) % cores : Math.floor(r() * cores),
  );
  // per core one cost (uniform), except the first `mixedCores` cores: per neuron
  const costs = [0.1e-12, 0.3e-12, 0.7e-12];
  const unitOf = (d: number) => (coreOf[d]! < mixedCores ? d % 3 : coreOf[d]! % 3);
  const lookupJ = Float64Array.from({ length: n }, (_, d) => costs[unitOf(d)]! + 0.05e-12);
  const lookupDendriteJ = Float64Array.from({ length: n }, (_, d) => costs[unitOf(d)]! / 3);
  const lookupS = Float64Array.from({ length: n }, (_, d) => costs[unitOf(d)]! * 1e3);
  const postStart = new Int32Array(n + 1);
  const post: number[] = [];
  for (let k = 0; k < n; k++) {
    const fan = Math.floor(r() * 60);
    for (let i = 0; i < fan; ) {
      // clustered: a run of neighbours from a random start
      const run = clustered ? 1 + Math.floor(r() * 12) : 1;
      const from = Math.floor(r() * n);
      for (let j = 0; j < run && i < fan; j++, i++) post.push((from + j) % n);
    }
    postStart[k + 1] = post.length;
  }
  return { postStart, post: Int32Array.from(post), coreOf, cores, lookupJ, lookupDendriteJ, lookupS };
}

/** The definition: per neuron, per destination core in slot order, the sums in connection order. */
function plainTable(net: ReturnType<typeof randomNet>) {
  const rows: number[][] = [];
  for (let k = 0; k + 1 < net.postStart.length; k++) {
    const sums = new Map<number, number[]>();
    for (let r = net.postStart[k]!; r < net.postStart[k + 1]!; r++) {
      const d = net.post[r]!;
      const s = sums.get(net.coreOf[d]!) ?? [0, 0, 0, 0];
      s[0]! += 1;
      s[1]! += net.lookupJ[d]!;
      s[2]! += net.lookupDendriteJ[d]!;
      s[3]! += net.lookupS[d]!;
      sums.set(net.coreOf[d]!, s);
    }
    for (const c of [...sums.keys()].sort((a, b) => a - b)) rows.push([k, c, ...sums.get(c)!]);
  }
  return rows;
}

describe("message table", () => {
  it("sums every message's look-ups as the plain walk does, uniform and mixed cores alike", () => {
    for (const [seed, mixed, clustered] of [
      [1, 0],
      [2, 2],
      [3, 5],
      [4, 0, true],
      [5, 2, true],
    ] as const) {
      const net = randomNet(seed, mixed, clustered);
      const t = messageTable(
        net.postStart,
        net.post,
        net.coreOf,
        net.cores,
        net.lookupJ,
        net.lookupDendriteJ,
        net.lookupS,
      );
      const rows: number[][] = [];
      for (let k = 0; k + 1 < t.msgStart.length; k++)
        for (let m = t.msgStart[k]!; m < t.msgStart[k + 1]!; m++)
          rows.push([
            k,
            t.msgCore[m]!,
            t.msgSynapses[m]!,
            t.msgSynapseJ[m]!,
            t.msgDendriteJ[m]!,
            t.msgLatencyS[m]!,
          ]);
      expect(rows.length).toBeGreaterThan(100);
      expect(rows).toEqual(plainTable(net));
      // with its counts made ahead: the same table (costs from the counts where every core is uniform)
      const counts = messageCounts(net.postStart, net.post, net.coreOf, net.cores);
      expect(counts.msgStart).toEqual(t.msgStart);
      expect(counts.msgCore).toEqual(t.msgCore);
      expect(counts.msgSynapses).toEqual(t.msgSynapses);
      const again = messageTable(
        net.postStart,
        net.post,
        net.coreOf,
        net.cores,
        net.lookupJ,
        net.lookupDendriteJ,
        net.lookupS,
        counts,
      );
      expect(again).toEqual(t);
    }
  });
});
