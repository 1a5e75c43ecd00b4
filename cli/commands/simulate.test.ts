import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const golden = (f: string) => join("test/fixtures/golden/onnx", f);

describe("spikegrid simulate --engine float", () => {
  it("runs an ONNX golden model over its inputs as 4 timesteps and matches PyTorch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-sim-"));
    const out = join(dir, "y.npy");
    const io = bufferIo();
    const code = await runCli(
      [
        "simulate",
        golden("cnn_bn.onnx"),
        "--engine",
        "float",
        "--input",
        golden("cnn_bn.input.npy"),
        "--out",
        out,
        "--record",
        "input",
      ],
      io,
    );
    expect(io.stderr.join("")).not.toMatch(/error/);
    expect(code).toBe(0);
    const y = toFloat32(readNpyFile(out));
    const ref = toFloat32(readNpyFile(golden("cnn_bn.output.npy")));
    expect(y.length).toBe(ref.length);
    for (let i = 0; i < y.length; i++)
      expect(Math.abs(y[i]! - ref[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[i]!)));
    expect(readNpyFile(join(dir, "y.input.npy")).shape).toEqual([4, 2, 8, 8]);
  });

  it("refuses an input that does not fit, with exit 2 and a hint", async () => {
    const io = bufferIo();
    const code = await runCli(
      [
        "simulate",
        golden("cnn_bn.onnx"),
        "--input",
        golden("mlp.input.npy"),
        "--out",
        join(tmpdir(), "x.npy"),
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/does not fit input "[^"]+" \[2,8,8\]/);
    expect(io.stderr.join("\n")).not.toMatch(/at .*\.ts:\d+/);
  });

  it("a missing network file exits 2", async () => {
    const io = bufferIo();
    expect(await runCli(["simulate", "nope.onnx", "--input", "a.npy", "--out", "b.npy"], io)).toBe(2);
    expect(io.stderr.join("")).toMatch(/no such file/);
  });
});
