// The compile of a network whose terms share weights (a Spikformer's residual stream read through one conv or
// linear) builds and quantizes each shared array once; these check that the shortcuts give exactly what the
// long way gives: the same .nmir bytes, diagnostics and verify problems, on zoo:spikformer-mnist.

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { getZooModel } from "../../models/zoo.js";
import { createLinear } from "../graph/nodes-synaptic.js";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import { encodeNmir } from "../nmir/codec.js";
import type { NmirModule } from "../nmir/index.js";
import { checkNmir } from "../nmir/verify.js";
import { buildConnectivity } from "./lower/connectivity.js";
import { ConnectivityCache } from "./lower/connectivity-cache.js";
import type { Term } from "./lower/paths.js";
import { compile, compileLowered } from "./pipeline.js";
import { absRowSums, sharedAbsRowSums } from "./quant-ranges.js";
import { quantize } from "./quant-testing.js";

const options = () => ({ profile: loadProfile("loihi2-hala-point"), dump: () => {} });
const lowered = () =>
  compile(getZooModel("spikformer-mnist").build(), { ...options(), stopAfter: "lowerToNmir" });
const arrays = (m: NmirModule) => new Set(m.projections.map((p) => p.connectivity.weights)).size;

/** The module with every projection holding its own copy of its weights (nothing shared by identity). */
function unshared(m: NmirModule): NmirModule {
  return {
    ...m,
    projections: m.projections.map((p) => ({
      ...p,
      connectivity: { ...p.connectivity, weights: p.connectivity.weights.slice() },
    })) as NmirModule["projections"],
  };
}

/** Every projection takes the array of the first earlier one of the same type and length. */
function share(m: NmirModule): NmirModule {
  const first = new Map<string, NmirModule["projections"][number]["connectivity"]["weights"]>();
  return {
    ...m,
    projections: m.projections.map((p) => {
      const w = p.connectivity.weights;
      const key = `${w.constructor.name}:${w.length}`;
      const weights = first.get(key) ?? w;
      first.set(key, weights);
      return { ...p, connectivity: { ...p.connectivity, weights } };
    }) as NmirModule["projections"],
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("shared weight arrays through the compile", () => {
  it("lowering with the connectivity cache equals building every term's connectivity afresh", () => {
    const cached = lowered();
    vi.spyOn(ConnectivityCache.prototype, "build").mockImplementation(function (this: unknown, term, gain) {
      const limits = (this as { limits: Parameters<typeof buildConnectivity>[2] }).limits;
      return buildConnectivity(term, gain, limits);
    });
    const fresh = lowered();
    // the cache did share arrays (else this test would compare two identical long ways)
    expect(arrays(fresh.ir)).toBe(fresh.ir.projections.length);
    expect(arrays(cached.ir)).toBeLessThan(cached.ir.projections.length);
    expect(encodeNmir(cached.ir)).toEqual(encodeNmir(fresh.ir));
    expect(cached.diagnostics).toEqual(fresh.diagnostics);
  });

  it("quantizing a shared array once equals quantizing each projection's own copy", () => {
    const base = lowered().ir;
    const shared = compileLowered(base, options());
    const own = compileLowered(unshared(base), options());
    expect(arrays(shared.ir)).toBeLessThan(shared.ir.projections.length);
    expect(arrays(own.ir)).toBe(own.ir.projections.length);
    expect(encodeNmir(shared.ir)).toEqual(encodeNmir(own.ir));
    expect(shared.diagnostics).toEqual(own.diagnostics);
  });

  it("verify reports a shared array against each reader's own width, as for separate copies", () => {
    const q = compileLowered(lowered().ir, options()).ir;
    // narrow one reader of a shared array: its values no longer fit, the other readers' still do
    const counts = new Map<unknown, number>();
    for (const p of q.projections)
      counts.set(p.connectivity.weights, (counts.get(p.connectivity.weights) ?? 0) + 1);
    const i = q.projections.findIndex(
      (p) =>
        (counts.get(p.connectivity.weights) ?? 0) > 1 && p.connectivity.weights.some((v) => Math.abs(v) > 2),
    );
    expect(i).toBeGreaterThanOrEqual(0);
    const narrowed = {
      ...q,
      projections: q.projections.map((p, k) => (k === i ? { ...p, weightBits: 2 } : p)),
    };
    const problems = checkNmir(narrowed);
    expect(problems.some((x) => x.message.includes("does not fit 2-bit signed"))).toBe(true);
    expect(problems).toEqual(checkNmir(unshared(narrowed)));
  });

  it("a term met again with other gains (or −0 for 0) is built afresh, with equal ones it shares the array", () => {
    const node = createLinear({ shape: [3, 4], data: Float64Array.from({ length: 12 }, (_, i) => i - 5) });
    const term: Term = {
      delay: 0,
      steps: [{ node, port: 0, inShapes: [[4]], outShape: [3], label: "fc" }],
      inShape: [4],
      outShape: [3],
      label: "x → fc",
    };
    const limits = { maxComposeWork: 2 ** 31, maxSynapses: 2 ** 26 };
    const cache = new ConnectivityCache(limits);
    const gains = [
      [1, 1, 1],
      [1, 2, 1],
      [0, 1, 1],
      [-0, 1, 1],
      [1, 2, 1],
    ].map((g) => Float64Array.from(g));
    const built = gains.map((g) => cache.build(term, g).conn);
    gains.forEach((g, i) => {
      const fresh = buildConnectivity(term, g, limits).conn;
      expect(built[i]).toEqual(fresh);
      // bit for bit: −0 and 0 are different weights
      expect(new Uint32Array(Float32Array.from(built[i]!.weights).buffer)).toEqual(
        new Uint32Array(Float32Array.from(fresh.weights).buffer),
      );
    });
    expect(built[4]!.weights).toBe(built[1]!.weights);
    expect(new Set(built.slice(0, 4).map((c) => c.weights)).size).toBe(4);
    expect(built[4]).not.toBe(built[1]); // each projection owns its record
  });

  it("random modules whose projections share arrays across other sources and ports quantize as unshared copies", () => {
    fc.assert(
      fc.property(nmirModuleArb({ stage: "lowered" }), fc.boolean(), (m, perChannel) => {
        const shared = share(m);
        const a = quantize(shared, { perChannel, weightBits: 6 });
        const b = quantize(unshared(shared), { perChannel, weightBits: 6 });
        expect(encodeNmir(a.q)).toEqual(encodeNmir(b.q));
        expect(a.diagnostics).toEqual(b.diagnostics);
      }),
      { numRuns: 200 },
    );
  });

  it("row sums computed once per shared array and structure equal each projection's own", () => {
    fc.assert(
      fc.property(nmirModuleArb({ stage: "lowered" }), (m) => {
        const shared = share(m);
        const sums = sharedAbsRowSums(shared.projections);
        for (const p of shared.projections) expect(sums.get(p.id)).toEqual(absRowSums(p.connectivity));
      }),
      { numRuns: 200 },
    );
  });
});
