// The zoo's Spiking LMUFormer (`buildSpikingLmuFormer`, `slmu_rnn_ms_conv1d`) as a tfjs training model that
// computes exactly what its NetGraph means over a clip of T frames (`runFloat` with `sequence: "whole"`, the
// PyTorch forward; the streaming runner emits the same frames delayed by the look-ahead), batched over samples:
// - TemporalConv k=3 (lookahead 1) is PyTorch's Conv1d(k=3, padding=1): y_t = W0·x_{t−1} + W1·x_t + W2·x_{t+1}
//   with zero padding at both ends of the clip; k=1 convs are per-frame affine maps;
// - BatchNorm: eval uses the running statistics; training normalises with the batch statistics over all
//   samples and steps (PyTorch BatchNorm1d over (B, C, N)) and updates the running ones (momentum 0.1,
//   unbiased variance), as PyTorch does;
// - LIF: spikingjelly MultiStepLIFNode(tau=2, v_reset=0): H = (V + X)/2, spike iff H ≥ v_th, hard reset; the
//   backward pass uses spikingjelly's default surrogate (Sigmoid, α = 4) and detaches the reset
//   (detach_reset=True, as every LIF in the official code);
// - LmuMemory: m_t = Σ_{s≤t} Ā^{t−s} B̄ u_s, a Toeplitz matmul with the float runner's own impulse response;
// - readout: the head applied per step, then the mean over the T steps.
// Parameters are kept under the official PyTorch state_dict keys, so export is a plain copy.

import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "../../compiler/importers/tensors/tensor.js";
import { lmuImpulseResponse } from "../../simulator/float/index.js";
import type { LmuFormerConfig } from "../lmuformer.js";
import { lifLayer } from "./lif-surrogate.js";
import { mulberry32 } from "./mnist-sequences.js";
import { predictInBatches } from "./train-util.js";

type ParamKind = "weight" | "bias" | "gamma" | "beta" | "mean" | "var";
export interface ParamSpec {
  key: string;
  shape: number[];
  kind: ParamKind;
  /** fan_in of the layer (PyTorch's default init bound is 1/√fan_in for weight and bias). */
  fanIn: number;
}

/** Every state_dict entry of `slmu_rnn_ms_conv1d` at `cfg`, in module order. */
export function paramSpecs(cfg: LmuFormerConfig): ParamSpec[] {
  const d = cfg.dim;
  const hidden = Math.floor(d * cfg.mlpRatio);
  const out: ParamSpec[] = [];
  const conv = (key: string, shape: number[], bias: boolean) => {
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    out.push({ key: `${key}.weight`, shape, kind: "weight", fanIn });
    if (bias) out.push({ key: `${key}.bias`, shape: [shape[0]!], kind: "bias", fanIn });
  };
  const bn = (key: string, c: number) => {
    const kinds: [string, ParamKind][] = [
      ["weight", "gamma"],
      ["bias", "beta"],
      ["running_mean", "mean"],
      ["running_var", "var"],
    ];
    for (const [p, kind] of kinds) out.push({ key: `${key}.${p}`, shape: [c], kind, fanIn: 1 });
  };
  conv("patch_embed.proj_conv", [d, cfg.inChannels, 3], false);
  for (const [b, c] of [
    ["proj_bn", "proj_conv1"],
    ["proj_bn1", "proj_conv2"],
    ["proj_bn2", "proj_conv3"],
    ["proj_bn3", "rpe_conv"],
  ]) {
    bn(`patch_embed.${b}`, d);
    conv(`patch_embed.${c}`, [d, d, 3], false);
  }
  for (let i = 0; i < cfg.depth; i++) {
    const p = `block.${i}`;
    bn(`${p}.attn.prev_bn`, d);
    conv(`${p}.attn.lmu.W_u`, [1, d], true);
    bn(`${p}.attn.lmu.bn_u`, 1);
    bn(`${p}.attn.lmu.bn_m`, 2 * d);
    conv(`${p}.attn.lmu.W_h`, [d, 3 * d], true);
    bn(`${p}.attn.lmu.bn_h`, d);
    conv(`${p}.attn.proj_conv`, [d, d, 1], true);
    bn(`${p}.attn.proj_bn`, d);
    bn(`${p}.mlp.fc1_bn`, d);
    conv(`${p}.mlp.fc1_conv`, [hidden, d, 1], true);
    bn(`${p}.mlp.fc2_bn`, hidden);
    conv(`${p}.mlp.fc2_conv`, [d, hidden, 1], true);
  }
  bn("head_bn", d);
  conv("head", [cfg.numClasses, d], true);
  return out;
}

