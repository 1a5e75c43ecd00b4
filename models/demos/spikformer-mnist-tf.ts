// The MNIST Spikformer / FWformer demos (catalog.ts, zoo builders buildSpikformer / buildFwformer, CIFAR layout)
// as a tfjs training model that computes what their NetGraph means over the T steps of a static image
// (`runFloat`, every step the same frame), batched over samples; B·T frames are stacked as b·T + t:
// - SPS: Conv2d 3×3 (pad 1, no bias) as im2col + matMul (the wasm backend has no conv filter gradient) →
//   BatchNorm2d → LIF (→ MaxPool 3×3/2 pad 1 on the spikes), then x + RPE(x);
// - SSA per head: (q·kᵀ·0.125)·v of q/k/v spikes [N, d] → concat → attn_lif (v_th 0.5); or the FW mixer
//   (2dfft: Re(F_N X F_D) = R_N X R_D − I_N X I_D with fixed DFT matrices) → fw_bn → fw_lif (v_th 0.5);
// - proj, MLP, token mean, head per step; the logits are the mean over the T steps.
// BatchNorm and LIF follow spiking-lmuformer-tf.ts (batch statistics over frames and positions, PyTorch
// running averages; spikingjelly LIF with the sigmoid surrogate). Parameters are the graph's state_dict keys.

import * as tf from "@tensorflow/tfjs-core";
import { dftMatrix } from "../../compiler/graph/fixed-transforms.js";
import type { NetGraph } from "../../compiler/graph/graph.js";
import type { ScaleNode } from "../../compiler/graph/nodes.js";
import { expectedKeys } from "../../compiler/importers/apply-state-dict.js";
import type { Tensor } from "../../compiler/importers/tensors/tensor.js";
import { buildFwformer, type FwMixer } from "../fwformer.js";
import { buildSpikformer } from "../spikformer.js";
import type { ImageDemo } from "./catalog.js";
import { lifLayer } from "./lif-surrogate.js";
import { mulberry32 } from "./mnist-sequences.js";
import type { BnBatchStats, Params } from "./spiking-lmuformer-tf.js";

/** The demo's NetGraph (untrained): FWformer when the config names a mixer. */
export function buildImageDemo(demo: ImageDemo): NetGraph {
  const c = demo.config as ImageDemo["config"] & { mixer?: FwMixer };
  return c.mixer ? buildFwformer({ ...c, mixer: c.mixer }) : buildSpikformer(c);
}

type Kind = "weight" | "bias" | "gamma" | "beta" | "mean" | "var" | "fixed";
interface Spec {
  key: string;
  shape: number[];
  kind: Kind;
}

/** Every state_dict entry of the demo's graph, in graph order (bias-free layers have no bias key). */
function specs(demo: ImageDemo): { list: Spec[]; graph: NetGraph } {
  const graph = buildImageDemo(demo);
  const list: Spec[] = [];
  for (const { key, shape } of expectedKeys(graph)) {
    if (!shape) continue;
    const kind: Kind = key.endsWith(".running_mean")
      ? "mean"
      : key.endsWith(".running_var")
        ? "var"
        : /bn\d*\.weight$/.test(key)
          ? "gamma"
          : /bn\d*\.bias$/.test(key)
            ? "beta"
            : key.endsWith(".scale")
              ? "fixed"
              : key.endsWith(".bias")
                ? "bias"
                : "weight";
    list.push({ key, shape: [...shape], kind });
  }
  return { list, graph };
}

const trainable = (k: Kind) => k !== "mean" && k !== "var" && k !== "fixed";

/**
 * PyTorch's initial state from mulberry32(seed): U(±1/√fan_in) weights and biases, BN β=0 μ=0 σ²=1, except BN
 * γ = `gamma` (train-image.ts: 2, so ~16 % of a unit-variance input crosses v_th on the first of T = 2 steps;
 * at PyTorch's γ = 1 only ~2 % do, and after 100 batches the held-out accuracy was 57 % against 67 %).
 */
