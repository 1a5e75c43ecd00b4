// The integer-exact compile: random integer SANA-FE-format networks (our own generator) compile with nothing
// rounded or clipped and fire exactly as an exact model of their semantics (sanafe-model.ts: integer values,
// decays k/4096, SANA-FE's 1/64 truncation); non-representable networks keep the range-based plan.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReference } from "../../simulator/reference/index.js";
import { importSanafe, sanafeInputs } from "../importers/sanafe/index.js";
import { sanafeSpikes } from "../importers/sanafe/sanafe-model.js";
import { grainExp, inputValuesOf, setGrainExp } from "./exact-plan.js";
import { compile } from "./pipeline.js";
import { isExactModule, type QuantCompileOptions, readPlan } from "./quant-plan.js";
import { readParamStats, readWeightStats } from "./quant-stats.js";
import { lifChain, quantize } from "./quant-testing.js";
import { quantizeInputs } from "./quantize-inputs.js";
import { moduleRanges } from "./weights-provenance.js";

const STEPS = 24;

/** A random integer SANA-FE network: a spike-train group, a biased LIF group, a bias-only group, a readout group. */
function randomNetwork(seed: { [k: string]: number | number[] | boolean }): string {
  const s = seed as {
    nIn: number;
    nA: number;
    nB: number;
    trains: number[];
    wIA: number[];
    wAB: number[];
    wCB: number[];
    biasA: number[];
    biasC: number[];
    th: number[];
    leak: number[];
    soft: boolean;
  };
  const leak = (k: number) => (k === 4096 ? 1 : k / 4096);
  const list = (xs: number[]) => `[${xs.join(", ")}]`;
  const train = (i: number) =>
    list(Array.from({ length: STEPS }, (_, t) => (s.trains[(i * 7 + t) % s.trains.length]! > 0 ? 1 : 0)));
  const lines = [
    "network:",
    "  groups:",
    "    - name: i",
    "      neurons:",
    ...Array.from({ length: s.nIn }, (_, i) => `        - ${i}: {spikes: ${train(i)}}`),
    "    - name: a",
    `      attributes: {threshold: ${s.th[0]}, leak_decay: ${leak(s.leak[0]!)}, reset_mode: ${s.soft ? "soft" : "hard"}}`,
    "      neurons:",
    ...Array.from({ length: s.nA }, (_, j) => `        - ${j}: {bias: ${s.biasA[j % s.biasA.length]}}`),
    "    - name: c",
    `      attributes: {threshold: ${s.th[1]}, leak_decay: ${leak(s.leak[1]!)}}`,
    "      neurons:",
    ...Array.from({ length: 2 }, (_, j) => `        - ${j}: {bias: ${s.biasC[j]}}`),
    "    - name: b",
    `      attributes: {threshold: ${s.th[2]}, leak_decay: ${leak(s.leak[2]!)}, reset: ${-s.th[2]! >> 2}}`,
    `      neurons: [0..${s.nB - 1}]`,
    "  edges:",
    `    - i -> a: {type: dense, weight: ${list(s.wIA.slice(0, s.nIn * s.nA))}}`,
    `    - a -> b: {type: dense, weight: ${list(s.wAB.slice(0, s.nA * s.nB))}}`,
    `    - c -> b: {type: dense, weight: ${list(s.wCB.slice(0, 2 * s.nB))}}`,
  ];
  return `${lines.join("\n")}\n`;
}

const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
const networkArb = fc.record({
  nIn: int(1, 4),
  nA: int(1, 4),
  nB: int(1, 3),
  trains: fc.array(int(0, 2), { minLength: 5, maxLength: 11 }),
  wIA: fc.array(int(-300, 300), { minLength: 16, maxLength: 16 }),
  wAB: fc.array(int(-300, 300), { minLength: 12, maxLength: 12 }),
  wCB: fc.array(int(-300, 300), { minLength: 6, maxLength: 6 }),
  biasA: fc.array(int(-5, 40), { minLength: 4, maxLength: 4 }),
  biasC: fc.array(int(0, 200), { minLength: 2, maxLength: 2 }),
  th: fc.array(int(1, 400), { minLength: 3, maxLength: 3 }),
  // leak_decay k/4096 (4096: no leak)
  leak: fc.array(fc.oneof(fc.constant(4096), int(2048, 4095)), { minLength: 3, maxLength: 3 }),
  soft: fc.boolean(),
});

/** Compiles a SANA-FE text with the values of its recorded inputs, and runs it on the reference interpreter. */
function compileAndRun(text: string, options: QuantCompileOptions = {}) {
  const { graph } = importSanafe(text, "net.yaml");
  const inputs = sanafeInputs(graph, STEPS);
  const inputValues = Object.fromEntries([...inputs].map(([id, x]) => [id, inputValuesOf(x.data)!]));
  const opts: QuantCompileOptions = { inputValues, ...options };
  const { ir, diagnostics } = compile(graph, opts);
  const ints = quantizeInputs(
    ir,
    Object.fromEntries([...inputs].map(([id, x]) => [id, { shape: x.shape, data: x.data }])),
  );
  const feed = Object.fromEntries(
    [...ints].map(([id, x]) => [id, { shape: x.shape, data: Float64Array.from(x.data) }]),
  );
  const groups = ["a", "b", "c"];
  const run = runReference(ir, feed, { timesteps: STEPS, record: groups });
  const spikes = Object.fromEntries(
    groups.map((g) => [g, run.records.get(g)!.map((e) => [...e.index].sort((x, y) => x - y))]),
  );
  return { ir, diagnostics, run, spikes };
}

