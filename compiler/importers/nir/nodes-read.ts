// NIR node type → NetGraph node, one builder per primitive of reference table A.2 (NIRGraph is read in read.ts).
// NIR field names map to NetGraph's camelCase fields; missing optional fields get the NIR reference defaults.

import {
  createAffine,
  createAvgPool2d,
  createConv1d,
  createConv2d,
  createCubaLI,
  createCubaLIF,
  createDelay,
  createFlatten,
  createI,
  createIF,
  createInput,
  createLI,
  createLIF,
  createLinear,
  createOutput,
  createScale,
  createSumPool2d,
  createThreshold,
  type GraphNode,
  type NdArray,
  type ResetMode,
  sizeOf,
} from "../../graph/index.js";
import type { Fields } from "./fields.js";

function filledLike(a: NdArray, value: number, shape: number[] = a.shape): NdArray {
  const data =
    a.data instanceof Float32Array ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape));
  return { shape: [...shape], data: data.fill(value) };
}

/** v_reset, or zeros like v_threshold with the importer's reset mode when the file predates v_reset. */
function reset(f: Fields, vThreshold: NdArray): { vReset: NdArray; resetMode: ResetMode } {
  const vReset = f.optFloat("v_reset");
  if (vReset) return { vReset, resetMode: "value" };
  f.ctx.defaultedReset.push(f.path);
  return { vReset: filledLike(vThreshold, 0), resetMode: f.ctx.resetMode };
}

/** NIR CubaLI/CubaLIF `w_in` defaults to 1 (v0.2 files did not write it). */
function wIn(f: Fields, like: NdArray): NdArray {
  return f.optFloat("w_in") ?? filledLike(like, 1);
}

/**
 * Per spatial dim [begin, end] padding from NIR's `padding`: an int or n-tuple (symmetric), "valid" (0) or
 * "same" (PyTorch: total d·(k−1), begin = ⌊total/2⌋, the extra one at the end for even kernels).
 */
function convPads(f: Fields, kernel: number[], dilation: number[], stride: number[]): [number, number][] {
  const nd = stride.length;
  if (f.isString("padding")) {
    const mode = f.str("padding");
    if (mode === "valid") return stride.map(() => [0, 0]);
    if (mode !== "same") f.fail(`padding "${mode}" is neither "same", "valid" nor a number`);
    if (kernel.length !== nd) f.fail(`padding "same" needs a weight with ${nd} kernel dims`);
    if (stride.some((s) => s !== 1)) f.fail(`padding "same" needs stride 1 (PyTorch rejects it otherwise)`);
    return kernel.map((k, i) => {
      const total = dilation[i]! * (k - 1);
      const begin = Math.floor(total / 2);
      return [begin, total - begin];
    });
  }
  return f.tuple("padding", nd, Array(nd).fill(0)).map((p) => [p, p]);
}

function bias(f: Fields, weight: NdArray): NdArray {
  // Conv/Affine nodes always carry a bias after import, so that export → import reproduces the node exactly.
  return f.optFloat("bias") ?? filledLike(weight, 0, [weight.shape[0] ?? 1]);
}

function pool(f: Fields, kind: "SumPool2d" | "AvgPool2d"): GraphNode {
  const kernel = f.tuple("kernel_size", 2) as [number, number];
  const stride = f.tuple("stride", 2, kernel) as [number, number];
  const [ph, pw] = f.tuple("padding", 2, [0, 0]) as [number, number];
  const p = { kernel, stride, pads: [ph, pw, ph, pw] as [number, number, number, number] };
  return kind === "SumPool2d" ? createSumPool2d(p) : createAvgPool2d(p);
}

function flattenInputShape(f: Fields): number[] | undefined {
  if (f.has("input_type") && f.subgroup("input_type")) {
    // Some writers stored the in-memory dict {"input": shape} as a group.
    const g = f.subgroup("input_type")!;
    const v = f.plainIn(g, "input");
    return Array.isArray(v) ? (v as number[]) : [v as number];
  }
  return f.has("input_type") ? f.shape("input_type") : undefined;
}

type Builder = (f: Fields) => GraphNode;