export function initImageParams(demo: ImageDemo, seed: number, gamma = 1): Params {
  const rand = mulberry32(seed);
  const { list, graph } = specs(demo);
  const shapes = new Map(list.map((s) => [s.key, s.shape]));
  const params: Params = new Map();
  for (const s of list) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (s.kind === "weight" || s.kind === "bias") {
      const w = shapes.get(s.key.replace(/\.bias$/, ".weight"))!;
      const bound = 1 / Math.sqrt(w.slice(1).reduce((a, b) => a * b, 1));
      for (let i = 0; i < n; i++) data[i] = (2 * rand() - 1) * bound;
    } else if (s.kind === "gamma") data.fill(gamma);
    else if (s.kind === "var") data.fill(1);
    else if (s.kind === "fixed") data.set((graph.nodes.get(s.key.slice(0, -6)) as ScaleNode).scale.data);
    params.set(s.key, tf.variable(tf.tensor(data, s.shape), trainable(s.kind), s.key));
  }
  return params;
}

/** Variables from a state_dict (float32 copies), e.g. a shipped checkpoint. */
export function imageParamsFromStateDict(demo: ImageDemo, sd: Map<string, Tensor>): Params {
  const params: Params = new Map();
  for (const s of specs(demo).list) {
    const t = sd.get(s.key);
    if (!t) throw new Error(`state_dict has no ${s.key}`);
    const data = Float32Array.from(t.data as ArrayLike<number>);
    params.set(s.key, tf.variable(tf.tensor(data, s.shape), trainable(s.kind), s.key));
  }
  return params;
}

/** The parameters as a float32 state_dict with the graph's keys, in graph order. */
export function imageStateDict(demo: ImageDemo, params: Params): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const s of specs(demo).list) {
    const data = params.get(s.key)!.dataSync() as Float32Array;
    sd.set(s.key, { dtype: "float32", shape: [...s.shape], data: Float32Array.from(data) });
  }
  return sd;
}

/**
 * The 3×3, pad 1 patches of x [n, h, w, c] as [n·h·w, 9·c] (column (dy·3 + dx)·c + ci), one op with a JS
 * backward (col2im): nine slices and a concat per conv cost more than the convolution's matMul on wasm.
 */
const im2col3x3 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor4D;
  const [n, h, w, c] = x.shape;
  const xs = x.dataSync();
  const cols = new Float32Array(n * h * w * 9 * c);
  // the same index walk for both directions: patch element j of pixel p reads x at q (or nothing at the border)
  const walk = (visit: (j: number, q: number) => void) => {
    for (let b = 0, j = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++)
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++, j += c) {
              const yy = y + dy;
              const xi = xx + dx;
              if (yy >= 0 && yy < h && xi >= 0 && xi < w) visit(j, ((b * h + yy) * w + xi) * c);
            }
  };
  walk((j, q) => {
    for (let k = 0; k < c; k++) cols[j + k] = xs[q + k]!;
  });
  return {
    value: tf.tensor2d(cols, [n * h * w, 9 * c]),
    gradFunc: (dy: tf.Tensor) => {
      const g = dy.dataSync();
      const dx = new Float32Array(n * h * w * c);
      walk((j, q) => {
        for (let k = 0; k < c; k++) dx[q + k]! += g[j + k]!;
      });
      return tf.tensor4d(dx, [n, h, w, c]);
    },
  };
});

const LIF = new Map([1, 0.5].map((v) => [v, lifLayer(v)]));

/** The forward pass; `stats` collects each BatchNorm's batch statistics when training. */
export class SpikformerImageTf {
  private readonly dft?: { rn: tf.Tensor2D; in: tf.Tensor2D; rd: tf.Tensor2D; id: tf.Tensor2D };
  readonly tokens: number;

