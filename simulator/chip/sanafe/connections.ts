// Every connection SANA-FE creates for a network file, bucketed by source neuron (CSR): dense all pairs, sparse /
// neuron the pairs listed, conv2d every in-bounds kernel tap, zero weights included — independent of the chip, so
// a direct run builds it while its profile loads elsewhere (`prepareConnections`), and conventionNetOf takes it.

import { SpikegridError } from "../../../common/errors.js";
import type { SanafeEdge } from "../../../compiler/importers/sanafe/network.js";
import type { ParsedSanafe } from "../../../compiler/importers/sanafe/parsed.js";

/** Connections a file may expand to before the convention refuses it (a dense 2^13 × 2^13 layer is 2^26). */
export const MAX_SANAFE_CONNECTIONS = 2 ** 28;

export interface Connections {
  total: number;
  /** Neuron k's connections (global numbering: groups in file order) are post[postStart[k] … postStart[k+1]). */
  postStart: Int32Array;
  post: Int32Array;
  /** With weights: each connection's weight × 64, and each neuron's Σ|weight × 64| over its inputs. */
  weight64?: Int32Array;
  fanIn64?: Float64Array;
  /** Per destination group, the connections into it. */
  connectionsIn: Map<string, number>;
}

/** One edge's connections per source added into `postStart[s0 + src + 1]` (dense: all pairs; sparse / neuron:
 * the pairs listed; conv2d: every in-bounds kernel tap). */
function countConnections(
  e: SanafeEdge,
  nSrc: number,
  nDst: number,
  s0: number,
  postStart: Int32Array,
): void {
  if (e.kind === "neuron" || e.kind === "sparse") {
    const pairs = e.pairs ?? [];
    for (let k = 0; k < pairs.length; k++) postStart[s0 + pairs[k]![0] + 1]!++;
  } else if (e.kind === "dense") for (let s = 0; s < nSrc; s++) postStart[s0 + s + 1]! += nDst;
  else countConvTaps(e.conv!, s0, postStart);
}

/** A conv2d edge's taps per source: input x is reached by every (xo, kx) with xo·stride + kx = x, and so is y. */
function countConvTaps(c: NonNullable<SanafeEdge["conv"]>, s0: number, postStart: Int32Array): void {
  const ow = Math.floor((c.inputWidth - c.kernelWidth) / c.strideWidth) + 1;
  const oh = Math.floor((c.inputHeight - c.kernelHeight) / c.strideHeight) + 1;
  const cx = new Int32Array(c.inputWidth);
  const cy = new Int32Array(c.inputHeight);
  for (let xo = 0; xo < ow; xo++) for (let kx = 0; kx < c.kernelWidth; kx++) cx[xo * c.strideWidth + kx]!++;
  for (let yo = 0; yo < oh; yo++) for (let ky = 0; ky < c.kernelHeight; ky++) cy[yo * c.strideHeight + ky]!++;
  for (let ci = 0; ci < c.inputChannels; ci++)
    for (let y = 0; y < c.inputHeight; y++)
      for (let x = 0; x < c.inputWidth; x++) {
        const src = s0 + ci * c.inputWidth * c.inputHeight + y * c.inputWidth + x;
        postStart[src + 1]! += c.kernelCount * cy[y]! * cx[x]!;
      }
}

/**
 * Every connection of one edge, from global source `s0 + s` to `d0 + d`, written at `post[fill[src]++]`, with its
 * weight × 64 in `weight` and its |weight| × 64 added to `fanIn[dst]` when given. One small function per edge
 * kind, inline loops, no callback per connection: a network has millions of them, built once, so each kind's loop
 * is optimized alone (a large function is slower to optimize, and to re-optimize as each kind first runs).
 */
/** Where an edge's connections go: each source's next slot, the targets, and with weights their weight × 64 and
 * each target's Σ|weight × 64|. */
interface ConnectionSink {
  fill: Int32Array;
  post: Int32Array;
  weight?: Int32Array;
  fanIn?: Float64Array;
}

function fillConnections(
  e: SanafeEdge,
  nSrc: number,
  nDst: number,
  s0: number,
  d0: number,
  to: ConnectionSink,
) {
  if (e.kind === "neuron" || e.kind === "sparse") fillPairs(e.pairs ?? [], e.weights, s0, d0, to);
  else if (e.kind === "dense") fillDense(e.weights, nSrc, nDst, s0, d0, to);
  else {
    // the weights × 64 as the Int32 they are stored as, converted once per weight rather than once per connection
    const w64 = Int32Array.from(e.weights, (x) => x * 64);
    fillConv(e.conv!, w64, s0, d0, to);
    if (to.weight && to.fanIn) convFanIn(e.conv!, w64, d0, to.fanIn);
  }
}

