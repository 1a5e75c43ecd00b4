// SANA-FE SNN YAML import: hand-written networks in SANA-FE's format → NetGraph → compile → reference engine,
// against spikes computed by hand and by an independent float model of SANA-FE's LIF (sanafe-model.ts).

import { describe, expect, it } from "vitest";
import { runReference } from "../../../simulator/reference/index.js";
import { compile } from "../../passes/pipeline.js";
import type { QuantCompileOptions } from "../../passes/quant-plan.js";
import { quantizeInputs } from "../../passes/quantize-inputs.js";
import { importSanafe, sanafeInputs } from "./index.js";
import { sanafeSpikes } from "./sanafe-model.js";

/** Every edge kind, an input train, biases, leaks (exact powers of two), soft/hard reset, several cores. */
const ALL_KINDS = `
network:
  name: all_kinds
  groups:
    - name: in
      attributes: [log_spikes: true]
      neurons:
        - 0: [spikes: [1, 0, 1, 1, 0, 0, 1, 0]]
        - 1: [spikes: [0, 1, 1, 0, 0, 1, 0, 0]]
        - 2..3: [spikes: [1, 1, 0, 0, 1, 1, 0, 1]]
    - name: a
      attributes: {threshold: 2, leak_decay: 0.5, reset_mode: soft}
      neurons:
        - 0..1: {}
        - 2: [soma: {bias: 0.75}]
    - name: img
      attributes: {threshold: 3, leak_decay: 0.75}
      neurons:
        - 0..15: {}
    - name: fm
      attributes: [threshold: 1.5, bias: 0.25]
      neurons:
        - 0..7
    - name: out
      neurons:
        - 0: [threshold: 1]
        - 1: [threshold: 0.5, reset: -1]
  edges:
    - in -> a: [type: dense, weight: [1, 0.5, 2, 1, 1, 0, 0, 1, 1, 0.5, 0.5, 1]]
    - in -> img:
        type: sparse
        source_target_pairs: [[0, 0], [1, 5], [2, 10], [3, 15], [0, 3], [2, 12]]
        weight: [4, 4, 2, 4, 1.5, 3.5]
    - img -> fm:
        type: conv2d
        input_width: 4
        input_height: 4
        input_channels: 1
        kernel_width: 3
        kernel_height: 3
        kernel_count: 2
        stride_width: 1
        stride_height: 1
        weight: [1, -1, 0.5, 0, 1, 1, 0.25, 0.5, 1, 2, 0, -0.5, 1, 1, 0.5, 0.5, 0.25, 1]
    - a -> out: {type: dense, synapse: {weight: [1, 0.5, -1, 1, 0.5, 0.25]}}
    - fm.3 -> out.0: [weight: 0.75]
    - out.1 -> out.1: [weight: -0.5]
mappings:
  - in: [core: 0.0]
  - a: {core: 0.1}
  - img.0..7: {core: 1.0}
  - img.8..15: {core: 1.1}
  - fm: {core: 1.2}
  - out: {core: 0.2}
`;

async function run(text: string, steps: number) {
  const imp = importSanafe(text, "net.yaml");
  const options: QuantCompileOptions = { weightBits: 12, stateBits: 24, inputRange: 4 };
  const { ir } = compile(imp.graph, options);
  const floats = Object.fromEntries(sanafeInputs(imp.graph, steps));
  const inputs = Object.fromEntries(quantizeInputs(ir, floats));
  const groups = [...new Set(Object.keys(sanafeSpikes(text, 1)))];
  const r = runReference(ir, inputs, { timesteps: steps, record: groups });
  const spikes: Record<string, number[][]> = {};
  for (const g of groups) spikes[g] = (r.records.get(g) ?? []).map((ev) => [...ev.index]);
  return { imp, ir, spikes };
}

