// The zoo's causal Binary S4D (`buildBinaryS4D`, s4_surrogate.py) and GSU (`buildGsu`, s4_gsu.py) on the S4
// SequenceModel as tfjs training models that compute exactly what their NetGraphs mean over a clip of T steps
// (`runFloat`), batched over samples:
// - encoder nn.Linear per step; prenorm residual layers x ← x + mix(SSM(LN(x))); final LayerNorm; decoder
//   nn.Linear per step, readout = the mean over the T steps (the decoder's `mode: pool`); the mix is
//   GLU(W·H(y)) (Binary S4D) or GELU(LN((tern(y)·W + b) ⊙ (y·tern(W)))) (GSU, thresholds 0.15·max|·|);
// - the S4D kernel from the official parameters (log_dt, inv_A_real, A_imag, B, C, D), bilinear discretisation
//   as compiler/graph/ssm.ts: K[h, l] = 2·Re Σ_n C·B̄·Ā^l, applied as a causal Toeplitz matmul per channel;
// - H: a spike where y > 0 (snntorch fast_sigmoid forward); backward fast_sigmoid's 1/(1 + slope·|y|)², slope 25;
//   tern(a) = H(a − δ) − H(−a − δ) with the same surrogate and δ held constant in the backward pass.
// Parameters are kept under the official PyTorch state_dict keys, so export is a plain copy.

import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "../../compiler/importers/tensors/tensor.js";
import { GSU_RATIO } from "../gsu.js";
import type { S4Config } from "../s4d.js";
import { mulberry32 } from "./mnist-sequences.js";
import { predictInBatches } from "./train-util.js";

type ParamKind = "uniform" | "ones" | "zeros" | "randn" | "logDt" | "invAReal" | "aImag";
export interface S4ParamSpec {
  key: string;
  shape: number[];
  kind: ParamKind;
  /** fan_in of a linear layer (PyTorch's default bound 1/√fan_in for weight and bias). */
  fanIn: number;
}

export type S4Mixer = "glu" | "gsu";

/** Every state_dict entry of the causal model at `cfg` (linear encoder, LayerNorm), in module order. */
export function s4ParamSpecs(cfg: S4Config, mixer: S4Mixer): S4ParamSpec[] {
  const h = cfg.dModel;
  const m = cfg.dState / 2;
  const s = cfg.nSsm;
  const out: S4ParamSpec[] = [];
  const linear = (key: string, o: number, i: number) => {
    out.push({ key: `${key}.weight`, shape: [o, i], kind: "uniform", fanIn: i });
    out.push({ key: `${key}.bias`, shape: [o], kind: "uniform", fanIn: i });
  };
  const ln = (key: string) => {
    out.push({ key: `${key}.weight`, shape: [h], kind: "ones", fanIn: 1 });
    out.push({ key: `${key}.bias`, shape: [h], kind: "zeros", fanIn: 1 });
  };
  linear("encoder.1.0", h, cfg.inputFeatures);
  for (let i = 0; i < cfg.nLayers; i++) {
    const p = `model.layers.${i}`;
    ln(`${p}.norm.norm`);
    out.push({ key: `${p}.layer.D`, shape: [1, h], kind: "randn", fanIn: 1 });
    const k = `${p}.layer.kernel.kernel`;
    out.push({ key: `${k}.log_dt`, shape: [h], kind: "logDt", fanIn: 1 });
    out.push({ key: `${k}.inv_A_real`, shape: [s, m], kind: "invAReal", fanIn: 1 });
    out.push({ key: `${k}.A_imag`, shape: [s, m], kind: "aImag", fanIn: 1 });
    out.push({ key: `${k}.B`, shape: [s, m, 2], kind: "ones", fanIn: 1 });
    out.push({ key: `${k}.C`, shape: [1, h, m, 2], kind: "randn", fanIn: 1 });
    if (mixer === "glu") linear(`${p}.layer.output_linear.0`, 2 * h, h);
    else {
      out.push({ key: `${p}.layer.GSU`, shape: [h, h], kind: "uniform", fanIn: h });
      out.push({ key: `${p}.layer.GSU_bias`, shape: [h], kind: "zeros", fanIn: h });
      ln(`${p}.layer.norm`);
    }
  }
  ln("model.norm.norm");
  linear("decoder.0.0.output_transform", cfg.numClasses, h);
  return out;
}

