// lowerToNmir, step 4: a term's matrix, obtained by pushing unit vectors through the float reference's own
// kernels (so the projection means exactly what the graph means), with a work and size guard.

import { SpikegridError } from "../../../common/errors.js";
import { createKernel, type Kernel } from "../../../simulator/float/kernels/index.js";
import { denseOps, inputPorts, type LinearNode } from "../../graph/index.js";
import type { Term } from "./paths.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export interface Limits {
  maxComposeWork: number;
  maxSynapses: number;
}

/** CSR by source neuron with float64 weights: row i lists the destinations source i reaches. */
export interface Csr {
  inSize: number;
  outSize: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** x ↦ term(x) through the steps' kernels (other ports of a Concat read zeros). Returns a live buffer. */
export function termFunction(term: Term): (x: Float64Array) => Float64Array {
  const stages = term.steps.map((s): ((x: Float64Array) => Float64Array) => {
    if (s.node.kind === "Linear") {
      const sparse = sparseInputLinear(s.node, size(s.inShapes[0]!));
      if (sparse) return sparse;
    }
    const kernel: Kernel = createKernel(s.node, {
      id: s.label,
      dt: 1,
      inShapes: s.inShapes,
      outShape: s.outShape,
    });
    const zeros = s.inShapes.map((shape) => new Float64Array(size(shape)));
    return (x) => {
      kernel.step(zeros.map((z, p) => (p === s.port ? x : z)));
      return kernel.out;
    };
  });
  return (x) => {
    let cur = x;
    for (const stage of stages) cur = stage(cur);
    return cur;
  };
}

/**
 * A Linear stage (y[r, o] = Σᵢ W[o, i]·x[r, i]) that visits only the nonzero inputs: composing feeds unit
 * vectors through sparse maps, and the dense kernel's in × out products per evaluation made the LRA models'
 * compile take minutes. Per output it performs the dense kernel's additions in the same order (from +0, i
 * ascending) minus the w·0 terms, which add a zero and leave the sum unchanged, so the result is bit-identical
 * — given finite weights (w·0 is NaN for w = ±∞); otherwise undefined, and the kernel is used.
 */
function sparseInputLinear(
  node: LinearNode,
  inSize: number,
): ((x: Float64Array) => Float64Array) | undefined {
  const [nOut, nIn] = node.weight.shape as [number, number];
  const w = node.weight.data;
  const wT = new Float64Array(nIn * nOut); // column i of W, contiguous
  for (let o = 0; o < nOut; o++)
    for (let i = 0; i < nIn; i++) {
      const v = w[o * nIn + i]!;
      if (!Number.isFinite(v)) return undefined;
      wT[i * nOut + o] = v;
    }
  const rows = inSize / nIn;
  const out = new Float64Array(rows * nOut);
  return (x) => {
    out.fill(0);
    for (let r = 0; r < rows; r++) {
      const xo = r * nIn;
      const yo = r * nOut;
      for (let i = 0; i < nIn; i++) {
        const xi = x[xo + i]!;
        if (xi === 0) continue;
        const col = i * nOut;
        for (let o = 0; o < nOut; o++) out[yo + o] = out[yo + o]! + wT[col + o]! * xi;
      }
    }
    return out;
  };
}

/** Scalar operations of one evaluation: MACs plus one per element moved. */
export function termCost(term: Term): number {
  let cost = 0;
  for (const s of term.steps) {
    const names = inputPorts(s.node);
    const ins: Record<string, number[]> = {};
    names.forEach((n, i) => {
      ins[n] = s.inShapes[i]!;
    });
    cost += denseOps(s.node, ins, s.outShape).macs + size(s.inShapes[s.port]!) + size(s.outShape);
  }
  return Math.max(cost, 1);
}

/** The term's matrix as CSR by source: column i is term(e_i). Refuses above the limits, naming the path. */
export function composeCsr(term: Term, limits: Limits): Csr {
  const inSize = size(term.inShape);
  const outSize = size(term.outShape);
  const work = inSize * termCost(term);
  if (work > limits.maxComposeWork) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `composing the path ${term.label} (${inSize} → ${outSize} neurons) into one sparse projection needs ~${work.toExponential(2)} operations, above the limit ${limits.maxComposeWork.toExponential(2)}`,
      {
        hint: "raise the compile option maxComposeWork (library only, no CLI flag), or give the path a structure lowerToNmir maps directly (a single Affine/Linear, a conv with sum/avg pooling, a Scale) by inserting a population between its parts",
      },
    );
  }
  const f = termFunction(term);
  const x = new Float64Array(inSize);
  const rowPtr = new Int32Array(inSize + 1);
  let cols: number[] = [];
  let vals: number[] = [];
  for (let i = 0; i < inSize; i++) {
    x[i] = 1;
    const y = f(x);
    x[i] = 0;
    for (let j = 0; j < outSize; j++) {
      const v = y[j]!;
      if (v !== 0) {
        cols.push(j);
        vals.push(v);
      }
    }
    if (cols.length > limits.maxSynapses) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `the path ${term.label} composes into more than ${limits.maxSynapses} synapses (${inSize} → ${outSize} neurons)`,
        {
          hint: "raise the compile option maxSynapses (library only, no CLI flag), or insert a population to split the path",
        },
      );
    }
    rowPtr[i + 1] = cols.length;
  }
  const csr = { inSize, outSize, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(vals) };
  cols = [];
  vals = [];
  return csr;
}

/** term(v) for a constant vector v (the whole map is linear: taps carry no bias). */
export function applyTerm(term: Term, v: Float64Array): Float64Array {
  return Float64Array.from(termFunction(term)(v));
}
