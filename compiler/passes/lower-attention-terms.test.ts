// Dynamic matmuls realised by counted term neurons (lowerAttention with attentionTerms "counted") against the
// explicit lowering of the same random attention blocks on loihi2: outputs bit for bit and the counted rows
// (term and accumulator neurons, their synapses) equal to the explicit populations' and projections' counts, on
// the reference interpreter and the chip engine, both timestep modes; the NMIR round trip keeps the attribute.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { perLayer } from "../../reports/run-build.js";
import { createChip } from "../../simulator/chip/index.js";
import { type OpCounts, sumTotals } from "../../simulator/reference/counts.js";
import { type InputSequence, runReference } from "../../simulator/reference/index.js";
import { runCaseArb } from "../../simulator/reference/test-helpers.js";
import { mapNetwork } from "../mapping/index.js";
import { generousProfile } from "../mapping/test-fixtures.js";
import {
  checkNmir,
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  decodeNmir,
  encodeNmir,
  type NmirModule,
  printNmir,
  spikeEvent,
  verify,
} from "../nmir/index.js";
import { attentionCostLine } from "./lower/attention-cost.js";
import { lowerAttention, TERM_NEURON_BUDGET } from "./lower-attention.js";
import { blockArb, blockModule, type Mode, pad, singleQk } from "./lower-attention-testing.js";
import { quantContext } from "./quant-plan.js";

const T = 5;

function lower(ir: NmirModule, attentionTerms: "explicit" | "counted") {
  const ctx = quantContext({ profile: "loihi2", attentionTerms });
  const out = lowerAttention(ir, ctx);
  verify(out, "quantized");
  return { out, ctx };
}

function runChip(ir: NmirModule, inputs: Map<string, InputSequence>, mode: Mode) {
  const profile = generousProfile();
  const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
  return createChip(profile, { mode }).load(ir, mapping).run(inputs);
}

/**
 * The rows of the term neurons, accumulators and their synapses, by id, without the `counted` mark and the
 * source (in pipelined mode the explicit form reads an operand through its hop-alignment relay).
 */
function termRowsOf(c: OpCounts, ids: readonly string[]) {
  const rows: Record<string, unknown> = {};
  const strip = ({ counted: _, src: __, ...rest }: { counted?: true; src?: string }) => rest;
  for (const id of ids) {
    for (const x of [...c.perPopulation, ...c.perProjection].filter((r) => r.id === id)) rows[id] = strip(x);
  }
  return rows;
}

const isRelay = (id: string) => /\.hop\d+$/.test(id);

/** Totals of a run without the relay populations `<src>.hop<i>` and the projections into them. */
function withoutRelays(c: OpCounts) {
  return sumTotals(
    c.totals.steps,
    c.perProjection.filter((p) => !isRelay(p.dst)),
    c.perPopulation.filter((p) => !isRelay(p.id)),
    c.perMatmul,
    c.perInput,
  );
}

function termIds(ir: NmirModule): string[] {
  return ir.dynamicMatmuls.flatMap((d) => [
    d.id,
    `${d.id}.terms`,
    `${d.id}.terms.a`,
    `${d.id}.terms.b`,
    `${d.id}.sum`,
  ]);
}

