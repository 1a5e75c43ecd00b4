// Synapses and distinct sources of a slice of a convolution's destination, in closed form per axis: output
// (r, c) reads the input positions Y(r) × X(c) (the in-range taps of each axis), so a rectangle of outputs
// reads (∪ Y) × (∪ X) and a slice — at most six rectangles per group — is a small union of products.

import type { Connectivity } from "../nmir/index.js";

type Conv = Connectivity & { kind: "conv1d" | "conv2d" };

/** A conv as [C, H, W] (conv1d: H = 1) with per-axis geometry. */
export function convGeometry(c: Conv) {
  const two = c.kind === "conv2d";
  const [cin, h, w] = two ? c.inShape : [c.inShape[0], 1, c.inShape[1]];
  const [cout, ho, wo] = two ? c.outShape : [c.outShape[0], 1, c.outShape[1]];
  const [, cinG, kh, kw] = two ? c.kernel : [c.kernel[0], c.kernel[1], 1, c.kernel[2]];
  const pick = (v: number | [number, number], ax: number) => (typeof v === "number" ? (ax ? v : 1) : v[ax]!);
  const sh = two ? pick(c.stride, 0) : 1;
  const sw = pick(c.stride, 1);
  const ph = two ? pick(c.padding, 0) : 0;
  const pw = pick(c.padding, 1);
  const dh = two ? pick(c.dilation, 0) : 1;
  const dw = pick(c.dilation, 1);
  return { cin, h, w, cout, ho, wo, cinG, kh, kw, sh, sw, ph, pw, dh, dw, groups: c.groups };
}

/** Taps t in [lo, hi) of a kernel of `k` taps with `base + t·dil` inside [0, len). */
export function tapRange(base: number, dil: number, k: number, len: number): [number, number] {
  const lo = Math.max(0, Math.ceil(-base / dil));
  const hi = Math.min(k, Math.floor((len - 1 - base) / dil) + 1);
  return [lo, Math.max(lo, hi)];
}

/** One axis: output o reads inputs o·stride − pad + t·dil for taps t in [lo[o], hi[o]). */
interface Axis {
  stride: number;
  pad: number;
  dil: number;
  lo: Int32Array;
  hi: Int32Array;
  /** In-range taps of outputs 0 .. o − 1. */
  before: Float64Array;
  /** Inputs any output reads. */
  cover: number;
  /** Per input: the rectangles (bits) whose outputs read it, valid where `seen` holds the current mark. */
  mask: Int32Array;
  seen: Int32Array;
  touched: Int32Array;
  count: number;
}

function axisOf(len: number, out: number, k: number, stride: number, pad: number, dil: number): Axis {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const before = new Float64Array(out + 1);
  const hit = new Uint8Array(len);
  let cover = 0;
  for (let o = 0; o < out; o++) {
    const [a, b] = tapRange(o * stride - pad, dil, k, len);
    lo[o] = a;
    hi[o] = b;
    before[o + 1] = before[o]! + (b - a);
    for (let t = a; t < b; t++) {
      const i = o * stride - pad + t * dil;
      if (hit[i] === 0) {
        hit[i] = 1;
        cover++;
      }
    }
  }
  const scratch = () => new Int32Array(len);
  return {
    stride,
    pad,
    dil,
    lo,
    hi,
    before,
    cover,
    mask: scratch(),
    seen: scratch(),
    touched: scratch(),
    count: 0,
  };
}

interface ConvCounts {
  g: ReturnType<typeof convGeometry>;
  y: Axis;
  x: Axis;
  mark: number;
  /** Input positions read by output positions [p0, p1) (p1 may wrap past the plane), by p0 · 2·plane + p1. */
  reads: Map<number, number>;
}

/**
 * Counts depend on a conv's geometry only, never its weights: convs of one geometry share one table and the
 * position unions asked of it (a Spikformer's 128 counted matmuls are wired by a handful of geometries, and
 * partition asks each the same slices). Bounded so a long-lived process (explore) cannot grow them without end.
 */
const countsByConv = new WeakMap<Conv, ConvCounts>();
const countsByGeometry = new Map<string, ConvCounts>();
const MAX_GEOMETRIES = 1024;
const MAX_READS = 1 << 20;

function countsOf(c: Conv): ConvCounts {
  let t = countsByConv.get(c);
  if (!t) {
    const g = convGeometry(c);
    const key = JSON.stringify(g);
    t = countsByGeometry.get(key);
    if (!t) {
      t = {
        g,
        y: axisOf(g.h, g.ho, g.kh, g.sh, g.ph, g.dh),
        x: axisOf(g.w, g.wo, g.kw, g.sw, g.pw, g.dw),
        mark: 0,
        reads: new Map(),
      };
      if (countsByGeometry.size >= MAX_GEOMETRIES) countsByGeometry.clear();
      countsByGeometry.set(key, t);
    }
    countsByConv.set(c, t);
  }
  return t;
}

/** Input positions output positions [p0, p1) of one group read (p1 past the plane wraps to its start). */
function positionsRead(t: ConvCounts, p0: number, p1: number): number {
  const plane = t.g.ho * t.g.wo;
  const key = 2 * plane * plane <= Number.MAX_SAFE_INTEGER ? p0 * 2 * plane + p1 : undefined;
  const seen = key === undefined ? undefined : t.reads.get(key);
  if (seen !== undefined) return seen;
  const rects: number[][] = [];
  rectangles(p0, Math.min(p1, plane), t.g.wo, rects);
  if (p1 > plane) rectangles(0, p1 - plane, t.g.wo, rects);
  const n = unionSize(t, rects);
  if (key !== undefined) {
    if (t.reads.size >= MAX_READS) t.reads.clear();
    t.reads.set(key, n);
  }
  return n;
}