/** The model's tensors by official key; BatchNorm running statistics are non-trainable variables. */
export type Params = Map<string, tf.Variable>;

/** PyTorch's initial state, drawn from mulberry32(seed): U(±1/√fan_in) weights and biases, BN γ=1 β=0 μ=0 σ²=1. */
export function initParams(cfg: LmuFormerConfig, seed: number): Params {
  const rand = mulberry32(seed);
  const params: Params = new Map();
  for (const s of paramSpecs(cfg)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(s.fanIn);
    const data = new Float32Array(n);
    if (s.kind === "weight" || s.kind === "bias")
      for (let i = 0; i < n; i++) data[i] = (2 * rand() - 1) * bound;
    else if (s.kind === "gamma" || s.kind === "var") data.fill(1);
    params.set(s.key, tf.variable(tf.tensor(data, s.shape), s.kind !== "mean" && s.kind !== "var", s.key));
  }
  return params;
}

/** Variables from a state_dict (float32 copies), e.g. a shipped checkpoint. */
export function paramsFromStateDict(cfg: LmuFormerConfig, sd: Map<string, Tensor>): Params {
  const params: Params = new Map();
  for (const s of paramSpecs(cfg)) {
    const t = sd.get(s.key);
    if (!t) throw new Error(`state_dict has no ${s.key}`);
    const data = Float32Array.from(t.data as ArrayLike<number>);
    params.set(s.key, tf.variable(tf.tensor(data, s.shape), s.kind !== "mean" && s.kind !== "var", s.key));
  }
  return params;
}

/** The parameters as a float32 state_dict with the official keys, in module order. */
export function toStateDict(cfg: LmuFormerConfig, params: Params): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const s of paramSpecs(cfg)) {
    const data = params.get(s.key)!.dataSync() as Float32Array;
    sd.set(s.key, { dtype: "float32", shape: [...s.shape], data: Float32Array.from(data) });
  }
  return sd;
}

/** Batch statistics of one BatchNorm in a training step (kept alive for the running-average update). */
export interface BnBatchStats {
  key: string;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

const LIF = new Map([1, 0.5].map((v) => [v, lifLayer(v)]));

/** The forward pass; `stats` collects each BatchNorm's batch statistics when training. */
export class SpikingLmuFormerTf {
  private readonly toeplitz: tf.Tensor2D;

  constructor(
    readonly cfg: LmuFormerConfig,
    readonly steps: number,
  ) {
    const d = 2 * cfg.dim;
    const T = steps;
    const h = lmuImpulseResponse(d, cfg.theta, T); // [d, T]: Ā^t B̄
    const m = new Float32Array(T * T * d); // [s, t·d + i] = H[i, t − s] for t ≥ s
    for (let s = 0; s < T; s++)
      for (let t = s; t < T; t++) for (let i = 0; i < d; i++) m[s * T * d + t * d + i] = h[i * T + t - s]!;
    this.toeplitz = tf.tensor2d(m, [T, T * d]);
  }

  dispose(): void {
    this.toeplitz.dispose();
  }

