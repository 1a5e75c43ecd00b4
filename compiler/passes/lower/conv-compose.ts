// lowerToNmir: a path "sum/avg pools → conv → sum/avg pools" composed into ONE convolution (larger kernel and
// stride), exact whenever no padding read by one stage would be real data for the other (checked per axis).
//
// Per axis, a pool (kernel k, stride t, begin pad q) and a conv (kernel K, stride s, begin pad p, dilation d):
//   pool → conv: z[o] = Σ_a Σ_j W[a]·x[o·s·t − (p·t + q) + a·d·t + j]   ⇒ stride s·t, pad p·t + q,
//                kernel K' = (K−1)·d·t + k with K'[a·d·t + j] += W[a]. Exact when every y position the conv reads
//                outside [0, L_y) (its zero padding) maps to a pool window that lies wholly outside the input.
//   conv → pool: z[o] = Σ_j Σ_a W[a]·x[o·t·s − p + j·s + a·d]           ⇒ stride s·t, pad p,
//                kernel K' = (k−1)·s + (K−1)·d + 1 with K'[j·s + a·d] += W[a]. Exact when every pool window lies
//                inside the conv output (no pool padding is read).
// AvgPool2d multiplies by 1/(kh·kw). A pools-only path starts from the identity depthwise 1×1 conv.

import { convOutLength } from "../../nmir/index.js";
import type { TermStep } from "./paths.js";

export interface ConvSpec {
  dims: 1 | 2;
  cout: number;
  cinG: number;
  groups: number;
  /** Per spatial axis. `pad` is the begin padding (NMIR pads symmetrically; the end only sets the length). */
  k: number[];
  stride: number[];
  pad: number[];
  dil: number[];
  inShape: number[];
  outShape: number[];
  /** [cout, cinG, ...k] row-major. */
  w: Float64Array;
}

interface Pool {
  k: [number, number];
  t: [number, number];
  q: [number, number];
  scale: number;
  inShape: number[];
  outShape: number[];
}

const isPool = (s: TermStep) => s.node.kind === "SumPool2d" || s.node.kind === "AvgPool2d";

function poolOf(s: TermStep): Pool {
  const n = s.node;
  if (n.kind !== "SumPool2d" && n.kind !== "AvgPool2d") throw new Error("internal: not a pool");
  const scale = n.kind === "AvgPool2d" ? 1 / (n.kernel[0] * n.kernel[1]) : 1;
  return {
    k: n.kernel,
    t: n.stride,
    q: [n.pads[0], n.pads[1]],
    scale,
    inShape: s.inShapes[0]!,
    outShape: s.outShape,
  };
}

function convOf(s: TermStep): ConvSpec | undefined {
  const n = s.node;
  const w = Float64Array.from(n.kind === "Conv1d" || n.kind === "Conv2d" ? n.weight.data : []);
  if (n.kind === "Conv1d") {
    const [cout, cinG, k] = n.weight.shape as [number, number, number];
    const base = { cout, cinG, groups: n.groups, inShape: s.inShapes[0]!, outShape: s.outShape, w };
    return { dims: 1, ...base, k: [k], stride: [n.stride], pad: [n.pads[0]], dil: [n.dilation] };
  }
  if (n.kind === "Conv2d") {
    const [cout, cinG, kh, kw] = n.weight.shape as [number, number, number, number];
    const base = { cout, cinG, groups: n.groups, inShape: s.inShapes[0]!, outShape: s.outShape, w };
    return {
      dims: 2,
      ...base,
      k: [kh, kw],
      stride: [...n.stride],
      pad: [n.pads[0], n.pads[1]],
      dil: [...n.dilation],
    };
  }
  return undefined;
}

/** Re-indexes [cout, cinG, k0, k1] weights into a new kernel size via `place(a0, a1) → [r0, r1][]` targets. */
function remap(c: ConvSpec, k: number[], targets: (a0: number, a1: number) => [number, number, number][]) {
  const w = new Float64Array(c.cout * c.cinG * k[0]! * k[1]!);
  const [k0, k1] = c.k as [number, number];
  for (let oc = 0; oc < c.cout * c.cinG; oc++) {
    for (let a0 = 0; a0 < k0; a0++)
      for (let a1 = 0; a1 < k1; a1++) {
        const v = c.w[(oc * k0 + a0) * k1 + a1]!;
        if (v === 0) continue;
        for (const [r0, r1, f] of targets(a0, a1)) w[(oc * k[0]! + r0) * k[1]! + r1]! += v * f;
      }
  }
  return w;
}

