// Speck: per-layer kernel/neuron memory follows sinabs' formulas (K = c·2^(⌈log2(kx·ky)⌉+⌈log2 f⌉),
// N = f·2^(⌈log2 H_out⌉+⌈log2 W_out⌉)), one layer per core, pooling at the source layer's output (sinabs
// DynapcnnLayer = conv → IAF → sum-pool), and an over-large layer is explained.

import { beforeAll, describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { POOL_KEY_PREFIX } from "../passes/lower/pool-record.js";
import { checkMapping, MappingError, mapNetwork, speckUsage } from "./index.js";
import { mapNodes } from "./nodes.js";
import { cnnIr, convPrefix } from "./test-fixtures.js";

let ir: NmirModule;
beforeAll(async () => {
  ir = await cnnIr();
});

/** The module without lowerToNmir's pool records: every projection is sized as the composite it is. */
function withoutPoolRecords(m: NmirModule): NmirModule {
  const metadata = Object.fromEntries(
    Object.entries(m.metadata).filter(([k]) => !k.startsWith(POOL_KEY_PREFIX)),
  );
  return { ...m, metadata };
}

describe("speck memory", () => {
  it("follows the sinabs formulas for every cnn_sinabs layer, pooling un-composed", () => {
    const u = new Map(mapNodes(ir).map((n) => [n.id, speckUsage(n)]));
    // "1": conv 2→16, 5×5, out 16×16: K = 2·2^(⌈log2 25⌉ + ⌈log2 16⌉) = 2·2^(5+4) = 1024; N = 16·2^(4+4) = 4096
    expect(u.get("1")).toEqual({ neurons: 4096, kernelEntries: 1024, neuronEntries: 4096, biasEntries: 16 });
    // "3": conv 16→16, 3×3, out 16×16 (before its 2×2 sum-pool): K = 16·2^(4+4) = 4096; N = 16·2^(4+4) = 4096
    expect(u.get("3")).toEqual({ neurons: 4096, kernelEntries: 4096, neuronEntries: 4096, biasEntries: 16 });
    // "6": the pool belongs to "3"; conv 16→8, 3×3 on the pooled 8×8 map, out 8×8 (before its pool):
    // K = 16·2^(⌈log2 9⌉ + ⌈log2 8⌉) = 16·2^(4+3) = 2048; N = 8·2^(3+3) = 512
    expect(u.get("6")).toEqual({ neurons: 512, kernelEntries: 2048, neuronEntries: 512, biasEntries: 8 });
    // "10": the pool belongs to "6"; dense 128→256 on the pooled [8, 4, 4] map = conv c = 8, 4×4, f = 256, out 1×1:
    // K = 8·2^(⌈log2 16⌉ + ⌈log2 256⌉) = 8·2^(4+8) = 32768; N = 256·2^(0+0) = 256
    expect(u.get("10")).toEqual({ neurons: 256, kernelEntries: 32768, neuronEntries: 256, biasEntries: 256 });
    // "12": dense 256→10 as a 1×1 conv over 256 channels: K = 256·2^(0+⌈log2 10⌉) = 256·16 = 4096; N = 10
    expect(u.get("12")).toEqual({ neurons: 10, kernelEntries: 4096, neuronEntries: 10, biasEntries: 10 });
  });

  it("maps cnn_sinabs one layer per core, each on a core whose table holds it", () => {
    const p = loadProfile("speck");
    const { mapping } = mapNetwork(ir, p);
    expect(checkMapping(mapping, ir, p)).toEqual([]);
    expect(mapping.cores).toHaveLength(5);
    const per = Object.fromEntries(
      mapping.cores.map((c) => {
        expect(c.slices).toHaveLength(1);
        const { kernelEntries: K, neuronEntries: N } = c.usage;
        expect(K).toBeLessThanOrEqual(c.limits.kernelEntries ?? 0);
        expect(N).toBeLessThanOrEqual(c.limits.neuronEntries ?? 0);
        return [c.slices[0]!.population, { core: c.index, K, N, Kmax: c.limits.kernelEntries }];
      }),
    );
    // Speck's cores 0–2 hold 16Ki kernel / 64Ki neuron entries, 3–4 hold 32Ki / 32Ki (5–6: 64Ki / 16Ki), so
    // "10" (K = 32768) needs a core of 3–6; each K/N is the per-layer value above
    expect(per).toEqual({
      "1": { core: 1, K: 1024, N: 4096, Kmax: 16384 },
      "3": { core: 4, K: 4096, N: 4096, Kmax: 32768 },
      "6": { core: 0, K: 2048, N: 512, Kmax: 16384 },
      "10": { core: 3, K: 32768, N: 256, Kmax: 32768 },
      "12": { core: 2, K: 4096, N: 10, Kmax: 16384 },
    });
  });

  it("without pool records, explains that the composed 512→256 dense layer needs 128Ki kernel entries", () => {
    const e = (() => {
      try {
        mapNetwork(withoutPoolRecords(ir), loadProfile("speck"));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(MappingError);
    const m = (e as MappingError).fit.misfits;
    // dense 512→256 as a 1×1 conv over 512 channels: K = 512·2^(0+8) = 131072 (128Ki) > 64Ki
    expect(m).toContainEqual(
      expect.objectContaining({ population: "10", limit: "kernelEntries", needed: 131072, available: 65536 }),
    );
    expect(m[0]?.suggestion).toMatch(/cannot split a layer/);
    expect((e as MappingError).fit.profilesThatFit).toContain("loihi");
  });

  it("maps the convolutional layers one per core, each on a core whose table holds it", () => {
    const p = loadProfile("speck");
    const { mapping } = mapNetwork(convPrefix(ir), p);
    expect(checkMapping(mapping, convPrefix(ir), p)).toEqual([]);
    expect(mapping.cores).toHaveLength(3);
    for (const c of mapping.cores) {
      expect(c.slices).toHaveLength(1);
      expect(c.usage.kernelEntries).toBeLessThanOrEqual(c.limits.kernelEntries ?? 0);
      expect(c.usage.neuronEntries).toBeLessThanOrEqual(c.limits.neuronEntries ?? 0);
    }
    const of = (id: string) => mapping.cores.find((c) => c.slices[0]?.population === id);
    expect(of("6")?.usage.kernelEntries).toBe(2048);
    expect(of("1")?.usage.neuronEntries).toBe(4096);
  });
});