describe("integer-exact compile", () => {
  it("grains: the exponent of the lowest set bit", () => {
    expect(grainExp(6)).toBe(1);
    expect(grainExp(-289)).toBe(0);
    expect(grainExp(0.75)).toBe(-2);
    expect(grainExp(2 ** 40)).toBe(40);
    expect(grainExp(0)).toBeUndefined();
    expect(setGrainExp([0, 12, 40, -8])).toBe(2);
    expect(setGrainExp([0, 0])).toBeUndefined();
    expect(Number.isNaN(setGrainExp([1, Number.NaN]))).toBe(true);
    expect(inputValuesOf([0, 6, -11])).toEqual({ max: 11, grainExp: 0 });
  });

  it("random integer networks compile with nothing rounded or clipped and fire as the exact model", () => {
    let fired = 0;
    fc.assert(
      fc.property(networkArb, (seed) => {
        const text = randomNetwork(seed);
        const { ir, diagnostics, spikes, run } = compileAndRun(text);
        expect(isExactModule(ir), text).toBe(true);
        expect(moduleRanges(ir)).toBe("exact");
        expect(diagnostics.some((d) => d.level === "note" && /integer-exact/.test(d.message))).toBe(true);
        for (const [id, s] of Object.entries(readWeightStats(ir))) {
          expect(s.clipped, id).toBe(0);
          if (s.maxAbs > 0) expect(s.sqnrDb, id).toBe(Number.POSITIVE_INFINITY);
        }
        for (const n of Object.values(readParamStats(ir))) expect(n).toBe(0);
        expect(run.counts.perPopulation.every((p) => p.saturations === 0)).toBe(true);
        const want = sanafeSpikes(text, STEPS);
        for (const g of ["a", "b", "c"]) expect(spikes[g], `${g}\n${text}`).toEqual(want[g]);
        fired += Object.values(want).flat(2).length;
      }),
      { numRuns: 40, seed: 16 },
    );
    expect(fired).toBeGreaterThan(100); // the networks fire: the comparison means something
  });

  it("a leaking population's potential LSB is 2^-6 (SANA-FE's and Loihi's truncation), a leak-free one its grain", () => {
    const text = randomNetwork({
      nIn: 2,
      nA: 2,
      nB: 1,
      trains: [1, 0, 1],
      wIA: [4, 8, 12, 16],
      wAB: [8, 4],
      wCB: [2, 6],
      biasA: [4, 8],
      biasC: [2, 2],
      th: [8, 8, 8],
      leak: [4095, 4096, 4096],
      soft: false,
    });
    const { ir } = compileAndRun(text);
    const plan = readPlan(ir);
    expect(plan.lsb.a!.in).toBe(-6);
    expect(plan.lsb.b!.in).toBe(1); // leak-free: its grain, 2^1 (threshold 8, reset −2, weights 8, 4, 2, 6)
  });

  it("widths a profile or the user fixed are kept: values that do not fit take the range-based plan", () => {
    const text = randomNetwork({
      nIn: 2,
      nA: 2,
      nB: 1,
      trains: [1, 1, 0],
      wIA: [289, -200, 17, 3],
      wAB: [5, 9],
      wCB: [1, 1],
      biasA: [0, 3],
      biasC: [5, 1],
      th: [100, 10, 20],
      leak: [4096, 4096, 4096],
      soft: false,
    });
    const { ir, diagnostics } = compileAndRun(text, { weightBits: 8 });
    expect(isExactModule(ir)).toBe(false);
    expect(moduleRanges(ir)).toBe("static");
    expect(diagnostics.some((d) => /not integer-exact: .*need 10-bit mantissas/.test(d.message))).toBe(true);
    // without a width given, the default 8 widens to the 10 bits the weights need
    expect(readPlan(compileAndRun(text).ir).weightBits).toBe(10);
  });

  it("a network with non-dyadic weights keeps today's plan; exact: false plans from ranges as before", () => {
    // lifChain's weights are 0.3, 0.7, …: no power-of-two grain fits 8-bit mantissas
    const ir = lifChain();
    const before = quantize(ir, { exact: false }).q;
    const now = quantize(ir).q;
    // with a dyadic decay the weights are what fails: the note never suggests a --weight-bits past 16
    const leakFree = {
      ...ir,
      populations: ir.populations.map((p) => ({ ...p, model: { ...p.model, dv: new Float64Array([1]) } })),
    } as typeof ir;
    const why =
      quantize(leakFree).diagnostics.find((d) => /not integer-exact/.test(d.message))?.message ?? "";
    expect(why).toMatch(/mantissas, past the widest the compiler takes \(16\)/);
    expect(why).not.toMatch(/--weight-bits/);
    expect(isExactModule(now)).toBe(false);
    expect(now).toEqual(before);
    const text = randomNetwork({
      nIn: 1,
      nA: 1,
      nB: 1,
      trains: [1, 0, 0],
      wIA: [3],
      wAB: [2],
      wCB: [1, 1],
      biasA: [1],
      biasC: [1, 1],
      th: [4, 4, 4],
      leak: [4096, 4096, 4096],
      soft: true,
    });
    expect(isExactModule(compileAndRun(text, { exact: false }).ir)).toBe(false);
  });
});