/** Marks the inputs outputs [o0, o1) of `a` read with `bit`. */
function markAxis(a: Axis, o0: number, o1: number, bit: number, mark: number): void {
  for (let o = o0; o < o1; o++) {
    const base = o * a.stride - a.pad;
    for (let t = a.lo[o]!; t < a.hi[o]!; t++) {
      const i = base + t * a.dil;
      if (a.seen[i] !== mark) {
        a.seen[i] = mark;
        a.mask[i] = 0;
        a.touched[a.count++] = i;
      }
      a.mask[i]! |= bit;
    }
  }
}

/** Output rectangles [r0, r1) × [c0, c1) of positions [p0, p1) of a row-major plane `wo` wide. */
function rectangles(p0: number, p1: number, wo: number, out: number[][]): void {
  const r0 = Math.floor(p0 / wo);
  const c0 = p0 % wo;
  const r1 = Math.floor((p1 - 1) / wo);
  const c1 = ((p1 - 1) % wo) + 1;
  if (r0 === r1) {
    out.push([r0, r0 + 1, c0, c1]);
    return;
  }
  out.push([r0, r0 + 1, c0, wo]);
  if (r1 > r0 + 1) out.push([r0 + 1, r1, 0, wo]);
  out.push([r1, r1 + 1, 0, c1]);
}

/** Input positions the outputs of `rects` read: Σ over input rows y of |∪ X-sets of the rectangles whose Y-set holds y|. */
function unionSize(t: ConvCounts, rects: number[][]): number {
  if (t.mark === 0x7fffffff) {
    t.y.seen.fill(0);
    t.x.seen.fill(0);
    t.mark = 0;
  }
  const mark = ++t.mark;
  t.y.count = 0;
  t.x.count = 0;
  for (const [k, [r0, r1, c0, c1]] of rects.entries()) {
    markAxis(t.y, r0!, r1!, 1 << k, mark);
    markAxis(t.x, c0!, c1!, 1 << k, mark);
  }
  const inputsWith = new Float64Array(1 << rects.length);
  for (let n = 0; n < t.x.count; n++) inputsWith[t.x.mask[t.x.touched[n]!]!]!++;
  const columns = new Float64Array(1 << rects.length).fill(-1);
  let total = 0;
  for (let n = 0; n < t.y.count; n++) {
    const m = t.y.mask[t.y.touched[n]!]!;
    if (columns[m]! < 0) {
      let s = 0;
      for (let v = 1; v < inputsWith.length; v++) if ((v & m) !== 0) s += inputsWith[v]!;
      columns[m] = s;
    }
    total += columns[m]!;
  }
  return total;
}

/**
 * Synapses and distinct sources of destinations `start .. start + count − 1` (channel-major, j = channel ·
 * plane + position): cinG × the taps of each position (per-axis prefix sums), and per group cinG × the input
 * positions its destinations read — all covered ones once the slice holds ≥ plane consecutive destinations of
 * the group, else the union of ≤ 2 position intervals as rectangles. O(groups + rows · kh + columns · kw).
 */
export function convSliceSynapses(
  c: Conv,
  start: number,
  count: number,
): { synapses: number; sources: number } {
  const t = countsOf(c);
  const { g, y, x } = t;
  const plane = g.ho * g.wo;
  const coutG = g.cout / g.groups;
  const end = start + count;
  const perRow = x.before[g.wo]!;
  // taps of positions 0 .. p − 1, then of destinations 0 .. j − 1
  const beforePos = (p: number) => {
    const r = Math.floor(p / g.wo);
    if (r >= g.ho) return y.before[g.ho]! * perRow;
    return y.before[r]! * perRow + (y.hi[r]! - y.lo[r]!) * x.before[p % g.wo]!;
  };
  const before = (j: number) => Math.floor(j / plane) * beforePos(plane) + beforePos(j % plane);
  const synapses = g.cinG * (before(end) - before(start));
  let sources = 0;
  const lastGroup = Math.floor(Math.floor((end - 1) / plane) / coutG);
  for (let q = Math.floor(Math.floor(start / plane) / coutG); q <= lastGroup; q++) {
    // the group's destinations in the slice: channels ⌈q·coutG⌉ .. ⌈(q+1)·coutG⌉ − 1
    const from = Math.max(start, Math.ceil(q * coutG) * plane);
    const to = Math.min(end, Math.ceil((q + 1) * coutG) * plane);
    if (to <= from) continue;
    if (to - from >= plane) {
      sources += y.cover * x.cover * g.cinG;
      continue;
    }
    // fewer than plane consecutive destinations: positions p0 .. (wrapping past the plane's end)
    const p0 = from % plane;
    const p1 = p0 + (to - from);
    sources += positionsRead(t, p0, p1) * g.cinG;
  }
  // channels past cin (a malformed group layout) read nothing, as forEachSynapse skips them
  return { synapses, sources: Math.min(sources, g.cin * g.h * g.w) };
}