describe("lowerAttention with counted term neurons", () => {
  it("equals the explicit lowering: outputs bit for bit, term counts exactly, both engines and modes", () => {
    const cases = blockArb.chain((b) => runCaseArb(blockModule(b), T));
    fc.assert(
      fc.property(cases, ({ ir, inputs, mode }) => {
        const explicit = lower(ir, "explicit").out;
        const counted = lower(ir, "counted").out;
        expect(counted.dynamicMatmuls.map((d) => d.realisation?.kind)).toEqual(
          ir.dynamicMatmuls.map(() => "termNeurons"),
        );
        expect(counted.populations).toEqual(ir.populations);
        const lag =
          mode === "pipelined" ? JSON.parse(explicit.metadata["attention.lowering"]!).pipelinedSteps : 0;
        // pipelined: each explicit matmul is one hop deeper, so a chain of two drains 2·lag steps after the input
        const long = pad(inputs, 2 * lag);
        const exp = runReference(explicit, long, { mode });
        const cnt = runReference(counted, long, { mode });
        const chip = runChip(counted, long, mode);
        // outputs: the counted form keeps the matmul's timing; the explicit form is `lag` steps later
        for (const [id, outs] of cnt.outputs) {
          for (let t = 0; t < T; t++) {
            expect(exp.outputs.get(id)![t + lag], `${id} step ${t}`).toEqual(outs[t]);
            expect(chip.outputs.get(id)![t], `${id} chip step ${t}`).toEqual(outs[t]);
          }
        }
        const ids = termIds(ir);
        const want = termRowsOf(exp.counts, ids);
        expect(Object.keys(want)).toHaveLength(ids.length);
        expect(termRowsOf(cnt.counts, ids)).toEqual(want);
        expect(termRowsOf(chip.counts, ids)).toEqual(want);
        expect(cnt.counts.perMatmul).toEqual([]);
        if (mode === "layer-sync") {
          // every total equals once the explicit form's hop-alignment relays are left out (in layer-sync mode
          // they only copy a value within the step; the counted form needs none)
          expect(cnt.counts.totals).toEqual(withoutRelays(exp.counts));
          expect(chip.counts.totals).toEqual(withoutRelays(exp.counts));
        }
        expect(chip.counts.totals).toEqual(cnt.counts.totals);
      }),
      { numRuns: 40 },
    );
  });

  it("marks the rows counted and keeps the attribute through encode/decode and print", () => {
    const ir = blockModule({
      tokens: 3,
      dim: 2,
      heads: 1,
      qkBits: 0,
      vBits: 0,
      shifts: [0, 1],
      outBits: [4, 8],
      residual: false,
      weights: new Array(36).fill(1),
    });
    const { out, ctx } = lower(ir, "counted");
    expect(out.dynamicMatmuls.map((d) => d.realisation)).toEqual([
      { kind: "termNeurons", form: "coincidence", preShift: 0 },
      { kind: "termNeurons", form: "product", preShift: 0 },
    ]);
    const note = ctx.diagnostics.find((d) => d.pass === "lowerAttention")!;
    expect(note.message).toMatch(/stand for 36 term neurons and 108 synapses/);
    expect(note.message).toMatch(/counted, not instantiated, as asked/);
    expect(attentionCostLine(out, [["attn0"], ["lif"], ["out0", "x"]])).toBe(
      "attention as counted term neurons (2 dynamic matmuls): 36 term neurons and 108 synapses counted, not instantiated, with their 15 accumulators on 2 of 3 cores",
    );
    const back = decodeNmir(encodeNmir(out));
    expect(back.dynamicMatmuls).toEqual(out.dynamicMatmuls);
    expect(decodeNmir(encodeNmir(ir)).dynamicMatmuls[0]!.realisation).toBeUndefined();
    expect(printNmir(out)).toMatch(/as 18 coincidence term neurons \(counted, not instantiated\)/);
    const inputs = new Map(
      out.inputs.map((i) => [i.id, { shape: [2, 3, 2], data: new Float64Array(12).fill(1) }]),
    );
    const c = runReference(out, inputs).counts;
    const counted = [...c.perPopulation, ...c.perProjection].filter((r) => r.counted).map((r) => r.id);
    expect(counted.sort()).toEqual(termIds(ir).sort());
    // the run JSON's per-layer rows of the terms and accumulators say they are counted, not instantiated
    const layers = perLayer(out, c).filter((l) => l.counted);
    expect(layers.map((l) => l.id).sort()).toEqual(["attn0", "attn0.terms", "out0", "out0.terms"]);
    // every operand spikes: all 18 q·kᵀ terms fire each step
    expect(c.perPopulation.find((p) => p.id === "attn0.terms")!.spikes).toBe(2 * 18);
  });

  it("verify refuses a coincidence realisation of a graded operand and a preShift above the shift", () => {
    const ir = lower(
      blockModule({
        tokens: 2,
        dim: 1,
        heads: 1,
        qkBits: 0,
        vBits: 0,
        shifts: [0, 0],
        outBits: [4, 8],
        residual: false,
        weights: new Array(4).fill(1),
      }),
      "counted",
    ).out;
    const bad: NmirModule = {
      ...ir,
      dynamicMatmuls: ir.dynamicMatmuls.map((d) =>
        d.id === "out0"
          ? { ...d, realisation: { kind: "termNeurons", form: "coincidence", preShift: 1 } }
          : d,
      ),
    };
    const msgs = checkNmir(bad).map((p) => `${p.where}: ${p.message}`);
    expect(msgs).toContain(
      'dynamic matmul "out0": realisation.form coincidence needs two spike operands; a graded operand needs product terms',
    );
    expect(msgs.some((m) => /out0.*realisation\.preShift/.test(m))).toBe(true);
    expect(checkNmir(ir)).toEqual([]);
  });
});

