// The safe unpickler and the torch reader on hand-made inputs: code-running globals stay inert, views are
// bounds-checked, odd archives are rejected with the entry named, and findStateDict's search rules.

import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { unpickle } from "./pickle.js";
import { PyObject } from "./pickle-types.js";
import { findStateDict, toPlain } from "./state-dict.js";
import type { Tensor } from "./tensor.js";
import { fails, pickle, pk, statePickle, torchZip } from "./test-helpers.js";
import { torchFindClass } from "./torch-globals.js";
import { readTorchCheckpoint } from "./torch-zip.js";

const run = (b: Uint8Array) =>
  unpickle(b, { file: "t.pkl", where: "pickle", findClass: torchFindClass }).value;
const f32 = (...xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const spec = { key: "0", numel: 4, offset: 0, size: [2, 2], stride: [2, 1] };

describe("safe unpickler", () => {
  it("never calls globals off the allow-list: they become named placeholders", () => {
    const v = run(
      pickle(pk.proto, pk.global("os", "system"), pk.mark, pk.str("rm -rf /"), pk.tuple, pk.reduce, pk.stop),
    );
    expect(v).toBeInstanceOf(PyObject);
    expect((v as PyObject).className).toBe("os.system");
    expect((v as PyObject).args).toEqual(["rm -rf /"]);
    const e = run(
      pickle(pk.global("builtins", "eval"), pk.mark, pk.str("1+1"), pk.tuple, pk.reduce, pk.stop),
    );
    expect(toPlain(e)).toEqual({ __class__: "builtins.eval", args: ["1+1"] });
  });

  it("reads protocol-0 text opcodes", () => {
    const text = "(dp0\nS'a'\np1\nI7\nsS'b'\nF2.5\nsS'c'\nI01\nsS'd'\nL12345678901234567890L\ns.";
    const v = run(new TextEncoder().encode(text)) as Map<string, unknown>;
    expect([...v]).toEqual([
      ["a", 7],
      ["b", 2.5],
      ["c", true],
      ["d", 12345678901234567890n],
    ]);
  });

  it("keeps shared references shared and cycles finite", () => {
    // L0 = []; L_{i+1} = [L_i, L_i] for 60 levels: 2^60 paths, but each list is converted once
    const parts: number[][] = [[...pk.emptyList, ...pk.put(0)]];
    for (let i = 1; i <= 60; i++)
      parts.push([...pk.mark, ...pk.get(i - 1), ...pk.get(i - 1), 0x6c, ...pk.put(i)]);
    expect(Array.isArray(toPlain(run(pickle(...parts, pk.stop))))).toBe(true);
    const cyc = run(pickle(pk.emptyList, pk.put(0), pk.get(0), pk.append, pk.stop));
    expect(toPlain(cyc)).toEqual(["<cycle>"]);
  });

  it("survives very deep nesting without recursion", () => {
    const n = 100_000;
    const b = pickle(new Array(n).fill(0x5d), new Array(n - 1).fill(0x61), pk.stop);
    const v = run(b);
    expect(JSON.stringify(toPlain(v))).toContain("<too deep>");
    expect(findStateDict(v).stateDict.size).toBe(0);
  });

  it("fails clearly on bad opcodes, stack underflow, missing memo and missing STOP", () => {
    fails(() => run(pickle(pk.proto, 0xff)), "IMPORT_FAILED", /t\.pkl.*not a pickle opcode.*byte 2/);
    fails(() => run(pickle(pk.proto, pk.reduce)), "IMPORT_FAILED", /empty stack/);
    fails(() => run(pickle(pk.get(3), pk.stop)), "IMPORT_FAILED", /memo slot 3/);
    fails(() => run(pickle(pk.proto, pk.none)), "IMPORT_FAILED", /truncated/);
    fails(() => run(pickle(pk.setitems, pk.stop)), "IMPORT_FAILED", /MARK/);
    fails(() => run(pickle(0x8a, 0xff, pk.stop)), "IMPORT_FAILED", /truncated/);
    fails(() => run(pickle(0x82, 1, pk.stop)), "UNSUPPORTED", /extension registry/);
  });
});

describe("torch zip reader on crafted archives", () => {
  it("reads a hand-made archive and shares a tensor referenced twice (tied weights)", () => {
    const r = readTorchCheckpoint(torchZip(statePickle({ w: spec }), { "0": f32(1, 2, 3, 4) }), "ok.pt");
    expect([...r.stateDict.get("w")!.data]).toEqual([1, 2, 3, 4]);
    const item = [...pk.str("a"), ...pk.get(9), ...pk.str("b"), ...pk.get(9)];
    const pkl = statePickle({ w: spec });
    // memoise the rebuilt tensor (BINPUT 9 right after its REDUCE) and refer to it again under two keys
    const at = pkl.lastIndexOf(0x52, pkl.length - 3);
    const tied = pickle(pkl.subarray(0, at + 1), pk.put(9), item, pkl.subarray(at + 1));
    const t = readTorchCheckpoint(torchZip(tied, { "0": f32(1, 2, 3, 4) }), "tied.pt").stateDict;
    expect(t.get("a")).toBe(t.get("w"));
    expect(t.get("b")).toBe(t.get("w"));
  });

  it("rejects views outside the storage, rank mismatches and huge broadcasts, naming the key", () => {
    const zip = (s: Partial<typeof spec>, data = f32(1, 2, 3, 4)) =>
      torchZip(statePickle({ "conv.weight": { ...spec, ...s } }), { "0": data });
    fails(
      () => readTorchCheckpoint(zip({ offset: 1 }), "a.pt"),
      "IMPORT_FAILED",
      /reaches element 4.*'conv\.weight'/,
    );
    fails(() => readTorchCheckpoint(zip({ stride: [1] }), "b.pt"), "IMPORT_FAILED", /differ in rank/);
    fails(
      () => readTorchCheckpoint(zip({ size: [1 << 20, 1 << 12], stride: [0, 0] }), "c.pt"),
      "IMPORT_FAILED",
      /expands to/,
    );
    fails(
      () => readTorchCheckpoint(zip({}, f32(1, 2)), "d.pt"),
      "IMPORT_FAILED",
      /holds 8 bytes.*'archive\/data\/0'/,
    );
    fails(
      () => readTorchCheckpoint(torchZip(statePickle({ w: spec }), {}), "e.pt"),
      "IMPORT_FAILED",
      /missing.*'archive\/data\/0'/,
    );
  });

  it("skips complex tensors with a warning instead of failing", () => {
    const pkl = statePickle({ w: spec, z: { ...spec, key: "1", storage: "ComplexFloatStorage" } });
    const r = readTorchCheckpoint(torchZip(pkl, { "0": f32(1, 2, 3, 4), "1": new Uint8Array(32) }), "c.pt");
    expect([...r.stateDict.keys()]).toEqual(["w"]);
    expect(r.warnings.join()).toMatch(/ComplexFloatStorage/);
  });

  it("rejects TorchScript, .npz, bad byte order, tar, plain pickles and other formats", () => {
    const pkl = statePickle({ w: spec });
    const ts = torchZip(pkl, { "0": f32(1, 2, 3, 4) }, { "archive/constants.pkl": pickle(pk.none, pk.stop) });
    fails(() => readTorchCheckpoint(ts, "s.pt"), "UNSUPPORTED", /TorchScript/);
    fails(
      () => readTorchCheckpoint(zipSync({ "a.npy": new Uint8Array(3) }), "n.pt"),
      "IMPORT_FAILED",
      /\.npz/,
    );
    const bo = torchZip(
      pkl,
      { "0": f32(1, 2, 3, 4) },
      { "archive/byteorder": new TextEncoder().encode("middle") },
    );
    fails(() => readTorchCheckpoint(bo, "o.pt"), "IMPORT_FAILED", /byte order 'middle'/);
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode("ustar"), 257);
    fails(() => readTorchCheckpoint(tar, "t.pt"), "UNSUPPORTED", /tar-format.*PyTorch < 0\.4/);
    fails(
      () => readTorchCheckpoint(pickle(pk.proto, pk.none, pk.stop), "p.pt"),
      "IMPORT_FAILED",
      /not a torch\.save/,
    );
    fails(
      () => readTorchCheckpoint(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), "i.pt"),
      "IMPORT_FAILED",
      /PNG/,
    );
  });
});

