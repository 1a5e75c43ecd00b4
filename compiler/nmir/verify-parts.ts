// Element-level NMIR checks used by verify.ts: numeric arrays (type, finiteness, range at "quantized"),
// connectivity shapes against source/destination sizes, and weight scales. Each returns plain messages.

import { assertNever } from "../../common/errors.js";
import { ArrayScans } from "./array-scans.js";
import {
  type Connectivity,
  connInSize,
  connOutSize,
  convOutLength,
  expectedWeightCount,
  outChannels,
} from "./connectivity.js";
import type { Projection, Stage } from "./types.js";

const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
const fmt = (xs: readonly number[]) => `[${xs.join(", ")}]`;

/** Integer scalar in lo..hi, or a message. */
export function intField(what: string, x: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): string[] {
  return isInt(x) && x >= lo && x <= hi ? [] : [`${what} = ${String(x)} must be an integer in ${lo}..${hi}`];
}

/** A positive-integer shape of `rank` dimensions (any rank ≥ 1 when omitted). */
export function checkShape(what: string, shape: unknown, rank?: number): string[] {
  const ok =
    Array.isArray(shape) &&
    (rank === undefined ? shape.length >= 1 : shape.length === rank) &&
    shape.every((d) => isInt(d) && d >= 1);
  if (ok) return [];
  const want = rank === undefined ? "a non-empty list" : `${rank} dimensions`;
  return [`${what} ${JSON.stringify(shape)} must be ${want} of positive integers`];
}

export interface ArraySpec {
  /** Name in messages: "weight", "dv". */
  name: string;
  /** Float array type allowed at stage "lowered". */
  float: "Float32Array" | "Float64Array";
  /** Allowed lengths (e.g. [1, n]). */
  lengths: readonly number[];
  /** Integer range at stage "quantized" and its words ("8-bit signed"). */
  lo: number;
  hi: number;
  range: string;
}

/**
 * Type, length and finiteness at every stage; integer type and range at "quantized". `scans` remembers whole-
 * array scans across the calls of one verify (a shared array is read once).
 */
export function checkArray(
  a: unknown,
  spec: ArraySpec,
  stage: Stage,
  scans: ArrayScans = new ArrayScans(),
): string[] {
  const { name, float } = spec;
  const isFloat = float === "Float32Array" ? a instanceof Float32Array : a instanceof Float64Array;
  if (!(a instanceof Int32Array) && !isFloat) {
    const got = a === null || a === undefined ? String(a) : (a.constructor?.name ?? typeof a);
    return [`${name} is ${got}; expected Int32Array or ${float}`];
  }
  const arr = a as Int32Array | Float32Array | Float64Array;
  const out: string[] = [];
  if (!spec.lengths.includes(arr.length)) {
    const want = [...new Set(spec.lengths)].join(" or ");
    out.push(`${name} has ${arr.length} values; expected ${want}`);
  }
  if (!(arr instanceof Int32Array)) {
    const bad = scans.firstNonFinite(arr);
    if (bad >= 0) out.push(`${name}[${bad}] = ${arr[bad]} is not finite`);
    if (stage === "quantized") out.push(`${name} is a ${float}; stage "quantized" requires Int32Array`);
    return out;
  }
  if (stage !== "quantized") return out;
  // the common case (every value in range) needs only the array's extremes
  const { min, max } = scans.int32Range(arr);
  if (min >= spec.lo && max <= spec.hi) return out;
  let first = -1;
  let count = 0;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i]!;
    if (v < spec.lo || v > spec.hi) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first >= 0) {
    const more = count > 1 ? ` (and ${count - 1} more)` : "";
    out.push(`${name}[${first}] = ${arr[first]} does not fit ${spec.range} [${spec.lo}, ${spec.hi}]${more}`);
  }
  return out;
}

const show = (v: number | readonly number[]) => (typeof v === "number" ? String(v) : fmt(v));

