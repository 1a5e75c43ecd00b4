// Hostile NMIR and mapping files against the mapper: invalid-but-CRC-valid modules are refused by verify
// before anything is partitioned, and a mapping file's size is bounded by the chip before it is checked.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { brokenModules, chainModule, emptyModule, wideModule } from "../nmir/hostile.js";
import { decodeNmir, encodeNmir } from "../nmir/index.js";
import { checkMapping, mapNetwork } from "./index.js";
import { generousProfile } from "./test-fixtures.js";

/** The error `f` throws (fails the test when it returns). */
function thrown(f: () => unknown): SpikegridError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpikegridError);
    return e as SpikegridError;
  }
  throw new Error("expected an error");
}

describe("mapNetwork verifies the module first", () => {
  const loihi = loadProfile("loihi");
  for (const [name, m] of brokenModules()) {
    it(`refuses ${name} (through the codec, CRC valid) with NMIR_INVALID`, () => {
      const decoded = decodeNmir(encodeNmir(m), `${name}.nmir`);
      const e = thrown(() => mapNetwork(decoded, loihi));
      expect(e.code).toBe("NMIR_INVALID");
      expect(e.details.length).toBeGreaterThan(0);
    });
  }

  it("refuses a consistent 2^32 − 1 neuron module by the neuron budget, in bounded time", () => {
    const t0 = performance.now();
    const e = thrown(() => mapNetwork(decodeNmir(encodeNmir(wideModule(2 ** 32 - 1))), generousProfile()));
    expect(e.code).toBe("NMIR_INVALID");
    expect(e.details.map((d) => d.message).join("\n")).toMatch(/NMIR_LIMITS\.neurons/);
    expect(performance.now() - t0).toBeLessThan(10_000); // fixed: a few ms; before: > 60 s and 2 GB
  });

  it("refuses a module with nothing to map, saying what to do", () => {
    const e = thrown(() => mapNetwork(emptyModule(), loihi));
    expect(e.code).toBe("UNSUPPORTED");
    expect(e.message).toMatch(/no populations/);
    expect(e.hint).toMatch(/neuron layer/);
  });
});

describe("checkMapping is bounded by the chip and linear in the file", () => {
  const p = generousProfile();
  const ir = wideModule(4096);
  const { mapping } = mapNetwork(ir, p, { neuronsPerCore: 4 });

  it("accepts the mapper's own mapping", () => {
    expect(checkMapping(mapping, ir, p)).toEqual([]);
  });

  it("refuses 100 000 core entries early, naming the key", () => {
    const one = mapping.cores[0]!;
    const cores = Array.from({ length: 100_000 }, (_, i) => ({ ...one, index: i }));
    const t0 = performance.now();
    const problems = checkMapping({ ...mapping, cores }, ir, p);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe("cores");
    expect(problems[0]!.message).toMatch(/lists 100000 cores; generous has 1024 cores/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it("checks 60 000 one-neuron slices on the chip's cores in seconds", () => {
    const big = chainModule(2, 30_000);
    const { mapping: m } = mapNetwork(big, p, { neuronsPerCore: 64 });
    // the same neurons, one slice per neuron, spread round-robin over the cores the mapper used
    const cores = m.cores.map((c) => ({ ...c, slices: [] as typeof c.slices }));
    let k = 0;
    for (const id of ["l", "l1"])
      for (let i = 0; i < 30_000; i++)
        cores[k++ % cores.length]!.slices.push({ population: id, start: i, count: 1 });
    const t0 = performance.now();
    const problems = checkMapping({ ...m, cores }, big, p);
    // every neuron is on one core; the file's routes no longer carry the new traffic, and that is said
    expect(problems.filter((x) => /on no core|again at/.test(x.message))).toEqual([]);
    expect(problems.some((x) => /no route lists it/.test(x.message))).toBe(true);
    expect(problems.length).toBeLessThanOrEqual(100);
    expect(performance.now() - t0).toBeLessThan(20_000); // fixed: ≈ 1 s; before: ≈ 26 s (slice × slice)
  });

  it("names out-of-range core ids, tile coordinates and slices by key path", () => {
    const bad = structuredClone(mapping);
    bad.cores[0]!.index = 5000;
    bad.cores[1]!.slices[0]!.start = 10_000;
    bad.routes.push({ fromCore: 0, toCores: [9999], hops: 1, path: [[[999, 0]]] });
    const where = checkMapping(bad, ir, p).map((x) => x.where);
    expect(where).toContain("cores.0.index");
    expect(where).toContain("cores.1.slices.0");
    expect(where).toContain(`routes.${bad.routes.length - 1}.toCores.0`);
    expect(where).toContain(`routes.${bad.routes.length - 1}.path.0.0`);
  });
});
