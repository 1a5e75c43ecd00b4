// Binary S4D and GSU (Stan & Rhodes, Sci. Rep. 2024; stanmatei/learning_long_sequences_snns, s4_surrogate.py and
// s4_gsu.py on the state-spaces/s4 SequenceModel). One NetGraph step is one sequence element (token or pixel).
// Node ids are the Lightning checkpoint's module paths (encoder.1.0, model.layers.N.layer…, decoder.0.0…).

import { SpikegridError } from "../common/errors.js";
import { createGraph, type NetGraph } from "../compiler/graph/graph.js";
import { type NdArray, scalar } from "../compiler/graph/ndarray.js";
import {
  createActivation,
  createAffine,
  createDiagonalSsm,
  createInput,
  createLinear,
  createOutput,
  createProduct,
  createReshape,
  createThreshold,
} from "../compiler/graph/nodes.js";
import { batchNorm, feed, type Stream, seq, zeros } from "./layers.js";
import { splitHead } from "./spikformer.js";

export interface S4Config {
  /** d_input of the linear encoder, or the vocabulary size of an embedding encoder (one-hot input). */
  inputFeatures: number;
  /** H. */
  dModel: number;
  nLayers: number;
  /** N: the real state size; the kernel keeps N/2 complex modes per channel. */
  dState: number;
  numClasses: number;
  /** Trainable (A, B, dt) copies shared by the H channels (S4 `n_ssm`; null in the configs = H). */
  nSsm: number;
  /** "linear" (nn.Linear d_input → H) or "embedding" (nn.Embedding vocab → H, given one-hot tokens). */
  encoder: string;
  bidirectional: string;
  prenorm: string;
  /** "batch", "layer" or "none" (S4 Normalization). */
  norm: string;
  /** "diag-inv" (S4D-Inv) or "diag-lin" (S4D-Lin). */
  measure: string;
  /** The decoder's readout over steps, the caller's: "mean" (`mode: pool`) or "last". */
  pool: string;
}

/** Small unidirectional sMNIST configuration (the README's example; sizes are the caller's to override). */
export const s4SmnistDefaults: S4Config = {
  inputFeatures: 1,
  dModel: 64,
  nLayers: 2,
  dState: 64,
  numClasses: 10,
  nSsm: 64,
  encoder: "linear",
  bidirectional: "no",
  prenorm: "yes",
  norm: "batch",
  measure: "diag-inv",
  pool: "mean",
};

const yes = (v: string, key: string): boolean => {
  if (v !== "yes" && v !== "no")
    throw new SpikegridError("USAGE", `S4 setting "${key}" must be yes or no, got "${v}"`);
  return v === "yes";
};

/** The official parameter count of a configuration, split by where it sits (module shapes of s4_*.py). */
export interface S4ParamCount {
  encoder: number;
  layers: number;
  finalNorm: number;
  decoder: number;
  total: number;
}

export function s4ParamCount(c: S4Config, mixer: "glu" | "gsu"): S4ParamCount {
  const h = c.dModel;
  const n = c.dState;
  const channels = yes(c.bidirectional, "bidirectional") ? 2 : 1;
  const norm = c.norm === "none" ? 0 : 2 * h;
  // kernel.C (channels × H × N/2 complex), log_dt, B (n_ssm × N/2 complex), inv_A_real, A_imag, D
  const ssm = channels * h * n + h + c.nSsm * n + c.nSsm * n + h;
  // GLU: Linear(H → 2H); GSU: one H × H matrix, its bias and the LayerNorm(H) inside the layer
  const mix = mixer === "glu" ? 2 * h * h + 2 * h : h * h + h + 2 * h;
  const encoder = c.encoder === "embedding" ? c.inputFeatures * h : c.inputFeatures * h + h;
  const out: S4ParamCount = {
    encoder,
    layers: c.nLayers * (ssm + mix + norm),
    finalNorm: yes(c.prenorm, "prenorm") ? norm : 0,
    decoder: h * c.numClasses + c.numClasses,
    total: 0,
  };
  out.total = out.encoder + out.layers + out.finalNorm + out.decoder;
  return out;
}

function check(c: S4Config): void {
  const bad = (what: string, hint?: string): never => {
    throw new SpikegridError("USAGE", what, hint ? { hint } : {});
  };
  if (c.dState % 2 !== 0) bad(`d_state ${c.dState} must be even (N/2 complex modes)`);
  if (c.dModel % c.nSsm !== 0) bad(`n_ssm ${c.nSsm} must divide d_model ${c.dModel}`);
  if (!["linear", "embedding"].includes(c.encoder))
    bad(`encoder must be linear or embedding, got "${c.encoder}"`);
  if (!["mean", "last"].includes(c.pool)) bad(`pool must be mean or last, got "${c.pool}"`);
  if (!["diag-inv", "diag-lin"].includes(c.measure))
    bad(`measure must be diag-inv or diag-lin, got "${c.measure}"`);
  if (c.norm === "layer")
    throw new SpikegridError("UNSUPPORTED", "norm=layer: NetGraph has no LayerNorm node kind", {
      hint: "use norm=batch or norm=none; s4ParamCount still gives the official count",
    });
  if (!["batch", "none"].includes(c.norm)) bad(`norm must be batch, layer or none, got "${c.norm}"`);
  if (yes(c.bidirectional, "bidirectional"))
    throw new SpikegridError(
      "UNSUPPORTED",
      "bidirectional S4D: the official layer has a separate C for the reversed kernel, DiagonalSsm has one",
      { hint: "use bidirectional=no; s4ParamCount still gives the official count" },
    );
  yes(c.prenorm, "prenorm");
}