/**
 * Shape consistency of a connectivity with the sizes of its source and destination. `wellFormed` is false
 * when its own fields are malformed, in which case its weights and scale cannot be judged.
 */
export function checkConnectivity(
  c: Connectivity,
  srcSize: number | undefined,
  dstSize: number | undefined,
): { messages: string[]; wellFormed: boolean } {
  const out: string[] = [];
  const malformed = (messages: string[]) => ({ messages, wellFormed: false });
  const sizes = (inSize: number, outSize: number) => {
    if (srcSize !== undefined && inSize !== srcSize) {
      out.push(`${c.kind} reads ${inSize} source neurons but the source has ${srcSize}`);
    }
    if (dstSize !== undefined && outSize !== dstSize) {
      out.push(`${c.kind} writes ${outSize} destination neurons but the destination has ${dstSize}`);
    }
  };
  switch (c.kind) {
    case "dense":
    case "sparse": {
      const bad = [...intField("inSize", c.inSize, 1), ...intField("outSize", c.outSize, 1)];
      if (bad.length > 0) return malformed(bad);
      if (c.kind === "sparse") {
        const csr = checkCsr(c.inSize, c.outSize, c.rowPtr, c.colIdx);
        if (csr.length > 0) return malformed(csr);
      }
      sizes(c.inSize, c.outSize);
      break;
    }
    case "conv1d":
    case "conv2d": {
      const bad = checkConvFields(c);
      if (bad.length > 0) return malformed(bad);
      const spatial = c.kind === "conv1d" ? 1 : 2;
      const k = c.kernel;
      const expected = [k[0]];
      for (let ax = 0; ax < spatial; ax++) {
        const pick = (v: number | number[]) => (typeof v === "number" ? v : v[ax]!);
        const len = convOutLength(
          c.inShape[ax + 1]!,
          k[ax + 2]!,
          pick(c.stride),
          pick(c.padding),
          pick(c.dilation),
        );
        expected.push(len);
      }
      if (expected.some((d) => d < 1) || expected.some((d, i) => d !== c.outShape[i])) {
        out.push(
          `${c.kind} output shape ${fmt(c.outShape)} does not match PyTorch's ${fmt(expected)} for input ` +
            `${fmt(c.inShape)}, kernel ${fmt(k)}, stride ${show(c.stride)}, padding ${show(c.padding)}, ` +
            `dilation ${show(c.dilation)}`,
        );
      }
      const cin = c.inShape[0];
      if (cin % c.groups !== 0 || k[0] % c.groups !== 0 || k[1] * c.groups !== cin) {
        out.push(
          `${c.kind} kernel ${fmt(k)} with groups ${c.groups} does not fit ${cin} input channels ` +
            `(need Cin and Cout divisible by groups and kernel[1] = Cin/groups)`,
        );
      }
      sizes(
        connInSize(c),
        c.outShape.reduce((a, b) => a * b, 1),
      );
      break;
    }
    case "oneToOne": {
      const bad = intField("size", c.size, 1);
      if (bad.length > 0) return malformed(bad);
      sizes(c.size, c.size);
      break;
    }
    case "rowwise": {
      const k = Array.isArray(c.kernel) ? c.kernel : [];
      const bad = [
        ...intField("rows", c.rows, 1),
        ...(k.length === 2 ? [] : ["rowwise kernel must be [outFeatures, inFeatures]"]),
        ...k.flatMap((v, i) => intField(`kernel[${i}]`, v, 1)),
        ...(typeof c.srcTransposed === "boolean" && typeof c.dstTransposed === "boolean"
          ? []
          : ["rowwise srcTransposed and dstTransposed must be booleans"]),
      ];
      if (bad.length > 0) return malformed(bad);
      sizes(connInSize(c), connOutSize(c));
      break;
    }
    default:
      return assertNever(c, "connectivity");
  }
  return { messages: out, wellFormed: true };
}

