// Property test of the core lower bound over random small networks and random core sizes: it is at least
// every per-limit ⌈total demand / per-core capacity⌉ (recomputed here from the module), never more than the
// cores a fitting mapping uses, and "needs N" is never below it (also when some layer fits no core).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import { chainModule } from "../nmir/hostile.js";
import { connOutSize, type NmirModule, shapeSize } from "../nmir/index.js";
import { type FitReport, MappingError, mapNetwork } from "./index.js";
import { sliceSynapses } from "./synapses.js";
import { generousProfile } from "./test-fixtures.js";

interface Caps {
  neurons: number;
  synapseBits: number;
  inputAxons: number;
  outputRoutes: number;
}

function profileWith(c: Caps, cores: number): ChipProfile {
  const g = generousProfile();
  return {
    ...g,
    name: "random",
    grid: { ...g.grid, width: 32, height: 32, coresPerChip: cores },
    core: {
      ...g.core,
      ...{ neurons: c.neurons, synapseMemoryBits: c.synapseBits },
      inputAxons: c.inputAxons,
      outputRoutes: c.outputRoutes,
    },
  };
}

/** ⌈demand / capacity⌉ for neurons, synapse weight bits, input axons and output routes (dense memory model, shared matrices). */
function perLimitBounds(ir: NmirModule, c: Caps): number[] {
  let neurons = 0;
  let synapseBits = 0;
  let axons = 0;
  let routes = 0;
  const readers = new Map<string, number>();
  for (const p of ir.projections) readers.set(p.src, (readers.get(p.src) ?? 0) + 1);
  for (const d of ir.dynamicMatmuls) for (const s of [d.a, d.b]) readers.set(s, (readers.get(s) ?? 0) + 1);
  const size = new Map<string, number>();
  for (const x of ir.inputs) size.set(x.id, shapeSize(x.shape));
  for (const p of ir.populations) size.set(p.id, shapeSize(p.shape));
  for (const d of ir.dynamicMatmuls) size.set(d.id, d.m * d.n);
  for (const p of ir.populations) {
    const n = shapeSize(p.shape);
    neurons += n;
    routes += n * (readers.get(p.id) ?? 0);
    for (const q of ir.projections.filter((x) => x.dst === p.id)) {
      const s = sliceSynapses(q.connectivity, 0, connOutSize(q.connectivity));
      // generic-45nm's dense model shares a conv kernel or rowwise matrix: stored at least once in all
      const k = q.connectivity.kind;
      const shared = k === "conv1d" || k === "conv2d" || k === "rowwise";
      synapseBits += (shared ? q.connectivity.weights.length : s.synapses) * q.weightBits;
      axons += s.sources;
    }
  }
  for (const d of ir.dynamicMatmuls) {
    neurons += d.m * d.n;
    routes += d.m * d.n * (readers.get(d.id) ?? 0);
    axons += (size.get(d.a) ?? 0) + (size.get(d.b) ?? 0);
  }
  const ceil = (x: number, cap: number) => Math.ceil(x / cap);
  return [
    ceil(neurons, c.neurons),
    ceil(synapseBits, c.synapseBits),
    ceil(axons, c.inputAxons),
    ceil(routes, c.outputRoutes),
  ];
}

function fitOf(ir: NmirModule, p: ChipProfile): FitReport {
  try {
    return mapNetwork(ir, p, { suggestProfiles: false, placement: "sequential" }).fit;
  } catch (e) {
    if (e instanceof MappingError) return e.fit;
    throw e;
  }
}

const capsArb = fc.record({
  neurons: fc.integer({ min: 1, max: 64 }),
  synapseBits: fc.integer({ min: 64, max: 1 << 16 }),
  inputAxons: fc.integer({ min: 4, max: 256 }),
  outputRoutes: fc.integer({ min: 4, max: 256 }),
});

describe("the core lower bound", () => {
  it("is ≥ every per-limit bound, ≤ the cores a fitting mapping uses, and ≤ what is reported as needed", () => {
    fc.assert(
      fc.property(
        nmirModuleArb({ stage: "quantized" }),
        capsArb,
        fc.integer({ min: 1, max: 1024 }),
        (ir, caps, cores) => {
          const fit = fitOf(ir, profileWith(caps, cores));
          // the graded payloads of random modules may travel as bit planes on no profile here (graded spikes on)
          for (const b of perLimitBounds(ir, caps)) expect(fit.coresAtLeast).toBeGreaterThanOrEqual(b);
          expect(fit.coresNeeded).toBeGreaterThanOrEqual(fit.coresAtLeast);
          if (fit.fits) expect(fit.coresAtLeast).toBeLessThanOrEqual(fit.coresUsed);
          for (const m of fit.misfits)
            if (m.limit === "cores") expect(m.needed).toBeGreaterThanOrEqual(fit.coresAtLeast);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("counts layers that fit no core: 8 × 1000 neurons at 100 per core need at least 80 cores", () => {
    // layer l1 reads 1000 sources, more than a core's 500 input axons, so it is never packed; the bound still
    // counts its neurons
    const ir = chainModule(8, 1000);
    const dense = ir.projections[1]!;
    dense.connectivity = {
      kind: "dense",
      inSize: 1000,
      outSize: 1000,
      weights: new Int32Array(1000 * 1000).fill(1),
    };
    const fit = fitOf(
      ir,
      profileWith({ neurons: 100, synapseBits: 2 ** 30, inputAxons: 500, outputRoutes: 4096 }, 16),
    );
    expect(fit.fits).toBe(false);
    expect(fit.coresAtLeast).toBeGreaterThanOrEqual(80);
    const cores = fit.misfits.find((m) => m.limit === "cores");
    expect(cores?.needed).toBeGreaterThanOrEqual(80);
    expect(cores?.suggestion).toMatch(/at least 80/);
  });
});
