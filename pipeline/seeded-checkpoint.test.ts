// A checkpoint written from a network's own parameters (graphStateDict) applies back value for value, and one
// marked seeded-init keeps its runs saying the weights are untrained, where any other checkpoint is "trained".

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../common/errors.js";
import { graphStateDict } from "../compiler/importers/apply-state-dict.js";
import { writeSafetensorsFile } from "../compiler/importers/tensors/index.js";
import { CHECKPOINT_WEIGHTS_KEY } from "../compiler/passes/weights-provenance.js";
import { initWeights } from "./init-weights.js";
import { loadNetwork } from "./load-network.js";

const small = { imageSize: 16, dim: 32, heads: 2, depth: 1, timesteps: 4 };

describe("a checkpoint written from a network's parameters", () => {
  it("applies back exactly; marked seeded-init it stays untrained, unmarked it is trained", async () => {
    const { graph } = await loadNetwork("zoo:spikformer-2-256-dvs", { overrides: small });
    initWeights(graph);
    const sd = graphStateDict(graph);
    expect(sd.size).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), "sg-ckpt-"));
    const marked = join(dir, "seeded.safetensors");
    const plain = join(dir, "plain.safetensors");
    writeSafetensorsFile(marked, sd, { [CHECKPOINT_WEIGHTS_KEY]: "seeded-init" });
    writeSafetensorsFile(plain, sd);
    const back = await loadNetwork("zoo:spikformer-2-256-dvs", { overrides: small, weights: marked });
    expect(back.weights?.missing).toEqual([]);
    expect(back.weights?.applied.length).toBe(sd.size);
    expect(back.graph.metadata.weights).toBe("seeded-init");
    const again = graphStateDict(back.graph);
    for (const [k, t] of sd) expect(again.get(k)?.data, k).toEqual(t.data);
    const trained = await loadNetwork("zoo:spikformer-2-256-dvs", { overrides: small, weights: plain });
    expect(trained.graph.metadata.weights).toBe("trained");
  }, 60_000);

  it("a parameter held in another form than its checkpoint tensor is refused, named", async () => {
    const { graph } = await loadNetwork("zoo:binary-s4d-smnist");
    let err: unknown;
    try {
      graphStateDict(graph);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpikegridError);
    expect((err as Error).message).toMatch(/^writing a state_dict: ".+" is stored in another form/);
  }, 60_000);
});