export type Params = Map<string, tf.Variable>;

/** Box–Muller normal draws from `rand`. */
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * The official initial state, drawn from mulberry32(seed): linear layers U(±1/√fan_in), LayerNorm 1/0, D ~ N(0,1),
 * C ~ complex N(0,1) (½ variance per part), B = 1 + 0i, A_real = −½, A_imag = (N/π)(N/(2n+1) − 1) (S4D-Inv) or
 * πn (S4D-Lin), log Δ ~ U[log dtMin, log dtMax] (the official range is [0.001, 0.1]).
 */
export function initS4Params(
  cfg: S4Config,
  mixer: S4Mixer,
  seed: number,
  dtMin = 0.001,
  dtMax = 0.1,
): Params {
  const rand = mulberry32(seed);
  const params: Params = new Map();
  const m = cfg.dState / 2;
  for (const s of s4ParamSpecs(cfg, mixer)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      switch (s.kind) {
        case "uniform":
          data[i] = ((2 * rand() - 1) * 1) / Math.sqrt(s.fanIn);
          break;
        case "ones":
          data[i] = s.key.endsWith(".B") ? (i % 2 === 0 ? 1 : 0) : 1;
          break;
        case "zeros":
          break;
        case "randn":
          data[i] = normal(rand) * (s.key.endsWith(".C") ? Math.SQRT1_2 : 1);
          break;
        case "logDt":
          data[i] = Math.log(dtMin) + rand() * (Math.log(dtMax) - Math.log(dtMin));
          break;
        case "invAReal":
          data[i] = Math.log(0.5);
          break;
        case "aImag":
          data[i] =
            cfg.measure === "diag-inv"
              ? (cfg.dState / Math.PI) * (cfg.dState / (2 * (i % m) + 1) - 1)
              : Math.PI * (i % m);
          break;
      }
    }
    params.set(s.key, tf.variable(tf.tensor(data, s.shape), true, s.key));
  }
  return params;
}

/** Variables from a state_dict (float32 copies), e.g. a shipped checkpoint. */
export function s4ParamsFromStateDict(cfg: S4Config, mixer: S4Mixer, sd: Map<string, Tensor>): Params {
  const params: Params = new Map();
  for (const s of s4ParamSpecs(cfg, mixer)) {
    const t = sd.get(s.key);
    if (!t) throw new Error(`state_dict has no ${s.key}`);
    params.set(s.key, tf.variable(tf.tensor(Float32Array.from(t.data as ArrayLike<number>), s.shape), true));
  }
  return params;
}

/** The parameters as a float32 state_dict with the official keys, in module order. */
export function s4ToStateDict(cfg: S4Config, mixer: S4Mixer, params: Params): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const s of s4ParamSpecs(cfg, mixer)) {
    const data = params.get(s.key)!.dataSync() as Float32Array;
    sd.set(s.key, { dtype: "float32", shape: [...s.shape], data: Float32Array.from(data) });
  }
  return sd;
}

/** snntorch fast_sigmoid: forward [y > 0], backward 1/(1 + slope·|y|)². */
export function fastSigmoidSpike(slope = 25) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const y = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([y]);
    return {
      value: tf.cast(tf.greater(y, 0), "float32"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.div(dy, tf.square(tf.add(tf.mul(tf.abs(saved[0]!), slope), 1))),
    };
  });
}

/** The identity forward, a zero gradient: the ternary thresholds are constants to the backward pass. */
const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** Exact GELU, x·Φ(x) (nn.GELU's default, the float runner's). */
const gelu = (x: tf.Tensor): tf.Tensor => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));

