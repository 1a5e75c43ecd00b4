// Speck: per-layer kernel/neuron memory follows sinabs' formulas (K = c·2^(⌈log2(kx·ky)⌉+⌈log2 f⌉),
// N = f·2^(⌈log2 H_out⌉+⌈log2 W_out⌉)), one layer per core, and an over-large layer is explained.

import { beforeAll, describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { checkMapping, MappingError, mapNetwork, speckUsage } from "./index.js";
import { mapNodes } from "./nodes.js";
import { cnnIr, convPrefix } from "./test-fixtures.js";

let ir: NmirModule;
beforeAll(async () => {
  ir = await cnnIr();
});

describe("speck memory", () => {
  it("follows the sinabs formulas for every cnn_sinabs layer", () => {
    const u = new Map(mapNodes(ir).map((n) => [n.id, speckUsage(n)]));
    // "1": conv 2→16, 5×5, out 16×16: K = 2·2^(⌈log2 25⌉ + ⌈log2 16⌉) = 2·2^(5+4) = 1024; N = 16·2^(4+4) = 4096
    expect(u.get("1")).toEqual({ neurons: 4096, kernelEntries: 1024, neuronEntries: 4096, biasEntries: 16 });
    // "3": conv 16→16, 3×3, out 16×16: K = 16·2^(4+4) = 4096; N = 16·2^(4+4) = 4096
    expect(u.get("3")).toEqual({ neurons: 4096, kernelEntries: 4096, neuronEntries: 4096, biasEntries: 16 });
    // "6": conv 16→8, 6×6, out 8×8: K = 16·2^(⌈log2 36⌉ + ⌈log2 8⌉) = 16·2^(6+3) = 8192; N = 8·2^(3+3) = 512
    expect(u.get("6")).toEqual({ neurons: 512, kernelEntries: 8192, neuronEntries: 512, biasEntries: 8 });
    // "10": dense 512→256 as a 1×1 conv over 512 channels: K = 512·2^(0+8) = 131072 (128Ki); N = 256
    expect(u.get("10")).toEqual({
      neurons: 256,
      kernelEntries: 131072,
      neuronEntries: 256,
      biasEntries: 256,
    });
    // "12": dense 256→10: K = 256·2^(0+⌈log2 10⌉) = 256·16 = 4096; N = 10
    expect(u.get("12")).toEqual({ neurons: 10, kernelEntries: 4096, neuronEntries: 10, biasEntries: 10 });
  });

  it("explains that the 512→256 dense layer needs 128Ki kernel entries, more than any core (64Ki)", () => {
    const e = (() => {
      try {
        mapNetwork(ir, loadProfile("speck"));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(MappingError);
    const m = (e as MappingError).fit.misfits;
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
    expect(of("6")?.usage.kernelEntries).toBe(8192);
    expect(of("1")?.usage.neuronEntries).toBe(4096);
  });
});
