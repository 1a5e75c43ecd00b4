// The in-memory tensor every reader here returns: a dtype, a C-order shape and a typed array.
// float16/bfloat16 keep their raw 16-bit patterns (in an Int16Array) so reading then writing is lossless.

import { SpikegridError } from "../../../common/errors.js";

export type DType =
  | "float32"
  | "float64"
  | "float16"
  | "bfloat16"
  | "int8"
  | "uint8"
  | "int16"
  | "int32"
  | "int64"
  | "bool";

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | BigInt64Array;

/**
 * A dense C-order (row-major) tensor. `data.length === elementCount(shape)`.
 * Storage per dtype: float32 Float32Array · float64 Float64Array · float16/bfloat16 Int16Array of raw bits ·
 * int8 Int8Array · uint8 Uint8Array · int16 Int16Array · int32 Int32Array · int64 BigInt64Array ·
 * bool Uint8Array of 0/1. Use `toFloat32` to get numbers whatever the dtype.
 */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

/** A checkpoint's parameters by name, in file order. */
export type StateDict = Map<string, Tensor>;

export const DTYPES: readonly DType[] = [
  "float32",
  "float64",
  "float16",
  "bfloat16",
  "int8",
  "uint8",
  "int16",
  "int32",
  "int64",
  "bool",
];

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case "float64":
    case "int64":
      return 8;
    case "float32":
    case "int32":
      return 4;
    case "float16":
    case "bfloat16":
    case "int16":
      return 2;
    case "int8":
    case "uint8":
    case "bool":
      return 1;
  }
}

/** Number of elements of a shape (1 for a 0-d scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled data array of `n` elements in the storage type of `dtype`. */
export function allocate(dtype: DType, n: number): TensorData {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "float16":
    case "bfloat16":
    case "int16":
      return new Int16Array(n);
    case "int8":
      return new Int8Array(n);
    case "uint8":
    case "bool":
      return new Uint8Array(n);
    case "int32":
      return new Int32Array(n);
    case "int64":
      return new BigInt64Array(n);
  }
}

/** Whether the data array has the storage type `dtype` requires (see `Tensor`). */
export function dataMatches(dtype: DType, data: TensorData): boolean {
  return Object.getPrototypeOf(allocate(dtype, 0)) === Object.getPrototypeOf(data);
}

/** Throws a SpikegridError unless the tensor is well-formed (a writer's precondition). */
export function checkTensor(t: Tensor, what: string): void {
  const ok = (d: number) => Number.isSafeInteger(d) && d >= 0;
  let msg: string | undefined;
  if (!DTYPES.includes(t.dtype)) msg = `has unknown dtype ${String(t.dtype)}`;
  else if (!Array.isArray(t.shape) || !t.shape.every(ok)) msg = `has an invalid shape ${String(t.shape)}`;
  else if (!dataMatches(t.dtype, t.data)) msg = `stores ${t.dtype} in a ${t.data?.constructor?.name}`;
  else if (t.data.length !== elementCount(t.shape)) {
    msg = `has ${t.data.length} elements but shape [${t.shape.join(",")}] needs ${elementCount(t.shape)}`;
  }
  if (msg) {
    throw new SpikegridError("UNSUPPORTED", `cannot write ${what}: it ${msg}`, {
      hint: "see the Tensor type in compiler/importers/tensors/tensor.ts for the storage each dtype uses",
      details: [{ where: what, message: msg }],
    });
  }
}

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements from raw bytes (copied, so the result is aligned and owns its memory).
 * `bytes.length` must be at least `count * itemSize(dtype)`; callers check that against the file first.
 */
export function decodeElements(
  dtype: DType,
  bytes: Uint8Array,
  count: number,
  littleEndian: boolean,
): TensorData {
  const size = itemSize(dtype);
  // an explicit copy: Buffer.slice would return a view into Node's shared pool
  const copy = new Uint8Array(count * size);
  copy.set(bytes.subarray(0, count * size));
  if (size > 1 && littleEndian !== HOST_LITTLE) swapBytes(copy, size);
  const out = allocate(dtype, 0);
  const Ctor = out.constructor as new (b: ArrayBuffer, o: number, n: number) => TensorData;
  const data = new Ctor(copy.buffer, 0, count);
  // bool files may hold any non-zero byte; normalise so equality and sums behave
  if (dtype === "bool") for (let i = 0; i < data.length; i++) if (data[i] !== 0) data[i] = 1;
  return data;
}

/** The little-endian bytes of a tensor's data (what .npy `<` and safetensors store). */
export function encodeLittleEndian(t: Tensor): Uint8Array {
  const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const copy = new Uint8Array(src.length);
  copy.set(src);
  if (!HOST_LITTLE) swapBytes(copy, itemSize(t.dtype));
  return copy;
}

/** Reverses each `size`-byte group in place. */
export function swapBytes(b: Uint8Array, size: number): void {
  if (size <= 1) return;
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = t;
    }
  }
}

/** IEEE half bits → number; every half is exactly representable as a float32. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The values as float32: halves and bfloat16 decoded exactly, int64 via Number (may round), bool as 0/1. */
export function toFloat32(t: Tensor): Float32Array {
  const d = t.data;
  if (t.dtype === "float32" && d instanceof Float32Array) return d;
  const n = d.length;
  if (t.dtype === "bfloat16") {
    // bfloat16 is the top half of a float32: shift the bits back into place
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) bits[i] = ((d[i] as number) & 0xffff) << 16;
    return new Float32Array(bits.buffer);
  }
  const out = new Float32Array(n);
  if (t.dtype === "float16") {
    for (let i = 0; i < n; i++) out[i] = halfToNumber((d[i] as number) & 0xffff);
  } else if (d instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(d[i]);
  } else {
    for (let i = 0; i < n; i++) out[i] = d[i] as number;
  }
  return out;
}

/**
 * Copies the strided view (`offset`, `shape`, `stride`, all in elements) of `src` into a new C-order array.
 * Callers check beforehand that every index it touches lies inside `src`.
 */
export function gatherStrided(
  dtype: DType,
  src: TensorData,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
): TensorData {
  const n = elementCount(shape);
  const nd = shape.length;
  let contiguous = true;
  for (let k = nd - 1, s = 1; k >= 0; s *= shape[k]!, k--)
    if (shape[k] !== 1 && stride[k] !== s) contiguous = false;
  if (contiguous || n === 0) return src.slice(offset, offset + n);
  const out = allocate(dtype, n) as unknown as { [i: number]: unknown };
  const from = src as unknown as { [i: number]: unknown };
  const idx = new Array<number>(nd).fill(0);
  const last = nd - 1;
  const len = shape[last]!;
  const step = stride[last]!;
  let pos = offset;
  for (let i = 0; i < n; ) {
    // inner loop along the last axis, then carry into the outer axes like an odometer
    for (let j = 0, p = pos; j < len; j++, p += step) out[i++] = from[p];
    let k = last - 1;
    for (; k >= 0; k--) {
      pos += stride[k]!;
      if (++idx[k]! < shape[k]!) break;
      pos -= stride[k]! * shape[k]!;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
  return out as unknown as TensorData;
}