describe("SANA-FE SNN import", () => {
  it("reads every edge kind into a NetGraph with a recorded input and a placement", () => {
    const imp = importSanafe(ALL_KINDS, "net.yaml");
    expect(imp.format).toBe("sanafe");
    expect(imp.graph.nodes.get("in")?.kind).toBe("Input");
    expect(imp.graph.nodes.get("a")?.kind).toBe("LIF");
    expect(imp.graph.nodes.get("fm")?.kind).toBe("IF");
    expect(imp.graph.nodes.get("img->fm#2")?.kind).toBe("Conv2d");
    expect(imp.placement?.get("img")?.[9]).toMatchObject({ tile: 1, core: 1 });
    const x = sanafeInputs(imp.graph, 10).get("in")!;
    expect(x.shape).toEqual([10, 4]);
    expect([...x.data.subarray(0, 8)]).toEqual([1, 0, 1, 1, 0, 1, 1, 1]);
    expect([...x.data.subarray(32, 40)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // trains end after 8 steps
  });

  it("a hand-computed case: input → dense → soft-reset leaky neuron with bias", async () => {
    const text = `network:
  groups:
    - name: i
      neurons: [{0: {spikes: [1, 1, 0, 1]}}]
    - name: n
      neurons: [{0: {threshold: 1.5, leak_decay: 0.5, bias: 0.25, reset_mode: soft}}]
  edges:
    - i -> n: [type: dense, weight: [1]]
`;
    // SANA-FE steps 1..6 (0-based here): v = 0.5·v (trunc 1/64) + 0.25 + input of the previous step
    // t0: 0.25 | t1: 0.125+0.25+1 = 1.375 | t2: 0.6875+0.25+1 = 1.9375 > 1.5 → spike, v = 0.4375
    // t3: 0.21875+0.25 = 0.46875 | t4: 0.234375+0.25+1 = 1.484375 | t5: 0.7421875+0.25 = 0.9921875
    const { spikes } = await run(text, 6);
    expect(spikes.n).toEqual([[], [], [0], [], [], []]);
    expect(sanafeSpikes(text, 6).n).toEqual([[], [], [0], [], [], []]);
  });

  it("every edge kind, leaks, biases and a recurrent edge: the reference engine fires as SANA-FE's model", async () => {
    const steps = 12;
    const want = sanafeSpikes(ALL_KINDS, steps);
    const { spikes } = await run(ALL_KINDS, steps);
    for (const g of ["a", "img", "fm", "out"]) expect(spikes[g], g).toEqual(want[g]);
    // the network is not silent: the comparison means something
    expect(Object.values(want).flat(2).length).toBeGreaterThan(10);
  });

  it("a group no input reaches takes its biases as a recorded constant input", async () => {
    const text = `network:
  groups:
    - name: src
      attributes: {threshold: 2, leak_decay: 0.75}
      neurons: [{0: {bias: 1}}, {1: {bias: 0.5}}, {2: {bias: 0}}]
    - name: dst
      attributes: {threshold: 0.5}
      neurons: [0]
  edges:
    - src -> dst: {type: dense, weight: [1, 1, 1]}
`;
    const { imp, spikes } = await run(text, 10);
    expect(imp.inputs["src.bias"]).toEqual({ kind: "constant", size: 3, values: [1, 0.5, 0] });
    const want = sanafeSpikes(text, 10);
    expect(spikes.src).toEqual(want.src);
    expect(spikes.dst).toEqual(want.dst);
    expect(want.src?.flat().length).toBeGreaterThan(0);
  });
});

describe("input neurons sharing one input soma unit", () => {
  const net = (mapping: string) => `network:
  groups:
    - name: i
      attributes: {soma_hw_name: loihi_inputs}
      neurons: [{0: {spikes: [1, 0, 1]}}, {1: {spikes: [0, 1, 1]}}]
    - name: a
      neurons: [0..1]
  edges:
    - i -> a: {type: dense, weight: [1, 0, 0, 1]}
mappings:
${mapping}
  - a: {core: 0.1}
`;
  it("warns that SANA-FE keeps one train per unit; own units per neuron do not warn", () => {
    const shared = importSanafe(net("  - i: {core: 0.0}"), "net.yaml").warnings;
    expect(shared.join("\n")).toMatch(/input neurons i\.0, i\.1 share soma unit loihi_inputs on core 0\.0/);
    const own = importSanafe(
      net("  - i.0: {core: 0.0, soma: 'in[0]'}\n  - i.1: {core: 0.0, soma: 'in[1]'}"),
      "net.yaml",
    ).warnings;
    expect(own.join("\n")).not.toMatch(/share soma unit/);
  });
});
