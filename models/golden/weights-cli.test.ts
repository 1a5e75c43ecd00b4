// A user's LMUFormer state_dict that does not fit, through the CLI: `spikegrid simulate zoo:lmuformer --weights`
// must stop with exit 2 and list every problem precisely (missing key, unexpected key, expected vs got shape).
// The state_dict is the default configuration's own key set, written as safetensors, then corrupted.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io.js";
import { runCli } from "../../cli/main.js";
import { expectedKeys } from "../../compiler/importers/apply-state-dict.js";
import {
  type StateDict,
  type Tensor,
  writeNpyFile,
  writeSafetensorsFile,
} from "../../compiler/importers/tensors/index.js";
import { loadZooModel } from "../zoo.js";

const dir = mkdtempSync(join(tmpdir(), "lmuformer-weights-"));
const input = join(dir, "x.npy");
const out = join(dir, "out.npy");

function zeros(shape: number[]): Tensor {
  return { dtype: "float32", shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) };
}

/** Every key the default zoo:lmuformer expects (bias-free convs have no bias key, as in PyTorch). */
function fullStateDict(): StateDict {
  const sd: StateDict = new Map();
  for (const { key, shape } of expectedKeys(loadZooModel("zoo:lmuformer").graph))
    if (shape) sd.set(key, zeros(shape));
  return sd;
}

async function simulate(weights: string) {
  const io = bufferIo();
  const code = await runCli(
    ["simulate", "zoo:lmuformer", "--weights", weights, "--input", input, "--out", out],
    io,
  );
  return { code, err: io.stderr.join("") };
}

beforeAll(() => {
  writeNpyFile(input, zeros([4, 128]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("spikegrid simulate zoo:lmuformer --weights with a state_dict that does not fit", () => {
  it("accepts the uncorrupted key set (the control)", async () => {
    const good = join(dir, "good.safetensors");
    writeSafetensorsFile(good, fullStateDict());
    const r = await simulate(good);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
  }, 60_000);

  it("exits 2 naming the missing, the unexpected and the mis-shaped key", async () => {
    const sd = fullStateDict();
    expect(sd.delete("block.0.attn.proj_bn.running_var")).toBe(true);
    sd.set("block.0.attn.lmu.W_x.weight", zeros([256, 256]));
    expect(sd.get("head.weight")?.shape).toEqual([35, 256]);
    sd.set("head.weight", zeros([35, 255]));
    const bad = join(dir, "bad.safetensors");
    writeSafetensorsFile(bad, sd);

    const r = await simulate(bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /error \[IMPORT_FAILED\]: .*bad\.safetensors does not fit the network \(3 problems\)/,
    );
    const problems = r.err.split("\n").filter((l) => l.startsWith("  - "));
    expect(problems).toEqual([
      "  - head.weight: shape [35,255] in the checkpoint, the network expects [35,256]",
      "  - block.0.attn.lmu.W_x.weight: unexpected key: no node of the network has this parameter",
      "  - block.0.attn.proj_bn.running_var: missing from the checkpoint",
    ]);
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 60_000);
});
