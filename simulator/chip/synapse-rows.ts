// A projection's synapse-table rows (per source neuron: synaptic ops per destination core) built in bulk from
// its shared weights: a per-token linear, dense matrix or conv kernel is never walked synapse by synapse. Along
// the output channels of one token (output position) the destination core changes only at a few places, so
// those channels split into runs on one core each; a prefix count of nonzero weights per input channel (and
// tap) gives the synapses of a run in one subtraction. Same rows, in the same order, as summing the synapses.

import { assertNever } from "../../common/errors.js";
import type { Connectivity, RowwiseConn } from "../../compiler/nmir/connectivity.js";
import { convAxes } from "../reference/deliver.js";
import type { RowSink } from "./table-rows.js";

type W = ArrayLike<number>;

/** Writes every source neuron's rows of `c` into `sink`; dstSlot: destination neuron → slot. */
export function fillSynapseRows(c: Connectivity, dstSlot: Int32Array, sink: RowSink): void {
  switch (c.kind) {
    case "dense":
      // one token: an [out, in] matrix read by the source as column i
      matrixRows(c.weights, c.outSize, c.inSize, 1, false, false, dstSlot, sink);
      return;
    case "rowwise":
      rowwiseRows(c, dstSlot, sink);
      return;
    case "conv1d":
    case "conv2d":
      convRows(c, dstSlot, sink);
      return;
    case "sparse": {
      const { rowPtr, colIdx, weights: w } = c;
      for (let i = 0; i < c.inSize; i++) {
        for (let r = rowPtr[i]!; r < rowPtr[i + 1]!; r++) if (w[r] !== 0) sink.add(dstSlot[colIdx[r]!]!, 1);
        sink.end(i);
      }
      return;
    }
    case "oneToOne": {
      const shared = c.weights.length === 1;
      for (let i = 0; i < c.size; i++) {
        if (c.weights[shared ? 0 : i] !== 0) sink.add(dstSlot[i]!, 1);
        sink.end(i);
      }
      return;
    }
    default:
      assertNever(c, "connectivity");
  }
}

function rowwiseRows(c: RowwiseConn, dstSlot: Int32Array, sink: RowSink): void {
  const [nOut, nIn] = c.kernel;
  matrixRows(c.weights, nOut, nIn, c.rows, c.srcTransposed, c.dstTransposed, dstSlot, sink);
}

/**
 * Prefix counts of nonzero weights along the output channel: entry `line·(n + 1) + o` = nonzero weights
 * among outputs 0..o−1 of line `line` (a line: input channel, and tap for a conv), where output o of line
 * `line` is w[at(o, line)]. Entries never exceed n, so 16 bits do below 65,536 outputs.
 */
function prefixNonzeros(w: W, n: number, lines: number, at: (o: number, line: number) => number) {
  const nz = n < 65536 ? new Uint16Array(lines * (n + 1)) : new Int32Array(lines * (n + 1));
  for (let line = 0; line < lines; line++) {
    const base = line * (n + 1);
    let k = 0;
    for (let o = 0; o < n; o++) {
      nz[base + o] = k;
      if (w[at(o, line)] !== 0) k++;
    }
    nz[base + n] = k;
  }
  return nz;
}

/**
 * Runs of equal slot along the output channels, per group of `len` channels: group q's runs are
 * ptr[q] .. ptr[q+1]−1, run k covering channels from[k] .. to[k]−1 (channel numbers from `first(q)`) on
 * slot[k]. The destination neuron of channel o of group q is `neuron(q) + (o − first(q))·step`.
 */
