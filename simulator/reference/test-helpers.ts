// Test support for simulator/reference: tiny one-population modules, input sequences, random valid inputs
// for arbitrary modules, and an independent fan-out count straight from the connectivity definitions.

import fc from "fast-check";
import type { Connectivity } from "../../compiler/nmir/connectivity.js";
import { createDense, createOneToOne } from "../../compiler/nmir/connectivity.js";
import {
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
} from "../../compiler/nmir/factories.js";
import { signedRange } from "../../compiler/nmir/model-info.js";
import type { NeuronModel } from "../../compiler/nmir/neuron-models.js";
import { type EventKind, type NmirModule, shapeSize } from "../../compiler/nmir/types.js";
import type { InputSequence } from "./inputs.js";
import { TIMESTEP_MODES } from "./schedule.js";

/** `[T, n]` sequence from rows of values. */
export function seq(rows: readonly (readonly number[])[]): InputSequence {
  const n = rows[0]?.length ?? 0;
  return { shape: [rows.length, n], data: Float64Array.from(rows.flat()) };
}

/** The same row for T steps. */
export const constant = (T: number, row: readonly number[]) => seq(Array.from({ length: T }, () => row));

/**
 * input "x" (n values, graded 32-bit unless `event` says otherwise) → oneToOne (weight 1) → population "p" of
 * `model`, output "y" reading p. A product model gets a second input "x2" into port b.
 */
export function single(model: NeuronModel, n = 1, event: EventKind = gradedEvent(32)): NmirModule {
  const product = model.kind === "product";
  const inputs = [createInput("x", [n], event)];
  if (product) inputs.push(createInput("x2", [n], event));
  const one = () => createOneToOne({ size: n, weights: Int32Array.of(1) });
  const projections = [createProjection({ id: "w", src: "x", dst: "p", connectivity: one(), weightBits: 2 })];
  if (product) {
    projections[0]!.port = "a";
    projections.push(
      createProjection({ id: "w2", src: "x2", dst: "p", port: "b", connectivity: one(), weightBits: 2 }),
    );
  }
  return createModule({
    name: `single-${model.kind}`,
    stage: "quantized",
    inputs,
    populations: [createPopulation({ id: "p", shape: [n], model })],
    projections,
    outputs: [createOutput("y", "p")],
  });
}

/** Dense [out][in] weights from rows. */
export const dense = (rows: readonly (readonly number[])[]) =>
  createDense({ inSize: rows[0]!.length, outSize: rows.length, weights: Int32Array.from(rows.flat()) });

/** Random valid inputs for every input port of `ir`, T steps (spikes 0/1, graded within their width). */
export function inputsArb(ir: NmirModule, T: number): fc.Arbitrary<Map<string, InputSequence>> {
  const quantized = ir.stage === "quantized";
  const perInput = ir.inputs.map((p) => {
    const n = shapeSize(p.shape) * T;
    const value: fc.Arbitrary<number> =
      p.event.kind === "spike"
        ? fc.constantFrom(0, 1)
        : quantized
          ? fc.oneof(
              fc.constant(0),
              fc.integer({ min: signedRange(p.event.bits)[0], max: signedRange(p.event.bits)[1] }),
            )
          : fc.oneof(fc.constant(0), fc.double({ min: -100, max: 100, noNaN: true }));
    return fc
      .array(value, { minLength: n, maxLength: n })
      .map((xs): [string, InputSequence] => [p.id, { shape: [T, ...p.shape], data: Float64Array.from(xs) }]);
  });
  return fc.tuple(...perInput).map((entries) => new Map(entries));
}

/**
 * Nonzero-weight synapses out of every source neuron, counted from the connectivity's written definition
 * (dense [out][in], CSR rows, PyTorch conv index formula by brute force over outputs and taps, oneToOne).
 */
