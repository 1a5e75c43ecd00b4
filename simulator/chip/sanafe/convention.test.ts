// The sanafe convention's counting rules, each on a small network written here whose SANA-FE figures are worked
// out by hand (comments): zero-weight synapses and all-zero messages count, synaptic work is charged in the send
// step, "updated" = fired | nonzero potential | got a message | has a bias, units by name, hops by direction,
// SANA-FE's detailed timing; and the default convention is unchanged.
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../../hw-profiles/index.js";
import { conventionNetFromSanafe } from "./from-file.js";
import { runSanafeConvention } from "./run-sanafe.js";

// i (input) on 0.0; a (3 neurons, weights 1, 0.25, 0 from i) and c (bias only) on 0.1; z on tile 1 (one hop
// north), reached from a by zero weights only.
const NET = `network:
  groups:
    - name: i
      neurons:
        - 0: {spikes: [1, 0, 1]}
    - name: a
      attributes: {threshold: 0.5}
      neurons: [0..2]
    - name: c
      attributes: {threshold: 100}
      neurons: [{0: {bias: 0.25}}]
    - name: z
      attributes: {threshold: 100}
      neurons: [0]
  edges:
    - i -> a: {type: dense, weight: [1, 0.25, 0]}
    - a -> z: {type: dense, weight: [0, 0, 0]}
mappings:
  - i.0: {core: 0.0, soma: loihi_inputs}
  - a: {core: 0.1}
  - c: {core: 0.1}
  - z: {core: 1.0}
`;

describe("convention sanafe", () => {
  it("counts as SANA-FE: zero weights, all-zero messages, send-step synapses, the updated rule", async () => {
    const r = await runSanafeConvention(NET, "loihi-sanafe", 3);
    // step 0: i fires → 1 message, 3 look-ups (a.2's weight is 0); c updated (bias)
    // step 1: a.0 fires → 1 all-zero message to z (1 look-up, 1 hop); a.1, a.2 updated (got a message), c
    // step 2: i fires → 1 message, 3 look-ups; a.1 updated (v = 0.25), c, z (got the zero message)
    expect(r.fired).toBe(3);
    expect(r.synapticEvents).toBe(7);
    expect(r.messages).toBe(3);
    expect(r.hops).toBe(1);
    expect(r.neuronsUpdated).toBe(10);
    // soma: 5 LIF × 3 steps × 51.2 pJ + 8 LIF updates × 21.6 pJ + 1 spike × 69.3 pJ (inputs cost nothing);
    // synapse 7 × 35.5 pJ (dense, the first unit); network 3 × 111 pJ + 1 north hop × 4.2 pJ
    expect(r.energy.somaJ).toBeCloseTo(1010.1e-12, 15);
    expect(r.energy.synapseJ).toBeCloseTo(248.5e-12, 15);
    expect(r.energy.networkJ).toBeCloseTo(337.2e-12, 15);
    expect(r.energy.totalJ).toBeCloseTo(1595.8e-12, 15);
    // step 0: i's message sent at 5.1 ns, processed by 0.1 in 16 + 3 × 3.8 ns → 32.5 ns; step 1: a.0 sends at
    // 6 + 3.7 + 30 + 5.1 = 44.8 ns, the rest of 0.1's neurons end at 44.8 + 29.1 = 73.9 ns; step 2: 32.5 ns;
    // + 1.0 µs sync each (2 tiles in use)
    expect(r.simulatedS).toBeCloseTo(3138.9e-9, 13);
    expect(r.run.run).toMatchObject({ convention: "sanafe" });
  });

  it("charges each connection by its target's synapse unit and each neuron by its soma unit", () => {
    const conv = NET.replace(
      "attributes: {threshold: 0.5}",
      "attributes: {threshold: 0.5, synapse_hw_name: loihi_conv_synapse}",
    );
    const net = conventionNetFromSanafe(conv, "net.yaml", loadProfile("loihi-sanafe"));
    // i's one message to core 0.1: 3 look-ups at 24 pJ and 3.1 ns (loihi_conv_synapse)
    const m = net.msgStart[0]!;
    expect(net.msgSynapses[m]).toBe(3);
    expect(net.msgSynapseJ[m]).toBeCloseTo(72e-12, 15);
    expect(net.msgLatencyS[m]).toBeCloseTo(9.3e-9, 15);
    expect(net.soma[net.somaOf[0]!]!.access.e).toBe(0);
    expect(net.soma[net.somaOf[1]!]!.access.e).toBeCloseTo(51.2e-12, 15);
    expect(() =>
      conventionNetFromSanafe(
        conv.replace("loihi_conv_synapse", "no_such_unit"),
        "net.yaml",
        loadProfile("loihi-sanafe"),
      ),
    ).toThrow(/synapse unit "no_such_unit" is not a unit of loihi-sanafe/);
  });

  it("leaves the default convention as it was: nonzero synapses only, no message without one", async () => {
    const r = await runSanafeConvention(NET, "loihi-sanafe", 3, [], "neurobench");
    expect(r.run.run).not.toHaveProperty("convention");
    // i's events come from the host (inputPackets), a.0's spike reaches z only through zero weights: no packet;
    // ops are counted at delivery (the step after the spike): only i's step-0 spike is delivered within 3 steps,
    // 2 nonzero weights (a.2's zero is no op), plus c's bias input once a step (inputs are graded beside it)
    expect(r.messages).toBe(0);
    expect(r.run.counts).toMatchObject({ ac: 0, mac: 5 });
  });
});