  constructor(readonly demo: ImageDemo) {
    const c = demo.config as ImageDemo["config"] & { mixer?: FwMixer };
    let side = c.imageSize;
    for (const ch of c.spsPooled) if (ch === "1") side = Math.floor((side - 1) / 2) + 1;
    this.tokens = side * side;
    if (c.mixer !== undefined && c.mixer !== "2dfft")
      throw new Error(`the MNIST demo trainer has the 2dfft mixer only, got ${c.mixer}`);
    if (c.mixer) {
      const m = (n: number, part: "real" | "imag") =>
        tf.tensor2d(Float32Array.from(dftMatrix(n, part)), [n, n]);
      this.dft = {
        rn: m(this.tokens, "real"),
        in: m(this.tokens, "imag"),
        rd: m(c.dim, "real"),
        id: m(c.dim, "imag"),
      };
    }
  }

  dispose(): void {
    if (this.dft) tf.dispose(Object.values(this.dft));
  }

  /** Mean over steps of the per-step head output: logits [B, 10] for images x [B, 28·28] (one frame each). */
  logits(p: Params, x: tf.Tensor2D, stats?: BnBatchStats[]): tf.Tensor2D {
    const c = this.demo.config;
    const T = this.demo.steps;
    const B = x.shape[0];
    const P = (k: string) => p.get(k)!;
    const bn = (key: string, v: tf.Tensor): tf.Tensor => {
      const axes = Array.from({ length: v.rank - 1 }, (_, i) => i);
      let mean: tf.Tensor = P(`${key}.running_mean`);
      let variance: tf.Tensor = P(`${key}.running_var`);
      if (stats) {
        const mom = tf.moments(v, axes);
        mean = mom.mean;
        variance = mom.variance;
        stats.push({
          key,
          mean: tf.keep(tf.clone(mean)) as tf.Tensor1D,
          variance: tf.keep(tf.clone(variance)) as tf.Tensor1D,
          count: v.size / v.shape[v.rank - 1]!,
        });
      }
      const scale = tf.mul(P(`${key}.weight`), tf.rsqrt(tf.add(variance, 1e-5)));
      return tf.add(tf.mul(tf.sub(v, mean), scale), P(`${key}.bias`));
    };
    // frames [B·T, ...] → LIF over each sample's T steps → same shape
    const lif = (v: tf.Tensor, vth = 1): tf.Tensor =>
      tf.reshape(LIF.get(vth)!(tf.reshape(v, [B, T, v.size / (B * T)])), v.shape);
    const conv3x3 = (key: string, v: tf.Tensor4D): tf.Tensor4D => {
      const w = P(`${key}.weight`); // [out, in, 3, 3]
      const [cout, cin] = w.shape as [number, number];
      const [n, h, wd] = v.shape;
      const wm = tf.reshape(tf.transpose(w, [2, 3, 1, 0]), [9 * cin, cout]);
      return tf.reshape(tf.matMul(im2col3x3(v), wm), [n, h, wd, cout]);
    };
    const linear = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      const w = P(`${key}.weight`);
      const [o, i] = w.shape as [number, number];
      const [n, t] = v.shape;
      return tf.reshape(tf.add(tf.matMul(tf.reshape(v, [n * t, i]), w, false, true), P(`${key}.bias`)), [
        n,
        t,
        o,
      ]);
    };

    // SPS on B·T frames (NHWC)
    let h: tf.Tensor4D = tf.reshape(tf.tile(tf.reshape(x, [B, 1, 28 * 28]), [1, T, 1]), [B * T, 28, 28, 1]);
    for (let i = 0; i < 4; i++) {
      const s = i === 0 ? "" : String(i);
      h = lif(bn(`patch_embed.proj_bn${s}`, conv3x3(`patch_embed.proj_conv${s}`, h))) as tf.Tensor4D;
      if (c.spsPooled[i] === "1") h = tf.maxPool(h, 3, 2, 1);
    }
    const rpe = lif(bn("patch_embed.rpe_bn", conv3x3("patch_embed.rpe_conv", h)));
    const n = this.tokens;
    const d = c.dim;
    // [B·T, side, side, D] is already tokens [N, D] per frame (row-major cells, as flatten(2) + transpose)
    let tokens = tf.reshape(tf.add(h, rpe), [B * T, n, d]) as tf.Tensor3D;