describe("findStateDict", () => {
  const t: Tensor = { dtype: "float32", shape: [1], data: new Float32Array([1]) };
  it("looks under the usual keys, and keeps non-tensor entries apart", () => {
    const a = findStateDict(
      new Map<string, unknown>([
        ["model_state_dict", new Map([["w", t]])],
        ["epoch", 2],
      ]),
    );
    expect([a.path, [...a.stateDict.keys()], a.other]).toEqual(["model_state_dict", ["w"], { epoch: 2 }]);
    const b = findStateDict(
      new Map<string, unknown>([
        [
          "model",
          new Map<string, unknown>([
            ["w", t],
            ["n", 1],
          ]),
        ],
      ]),
    );
    expect([b.path, b.other]).toEqual(["model", { "model.n": 1 }]);
    const c = findStateDict(
      new Map<string, unknown>([
        ["w", t],
        ["step", 3],
      ]),
    );
    expect([c.path, [...c.stateDict.keys()], c.other]).toEqual(["", ["w"], { step: 3 }]);
  });

  it("strips a prefix only on request, and warns when there is no state_dict", () => {
    const m = new Map([
      ["module.a", t],
      ["module.b", t],
    ]);
    expect([...findStateDict(m).stateDict.keys()]).toEqual(["module.a", "module.b"]);
    expect([...findStateDict(m, { stripPrefix: true }).stateDict.keys()]).toEqual(["a", "b"]);
    expect([...findStateDict(m, { stripPrefix: "module.a" }).stateDict.keys()]).toEqual(["", "module.b"]);
    expect(findStateDict(new Map([["x", 1]])).warnings.join()).toMatch(/no state_dict/);
  });
});

describe("torch storages of odd lengths", () => {
  it("reads a storage entry whose length is not a multiple of the element size", () => {
    const bytes = new Uint8Array(17);
    bytes.set(f32(1, 2, 3, 4));
    const r = readTorchCheckpoint(torchZip(statePickle({ w: spec }), { "0": bytes }), "odd.pt");
    expect([...r.stateDict.get("w")!.data]).toEqual([1, 2, 3, 4]);
  });
});
