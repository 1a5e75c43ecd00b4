// lowerToNmir, step 4: a term's matrix, obtained by pushing unit vectors through the float reference's own
// kernels (so the projection means exactly what the graph means), with a work and size guard.

import { SpikegridError } from "../../../common/errors.js";
import { createKernel, type Kernel } from "../../../simulator/float/kernels/index.js";
import { denseOps, inputPorts } from "../../graph/index.js";
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
  const stages = term.steps.map((s) => {
    const kernel: Kernel = createKernel(s.node, {
      id: s.label,
      dt: 1,
      inShapes: s.inShapes,
      outShape: s.outShape,
    });
    const zeros = s.inShapes.map((shape) => new Float64Array(size(shape)));
    return { kernel, zeros, port: s.port };
  });
  return (x) => {
    let cur = x;
    for (const st of stages) {
      const inputs = st.zeros.map((z, p) => (p === st.port ? cur : z));
      st.kernel.step(inputs);
      cur = st.kernel.out;
    }
    return cur;
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