function fillPairs(
  pairs: readonly (readonly [number, number])[],
  w: Float64Array,
  s0: number,
  d0: number,
  to: ConnectionSink,
): void {
  const { fill, post, weight, fanIn } = to;
  for (let k = 0; k < pairs.length; k++) {
    const [s, d] = pairs[k]!;
    const at = fill[s0 + s]!++;
    post[at] = d0 + d;
    if (weight) weight[at] = w[k]! * 64;
    if (weight && fanIn) fanIn[d0 + d]! += Math.abs(weight[at]!);
  }
}

function fillDense(w: Float64Array, nSrc: number, nDst: number, s0: number, d0: number, to: ConnectionSink) {
  const { fill, post, weight, fanIn } = to;
  for (let s = 0; s < nSrc; s++)
    for (let d = 0; d < nDst; d++) {
      const at = fill[s0 + s]!++;
      post[at] = d0 + d;
      if (weight) weight[at] = w[s * nDst + d]! * 64;
      if (weight && fanIn) fanIn[d0 + d]! += Math.abs(weight[at]!);
    }
}

/** A conv2d edge source by source, each one's targets in ascending order (channel, row, column) as SANA-FE lists
 * them: written one after another, the weights read along c_out. */
function fillConv(
  c: NonNullable<SanafeEdge["conv"]>,
  w64: Int32Array,
  s0: number,
  d0: number,
  to: ConnectionSink,
) {
  const { fill, post, weight } = to;
  const { inputWidth: iw, inputHeight: ih, kernelWidth: kw, kernelHeight: kh, kernelCount: cout } = c;
  const { strideWidth: sw, strideHeight: sh, inputChannels: cin } = c;
  const ow = Math.floor((iw - kw) / sw) + 1;
  const oh = Math.floor((ih - kh) / sh) + 1;
  // a source's kernel taps in (row, column) order: the target's offset in an output channel, the weight's index
  // at c_out 0 (conv2d weights are [ky][kx][c_in][c_out])
  const tapTarget = new Int32Array(kh * kw);
  const tapWeight = new Int32Array(kh * kw);
  const plane = ow * oh;
  for (let ci = 0; ci < cin; ci++)
    for (let y = 0; y < ih; y++) {
      // output rows reaching input row y: yo·sh + ky = y with 0 ≤ ky < kh
      const yoFirst = Math.max(0, Math.ceil((y - kh + 1) / sh));
      const yoLast = Math.min(oh - 1, Math.floor(y / sh));
      for (let x = 0; x < iw; x++) {
        const xoFirst = Math.max(0, Math.ceil((x - kw + 1) / sw));
        const xoLast = Math.min(ow - 1, Math.floor(x / sw));
        let taps = 0;
        for (let yo = yoFirst; yo <= yoLast; yo++)
          for (let xo = xoFirst; xo <= xoLast; xo++, taps++) {
            tapTarget[taps] = yo * ow + xo;
            tapWeight[taps] = (((y - yo * sh) * kw + (x - xo * sw)) * cin + ci) * cout;
          }
        const src = s0 + ci * iw * ih + y * iw + x;
        const at = fill[src]!;
        writeTaps(post, weight, w64, tapTarget, tapWeight, taps, cout, at, d0, plane);
        fill[src] = at + taps * cout;
      }
    }
}

/** Without padding every output position reads every tap of every input channel: Σ|weight × 64| into it is its
 * output channel's (whole numbers, so the same sum in any order). */
function convFanIn(
  c: NonNullable<SanafeEdge["conv"]>,
  w64: Int32Array,
  d0: number,
  fanIn: Float64Array,
): void {
  const { kernelWidth: kw, kernelHeight: kh, kernelCount: cout, inputChannels: cin } = c;
  const plane =
    (Math.floor((c.inputWidth - kw) / c.strideWidth) + 1) *
    (Math.floor((c.inputHeight - kh) / c.strideHeight) + 1);
  for (let co = 0; co < cout; co++) {
    let sum = 0;
    for (let t = 0; t < kh * kw * cin; t++) sum += Math.abs(w64[t * cout + co]!);
    const from = d0 + co * plane;
    for (let d = from; d < from + plane; d++) fanIn[d]! += sum;
  }
}

/**
 * One conv2d source's connections from `at`: for each output channel co (in order) its taps, target d0 + co ·
 * plane + tapTarget[j], weight w64[tapWeight[j] + co]. Written tap by tap, channels inner — the same entries as
 * channel by channel, but the long loop is the inner one, and the weights are read in order (a third less time
 * on the DVS network, which runs this once, before the engine has optimized it).
 */
