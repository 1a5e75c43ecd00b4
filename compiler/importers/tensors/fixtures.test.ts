// Every fixture written by test/fixtures/tensors/make_tensor_fixtures.py reads to the values Python
// recorded in expected.json, plus the shared NIR CNN checkpoint reads to torch's own shapes and sums.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../../common/package-root.js";
import { sharedFixture } from "../../../test/shared-fixtures.js";
import {
  readNpyFile,
  readNpzFile,
  readSafetensorsFile,
  readTorchFile,
  type StateDict,
  type Tensor,
  toFloat32,
} from "./index.js";

interface Expect {
  dtype: string;
  shape: number[];
  sum: number;
  values?: (number | string)[];
  head?: (number | string)[];
}
interface Fixture {
  kind: "torch" | "npy" | "npz" | "safetensors";
  tensors: Record<string, Expect>;
  metadata?: Record<string, string>;
}

const dir = packagePath("test", "fixtures", "tensors");
const expected = JSON.parse(readFileSync(`${dir}/expected.json`, "utf8")) as Record<string, Fixture>;

function num(v: number | string): number {
  return v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? Number.NaN : Number(v);
}

/** Compares a tensor with Python's description: exact values (int64 as bigint), sum within rounding. */
function check(t: Tensor | undefined, e: Expect, where: string): void {
  expect(t, where).toBeDefined();
  if (!t) return;
  expect(t.dtype, where).toBe(e.dtype);
  expect(t.shape, where).toEqual(e.shape);
  const want = e.values ?? e.head ?? [];
  const d = t.data;
  const got =
    d instanceof BigInt64Array
      ? [...d].map(String)
      : t.dtype.endsWith("float16")
        ? [...toFloat32(t)]
        : [...d];
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (typeof w === "string" && t.dtype === "int64") expect(got[i], `${where}[${i}]`).toBe(w);
    else
      expect(Object.is(got[i], num(w)) || got[i] === num(w), `${where}[${i}]: ${got[i]} vs ${w}`).toBe(true);
  }
  if (e.values) expect(got.length, where).toBe(e.values.length);
  let sum = 0;
  for (const x of t.data instanceof BigInt64Array ? [...t.data].map(Number) : got) {
    if (Number.isFinite(x as number)) sum += x as number;
  }
  expect(Math.abs(sum - e.sum), `${where} sum ${sum} vs ${e.sum}`).toBeLessThanOrEqual(
    1e-9 * Math.abs(e.sum) + 1e-12,
  );
}

function read(name: string, kind: Fixture["kind"]): StateDict {
  const p = `${dir}/${name}`;
  if (kind === "npy") return new Map([["", readNpyFile(p)]]);
  if (kind === "npz") return readNpzFile(p);
  if (kind === "safetensors") return readSafetensorsFile(p).stateDict;
  return readTorchFile(p).stateDict;
}

