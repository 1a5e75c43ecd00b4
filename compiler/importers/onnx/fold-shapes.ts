// Shape and index helpers of constant folding (axes, squeeze/unsqueeze/reshape targets) and the folders that
// move elements around (Gather, Concat, Slice); shared with the shape converters in ops-shape.ts.

import { checkLimit } from "../budget.js";
import type { NodeCtx } from "./context.js";
import { attrInt, attrInts } from "./proto.js";
import { type Const, makeConst, sizeOfShape, stridesOf } from "./tensors.js";

export function need(n: NodeCtx, c: Const | undefined, what: string): Const {
  if (!c) throw n.fail(`the ${what} input is missing`, "check the model with onnx.checker");
  return c;
}

export function ints(c: Const): number[] {
  return Array.from(c.data, (v) => Math.trunc(v));
}

export function axisOf(n: NodeCtx, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw n.fail(`axis ${axis} is out of range for rank ${rank}`, "check the model");
  return a;
}

/**
 * Checks a constant's shape before it is built: sane dims, at most the per-tensor element limit, and its
 * `copies` float64 arrays (the result plus any broadcast temporaries) charged to the file's decode budget,
 * which every folded constant shares — a short chain of Expand/Range/Add cannot grow past it.
 */
export function checkSize(n: NodeCtx, shape: number[], copies = 1): number[] {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw n.fail(
      `would build a constant of shape [${shape.join(",")}]`,
      "the model looks corrupt; re-export it",
    );
  }
  const count = sizeOfShape(shape);
  const where = `${n.label}, a constant of shape [${shape.join(",")}]`;
  checkLimit("tensorElements", count, n.ctx.file, where);
  n.ctx.budget.charge(count * Float64Array.BYTES_PER_ELEMENT * copies, where);
  return shape;
}

/** Rounds to the storage type so folded values match what a runtime computing in that type gets. */
/** Axes from the `axes` input (opset ≥ 13) or attribute (older opsets). */
export function axesOf(n: NodeCtx, ins: (Const | undefined)[], index: number): number[] | undefined {
  const c = ins[index];
  if (c) return ints(c);
  return attrInts(n.node, "axes");
}

export function squeezeShape(n: NodeCtx, shape: number[], axes: number[] | undefined): number[] {
  if (!axes) return shape.filter((d) => d !== 1);
  const drop = new Set(axes.map((a) => axisOf(n, a, shape.length)));
  for (const a of drop)
    if (shape[a] !== 1) throw n.fail(`cannot squeeze axis ${a} of size ${shape[a]}`, "check the model");
  return shape.filter((_, i) => !drop.has(i));
}

export function unsqueezeShape(n: NodeCtx, shape: number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const at = new Set(axes.map((a) => axisOf(n, a, rank)));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[k++]!);
  return out;
}

/** ONNX Reshape target resolution: 0 copies the input dim (unless allowzero), one −1 is inferred. */
export function reshapeTarget(n: NodeCtx, input: number[], target: number[], allowZero: boolean): number[] {
  const out = target.map((d, i) => (d === 0 && !allowZero ? (input[i] ?? Number.NaN) : d));
  const free = out.filter((d) => d === -1).length;
  const known = sizeOfShape(out.filter((d) => d !== -1));
  const total = sizeOfShape(input);
  const resolved = out.map((d) => (d === -1 ? total / known : d));
  if (free > 1 || !resolved.every((d) => Number.isInteger(d) && d >= 0) || sizeOfShape(resolved) !== total) {
    throw n.fail(`cannot reshape [${input.join(",")}] to [${target.join(",")}]`, "check the model");
  }
  return resolved;
}

export function gather(ins: (Const | undefined)[], n: NodeCtx): Const[] {
  const data = need(n, ins[0], "data");
  const idx = need(n, ins[1], "indices");
  const a = axisOf(n, attrInt(n.node, "axis", 0), data.shape.length);
  const shape = checkSize(n, [...data.shape.slice(0, a), ...idx.shape, ...data.shape.slice(a + 1)]);
  const outer = sizeOfShape(data.shape.slice(0, a));
  const len = data.shape[a]!;
  const inner = sizeOfShape(data.shape.slice(a + 1));
  const out = new Float64Array(sizeOfShape(shape));
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx.data) {
      const j = raw < 0 ? raw + len : raw;
      if (!(j >= 0 && j < len))
        throw n.fail(`index ${raw} is out of range for a dimension of ${len}`, "check the model");
      for (let i = 0; i < inner; i++) out[p++] = data.data[(o * len + j) * inner + i]!;
    }
  }
  return [makeConst(data.dtype, shape, out)];
}

export function concat(ins: (Const | undefined)[], n: NodeCtx): Const[] {
  const parts = ins.map((c, i) => need(n, c, `#${i}`));
  const first = parts[0]!;
  const a = axisOf(n, attrInt(n.node, "axis", 0), first.shape.length);
  const outer = sizeOfShape(first.shape.slice(0, a));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const c of parts) {
      const chunk = sizeOfShape(c.shape.slice(a));
      for (let i = 0; i < chunk; i++) out.push(c.data[o * chunk + i]!);
    }
  }
  const shape = [...first.shape];
  shape[a] = parts.reduce((s, c) => s + (c.shape[a] ?? 0), 0);
  if (sizeOfShape(shape) !== out.length) throw n.fail("inputs have mismatched shapes", "check the model");
  return [makeConst(first.dtype, shape, out)];
}

export function slice(ins: (Const | undefined)[], n: NodeCtx): Const[] {
  const data = need(n, ins[0], "data");
  const old = n.opset < 10;
  const starts = old ? (attrInts(n.node, "starts") ?? []) : ints(need(n, ins[1], "starts"));
  const ends = old ? (attrInts(n.node, "ends") ?? []) : ints(need(n, ins[2], "ends"));
  const axes = (old ? attrInts(n.node, "axes") : ins[3] && ints(ins[3])) ?? starts.map((_, i) => i);
  const steps = (!old && ins[4] && ints(ins[4])) || starts.map(() => 1);
  const r = data.shape.length;
  const begin = new Array<number>(r).fill(0);
  const step = new Array<number>(r).fill(1);
  const shape = [...data.shape];
  axes.forEach((ax, k) => {
    const a = axisOf(n, ax, r);
    const d = data.shape[a]!;
    const s = steps[k] ?? 1;
    if (s === 0) throw n.fail("slice step 0", "check the model");
    const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const b = s > 0 ? norm(starts[k]!, 0, d) : norm(starts[k]!, -1, d - 1);
    const e = s > 0 ? norm(ends[k]!, 0, d) : norm(ends[k]!, -1, d - 1);
    begin[a] = b;
    step[a] = s;
    shape[a] = Math.max(0, Math.ceil((e - b) / s));
  });
  const inStride = stridesOf(data.shape);
  const outStride = stridesOf(shape);
  const out = new Float64Array(sizeOfShape(shape));
  for (let i = 0; i < out.length; i++) {
    let rem = i;
    let src = 0;
    for (let k = 0; k < r; k++) {
      const idx = Math.floor(rem / outStride[k]!);
      rem -= idx * outStride[k]!;
      src += (begin[k]! + idx * step[k]!) * inStride[k]!;
    }
    out[i] = data.data[src]!;
  }
  return [makeConst(data.dtype, shape, out)];
}