    for (let b = 0; b < c.depth; b++) {
      const a = `block.${b}.attn`;
      const mixed = this.dft
        ? this.fwMixer(a, tokens, bn, lif, P(`${a}.fw_dft_im_neg.scale`))
        : this.ssa(a, tokens, bn, lif, linear);
      const proj = lif(bn(`${a}.proj_bn`, linear(`${a}.proj_linear`, mixed)));
      tokens = tf.add(tokens, proj);
      const m = `block.${b}.mlp`;
      const f1 = lif(bn(`${m}.fc1_bn`, linear(`${m}.fc1_linear`, tokens)));
      tokens = tf.add(tokens, lif(bn(`${m}.fc2_bn`, linear(`${m}.fc2_linear`, f1 as tf.Tensor3D))));
    }
    const pooled = tf.reshape(tf.mean(tokens, 1), [B * T, 1, d]) as tf.Tensor3D;
    const perStep = tf.reshape(linear("head", pooled), [B, T, c.numClasses]);
    return tf.mean(perStep, 1) as tf.Tensor2D;
  }

  /** Multi-head SSA on tokens [B·T, N, D]: q/k/v spikes, (q·kᵀ·0.125)·v per head, attn_lif (v_th 0.5). */
  private ssa(
    a: string,
    x: tf.Tensor3D,
    bn: (key: string, v: tf.Tensor) => tf.Tensor,
    lif: (v: tf.Tensor, vth?: number) => tf.Tensor,
    linear: (key: string, v: tf.Tensor3D) => tf.Tensor3D,
  ): tf.Tensor3D {
    const { dim: d, heads } = this.demo.config;
    const [bt, n] = x.shape;
    const dh = d / heads;
    const split = (t: string) =>
      tf.transpose(
        tf.reshape(lif(bn(`${a}.${t}_bn`, linear(`${a}.${t}_linear`, x))), [bt, n, heads, dh]),
        [0, 2, 1, 3],
      ) as tf.Tensor4D;
    const [q, k, v] = ["q", "k", "v"].map(split) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const attn = tf.mul(tf.matMul(q, k, false, true), 0.125);
    const out = tf.reshape(tf.transpose(tf.matMul(attn, v), [0, 2, 1, 3]), [bt, n, d]);
    return lif(out, 0.5) as tf.Tensor3D;
  }

  /** FW 2dfft mixer: R_N X R_D − I_N X I_D on tokens [B·T, N, D], then fw_bn → fw_lif (v_th 0.5). */
  private fwMixer(
    a: string,
    x: tf.Tensor3D,
    bn: (key: string, v: tf.Tensor) => tf.Tensor,
    lif: (v: tf.Tensor, vth?: number) => tf.Tensor,
    neg: tf.Tensor,
  ): tf.Tensor3D {
    const f = this.dft!;
    const [bt, n, d] = x.shape;
    const two = (mn: tf.Tensor2D, md: tf.Tensor2D) => {
      // along tokens: M_N X per frame = (Xᵀ M_Nᵀ)ᵀ; along features: X M_Dᵀ
      const xt = tf.reshape(tf.transpose(x, [0, 2, 1]), [bt * d, n]);
      const alongN = tf.transpose(tf.reshape(tf.matMul(xt, mn, false, true), [bt, d, n]), [0, 2, 1]);
      return tf.reshape(tf.matMul(tf.reshape(alongN, [bt * n, d]), md, false, true), [bt, n, d]);
    };
    const y = tf.add(two(f.rn, f.rd), tf.mul(two(f.in, f.id), neg));
    return lif(bn(`${a}.fw_bn`, y), 0.5) as tf.Tensor3D;
  }
}

/** Eval-mode logits [N, 10] for images x [N, 784] (Float32, row-major digits), `batch` at a time. */
export function predictImages(
  model: SpikformerImageTf,
  p: Params,
  x: Float32Array,
  n: number,
  batch = 100,
): Float32Array {
  const out = new Float32Array(n * 10);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const y = tf.tidy(() => model.logits(p, tf.tensor2d(x.subarray(i * 784, (i + b) * 784), [b, 784])));
    out.set(y.dataSync(), i * 10);
    y.dispose();
  }
  return out;
}