/** The forward pass of the sMNIST models on the S4 SequenceModel backbone (the layer mixer is `mixer`). */
export class S4SequenceTf {
  /** [T, T·T] one-hot: lag l → the Toeplitz entries (t, s) with t − s = l (wasm has no gather gradient). */
  private readonly lagSpread: tf.Tensor2D;
  private readonly spike = fastSigmoidSpike();

  constructor(
    readonly cfg: S4Config,
    readonly mixer: S4Mixer,
    readonly steps: number,
  ) {
    const T = steps;
    const spread = new Float32Array(T * T * T);
    for (let t = 0; t < T; t++) for (let s = 0; s <= t; s++) spread[(t - s) * T * T + t * T + s] = 1;
    this.lagSpread = tf.tensor2d(spread, [T, T * T]);
  }

  dispose(): void {
    this.lagSpread.dispose();
  }

  /** K [H, T]: 2·Re Σ_n C·B̄·Ā^l with (Ā, B̄) bilinear from Δ = exp(log_dt), λ = −exp(inv_A_real) + i·A_imag. */
  ssmKernel(p: Params, prefix: string): tf.Tensor2D {
    const P = (k: string) => p.get(`${prefix}.kernel.kernel.${k}`)!;
    const h = this.cfg.dModel;
    const m = this.cfg.dState / 2;
    const s = this.cfg.nSsm;
    // channel c reads tied row c mod S (S4's `(v t)` repeat)
    const tile = (v: tf.Tensor) => tf.tile(v, [h / s, 1]);
    const delta = tf.reshape(tf.exp(P("log_dt")), [h, 1]);
    const lr = tile(tf.neg(tf.exp(P("inv_A_real"))));
    const li = tile(P("A_imag"));
    const b = P("B");
    const br = tile(tf.reshape(tf.slice(b, [0, 0, 0], [s, m, 1]), [s, m]));
    const bi = tile(tf.reshape(tf.slice(b, [0, 0, 1], [s, m, 1]), [s, m]));
    const c = P("C");
    const cr = tf.reshape(tf.slice(c, [0, 0, 0, 0], [1, h, m, 1]), [h, m]);
    const ci = tf.reshape(tf.slice(c, [0, 0, 0, 1], [1, h, m, 1]), [h, m]);
    const half = tf.mul(delta, 0.5);
    const nr = tf.add(1, tf.mul(lr, half));
    const ni = tf.mul(li, half);
    const dr = tf.sub(1, tf.mul(lr, half));
    const di = tf.neg(ni);
    const den = tf.add(tf.square(dr), tf.square(di));
    const ar = tf.div(tf.add(tf.mul(nr, dr), tf.mul(ni, di)), den);
    const ai = tf.div(tf.sub(tf.mul(ni, dr), tf.mul(nr, di)), den);
    // B̄ = Δ/(dr + i·di)·B
    const fr = tf.div(tf.mul(delta, dr), den);
    const fi = tf.div(tf.mul(tf.neg(delta), di), den);
    const bbr = tf.sub(tf.mul(fr, br), tf.mul(fi, bi));
    const bbi = tf.add(tf.mul(fr, bi), tf.mul(fi, br));
    // W = C·B̄, then Re(W·Ā^l) for l = 0…T−1 by repeated multiplication
    let wr: tf.Tensor = tf.sub(tf.mul(cr, bbr), tf.mul(ci, bbi));
    let wi: tf.Tensor = tf.add(tf.mul(cr, bbi), tf.mul(ci, bbr));
    const cols: tf.Tensor[] = [];
    for (let l = 0; l < this.steps; l++) {
      cols.push(tf.mul(tf.sum(wr, 1, true), 2));
      const nwr = tf.sub(tf.mul(wr, ar), tf.mul(wi, ai));
      wi = tf.add(tf.mul(wr, ai), tf.mul(wi, ar));
      wr = nwr;
    }
    return tf.concat(cols, 1) as tf.Tensor2D;
  }

