// Constant tensors of an ONNX graph: decoding TensorProto (raw_data little-endian or the typed *_data fields,
// every numeric dtype incl. float16/bfloat16) into `Const`, plus the index helpers constant folding needs.

import { type ErrorDetail, SpikegridError } from "../../../common/errors.js";
import { checkLimit } from "../budget.js";
import { halfToNumber } from "../tensors/tensor.js";
import { type Int64, num, type TensorProto } from "./proto.js";

/** ONNX TensorProto.DataType values the importer knows. */
export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

const FLOAT_TYPES: ReadonlySet<number> = new Set([DT.FLOAT, DT.FLOAT16, DT.DOUBLE, DT.BFLOAT16]);

export function isFloatType(dataType: number): boolean {
  return FLOAT_TYPES.has(dataType);
}

/** A constant: ONNX dtype, full shape (nothing stripped), values as float64 (int64 above 2^53 rounds). */
export interface Const {
  dtype: number;
  shape: number[];
  data: Float64Array;
}

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function makeConst(dtype: number, shape: number[], data: Float64Array | readonly number[]): Const {
  return { dtype, shape: [...shape], data: data instanceof Float64Array ? data : Float64Array.from(data) };
}

export function scalarConst(value: number, dtype: number = DT.FLOAT): Const {
  return makeConst(dtype, [], [value]);
}

/** Bytes per element in raw_data, for the numeric types. */
function rawSize(dtype: number): number | undefined {
  switch (dtype) {
    case DT.BOOL:
    case DT.UINT8:
    case DT.INT8:
      return 1;
    case DT.UINT16:
    case DT.INT16:
    case DT.FLOAT16:
    case DT.BFLOAT16:
      return 2;
    case DT.INT32:
    case DT.UINT32:
    case DT.FLOAT:
      return 4;
    case DT.INT64:
    case DT.UINT64:
    case DT.DOUBLE:
      return 8;
    default:
      return undefined;
  }
}

function bf16ToNumber(bits: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, (bits & 0xffff) << 16, true);
  return b.getFloat32(0, true);
}

function readRaw(dtype: number, raw: Uint8Array, n: number): Float64Array {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  const get: (i: number) => number = (() => {
    switch (dtype) {
      case DT.FLOAT:
        return (i) => v.getFloat32(4 * i, true);
      case DT.DOUBLE:
        return (i) => v.getFloat64(8 * i, true);
      case DT.FLOAT16:
        return (i) => halfToNumber(v.getUint16(2 * i, true));
      case DT.BFLOAT16:
        return (i) => bf16ToNumber(v.getUint16(2 * i, true));
      case DT.INT64:
        return (i) => Number(v.getBigInt64(8 * i, true));
      case DT.UINT64:
        return (i) => Number(v.getBigUint64(8 * i, true));
      case DT.INT32:
        return (i) => v.getInt32(4 * i, true);
      case DT.UINT32:
        return (i) => v.getUint32(4 * i, true);
      case DT.INT16:
        return (i) => v.getInt16(2 * i, true);
      case DT.UINT16:
        return (i) => v.getUint16(2 * i, true);
      case DT.INT8:
        return (i) => v.getInt8(i);
      default: // UINT8, BOOL
        return (i) => (dtype === DT.BOOL ? (v.getUint8(i) ? 1 : 0) : v.getUint8(i));
    }
  })();
  for (let i = 0; i < n; i++) out[i] = get(i);
  return out;
}

/** The typed field holding a tensor's values when raw_data is absent (ONNX stores small types in int32_data). */
function typedValues(t: TensorProto, dtype: number): readonly (number | Int64)[] {
  switch (dtype) {
    case DT.FLOAT:
      return t.floatData;
    case DT.DOUBLE:
      return t.doubleData;
    case DT.INT64:
      return t.int64Data;
    case DT.UINT32:
    case DT.UINT64:
      return t.uint64Data;
    default:
      return t.int32Data;
  }
}

