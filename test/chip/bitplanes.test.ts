// Bit-plane encoding of graded events on Loihi 1 (binary spikes only), computed by hand: a graded population
// g (2 linear neurons, 4-bit payloads 5 and −3 from their biases) feeds a spiking population h (3 IF neurons,
// dense, silent) split over two cores. Mapping usage, hardware events and energy follow the popcount of the
// two's-complement payloads; outputs and the NeuroBench-convention counts stay the reference's.

import { describe, expect, it } from "vitest";
import {
  checkMapping,
  formatFitSummary,
  type MappingError,
  mapNetwork,
} from "../../compiler/mapping/index.js";
import {
  createDense,
  createIf,
  createInput,
  createLinear,
  createModule,
  createOneToOne,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../../compiler/nmir/index.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { createChip } from "../../simulator/chip/index.js";
import { runReference } from "../../simulator/reference/index.js";

function gradedToSpiking(outBits = 4): NmirModule {
  const m = createModule({ name: "g2h", stage: "quantized", inputs: [createInput("x", [2])] });
  m.populations.push(
    createPopulation({ id: "g", shape: [2], model: createLinear({ bias: Int32Array.of(5, -3), outBits }) }),
    createPopulation({ id: "h", shape: [3], model: createIf({ vth: 1000, vBits: 16 }) }),
  );
  const xg = createOneToOne({ size: 2, weights: Int32Array.of(1) });
  // h_j's input 5·w0j − 3·w1j: 5 − 12, 10 − 15, 15 − 18, all nonzero (every h neuron active)
  const gh = createDense({ inSize: 2, outSize: 3, weights: Int32Array.of(1, 4, 2, 5, 3, 6) });
  m.projections.push(createProjection({ id: "xg", src: "x", dst: "g", connectivity: xg, weightBits: 8 }));
  m.projections.push(createProjection({ id: "gh", src: "g", dst: "h", connectivity: gh, weightBits: 8 }));
  m.outputs.push(createOutput("y", "g"));
  return m;
}

const silent = (T: number) => ({ x: { shape: [T, 2], data: new Float64Array(2 * T) } });

describe("bit planes on loihi, by hand", () => {
  const loihi = loadProfile("loihi");
  const ir = gradedToSpiking();

  it("maps with g as 4 bit planes: axons, synapse words and output routes × 4", () => {
    const { mapping, fit } = mapNetwork(ir, loihi, { neuronsPerCore: 2, placement: "sequential" });
    expect(mapping.encodings).toEqual({ g: { kind: "bitplanes", bits: 4 } });
    expect(fit.encodings).toEqual(mapping.encodings);
    expect(formatFitSummary(fit)).toMatch(
      /encoding .*loihi sends binary spikes only; graded events as 4 bit planes: g/,
    );
    const core = (pop: string, start: number) =>
      mapping.cores.find((c) => c.slices.some((s) => s.population === pop && s.start === start))!;
    // g[0:2]: 2 neurons × 1 reader × 4 planes = 8 output routes; its input x is a spike port (1 axon each)
    expect(core("g", 0).usage).toMatchObject({ inputAxons: 2, outputRoutes: 8 });
    // h[0:2]: 2 sources × 4 planes = 8 axons, each plane its own synapse group: 8 dense lists of 2 synapses,
    // 2 × 8 + 10 header bits → one 64-bit word each = 512 bits
    expect(core("h", 0).usage).toMatchObject({ inputAxons: 8, synapseBits: 512, outputRoutes: 0 });
    // h[2:3]: 8 lists of 1 synapse, 8 + 10 → one word each = 512 bits
    expect(core("h", 2).usage).toMatchObject({ inputAxons: 8, synapseBits: 512 });
    expect(checkMapping(mapping, ir, loihi)).toEqual([]);
  });

  it("costs popcount(payload) spikes, packets per destination core and fan-out ACs per bit spike", () => {
    const { mapping } = mapNetwork(ir, loihi, { neuronsPerCore: 2, placement: "sequential" });
    const T = 2;
    const r = createChip(loihi).load(ir, mapping).run(silent(T));
    const ref = runReference(ir, silent(T), { mode: loihi.timestep.semantics });
    expect(r.outputs).toEqual(ref.outputs);
    expect(r.counts).toEqual(ref.counts);
    // reference convention: g's 2 graded events reach h once in 2 pipelined steps, × 3 synapses = 6 MACs
    expect([ref.counts.totals.mac, ref.counts.totals.ac]).toEqual([6, 0]);
    // 5 = 0101 (2 bits), −3 = 1101 in 4-bit two's complement (3 bits): 5 bit spikes per step, 10 in 2 steps;
    // each to the 2 cores holding h: 20 packets (cores 0-2 share tile 0: no hops). h consumes step 0's
    // spikes in step 1: 5 × fan-out 3 = 15 ACs, no MACs (Loihi has none).
    const ev = r.chip.events;
    expect([ev.spikeOut, r.chip.packets, r.chip.hops]).toEqual([10, 20, 0]);
    expect([ev.synopAC, ev.synopMAC]).toEqual([15, 0]);
    // updates: g idle both steps (no input: 4), h idle in step 0 (3) and active in step 1 (3)
    expect([ev.neuronUpdateActive, ev.neuronUpdateIdle]).toEqual([3, 7]);
    // 15 × 23.6 + 3 × 81 + 7 × 52 + 10 × 1.7 + 20 packets × 111 (axonOut) = 354 + 243 + 364 + 17 + 2220 pJ
    expect(r.chip.energy.dynamicJ).toBeCloseTo(3198e-12, 18);
    expect(r.chip.perStep.spikes).toEqual([5, 5]);
    expect(r.chip.perStep.synapticOps).toEqual([0, 15]);
  });

  it("refuses payloads wider than 15 planes and mappings that drop the encoding", () => {
    const wide = gradedToSpiking(16);
    try {
      mapNetwork(wide, loihi, { suggestProfiles: false });
      expect.unreachable();
    } catch (e) {
      const m = (e as MappingError).fit.misfits;
      expect(m.map((x) => [x.population, x.limit, x.needed, x.available])).toEqual([
        ["g", "payloadBits", 16, 15],
      ]);
      expect(m[0]!.suggestion).toMatch(/--payload-bits 15/);
    }
    const { mapping } = mapNetwork(ir, loihi);
    const { encodings: _, ...plain } = mapping;
    expect(checkMapping(plain, ir, loihi).map((p) => p.where)).toEqual(["encodings.g"]);
    const wrong = { ...mapping, encodings: { g: { kind: "bitplanes", bits: 3 } } };
    expect(checkMapping(wrong, ir, loihi)[0]!.message).toMatch(/4-bit payloads, not 3/);
    // graded spikes (loihi2): no encoding, and one in the file is refused
    const l2 = loadProfile("loihi2");
    const onL2 = mapNetwork(ir, l2).mapping;
    expect(onL2.encodings).toBeUndefined();
    expect(checkMapping({ ...onL2, encodings: mapping.encodings }, ir, l2)).toHaveLength(1);
  });
});