function channelRuns(
  groups: number,
  len: number,
  first: (q: number) => number,
  neuron: (q: number) => number,
  step: number,
  dstSlot: Int32Array,
) {
  const ptr = new Int32Array(groups + 1);
  const from = new Int32Array(groups * len);
  const to = new Int32Array(groups * len);
  const slot = new Int32Array(groups * len);
  let m = 0;
  for (let q = 0; q < groups; q++) {
    const o0 = first(q);
    let at = neuron(q);
    let prev = -1;
    for (let o = o0; o < o0 + len; o++, at += step) {
      const s = dstSlot[at]!;
      if (s === prev) continue;
      if (m > ptr[q]!) to[m - 1] = o;
      from[m] = o;
      slot[m++] = s;
      prev = s;
    }
    if (m > ptr[q]!) to[m - 1] = o0 + len;
    ptr[q + 1] = m;
  }
  return { ptr, from, to, slot };
}

/**
 * W [nOut, nIn] applied to each of `rows` tokens (RowwiseConn's neuron numbering): source (r, i) has, on the
 * slot of a run of token r's outputs, as many synapses as column i has nonzero weights in that run.
 */
function matrixRows(
  w: W,
  nOut: number,
  nIn: number,
  rows: number,
  srcTransposed: boolean,
  dstTransposed: boolean,
  dstSlot: Int32Array,
  sink: RowSink,
): void {
  const nz = prefixNonzeros(w, nOut, nIn, (o, i) => o * nIn + i);
  const run = channelRuns(
    rows,
    nOut,
    () => 0,
    (r) => (dstTransposed ? r : r * nOut),
    dstTransposed ? rows : 1,
    dstSlot,
  );
  const { ptr, from, to, slot } = run;
  for (let s = 0; s < rows * nIn; s++) {
    const r = srcTransposed ? s % rows : Math.floor(s / nIn);
    const i = srcTransposed ? Math.floor(s / rows) : s - r * nIn;
    const col = i * (nOut + 1);
    for (let k = ptr[r]!; k < ptr[r + 1]!; k++) {
      const ops = nz[col + to[k]!]! - nz[col + from[k]!]!;
      if (ops > 0) sink.add(slot[k]!, ops);
    }
    sink.end(s);
  }
}

/**
 * A conv kernel: source (ci, y, x) reaches, per kernel tap that lands inside the output, the output channels
 * of its group at one output position; each run of them on one slot adds the nonzero weights of (its input
 * channel, that tap) over the run's channels.
 */
function convRows(c: Connectivity & { kind: "conv1d" | "conv2d" }, dstSlot: Int32Array, sink: RowSink): void {
  const { rows, cols, cin, wd, cout, wo, cinG, kw, groups, plane, outPlane, taps, coutG } = convAxes(c);
  // line (cil, tap): weight of output channel co at ((co·cinG + cil)·taps + tap)
  const nz = prefixNonzeros(c.weights, cout, cinG * taps, (co, line) => {
    const cil = Math.floor(line / taps);
    return (co * cinG + cil) * taps + (line - cil * taps);
  });
  // one group of runs per (output position p, channel group g): q = p·groups + g
  const run = channelRuns(
    outPlane * groups,
    coutG,
    (q) => (q % groups) * coutG,
    (q) => (q % groups) * coutG * outPlane + Math.floor(q / groups),
    outPlane,
    dstSlot,
  );
  const { ptr, from, to, slot } = run;
  for (let i = 0; i < cin * plane; i++) {
    const ci = Math.floor(i / plane);
    const y = Math.floor((i - ci * plane) / wd);
    const x = i - ci * plane - y * wd;
    const g = Math.floor(ci / cinG);
    const cil = ci - g * cinG;
    for (let r = rows.start[y]!; r < rows.start[y + 1]!; r++) {
      const pRow = rows.out[r]! * wo;
      const tRow = cil * taps + rows.tap[r]! * kw;
      for (let s = cols.start[x]!; s < cols.start[x + 1]!; s++) {
        const q = (pRow + cols.out[s]!) * groups + g;
        const col = (tRow + cols.tap[s]!) * (cout + 1);
        for (let k = ptr[q]!; k < ptr[q + 1]!; k++) {
          const ops = nz[col + to[k]!]! - nz[col + from[k]!]!;
          if (ops > 0) sink.add(slot[k]!, ops);
        }
      }
    }
    sink.end(i);
  }
}
