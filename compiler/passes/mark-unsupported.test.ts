// markUnsupported against the built-in profiles: each limit named with its element and ways out; warnings by
// default, one UNSUPPORTED error with every finding under `strict`; nothing without a profile.

import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../../common/errors.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { exampleNmir } from "../nmir/example.js";
import {
  createDense,
  createDynamicMatmul,
  createInput,
  createLinear,
  createModule,
  createOutput,
  createPopulation,
  createProduct,
  createProjection,
  gradedEvent,
  type NmirModule,
} from "../nmir/index.js";
import { markUnsupported, unsupportedBy } from "./mark-unsupported.js";
import { quantContext } from "./quant-plan.js";

/** Graded input → product gate (a, b) and a dynamic matmul; 12-bit weights, a delay of 70 steps. */
function gatedModule(): NmirModule {
  const dense = (n: number) => createDense({ inSize: 4, outSize: n, weights: new Int32Array(4 * n).fill(1) });
  return createModule({
    name: "gated",
    stage: "quantized",
    inputs: [createInput("x", [4], gradedEvent(8))],
    populations: [createPopulation({ id: "g", shape: [2], model: createProduct({ outBits: 8 }) })],
    projections: [
      createProjection({ id: "pa", src: "x", dst: "g", port: "a", connectivity: dense(2), weightBits: 12 }),
      createProjection({
        id: "pb",
        src: "x",
        dst: "g",
        port: "b",
        connectivity: dense(2),
        weightBits: 8,
        delay: 70,
      }),
    ],
    dynamicMatmuls: [createDynamicMatmul({ id: "qk", a: "x", b: "x", m: 2, k: 2, n: 2, outBits: 8 })],
    outputs: [createOutput("y", "g"), createOutput("att", "qk")],
  });
}

const denseOnes = (n: number) =>
  createDense({ inSize: n, outSize: n, weights: new Int32Array(n * n).fill(1) });

describe("markUnsupported", () => {
  it("names every element Loihi cannot run, its limit and the ways out", () => {
    const found = unsupportedBy(gatedModule(), loadProfile("loihi"));
    const byLimit = new Map(found.map((u) => [`${u.where} ${u.limit}`, u]));
    expect([...byLimit.keys()]).toEqual([
      'dynamic matmul "qk" core.capabilities.dynamicMatmul',
      'population "g" (product) core.capabilities.productNeurons',
      'input "x" core.capabilities.gradedSpikes',
      'projection "pa" (x → g.a) core.weightBits',
      'projection "pb" (x → g.b) core.capabilities.maxDelay',
    ]);
    const mm = byLimit.get('dynamic matmul "qk" core.capabilities.dynamicMatmul')!;
    expect(mm.options[0]).toMatch(/a profile that runs it natively \(.*generic-45nm/);
    expect(mm.options[0]).toMatch(/natively \(.*spinnaker2/);
    expect(mm.options[1]).toMatch(/lowers it to product neurons \(loihi2[,)]/);
    expect(byLimit.get('projection "pa" (x → g.a) core.weightBits')!.message).toBe(
      'stores 12-bit weights; profile "loihi" stores 9-bit weights',
    );
    expect(byLimit.get('projection "pa" (x → g.a) core.weightBits')!.options[0]).toBe(
      "compile with --weight-bits 9",
    );
    expect(byLimit.get('projection "pb" (x → g.b) core.capabilities.maxDelay')!.message).toMatch(
      /delay of 70 steps; profile "loihi" delays at most 62/,
    );
  });

  it("graded populations go as bit planes on Loihi (≤ 15 bits); wider payloads are named", () => {
    const relay = (bits: number) =>
      createModule({
        name: "relay",
        stage: "quantized",
        inputs: [createInput("x", [2])],
        populations: [
          createPopulation({ id: "m", shape: [2], model: createLinear({ outBits: bits }) }),
          createPopulation({ id: "h", shape: [2], model: createLinear({ outBits: 8 }) }),
        ],
        projections: [
          createProjection({ id: "xm", src: "x", dst: "m", connectivity: denseOnes(2), weightBits: 8 }),
          createProjection({ id: "mh", src: "m", dst: "h", connectivity: denseOnes(2), weightBits: 8 }),
        ],
        outputs: [createOutput("y", "h")],
      });
    const limits = (bits: number) => unsupportedBy(relay(bits), loadProfile("loihi")).map((u) => u.limit);
    expect(limits(8)).not.toContain("core.capabilities.gradedSpikes");
    expect(limits(15)).not.toContain("core.capabilities.gradedSpikes");
    const wide = unsupportedBy(relay(16), loadProfile("loihi")).find(
      (u) => u.limit === "core.capabilities.gradedSpikes",
    )!;
    expect(wide.where).toBe('population "m" (linear)');
    expect(wide.message).toMatch(/carried as at most 15 bit planes/);
    expect(wide.options[0]).toBe("compile with --payload-bits 15");
  });

  it("graded events are fine on Loihi 2 (32-bit payloads); only the matmul remains", () => {
    const found = unsupportedBy(gatedModule(), loadProfile("loihi2"));
    expect(found.map((u) => u.limit)).toEqual(["core.capabilities.dynamicMatmul", "core.weightBits"]);
    // Loihi 2 has product neurons: a matmul left unlowered is the lowering's decision, not a missing capability
    const mm = found[0]!;
    expect(mm.message).toMatch(/could lower it to product neurons, but lowerAttention left it/);
    expect(mm.message).not.toMatch(/no product neurons/);
    expect(mm.options.join("; ")).not.toMatch(/lowers it to product neurons/);
  });

  it("state wider than the cores hold is named with the flag that fixes it", () => {
    const m = exampleNmir();
    m.populations[0] = { ...m.populations[0]!, model: { ...m.populations[0]!.model, vBits: 24 } as never };
    const found = unsupportedBy(m, loadProfile("speck"));
    expect(found.map((u) => [u.where, u.message, u.options[0]])).toContainEqual([
      'population "l1" (lif)',
      'v is 24-bit; profile "speck" holds 16-bit state',
      "compile with --state-bits 16",
    ]);
  });

  it("warns through the pass context, throws one error under strict, is silent without a profile", () => {
    const m = gatedModule();
    const ctx = quantContext({ profile: "loihi" });
    expect(markUnsupported(m, ctx)).toBe(m);
    expect(ctx.diagnostics).toHaveLength(5);
    expect(ctx.diagnostics[0]).toMatchObject({
      pass: "markUnsupported",
      level: "warning",
      where: 'dynamic matmul "qk"',
    });
    expect(ctx.diagnostics[3]!.message).toMatch(/\[core.weightBits\]; options: compile with --weight-bits 9/);
    try {
      markUnsupported(m, quantContext({ profile: "loihi", strict: true }));
      expect.unreachable();
    } catch (e) {
      expect(isSpikegridError(e) && e.code).toBe("UNSUPPORTED");
      if (isSpikegridError(e)) expect(e.details).toHaveLength(5);
    }
    const none = quantContext();
    expect(markUnsupported(m, none)).toBe(m);
    expect(none.diagnostics).toEqual([]);
  });
});