describe("fixtures from make_tensor_fixtures.py", () => {
  it("has fixtures for every format, under 200 KB in total", () => {
    const kinds = new Set(Object.values(expected).map((f) => f.kind));
    expect([...kinds].sort()).toEqual(["npy", "npz", "safetensors", "torch"]);
    let total = 0;
    for (const f of Object.keys(expected)) total += readFileSync(`${dir}/${f}`).length;
    expect(total).toBeLessThan(200_000);
  });

  for (const [name, fx] of Object.entries(expected)) {
    it(`${name} reads to Python's values`, () => {
      const sd = read(name, fx.kind);
      expect([...sd.keys()].sort()).toEqual(Object.keys(fx.tensors).sort());
      for (const [k, e] of Object.entries(fx.tensors)) check(sd.get(k), e, `${name}:${k}`);
    });
  }

  it("keeps state_dict key order and the safetensors metadata", () => {
    expect([...read("dtypes.pt", "torch").keys()].slice(0, 3)).toEqual(["f32", "f64", "f16"]);
    expect(readSafetensorsFile(`${dir}/model.safetensors`).metadata).toEqual(
      expected["model.safetensors"]!.metadata,
    );
  });

  it("reports epoch and optimizer state of a nested checkpoint separately", () => {
    const r = readTorchFile(`${dir}/nested.pt`);
    expect(r.other.epoch).toBe(3);
    expect(r.other.best_acc).toBe(0.91);
    const opt = r.other.optimizer as {
      state: Record<string, { momentum_buffer: Tensor }>;
      param_groups: unknown[];
    };
    expect(opt.state["0"]!.momentum_buffer.shape).toEqual([3, 4]);
    expect(opt.param_groups).toHaveLength(1);
    expect(r.warnings).toContain("state_dict found under 'state_dict'");
  });

  it("reads a Lightning checkpoint: hparams as plain dicts, odd objects as placeholders, prefix on request", () => {
    const r = readTorchFile(`${dir}/lightning.ckpt`);
    expect([...r.stateDict.keys()]).toEqual([
      "model.0.weight",
      "model.0.bias",
      "model.2.weight",
      "model.2.bias",
    ]);
    expect(r.other.epoch).toBe(5);
    expect(r.other.global_step).toBe(100);
    expect(r.other["pytorch-lightning_version"]).toBe("1.9.0");
    const hp = r.other.hyper_parameters as Record<string, unknown>;
    expect(hp).toEqual({ lr: 0.01, hidden: [16, 8], name: "net", args: { seed: 7 } });
    const cb = r.other.callbacks as Record<string, { __class__: string; state: unknown }>;
    expect(cb.ModelCheckpoint!.__class__).toBe("__main__.WeirdCallbackState");
    expect(cb.ModelCheckpoint!.state).toEqual({ best: 0.25, mode: "min" });
    expect(cb.score).toBe(0.75); // a numpy.float64 scalar
    const stripped = readTorchFile(`${dir}/lightning.ckpt`, { stripPrefix: true });
    expect([...stripped.stateDict.keys()]).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(stripped.stateDict.get("0.weight")).toEqual(r.stateDict.get("model.0.weight"));
  });

  it("keeps BatchNorm's int64 num_batches_tracked in the state_dict", () => {
    const t = readTorchFile(`${dir}/batchnorm.pt`).stateDict.get("1.num_batches_tracked")!;
    expect(t.dtype).toBe("int64");
    expect(t.shape).toEqual([]);
    expect([...t.data]).toEqual([3n]);
  });

  it("finds the parameters of a whole pickled nn.Module", () => {
    const r = readTorchFile(`${dir}/whole_module.pt`);
    expect([...r.stateDict.keys()]).toEqual([...readTorchFile(`${dir}/batchnorm.pt`).stateDict.keys()]);
    expect(r.warnings.join("\n")).toMatch(/torch\.nn\.modules\.container\.Sequential/);
  });

  it("materialises views as independent C-order copies", () => {
    const sd = readTorchFile(`${dir}/views.pt`).stateDict;
    const w = sd.get("w")!;
    const wt = sd.get("wt")!;
    expect(wt.data).not.toBe(w.data);
    w.data[0] = 99;
    expect(wt.data[0]).toBe(0);
  });
});

describe("the shared NIR CNN checkpoint", () => {
  it("reads to torch's keys, shapes and sums", () => {
    const r = readTorchFile(sharedFixture("nir/02_cnn/ann_pretraining/pretrained_ann_weights.pth"));
    // shapes, sums and first elements printed by torch 1.13's torch.load of the same file
    const want: Record<string, [number[], number, number]> = {
      "0.weight": [[16, 2, 5, 5], -10.744408309707069, -0.2573421895503998],
      "2.weight": [[16, 16, 3, 3], -16.825135712424526, 0.02522561512887478],
      "5.weight": [[8, 16, 3, 3], -11.446267009028816, 0.11908170580863953],
      "9.weight": [[256, 128], -803.6012277339014, -0.01709701679646969],
      "11.weight": [[10, 256], -73.69023904690403, 0.009488002397119999],
    };
    expect([...r.stateDict.keys()]).toEqual(Object.keys(want));
    for (const [k, [shape, sum, first]] of Object.entries(want)) {
      const t = r.stateDict.get(k)!;
      expect(t.dtype).toBe("float32");
      expect(t.shape).toEqual(shape);
      expect(t.data[0]).toBe(first);
      const s = (t.data as Float32Array).reduce((a, b) => a + b, 0);
      expect(Math.abs(s - sum)).toBeLessThan(1e-9 * Math.abs(sum));
    }
  });
});