function checkConvFields(c: Connectivity & { kind: "conv1d" | "conv2d" }): string[] {
  const rank = c.kind === "conv1d" ? 2 : 3;
  const out = [
    ...checkShape("inShape", c.inShape, rank),
    ...checkShape("outShape", c.outShape, rank),
    ...checkShape("kernel", c.kernel, rank + 1),
    ...intField("groups", c.groups, 1),
  ];
  const each = (what: string, v: unknown, lo: number) =>
    c.kind === "conv1d"
      ? intField(what, v, lo)
      : Array.isArray(v) && v.length === 2
        ? v.flatMap((x, i) => intField(`${what}[${i}]`, x, lo))
        : [`${what} ${JSON.stringify(v)} must be a pair of integers`];
  out.push(
    ...each("stride", c.stride, 1),
    ...each("padding", c.padding, 0),
    ...each("dilation", c.dilation, 1),
  );
  return out;
}

function checkCsr(inSize: number, outSize: number, rowPtr: unknown, colIdx: unknown): string[] {
  if (!(rowPtr instanceof Int32Array) || !(colIdx instanceof Int32Array)) {
    return ["sparse rowPtr and colIdx must be Int32Arrays"];
  }
  if (rowPtr.length !== inSize + 1)
    return [`sparse rowPtr has ${rowPtr.length} entries; expected inSize + 1 = ${inSize + 1}`];
  const out: string[] = [];
  if (rowPtr[0] !== 0) out.push(`sparse rowPtr[0] = ${rowPtr[0]} must be 0`);
  // plain loops: these run over every synapse of every sparse projection at each verify
  let dec = -1;
  for (let i = 1; i < rowPtr.length && dec < 0; i++) if (rowPtr[i]! < rowPtr[i - 1]!) dec = i;
  if (dec > 0) out.push(`sparse rowPtr decreases at [${dec}] (${rowPtr[dec - 1]} → ${rowPtr[dec]})`);
  if (rowPtr[inSize] !== colIdx.length) {
    out.push(`sparse rowPtr[${inSize}] = ${rowPtr[inSize]} but colIdx has ${colIdx.length} entries`);
  }
  let bad = -1;
  for (let r = 0; r < colIdx.length && bad < 0; r++) if (colIdx[r]! < 0 || colIdx[r]! >= outSize) bad = r;
  if (bad >= 0) out.push(`sparse colIdx[${bad}] = ${colIdx[bad]} is outside the destination [0, ${outSize})`);
  return out;
}

/** Weights against the connectivity's expected count and weightBits (needs a well-formed connectivity). */
export function checkWeights(p: Projection, stage: Stage, scans?: ArrayScans): string[] {
  const c = p.connectivity;
  const bitsBad = intField("weightBits", p.weightBits, 1, 32);
  if (bitsBad.length > 0) return bitsBad;
  const lengths = c.kind === "oneToOne" ? [1, c.size] : [expectedWeightCount(c)];
  const lo = -(2 ** (p.weightBits - 1));
  const hi = 2 ** (p.weightBits - 1) - 1;
  const spec: ArraySpec = {
    name: "weight",
    float: "Float32Array",
    lengths,
    lo,
    hi,
    range: `${p.weightBits}-bit signed`,
  };
  return checkArray(c.weights, spec, stage, scans);
}

/** Exponents are integers in -31..31, perChannel one per output channel (needs well-formed connectivity). */
export function checkScale(p: Projection): string[] {
  const s = p.scale;
  switch (s.kind) {
    case "perProjection":
      return intField("scale exp", s.exp, -31, 31);
    case "perChannel": {
      const spec: ArraySpec = {
        name: "scale exps",
        float: "Float64Array",
        lengths: [outChannels(p.connectivity)],
        lo: -31,
        hi: 31,
        range: "exponent range",
      };
      if (!(s.exps instanceof Int32Array)) return ["scale exps must be an Int32Array"];
      // Exponents are structural: judge their range at every stage.
      return checkArray(s.exps, spec, "quantized");
    }
    default:
      return assertNever(s, "scale");
  }
}