describe("counted term neurons on the loihi2 chip model", () => {
  it("charges the explicit form's synaptic ops, updates and term events; packets and energy as stated", () => {
    const fcCase = fc.record({
      tokens: fc.integer({ min: 2, max: 12 }),
      dim: fc.integer({ min: 1, max: 8 }),
      graded: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1000 }),
    });
    fc.assert(
      fc.property(fcCase, ({ tokens: N, dim: d, graded, seed }) => {
        const ir = singleQk(N, d, graded);
        const loihi2 = loadProfile("loihi2");
        const explicit = lower(ir, "explicit").out;
        const counted = lower(ir, "counted").out;
        let x = seed;
        const rand = () => {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          return x / 2 ** 31;
        };
        const inputs = new Map(
          ir.inputs.map((i) => [
            i.id,
            {
              shape: [T, N, d],
              data: Float64Array.from({ length: T * N * d }, () =>
                rand() < 0.4 ? (graded && i.id === "q" ? 1 + Math.floor(rand() * 3) : 1) : 0,
              ),
            },
          ]),
        );
        const run = (m: NmirModule) => {
          const { mapping } = mapNetwork(m, loihi2, { suggestProfiles: false });
          return createChip(loihi2, { mode: "layer-sync" }).load(m, mapping).run(inputs);
        };
        const e = run(explicit);
        const c = run(counted);
        expect(c.outputs).toEqual(e.outputs);
        expect(c.counts.totals).toEqual(e.counts.totals);
        const ev = (r: typeof e, k: string) => r.chip.events[k] ?? 0;
        for (const k of ["synopAC", "synopMAC", "neuronUpdateActive", "neuronUpdateIdle", "spikeOut"])
          expect(ev(c, k), k).toBe(ev(e, k));
        // one core each: every term packet is local in both forms, so packets and dynamic energy are equal too
        expect(e.chip.cores.length).toBe(1);
        expect(c.chip.cores.length).toBe(1);
        for (const k of ["axonOut", "axonIn", "memoryAccess"]) expect(ev(c, k), k).toBe(ev(e, k));
        expect([c.chip.packets, c.chip.hops]).toEqual([e.chip.packets, e.chip.hops]);
        expect(c.chip.energy.dynamicJ).toBeCloseTo(e.chip.energy.dynamicJ, 20);
      }),
      { numRuns: 20 },
    );
  });
});

describe("attentionTerms auto", () => {
  /** One spike × spike matmul of size m·k·n with its operands as inputs. */
  const cube = (s: number) =>
    createModule({
      name: "cube",
      stage: "quantized",
      inputs: [createInput("q", [s, s], spikeEvent()), createInput("k", [s, s], spikeEvent())],
      dynamicMatmuls: [
        createDynamicMatmul({ id: "attn", a: "q", b: "k", m: s, k: s, n: s, transposeB: true, outBits: 16 }),
      ],
      outputs: [createOutput("y", "attn")],
    });

  it("stays explicit up to TERM_NEURON_BUDGET terms and counts them above it", () => {
    const small = lowerAttention(cube(8), quantContext({ profile: "loihi2" }));
    expect(small.dynamicMatmuls).toEqual([]);
    expect(256 ** 3).toBeLessThanOrEqual(TERM_NEURON_BUDGET);
    expect(257 ** 3).toBeGreaterThan(TERM_NEURON_BUDGET);
    const ctx = quantContext({ profile: "loihi2" });
    const big = lowerAttention(cube(257), ctx);
    expect(big.dynamicMatmuls[0]!.realisation?.form).toBe("coincidence");
    expect(big.populations).toEqual([]);
    expect(ctx.diagnostics[0]!.message).toMatch(
      /exceed TERM_NEURON_BUDGET \(16,777,216; --attention-terms explicit/,
    );
  });

  it("refuses an explicit form past the NMIR neuron limit, naming the flag; auto counts it", () => {
    // 410³ ≈ 68.9 M terms: more than NMIR_LIMITS.neurons (2^26)
    expect(() =>
      lowerAttention(cube(410), quantContext({ profile: "loihi2", attentionTerms: "explicit" })),
    ).toThrow(/above the NMIR limit of 67,108,864 neurons/);
    try {
      lowerAttention(cube(410), quantContext({ profile: "loihi2", attentionTerms: "explicit" }));
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/--attention-terms counted/);
    }
    const ctx = quantContext({ profile: "loihi2" });
    const out = lowerAttention(cube(410), ctx);
    verify(out);
    expect(out.dynamicMatmuls[0]!.realisation).toEqual({
      kind: "termNeurons",
      form: "coincidence",
      preShift: 0,
    });
    expect(ctx.diagnostics[0]!.message).toMatch(
      /would pass the NMIR limit .*stand for 68,921,000 term neurons/,
    );
  });
});
