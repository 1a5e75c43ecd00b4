import { describe, expect, it } from "vitest";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const CNN = "../shared/fixtures/nir/02_cnn/cnn_sinabs.nir";

describe("spikegrid inspect (networks and weights)", () => {
  it("reports cnn_sinabs.nir's shapes and dense MACs per timestep in both conventions (--json)", async () => {
    const io = bufferIo();
    expect(await runCli(["inspect", CNN, "--json"], io)).toBe(0);
    const s = JSON.parse(io.stdout.join(""));
    expect(s.format).toBe("nir");
    const shapes = s.nodes.map((n: { outputShape: number[] }) => n.outputShape);
    expect(shapes[0]).toEqual([2, 34, 34]);
    expect(shapes[1]).toEqual([16, 16, 16]);
    expect(shapes[shapes.length - 1]).toEqual([10]);
    expect(s.totals.denseMacs).toBe(838_688);
    expect(s.totals.denseMacsPadded).toBe(903_680);
    expect(s.conventions.denseMacs).toMatch(/padding excluded/);
  });

  it("lists a PyTorch checkpoint's tensors", async () => {
    const io = bufferIo();
    expect(
      await runCli(
        ["inspect", "../shared/fixtures/nir/02_cnn/ann_pretraining/pretrained_ann_weights.pth"],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.join("")).toMatch(/9\.weight\s+float32\s+\[256,128\]\s+32,768/);
  });

  it("an ONNX model and a truncated NIR file", async () => {
    const io = bufferIo();
    expect(await runCli(["inspect", "test/fixtures/golden/onnx/mlp.onnx"], io)).toBe(0);
    expect(io.stdout.join("")).toMatch(/onnx/);
    const bad = bufferIo();
    expect(await runCli(["inspect", "test/fixtures/golden/onnx/unsupported_lstm.onnx"], bad)).toBe(2);
    expect(bad.stderr.join("")).toMatch(/LSTM/);
  });
});