function fail(
  file: string,
  where: string,
  message: string,
  code: "IMPORT_FAILED" | "UNSUPPORTED",
  hint: string,
) {
  const details: ErrorDetail[] = [{ where: `${file} ${where}`, message }];
  return new SpikegridError(code, `${file}: ${where}: ${message}`, { hint, details });
}

/** Decodes one TensorProto; `where` names it in errors (e.g. `initializer "fc.weight"`). */
export function decodeTensor(t: TensorProto, file: string, where: string): Const {
  const corrupt = "the tensor is corrupt; re-export the model";
  if (t.dataLocation === 1) {
    throw fail(
      file,
      where,
      "its data is stored in an external file",
      "UNSUPPORTED",
      "save the model with the weights inside: onnx.save_model(model, path, save_as_external_data=False)",
    );
  }
  const dtype = t.dataType ?? 0;
  const shape = t.dims.map((d) => num(d));
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(file, where, `has invalid dims [${shape.join(",")}]`, "IMPORT_FAILED", corrupt);
  }
  const n = sizeOfShape(shape);
  checkLimit("tensorElements", n, file, `${where}, dims [${shape.join(",")}]`);
  const size = rawSize(dtype);
  if (size === undefined) {
    const what = dtype === DT.STRING ? "string" : `data type ${dtype}`;
    throw fail(
      file,
      where,
      `holds ${what} values, which a network parameter cannot be`,
      "UNSUPPORTED",
      "only numeric tensors (float, double, float16, bfloat16, integers, bool) can be imported",
    );
  }
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== n * size) {
      throw fail(
        file,
        where,
        `raw_data has ${raw.length} bytes; dims [${shape.join(",")}] need ${n * size}`,
        "IMPORT_FAILED",
        corrupt,
      );
    }
    return { dtype, shape, data: readRaw(dtype, raw, n) };
  }
  const values = typedValues(t, dtype);
  if (values.length !== n) {
    throw fail(
      file,
      where,
      `holds ${values.length} values; dims [${shape.join(",")}] need ${n}`,
      "IMPORT_FAILED",
      corrupt,
    );
  }
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const x = typeof v === "number" ? v : num(v);
    // float16/bfloat16 values sit in int32_data as their bit patterns
    data[i] = dtype === DT.FLOAT16 ? halfToNumber(x & 0xffff) : dtype === DT.BFLOAT16 ? bf16ToNumber(x) : x;
  }
  return { dtype, shape, data };
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Numpy broadcast of shapes; undefined when they are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The values of `c` broadcast (numpy rules) to `shape`, row-major; `c` must broadcast to it. */
export function expandTo(c: Const, shape: readonly number[]): Float64Array {
  const n = sizeOfShape(shape);
  const out = new Float64Array(n);
  const r = shape.length;
  const cs = [...new Array<number>(r - c.shape.length).fill(1), ...c.shape];
  const srcStride = stridesOf(cs).map((s, i) => (cs[i] === 1 ? 0 : s));
  const dstStride = stridesOf(shape);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    for (let k = 0; k < r; k++) {
      const idx = Math.floor(rem / dstStride[k]!);
      rem -= idx * dstStride[k]!;
      src += idx * srcStride[k]!;
    }
    out[i] = c.data[src]!;
  }
  return out;
}

/** Transpose of a row-major [rows, cols] matrix. */
export function transpose2d(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/** Permutes a constant's axes (`perm[k]` = source axis of output axis k). */
export function permute(c: Const, perm: readonly number[]): Const {
  const shape = perm.map((p) => c.shape[p]!);
  const inStride = stridesOf(c.shape);
  const outStride = stridesOf(shape);
  const n = c.data.length;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    for (let k = 0; k < shape.length; k++) {
      const idx = Math.floor(rem / outStride[k]!);
      rem -= idx * outStride[k]!;
      src += idx * inStride[perm[k]!]!;
    }
    data[i] = c.data[src]!;
  }
  return { dtype: c.dtype, shape, data };
}