  /** Mean over steps of the per-step head output: logits [B, numClasses] for x [B, T, inChannels]. */
  logits(p: Params, x: tf.Tensor3D, stats?: BnBatchStats[]): tf.Tensor2D {
    const [B, T] = x.shape;
    const P = (k: string) => p.get(k)!;
    const conv3 = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      const w = P(`${key}.weight`);
      const [cout, cin] = w.shape as [number, number, number];
      // x_{t−1} and x_{t+1} with the clip's zero padding
      const prev = tf.slice(
        tf.pad(v, [
          [0, 0],
          [1, 0],
          [0, 0],
        ]),
        [0, 0, 0],
        [B, T, cin],
      );
      const next = tf.slice(
        tf.pad(v, [
          [0, 0],
          [0, 1],
          [0, 0],
        ]),
        [0, 1, 0],
        [B, T, cin],
      );
      const cat = tf.reshape(tf.concat([prev, v, next], 2), [B * T, 3 * cin]);
      const wm = tf.reshape(tf.transpose(w, [2, 1, 0]), [3 * cin, cout]);
      return tf.reshape(tf.matMul(cat, wm), [B, T, cout]);
    };
    const affine = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      const w = P(`${key}.weight`);
      const cout = w.shape[0]!;
      const w2 = tf.reshape(w, [cout, w.size / cout]);
      const y = tf.add(tf.matMul(tf.reshape(v, [B * T, w2.shape[1]!]), w2, false, true), P(`${key}.bias`));
      return tf.reshape(y, [B, T, cout]);
    };
    const bn = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      let mean: tf.Tensor = P(`${key}.running_mean`);
      let variance: tf.Tensor = P(`${key}.running_var`);
      if (stats) {
        const mom = tf.moments(v, [0, 1]);
        mean = mom.mean;
        variance = mom.variance;
        stats.push({
          key,
          mean: tf.keep(tf.clone(mean)) as tf.Tensor1D,
          variance: tf.keep(tf.clone(variance)) as tf.Tensor1D,
          count: B * T,
        });
      }
      const scale = tf.mul(P(`${key}.weight`), tf.rsqrt(tf.add(variance, 1e-5)));
      return tf.add(tf.mul(tf.sub(v, mean), scale), P(`${key}.bias`));
    };
    const lif = (v: tf.Tensor3D, vth = 1): tf.Tensor3D => LIF.get(vth)!(v) as tf.Tensor3D;
    const pe = "patch_embed";
    let h = conv3(`${pe}.proj_conv`, x);
    for (const [b, c] of [
      ["proj_bn", "proj_conv1"],
      ["proj_bn1", "proj_conv2"],
      ["proj_bn2", "proj_conv3"],
    ]) {
      h = conv3(`${pe}.${c}`, lif(bn(`${pe}.${b}`, h)));
    }
    h = tf.add(h, conv3(`${pe}.rpe_conv`, lif(bn(`${pe}.proj_bn3`, h))));
    const d = this.cfg.dim;
    for (let i = 0; i < this.cfg.depth; i++) {
      const a = `block.${i}.attn`;
      const s = lif(bn(`${a}.prev_bn`, h), 0.5);
      const u = lif(bn(`${a}.lmu.bn_u`, affine(`${a}.lmu.W_u`, s)));
      const mem: tf.Tensor3D = tf.reshape(tf.matMul(tf.reshape(u, [B, T]), this.toeplitz), [B, T, 2 * d]);
      const m = lif(bn(`${a}.lmu.bn_m`, mem));
      const hid = lif(bn(`${a}.lmu.bn_h`, affine(`${a}.lmu.W_h`, tf.concat([m, s], 2))));
      h = tf.add(h, bn(`${a}.proj_bn`, affine(`${a}.proj_conv`, hid)));
      const f = `block.${i}.mlp`;
      const f1 = affine(`${f}.fc1_conv`, lif(bn(`${f}.fc1_bn`, h)));
      h = tf.add(h, affine(`${f}.fc2_conv`, lif(bn(`${f}.fc2_bn`, f1))));
    }
    const perStep = affine("head", lif(bn("head_bn", h)));
    return tf.mean(perStep, 1) as tf.Tensor2D;
  }
}

/** Running-average update of every BatchNorm from one step's batch statistics (PyTorch momentum 0.1). */
export function updateRunningStats(p: Params, stats: BnBatchStats[], momentum = 0.1): void {
  tf.tidy(() => {
    for (const s of stats) {
      const rm = p.get(`${s.key}.running_mean`)!;
      const rv = p.get(`${s.key}.running_var`)!;
      rm.assign(tf.add(tf.mul(rm, 1 - momentum), tf.mul(s.mean, momentum)));
      const unbiased = tf.mul(s.variance, s.count / (s.count - 1));
      rv.assign(tf.add(tf.mul(rv, 1 - momentum), tf.mul(unbiased, momentum)));
    }
  });
  for (const s of stats) {
    s.mean.dispose();
    s.variance.dispose();
  }
}

/** Eval-mode logits [N, classes] for x [N, T, F] (Float32, C order), in batches. */
export function predict(
  model: SpikingLmuFormerTf,
  p: Params,
  x: Float32Array,
  shape: [number, number, number],
  batch = 200,
): Float32Array {
  return predictInBatches((xb) => model.logits(p, xb), model.cfg.numClasses, x, shape, batch);
}

/** Selects the tfjs wasm backend (the one the demos are trained and checked with). */
export async function useWasmBackend(): Promise<void> {
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
}
