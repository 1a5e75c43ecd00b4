// Helpers shared by this folder's tests (not used by the readers): random tensors for fast-check and an
// assertion that a call ends in a SpikegridError with a given code, message and a hint.

import fc from "fast-check";
import { type Zippable, zipSync } from "fflate";
import { expect } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { DTYPES, decodeElements, elementCount, itemSize, type Tensor } from "./tensor.js";

/** Random tensors: any dtype, up to 4 dims of 0–5, arbitrary bit patterns (NaN payloads, subnormals). */
export const tensorArb = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
  })
  .chain(({ dtype, shape }) => {
    const n = elementCount(shape) * itemSize(dtype);
    return fc
      .uint8Array({ minLength: n, maxLength: n })
      .map((b): Tensor => ({ dtype, shape, data: decodeElements(dtype, b, elementCount(shape), true) }));
  });

/** The raw bytes of a tensor's data, for bit-exact comparison (NaN payloads included). */
export const bytesOf = (t: Tensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

/** Asserts that `f` throws a SpikegridError with `code`, a message matching `pattern`, and a hint. */
export function fails(f: () => unknown, code: string, pattern: RegExp): SpikegridError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpikegridError);
    const err = e as SpikegridError;
    expect(err.code, err.message).toBe(code);
    expect(err.message).toMatch(pattern);
    expect(err.hint).toBeTruthy();
    return err;
  }
  throw new Error(`expected a SpikegridError matching ${pattern}`);
}

type Part = number | readonly number[] | Uint8Array;

/** Concatenates opcode bytes into a pickle. */
export function pickle(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else for (const b of p) out.push(b);
  }
  return Uint8Array.from(out);
}

const le = (n: number, bytes: number) =>
  Array.from({ length: bytes }, (_, i) => Math.floor(n / 256 ** i) & 0xff);

/** Opcode builders for hand-written pickles (protocol 2 style, like torch.save's). */
export const pk = {
  proto: [0x80, 2],
  stop: [0x2e],
  mark: [0x28],
  tuple: [0x74],
  emptyTuple: [0x29],
  emptyList: [0x5d],
  emptyDict: [0x7d],
  setitems: [0x75],
  setitem: [0x73],
  append: [0x61],
  reduce: [0x52],
  build: [0x62],
  persid: [0x51],
  none: [0x4e],
  false: [0x89],
  str: (s: string) => {
    const b = new TextEncoder().encode(s);
    return [0x58, ...le(b.length, 4), ...b];
  },
  int: (n: number) => (n >= 0 && n < 256 ? [0x4b, n] : [0x4a, ...le(n >>> 0, 4)]),
  global: (m: string, n: string) => [0x63, ...new TextEncoder().encode(`${m}\n${n}\n`)],
  put: (i: number) => [0x71, i],
  get: (i: number) => [0x68, i],
  ints: (xs: number[]) => [0x28, ...xs.flatMap((x) => pk.int(x)), 0x74],
};

export interface TensorSpec {
  storage?: string;
  key: string;
  numel: number;
  offset: number;
  size: number[];
  stride: number[];
}

/** A torch.save-style data.pkl: OrderedDict of name → _rebuild_tensor_v2(persistent storage, …). */
export function statePickle(tensors: Record<string, TensorSpec>): Uint8Array {
  const items = Object.entries(tensors).flatMap(([name, t]) => [
    ...pk.str(name),
    ...pk.global("torch._utils", "_rebuild_tensor_v2"),
    ...[...pk.mark, ...pk.mark, ...pk.str("storage"), ...pk.global("torch", t.storage ?? "FloatStorage")],
    ...[...pk.str(t.key), ...pk.str("cpu"), ...pk.int(t.numel), ...pk.tuple, ...pk.persid],
    ...[...pk.int(t.offset), ...pk.ints(t.size), ...pk.ints(t.stride), ...pk.false],
    ...[
      ...pk.global("collections", "OrderedDict"),
      ...pk.emptyTuple,
      ...pk.reduce,
      ...pk.tuple,
      ...pk.reduce,
    ],
  ]);
  return pickle(
    pk.proto,
    pk.global("collections", "OrderedDict"),
    pk.emptyTuple,
    pk.reduce,
    pk.mark,
    items,
    pk.setitems,
    pk.stop,
  );
}

/** A torch.save zip archive around a data.pkl and storages (stored, like torch writes them). */
export function torchZip(
  pkl: Uint8Array,
  storages: Record<string, Uint8Array>,
  extra: Zippable = {},
): Uint8Array {
  const files: Zippable = {
    "archive/data.pkl": pkl,
    "archive/version": new TextEncoder().encode("3\n"),
    ...extra,
  };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = v;
  return zipSync(files, { level: 0 });
}