/**
 * S4D initialisation (SSKernelDiag via `dplr`): λ_n = −0.5 + i·(N/π)(N/(2n+1) − 1) (Inv) or −0.5 + iπn (Lin),
 * B = 1, C = 0 and D = 0 until a checkpoint is applied; log Δ spaced evenly in [log 0.001, log 0.1] per channel
 * (the official init draws it uniformly at random; even spacing keeps builds reproducible).
 */
function diagonalSsm(c: S4Config) {
  const h = c.dModel;
  const modes = c.dState / 2;
  const lambdaRe = zeros([h, modes]);
  const lambdaIm = zeros([h, modes]);
  const bRe = zeros([h, modes]);
  for (let ch = 0; ch < h; ch++) {
    for (let k = 0; k < modes; k++) {
      const i = ch * modes + k;
      lambdaRe.data[i] = -0.5;
      lambdaIm.data[i] =
        c.measure === "diag-inv" ? (c.dState / Math.PI) * (c.dState / (2 * k + 1) - 1) : Math.PI * k;
      bRe.data[i] = 1;
    }
  }
  const logStep: NdArray = zeros([h]);
  const [lo, hi] = [Math.log(0.001), Math.log(0.1)];
  for (let ch = 0; ch < h; ch++) logStep.data[ch] = h === 1 ? lo : lo + ((hi - lo) * ch) / (h - 1);
  return createDiagonalSsm({
    lambdaRe,
    lambdaIm,
    bRe,
    bIm: zeros([h, modes]),
    cRe: zeros([h, modes]),
    cIm: zeros([h, modes]),
    d: zeros([h]),
    logStep,
    discretization: "bilinear",
  });
}

/** snntorch fast_sigmoid forward: a spike where y > 0 (s4_surrogate.py `spike_grad(y)`). */
const heaviside = () => createThreshold({ threshold: scalar(0), fire: "gt" });

/** Binary S4D layer: y = K*u + D·u → Heaviside → output_linear (H → 2H) → GLU. Returns the layer output. */
function binaryS4dLayer(g: NetGraph, p: string, c: S4Config, u: Stream): Stream {
  const h = c.dModel;
  // The DiagonalSsm node sits at the S4 module path, so its official keys are `{id}.D`, `{id}.kernel.*`.
  const s = seq(g, u, [
    [p, diagonalSsm(c)],
    [`${p}.spike`, heaviside()],
    [`${p}.output_linear.0`, createAffine(zeros([2 * h, h]), zeros([2 * h]))],
    [`${p}.glu.split`, createReshape([1, 2, h])],
  ]);
  // nn.GLU(dim=-1): first half ⊙ sigmoid(second half)
  const a = splitHead(g, `${p}.glu.a`, s[0]!, 0, 2, 1, h);
  const b = splitHead(g, `${p}.glu.b`, s[0]!, 1, 2, 1, h);
  const gate = feed(g, `${p}.glu.sigmoid`, createActivation("sigmoid"), [b]);
  feed(g, `${p}.glu`, createProduct(), [a], "a");
  g.edges.push({ src: gate[0]!, dst: `${p}.glu`, dstPort: "b" });
  return feed(g, `${p}.glu.flat`, createReshape([h]), [`${p}.glu`]);
}

/**
 * SequenceModel with s4_surrogate layers: encoder → n_layers × residual block (pre- or post-norm, residual R)
 * → final norm when prenorm → decoder Linear per step (mean or last over steps is the caller's readout).
 */
export function buildBinaryS4D(c: S4Config): NetGraph {
  check(c);
  const prenorm = c.prenorm === "yes";
  const h = c.dModel;
  const g = createGraph({
    dt: 1,
    metadata: {
      model: `binary-s4d ${c.nLayers}L/${h} (N=${c.dState}, ${c.measure})`,
      timeAxis: "sequence element (token or pixel)",
      readout: c.pool === "mean" ? "mean over steps of the head output" : "head output at the last step",
    },
  });
  let x = feed(g, "input", createInput([c.inputFeatures]), []);
  // nn.Embedding on one-hot tokens is a bias-free linear map (its checkpoint weight is [vocab, H], transposed).
  x = feed(
    g,
    "encoder.1.0",
    c.encoder === "embedding"
      ? createLinear(zeros([h, c.inputFeatures]))
      : createAffine(zeros([h, c.inputFeatures]), zeros([h])),
    x,
  );
  const norm = (id: string, from: Stream) =>
    c.norm === "none" ? from : feed(g, `${id}.norm`, batchNorm(h), from);
  for (let i = 0; i < c.nLayers; i++) {
    const p = `model.layers.${i}`;
    const z = prenorm ? norm(`${p}.norm`, x) : x;
    const y = binaryS4dLayer(g, `${p}.layer`, c, z);
    x = [...x, ...y];
    if (!prenorm) x = norm(`${p}.norm`, x);
  }
  if (prenorm) x = norm("model.norm", x);
  seq(g, x, [
    ["decoder.0.0.output_transform", createAffine(zeros([c.numClasses, h]), zeros([c.numClasses]))],
    ["output", createOutput()],
  ]);
  return g;
}

/**
 * GSU (s4_gsu.py) needs three things NetGraph cannot express: ternary activations whose threshold is
 * 0.15·max_h|y| of the same step (a data-dependent threshold), ternary weights derived from the learned matrix,
 * and LayerNorm. Building it would change the model, so this reports the gap; `s4ParamCount(c, "gsu")` counts it.
 */
export function buildGsu(c: S4Config): NetGraph {
  check(c);
  throw new SpikegridError("UNSUPPORTED", "the GSU layer cannot be built as a NetGraph", {
    hint: "it needs per-step max-relative ternary thresholds, derived ternary weights and LayerNorm; use buildBinaryS4D",
  });
}