export function nonzeroFanOut(c: Connectivity): Int32Array {
  switch (c.kind) {
    case "dense": {
      const out = new Int32Array(c.inSize);
      for (let j = 0; j < c.outSize; j++)
        for (let i = 0; i < c.inSize; i++) if (c.weights[j * c.inSize + i] !== 0) out[i]!++;
      return out;
    }
    case "sparse": {
      const out = new Int32Array(c.inSize);
      for (let i = 0; i < c.inSize; i++)
        for (let r = c.rowPtr[i]!; r < c.rowPtr[i + 1]!; r++) if (c.weights[r] !== 0) out[i]!++;
      return out;
    }
    case "oneToOne":
      return Int32Array.from({ length: c.size }, (_, i) =>
        c.weights[c.weights.length === 1 ? 0 : i] !== 0 ? 1 : 0,
      );
    case "rowwise": {
      // (r, i) → (r, o) for every o: source r·in + i (or i·rows + r when srcTransposed)
      const [nOut, nIn] = c.kernel;
      const out = new Int32Array(c.rows * nIn);
      for (let r = 0; r < c.rows; r++)
        for (let i = 0; i < nIn; i++)
          for (let o = 0; o < nOut; o++)
            if (c.weights[o * nIn + i] !== 0) out[c.srcTransposed ? i * c.rows + r : r * nIn + i]!++;
      return out;
    }
    case "conv1d":
    case "conv2d": {
      const is2 = c.kind === "conv2d";
      const [C, H, W] = is2 ? c.inShape : [c.inShape[0], 1, c.inShape[1]];
      const [Co, Ho, Wo] = is2 ? c.outShape : [c.outShape[0], 1, c.outShape[1]];
      const [, cinG, KH, KW] = is2 ? c.kernel : [c.kernel[0], c.kernel[1], 1, c.kernel[2]];
      const [sh, sw] = is2 ? c.stride : [1, c.stride];
      const [ph, pw] = is2 ? c.padding : [0, c.padding];
      const [dh, dw] = is2 ? c.dilation : [1, c.dilation];
      const out = new Int32Array(C * H * W);
      for (let co = 0; co < Co; co++) {
        const g = Math.floor(co / (Co / c.groups));
        for (let r = 0; r < Ho; r++)
          for (let col = 0; col < Wo; col++)
            for (let cl = 0; cl < cinG; cl++)
              for (let ky = 0; ky < KH; ky++)
                for (let kx = 0; kx < KW; kx++) {
                  const y = r * sh - ph + ky * dh;
                  const x = col * sw - pw + kx * dw;
                  if (y < 0 || y >= H || x < 0 || x >= W) continue;
                  const w = c.weights[((co * cinG + cl) * KH + ky) * KW + kx];
                  if (w !== 0) out[((g * cinG + cl) * H + y) * W + x]!++;
                }
      }
      return out;
    }
  }
}

/** acc[j] = Σ_i w(i→j)·x[i], exactly in BigInt, gathered per destination from the written definitions. */
export function accByDefinition(c: Connectivity, x: readonly number[]): bigint[] {
  const W = (k: number) => BigInt(c.weights[k]!);
  const X = (i: number) => BigInt(x[i]!);
  switch (c.kind) {
    case "dense":
      return Array.from({ length: c.outSize }, (_, j) => {
        let s = 0n;
        for (let i = 0; i < c.inSize; i++) s += W(j * c.inSize + i) * X(i);
        return s;
      });
    case "sparse": {
      const acc = new Array<bigint>(c.outSize).fill(0n);
      for (let i = 0; i < c.inSize; i++)
        for (let r = c.rowPtr[i]!; r < c.rowPtr[i + 1]!; r++) acc[c.colIdx[r]!]! += W(r) * X(i);
      return acc;
    }
    case "oneToOne":
      return Array.from({ length: c.size }, (_, i) => W(c.weights.length === 1 ? 0 : i) * X(i));
    case "rowwise": {
      const [nOut, nIn] = c.kernel;
      const acc = new Array<bigint>(c.rows * nOut).fill(0n);
      for (let r = 0; r < c.rows; r++)
        for (let o = 0; o < nOut; o++) {
          let sum = 0n;
          for (let i = 0; i < nIn; i++)
            sum += W(o * nIn + i) * X(c.srcTransposed ? i * c.rows + r : r * nIn + i);
          acc[c.dstTransposed ? o * c.rows + r : r * nOut + o] = sum;
        }
      return acc;
    }
    case "conv1d":
    case "conv2d": {
      const is2 = c.kind === "conv2d";
      const [, H, Wd] = is2 ? c.inShape : [c.inShape[0], 1, c.inShape[1]];
      const [Co, Ho, Wo] = is2 ? c.outShape : [c.outShape[0], 1, c.outShape[1]];
      const [, cinG, KH, KW] = is2 ? c.kernel : [c.kernel[0], c.kernel[1], 1, c.kernel[2]];
      const [sh, sw] = is2 ? c.stride : [1, c.stride];
      const [ph, pw] = is2 ? c.padding : [0, c.padding];
      const [dh, dw] = is2 ? c.dilation : [1, c.dilation];
      const acc: bigint[] = [];
      for (let co = 0; co < Co; co++) {
        const q = Math.floor(co / (Co / c.groups));
        for (let r = 0; r < Ho; r++)
          for (let col = 0; col < Wo; col++) {
            let s = 0n;
            for (let ci = q * cinG; ci < (q + 1) * cinG; ci++)
              for (let ky = 0; ky < KH; ky++)
                for (let kx = 0; kx < KW; kx++) {
                  const y = r * sh - ph + ky * dh;
                  const xx = col * sw - pw + kx * dw;
                  if (y < 0 || y >= H || xx < 0 || xx >= Wd) continue;
                  s += W(((co * cinG + (ci % cinG)) * KH + ky) * KW + kx) * X((ci * H + y) * Wd + xx);
                }
            acc.push(s);
          }
      }
      return acc;
    }
  }
}

/** A module's run cases for property tests: random inputs over T steps and either timestep mode. */
export function runCaseArb(ir: NmirModule, T: number) {
  return fc
    .record({ inputs: inputsArb(ir, T), mode: fc.constantFrom(...TIMESTEP_MODES) })
    .map((c) => ({ ...c, ir }));
}