  /** y = K * u + D·u over u [B, T, H] (causal, zero initial state). */
  ssm(p: Params, prefix: string, u: tf.Tensor3D): tf.Tensor3D {
    const [, T, h] = u.shape;
    const k = this.ssmKernel(p, prefix);
    // toe [H, T(t), T(s)] = K[h, t − s] for s ≤ t
    const toe = tf.reshape(tf.matMul(k, this.lagSpread), [h, T, T]);
    const uh = tf.transpose(u, [2, 1, 0]) as tf.Tensor3D; // [H, T(s), B]
    const y = tf.transpose(tf.matMul(toe, uh), [2, 1, 0]) as tf.Tensor3D; // [B, T, H]
    return tf.add(y, tf.mul(u, tf.reshape(p.get(`${prefix}.D`)!, [h])));
  }

  /** Mean over steps of the decoder output: logits [B, classes] for x [B, T, inputFeatures]. */
  logits(p: Params, x: tf.Tensor3D): tf.Tensor2D {
    const [B, T] = x.shape;
    const h = this.cfg.dModel;
    const P = (k: string) => p.get(k)!;
    const linear = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      const w = P(`${key}.weight`);
      const y = tf.add(tf.matMul(tf.reshape(v, [B * T, w.shape[1]!]), w, false, true), P(`${key}.bias`));
      return tf.reshape(y, [B, T, w.shape[0]!]);
    };
    const ln = (key: string, v: tf.Tensor3D): tf.Tensor3D => {
      const { mean, variance } = tf.moments(v, 2, true);
      const z = tf.mul(tf.sub(v, mean), tf.rsqrt(tf.add(variance, 1e-5)));
      return tf.add(tf.mul(z, P(`${key}.weight`)), P(`${key}.bias`));
    };
    const tern = (a: tf.Tensor, axis?: number): tf.Tensor => {
      const delta = stopGradient(tf.mul(tf.max(tf.abs(a), axis, true), GSU_RATIO));
      return tf.sub(this.spike(tf.sub(a, delta)), this.spike(tf.sub(tf.neg(a), delta)));
    };
    const flat = (v: tf.Tensor) => tf.reshape(v, [B * T, h]);
    let u = linear("encoder.1.0", x);
    for (let i = 0; i < this.cfg.nLayers; i++) {
      const pre = `model.layers.${i}`;
      const y = this.ssm(p, `${pre}.layer`, ln(`${pre}.norm.norm`, u));
      if (this.mixer === "glu") {
        const v = linear(`${pre}.layer.output_linear.0`, this.spike(y) as tf.Tensor3D);
        const a = tf.slice(v, [0, 0, 0], [B, T, h]);
        const g = tf.sigmoid(tf.slice(v, [0, 0, h], [B, T, h]));
        u = tf.add(u, tf.mul(a, g));
      } else {
        const w = P(`${pre}.layer.GSU`);
        const a = tf.add(tf.matMul(flat(tern(y, 2)), w), P(`${pre}.layer.GSU_bias`));
        const gate = tf.matMul(flat(y), tern(w));
        const mixed = tf.reshape(tf.mul(a, gate), [B, T, h]) as tf.Tensor3D;
        u = tf.add(u, gelu(ln(`${pre}.layer.norm`, mixed))) as tf.Tensor3D;
      }
    }
    return tf.mean(linear("decoder.0.0.output_transform", ln("model.norm.norm", u)), 1) as tf.Tensor2D;
  }
}

/** Eval logits [N, classes] for x [N, T, F] (Float32, C order), in batches. */
export function predictS4(
  model: S4SequenceTf,
  p: Params,
  x: Float32Array,
  shape: [number, number, number],
  batch = 200,
): Float32Array {
  return predictInBatches((xb) => model.logits(p, xb), model.cfg.numClasses, x, shape, batch);
}