function writeTaps(
  post: Int32Array,
  weight: Int32Array | undefined,
  w64: Int32Array,
  tapTarget: Int32Array,
  tapWeight: Int32Array,
  taps: number,
  cout: number,
  at: number,
  d0: number,
  plane: number,
): void {
  for (let j = 0; j < taps; j++) {
    const target = d0 + tapTarget[j]!;
    const from = tapWeight[j]!;
    let to = at + j;
    for (let co = 0; co < cout; co++, to += taps) {
      post[to] = target + co * plane;
      if (weight !== undefined) weight[to] = w64[from + co]!;
    }
  }
}

/** Connections one edge makes (checked against the budget before anything is allocated for them). */
function connectionCount(e: SanafeEdge, nSrc: number, nDst: number): number {
  if (e.kind === "neuron" || e.kind === "sparse") return e.pairs?.length ?? 0;
  if (e.kind === "dense") return nSrc * nDst;
  const c = e.conv!;
  const ow = Math.floor((c.inputWidth - c.kernelWidth) / c.strideWidth) + 1;
  const oh = Math.floor((c.inputHeight - c.kernelHeight) / c.strideHeight) + 1;
  return c.kernelCount * ow * oh * c.inputChannels * c.kernelHeight * c.kernelWidth;
}

function buildConnections(parsed: ParsedSanafe, file: string, withWeights: boolean): Connections {
  const startOf = new Map<string, number>();
  const sizeOf = new Map<string, number>();
  let n = 0;
  for (const g of parsed.net.groups.values()) {
    startOf.set(g.name, n);
    sizeOf.set(g.name, g.size);
    n += g.size;
  }
  const edges = parsed.net.edges;
  let total = 0;
  const connectionsIn = new Map<string, number>();
  for (const e of edges) {
    const count = connectionCount(e, sizeOf.get(e.src)!, sizeOf.get(e.dst)!);
    total += count;
    connectionsIn.set(e.dst, (connectionsIn.get(e.dst) ?? 0) + count);
  }
  if (total > MAX_SANAFE_CONNECTIONS)
    throw new SpikegridError(
      "USAGE",
      `${file}: ${total} connections exceed the sanafe convention's budget MAX_SANAFE_CONNECTIONS (${MAX_SANAFE_CONNECTIONS})`,
      { hint: "run the default convention, or split the network" },
    );
  const postStart = new Int32Array(n + 1);
  for (const e of edges)
    countConnections(e, sizeOf.get(e.src)!, sizeOf.get(e.dst)!, startOf.get(e.src)!, postStart);
  for (let k = 0; k < n; k++) postStart[k + 1]! += postStart[k]!;
  const fill = postStart.slice(0, n);
  // shared memory: a direct run counts the messages (and its nonzero-weight targets) on its scheduling thread,
  // which then reads them uncopied
  const post = new Int32Array(new SharedArrayBuffer(4 * total));
  const weight64 = withWeights ? new Int32Array(new SharedArrayBuffer(4 * total)) : undefined;
  const fanIn64 = withWeights ? new Float64Array(n) : undefined;
  const sink: ConnectionSink = { fill, post, weight: weight64, fanIn: fanIn64 };
  for (const e of edges) {
    const [ns, nd] = [sizeOf.get(e.src)!, sizeOf.get(e.dst)!];
    fillConnections(e, ns, nd, startOf.get(e.src)!, startOf.get(e.dst)!, sink);
  }
  return { total, postStart, post, weight64, fanIn64, connectionsIn };
}

/** Connections built ahead for a parse, or the error building them met (thrown where conventionNetOf asks). */
const ahead = new WeakMap<
  ParsedSanafe,
  { withWeights: boolean; file: string; value?: Connections; error?: unknown }
>();

/**
 * Builds the connections of `parsed` now and keeps them (or the error met) for the next `connectionsOf` of the
 * same parse: never throws, so the caller's errors keep their order.
 */
export function prepareConnections(parsed: ParsedSanafe, file: string, withWeights: boolean): void {
  try {
    ahead.set(parsed, { withWeights, file, value: buildConnections(parsed, file, withWeights) });
  } catch (error) {
    ahead.set(parsed, { withWeights, file, error });
  }
}

/** The connections prepared ahead for `parsed` with weights by `file`, left for `connectionsOf` to take. */
export function connectionsAhead(parsed: ParsedSanafe, file: string): Connections | undefined {
  const kept = ahead.get(parsed);
  return kept?.withWeights && kept.file === file ? kept.value : undefined;
}

/** The connections of `parsed` (those prepared ahead when they match, taken once), or the error building them. */
export function connectionsOf(parsed: ParsedSanafe, file: string, withWeights: boolean): Connections {
  const kept = ahead.get(parsed);
  ahead.delete(parsed);
  if (kept && kept.withWeights === withWeights && kept.file === file) {
    if (kept.value) return kept.value;
    throw kept.error;
  }
  return buildConnections(parsed, file, withWeights);
}
