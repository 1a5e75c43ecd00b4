// Test support of convertAnnToSnn: seeded ANN inputs, the float ANN's classes (the ground truth) and the
// argmax agreement of a converted module's output accumulator over time, in the reference interpreter;
// the small hand-checkable nets of the unit tests.

import { readFileSync } from "node:fs";
import { packagePath } from "../../../common/package-root.js";
import { runFloat } from "../../../simulator/float/index.js";
import { createReferenceRunner } from "../../../simulator/reference/index.js";
import {
  type ActivationFn,
  chain,
  createActivation,
  createAffine,
  createConv2d,
  createFlatten,
  createGraph,
  createInput,
  createMaxPool2d,
  createOutput,
  type NetGraph,
  ndarray,
} from "../../graph/index.js";
import { importOnnx } from "../../importers/onnx/index.js";
import { readNpyFile, toFloat32 } from "../../importers/tensors/index.js";
import type { NmirModule } from "../../nmir/index.js";
import { quantizeInputs } from "../quantize-inputs.js";

export const argmax = (x: ArrayLike<number>): number => {
  let b = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[b]!) b = i;
  return b;
};

/** mulberry32 uniforms through Box–Muller: standard normal values, as torch.randn made the fixture inputs. */
export function gaussian(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Float64Array.from({ length: n }, () => {
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    return r * Math.cos(2 * Math.PI * uniform());
  });
}

export interface GoldenNet {
  graph: NetGraph;
  input: string;
  shape: number[];
  per: number;
  /** The fixture's saved inputs (`<name>.input.npy`), one array per sample. */
  fixtureInputs: Float64Array[];
}

/** A golden ONNX fixture (test/fixtures/golden/onnx) with its single input's id and shape. */
export function loadGolden(name: string): GoldenNet {
  const file = (f: string) => packagePath("test", "fixtures", "golden", "onnx", f);
  const { graph } = importOnnx(new Uint8Array(readFileSync(file(`${name}.onnx`))), `${name}.onnx`);
  const [input, node] = [...graph.nodes].find(([, n]) => n.kind === "Input")!;
  const shape = node.kind === "Input" ? [...node.shape] : [];
  const per = shape.reduce((a, b) => a * b, 1);
  const saved = readNpyFile(file(`${name}.input.npy`));
  const flat = toFloat32(saved);
  const fixtureInputs = Array.from({ length: saved.shape[0]! }, (_, b) =>
    Float64Array.from(flat.subarray(b * per, (b + 1) * per)),
  );
  return { graph, input, shape, per, fixtureInputs };
}

/** The ANN's class for each input: argmax of the float reference's output, one step. */
export function annClasses(net: GoldenNet, xs: readonly Float64Array[]): number[] {
  return xs.map((x) => {
    const r = runFloat(net.graph, { [net.input]: { shape: [1, ...net.shape], data: x } }, { dt: 1 });
    return argmax([...r.outputs.values()][0]![0]!);
  });
}

/** Samples stacked into one tensor [N, ...shape], each repeated `steps` times when given ([N, steps, ...]). */
export function stack(net: GoldenNet, xs: readonly Float64Array[], steps?: number) {
  const T = steps ?? 1;
  const data = new Float64Array(xs.length * T * net.per);
  xs.forEach((x, i) => {
    for (let t = 0; t < T; t++) data.set(x, (i * T + t) * net.per);
  });
  const shape = steps === undefined ? [xs.length, ...net.shape] : [xs.length, steps, ...net.shape];
  return { shape, data };
}

/**
 * Per checkpoint step, the fraction of inputs whose output accumulator (the state v of the population the
 * module's first output reads) has its argmax at `truth`. The analog input is fed every step: as is at stage
 * lowered, through `quantizeInputs` at stage quantized. v is read, not the output payload: an 8-bit payload
 * of a sum over T steps cannot separate classes whose scores differ by less than 1/127 of the range.
 */
export function accumulatorAgreement(
  ir: NmirModule,
  net: GoldenNet,
  xs: readonly Float64Array[],
  truth: readonly number[],
  checkpoints: readonly number[],
): number[] {
  const runner = createReferenceRunner(ir);
  const acc = ir.outputs[0]!.src;
  const last = Math.max(...checkpoints);
  const hits = checkpoints.map(() => 0);
  xs.forEach((x, s) => {
    runner.reset();
    const step =
      ir.stage === "quantized"
        ? quantizeInputs(ir, { [net.input]: { shape: [1, ...net.shape], data: x } }).get(net.input)!.data
        : x;
    for (let t = 1; t <= last; t++) {
      runner.step({ [net.input]: step });
      const k = checkpoints.indexOf(t);
      if (k >= 0 && argmax(runner.state(acc).v!) === truth[s]) hits[k]!++;
    }
  });
  return hits.map((h) => h / xs.length);
}

/** Largest |a[i] − b[i]|. */
export const maxDiff = (a: ArrayLike<number>, b: readonly number[]): number =>
  b.reduce((m, v, i) => Math.max(m, Math.abs(a[i]! - v)), 0);

export const aff = (w: number[][], b: number[]) =>
  createAffine(ndarray([w.length, w[0]!.length], w.flat()), ndarray([b.length], b));

/** x [2] → fc1 → relu1 → fc2 → output; relu1 sees [1,2,2], [3,0,2], [0,4,2], [2,2,3] on CAL. */
export function tinyNet(fn: ActivationFn = "relu"): NetGraph {
  const g = createGraph();
  chain(g, [
    ["x", createInput([2])],
    [
      "fc1",
      aff(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        [0, 0, -1],
      ),
    ],
    ["relu1", createActivation(fn, fn === "clamp" ? { min: 0, max: 6 } : {})],
    [
      "fc2",
      aff(
        [
          [1, 1, 1],
          [1, -1, 0],
        ],
        [0.5, 0],
      ),
    ],
    ["output", createOutput()],
  ]);
  return g;
}
export const CAL = { shape: [4, 2], data: [1, 2, 3, 0, -1, 4, 2, 2] };

/** x [1,2,2] → 1×1 conv (w 1) → relu → MaxPool 2 → fc (w 1) → output: λ = 1 (max of CAL is 1). */
export function poolNet(): NetGraph {
  const g = createGraph();
  chain(g, [
    ["x", createInput([1, 2, 2])],
    ["conv", createConv2d({ weight: ndarray([1, 1, 1, 1], [1]) })],
    ["relu", createActivation("relu")],
    ["pool", createMaxPool2d({ kernel: [2, 2] })],
    ["flat", createFlatten()],
    ["fc", aff([[1]], [0])],
    ["output", createOutput()],
  ]);
  return g;
}
