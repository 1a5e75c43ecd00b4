// Tests of the per-kind model tables and the neuron factories: ports, state widths, outputs, defaults.

import { describe, expect, it } from "vitest";
import { bitsFor, checkModelFields, inputPorts, modelOutput, modelParams, stateVars } from "./model-info.js";
import {
  createCubaLi,
  createCubaLif,
  createFunction,
  createIf,
  createLi,
  createLif,
  createLinear,
  createProduct,
  createThreshold,
  toParam,
} from "./neuron-factories.js";
import { NEURON_KINDS, type NeuronModel } from "./neuron-models.js";

const one: Record<(typeof NEURON_KINDS)[number], NeuronModel> = {
  lif: createLif({ dv: 410, vth: 100, refractory: 5, vBits: 16 }),
  cubaLif: createCubaLif({ du: 1, dv: 2, vth: 100, uBits: 12 }),
  if: createIf({ vth: 10, vBits: 8 }),
  li: createLi({ dv: 1, outBits: 8 }),
  cubaLi: createCubaLi({ du: 1, dv: 1, outBits: 4, uBits: 10, vBits: 20 }),
  linear: createLinear({ outBits: 8, activation: { kind: "relu" } }),
  product: createProduct({ outBits: 16, shift: 7 }),
  threshold: createThreshold({ vth: 0, fire: "ge" }),
  function: createFunction({ fn: "sigmoid", xs: [-4, 4], ys: [0, 8], slopes: [0, 1, 0], outBits: 8 }),
};

describe("model tables", () => {
  it("has a factory example for every kind, each with sound fields", () => {
    expect(Object.keys(one).sort()).toEqual([...NEURON_KINDS].sort());
    for (const m of Object.values(one)) expect(checkModelFields(m, "quantized")).toEqual([]);
  });

  it("declares state widths", () => {
    expect(stateVars(one.lif)).toEqual([
      { name: "v", bits: 16, signed: true },
      { name: "ref", bits: 3, signed: false },
    ]);
    expect(stateVars(one.cubaLif).map((s) => `${s.name}:${s.bits}`)).toEqual(["u:12", "v:24"]);
    expect(stateVars(one.cubaLi).map((s) => `${s.name}:${s.bits}`)).toEqual(["u:10", "v:20"]);
    for (const k of ["linear", "product", "threshold", "function"] as const)
      expect(stateVars(one[k])).toEqual([]);
    expect([0, 1, 2, 3, 4, 255, 256].map(bitsFor)).toEqual([0, 1, 2, 2, 3, 8, 9]);
  });

  it("knows ports and output events", () => {
    expect(inputPorts(one.product)).toEqual(["a", "b"]);
    expect(inputPorts(one.lif)).toEqual(["in"]);
    expect(modelOutput(one.if)).toEqual({ kind: "spike" });
    expect(modelOutput(one.cubaLi)).toEqual({ kind: "graded", bits: 4 });
  });

  it("gives parameter ranges from the declared widths", () => {
    const dv = modelParams(one.lif).find((p) => p.name === "dv")!;
    expect([dv.lo, dv.hi, dv.range]).toEqual([0, 4096, "12-bit decay"]);
    const vth = modelParams(one.if).find((p) => p.name === "vth")!;
    expect([vth.lo, vth.hi]).toEqual([-128, 127]);
  });

  it("applies the documented defaults", () => {
    expect(one.lif).toMatchObject({ decayBits: 12, reset: "zero", fire: "gt", vBits: 16 });
    expect(one.lif).not.toHaveProperty("vMin");
    expect(one.cubaLi.kind).toBe("cubaLi");
    expect(toParam(3)).toEqual(Int32Array.of(3));
    expect(toParam([0.5, 1])).toEqual(Float64Array.of(0.5, 1));
    expect(toParam([2 ** 31])).toBeInstanceOf(Float64Array);
  });

  it("reports malformed scalar fields", () => {
    expect(
      checkModelFields({ ...createLif({ dv: 1, vth: 1 }), vBits: 40, reset: "soft" as never }, "lowered"),
    ).toEqual([
      'reset = "soft" must be one of "zero", "subtract", "none"',
      "vBits = 40 must be an integer in 2..32",
    ]);
    const clamp = createLinear({ outBits: 4, activation: { kind: "clamp", lo: 0, hi: 6.5 } });
    expect(checkModelFields(clamp, "lowered")).toEqual([]);
    expect(checkModelFields(clamp, "quantized")).toEqual([
      "clamp bounds [0, 6.5] must be integers within 4-bit signed [-8, 7]",
    ]);
  });
});

describe("function neuron table checks", () => {
  const f = (o: { xs: number[]; ys: number[]; slopes: number[] }) =>
    checkModelFields(createFunction({ fn: "t", outBits: 8, ...o }), "quantized");
  it("accepts a sound table and names each fault of a broken one", () => {
    expect(f({ xs: [0, 1, 5], ys: [0, 1, 2], slopes: [0, 1, 0, 0] })).toEqual([]);
    expect(f({ xs: [0, 0], ys: [0, 1], slopes: [0, 1, 0] })).toEqual([
      "xs must increase strictly: xs[1] = 0 after 0",
    ]);
    expect(f({ xs: [0, 1], ys: [0], slopes: [0, 1] })).toEqual([
      "ys has 1 values for 2 breakpoints",
      "slopes has 2 values; 2 breakpoints need 3",
    ]);
    expect(f({ xs: [3], ys: [0], slopes: [0, 0] })[0]).toMatch(
      /1 breakpoints; a function neuron holds 2\.\.1024/,
    );
    expect(
      checkModelFields(
        createFunction({ fn: "t", outBits: 8, xs: [0, 0.5], ys: [0, 1], slopes: [0, 2, 0] }),
        "quantized",
      ),
    ).toEqual(["xs must be an Int32Array at stage quantized"]);
  });
});