function composePre(p: Pool, c: ConvSpec): ConvSpec | undefined {
  for (let ax = 0; ax < 2; ax++) {
    const [lx, ly, lo] = [p.inShape[ax + 1]!, c.inShape[ax + 1]!, c.outShape[ax + 1]!];
    const [k, t, q] = [p.k[ax]!, p.t[ax]!, p.q[ax]!];
    for (let o = 0; o < lo; o++)
      for (let a = 0; a < c.k[ax]!; a++) {
        const m = o * c.stride[ax]! - c.pad[ax]! + a * c.dil[ax]!;
        const start = m * t - q;
        if ((m < 0 || m >= ly) && start + k - 1 >= 0 && start < lx) return undefined;
      }
  }
  const k = [0, 1].map((ax) => (c.k[ax]! - 1) * c.dil[ax]! * p.t[ax]! + p.k[ax]!);
  const w = remap(c, k, (a0, a1) => {
    const out: [number, number, number][] = [];
    for (let j0 = 0; j0 < p.k[0]; j0++)
      for (let j1 = 0; j1 < p.k[1]; j1++)
        out.push([a0 * c.dil[0]! * p.t[0] + j0, a1 * c.dil[1]! * p.t[1] + j1, p.scale]);
    return out;
  });
  const stride = [0, 1].map((ax) => c.stride[ax]! * p.t[ax]!);
  const pad = [0, 1].map((ax) => c.pad[ax]! * p.t[ax]! + p.q[ax]!);
  return { ...c, k, stride, pad, dil: [1, 1], inShape: p.inShape, w };
}

function composePost(c: ConvSpec, p: Pool): ConvSpec | undefined {
  for (let ax = 0; ax < 2; ax++) {
    const [ly, lz] = [p.inShape[ax + 1]!, p.outShape[ax + 1]!];
    if (p.q[ax] !== 0 || (lz - 1) * p.t[ax]! + p.k[ax]! > ly) return undefined;
  }
  const k = [0, 1].map((ax) => (p.k[ax]! - 1) * c.stride[ax]! + (c.k[ax]! - 1) * c.dil[ax]! + 1);
  const w = remap(c, k, (a0, a1) => {
    const out: [number, number, number][] = [];
    for (let j0 = 0; j0 < p.k[0]; j0++)
      for (let j1 = 0; j1 < p.k[1]; j1++)
        out.push([j0 * c.stride[0]! + a0 * c.dil[0]!, j1 * c.stride[1]! + a1 * c.dil[1]!, p.scale]);
    return out;
  });
  const stride = [0, 1].map((ax) => c.stride[ax]! * p.t[ax]!);
  return { ...c, k, stride, dil: [1, 1], outShape: p.outShape, w };
}

/** The identity depthwise 1×1 conv on [C, H, W]. */
function identityConv(shape: number[]): ConvSpec {
  const ch = shape[0]!;
  const base = { cout: ch, cinG: 1, groups: ch, inShape: shape, outShape: shape };
  return {
    dims: 2,
    ...base,
    k: [1, 1],
    stride: [1, 1],
    pad: [0, 0],
    dil: [1, 1],
    w: new Float64Array(ch).fill(1),
  };
}

/**
 * The single convolution equal to `steps` (pools* conv? pools*, or one Conv1d), or undefined when the steps
 * have another structure, a composition is not exact, or NMIR's symmetric-padding length formula disagrees.
 */
export function composeConv(steps: TermStep[]): ConvSpec | undefined {
  const ci = steps.findIndex((s) => !isPool(s));
  if (ci >= 0 && steps.slice(ci + 1).some((s) => !isPool(s))) return undefined;
  if (steps.length === 0) return undefined;
  let spec = ci >= 0 ? convOf(steps[ci]!) : identityConv(steps[steps.length - 1]!.outShape);
  if (!spec || (spec.dims === 1 && steps.length > 1)) return undefined;
  const pre = ci >= 0 ? steps.slice(0, ci) : steps;
  const post = ci >= 0 ? steps.slice(ci + 1) : [];
  for (let i = pre.length - 1; i >= 0 && spec; i--) spec = composePre(poolOf(pre[i]!), spec);
  for (let i = 0; i < post.length && spec; i++) spec = composePost(spec, poolOf(post[i]!));
  if (!spec) return undefined;
  const s = spec;
  const fits = s.k.every(
    (k, ax) =>
      convOutLength(s.inShape[ax + 1]!, k, s.stride[ax]!, s.pad[ax]!, s.dil[ax]!) === s.outShape[ax + 1],
  );
  return fits ? s : undefined;
}