const BUILDERS: Record<string, Builder> = {
  Input: (f) => createInput(f.shape("shape")),
  Output: (f) => createOutput(f.has("shape") ? f.shape("shape") : undefined),
  Affine: (f) => {
    const weight = f.float("weight");
    return createAffine(weight, f.optFloat("bias") ?? filledLike(weight, 0, [weight.shape.at(-2) ?? 1]));
  },
  Linear: (f) => createLinear(f.float("weight")),
  Scale: (f) => createScale(f.float("scale")),
  Conv1d: (f) => {
    const weight = f.float("weight");
    const stride = f.int("stride", 1);
    const dilation = f.int("dilation", 1);
    const [pads] = convPads(f, weight.shape.slice(2), [dilation], [stride]);
    const node = createConv1d({
      weight,
      bias: bias(f, weight),
      stride,
      pads: pads!,
      dilation,
      groups: f.int("groups", 1),
    });
    if (f.has("input_shape")) node.inputLength = f.int("input_shape");
    return node;
  },
  Conv2d: (f) => {
    const weight = f.float("weight");
    const stride = f.tuple("stride", 2, [1, 1]) as [number, number];
    const dilation = f.tuple("dilation", 2, [1, 1]) as [number, number];
    const [h, w] = convPads(f, weight.shape.slice(2), dilation, stride) as [
      [number, number],
      [number, number],
    ];
    const node = createConv2d({
      weight,
      bias: bias(f, weight),
      stride,
      pads: [h[0], w[0], h[1], w[1]],
      dilation,
      groups: f.int("groups", 1),
    });
    if (f.has("input_shape")) node.inputSize = f.tuple("input_shape", 2) as [number, number];
    return node;
  },
  SumPool2d: (f) => pool(f, "SumPool2d"),
  AvgPool2d: (f) => pool(f, "AvgPool2d"),
  // NIR's Flatten defaults are PyTorch's (start_dim 1, end_dim −1); files always write both.
  Flatten: (f) => createFlatten(f.int("start_dim", 1), f.int("end_dim", -1), flattenInputShape(f)),
  Delay: (f) => createDelay(f.float("delay")),
  Threshold: (f) => createThreshold({ threshold: f.float("threshold") }),
  I: (f) => createI({ r: f.float("r") }),
  IF: (f) => {
    const vThreshold = f.float("v_threshold");
    return createIF({ r: f.float("r"), vThreshold, ...reset(f, vThreshold) });
  },
  LI: (f) => createLI({ tau: f.float("tau"), r: f.float("r"), vLeak: f.float("v_leak") }),
  LIF: (f) => {
    const vThreshold = f.float("v_threshold");
    const p = { tau: f.float("tau"), r: f.float("r"), vLeak: f.float("v_leak") };
    return createLIF({ ...p, vThreshold, ...reset(f, vThreshold) });
  },
  CubaLI: (f) => {
    const r = f.float("r");
    const p = { tauSyn: f.float("tau_syn"), tauMem: f.float("tau_mem"), r, vLeak: f.float("v_leak") };
    return createCubaLI({ ...p, wIn: wIn(f, r) });
  },
  CubaLIF: (f) => {
    const r = f.float("r");
    const vThreshold = f.float("v_threshold");
    const p = { tauSyn: f.float("tau_syn"), tauMem: f.float("tau_mem"), r, vLeak: f.float("v_leak") };
    return createCubaLIF({ ...p, vThreshold, ...reset(f, vThreshold), wIn: wIn(f, r) });
  },
};

/** Every NIR `type` this importer reads. */
export const SUPPORTED_TYPES: readonly string[] = ["NIRGraph", ...Object.keys(BUILDERS)];

/** Builds the NetGraph node for a non-graph NIR node; unknown types fail naming the node and the supported list. */
export function buildNode(f: Fields): GraphNode {
  const build = Object.hasOwn(BUILDERS, f.type) ? BUILDERS[f.type] : undefined;
  if (!build) f.fail(`unknown NIR type "${f.type}" (supported: ${SUPPORTED_TYPES.join(", ")})`);
  const node = build(f);
  const extra = f.unused();
  if (extra.length)
    f.ctx.warnings.push(`${f.where}: ignored unknown field(s) ${extra.map((n) => `"${n}"`).join(", ")}`);
  return node;
}
