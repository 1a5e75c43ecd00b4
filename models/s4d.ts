// Binary S4D (Stan & Rhodes, Sci. Rep. 2024; stanmatei/learning_long_sequences_snns, s4_surrogate.py on the
// state-spaces/s4 SequenceModel) and the backbone the GSU (gsu.ts) shares. One NetGraph step is one sequence
// element (token or pixel). Node ids are the Lightning checkpoint's module paths (encoder.1.0,
// model.layers.N.layer…, decoder.0.0…), so applyStateDict loads official checkpoints by key name.

import { SpikegridError } from "../common/errors.js";
import { createGraph, type NetGraph } from "../compiler/graph/graph.js";
import { type NdArray, scalar } from "../compiler/graph/ndarray.js";
import {
  createActivation,
  createAffine,
  createDiagonalSsm,
  createInput,
  createLayerNorm,
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

/** Rejects settings the official SequenceModel / S4 layer does not have (USAGE). */
export function checkS4Config(c: S4Config): void {
  const bad = (what: string): never => {
    throw new SpikegridError("USAGE", what);
  };
  if (c.dState % 2 !== 0) bad(`d_state ${c.dState} must be even (N/2 complex modes)`);
  if (c.dModel % c.nSsm !== 0) bad(`n_ssm ${c.nSsm} must divide d_model ${c.dModel}`);
  if (!["linear", "embedding"].includes(c.encoder))
    bad(`encoder must be linear or embedding, got "${c.encoder}"`);
  if (!["mean", "last"].includes(c.pool)) bad(`pool must be mean or last, got "${c.pool}"`);
  if (!["diag-inv", "diag-lin"].includes(c.measure))
    bad(`measure must be diag-inv or diag-lin, got "${c.measure}"`);
  if (!["batch", "layer", "none"].includes(c.norm)) bad(`norm must be batch, layer or none, got "${c.norm}"`);
  yes(c.bidirectional, "bidirectional");
  yes(c.prenorm, "prenorm");
}

/**
 * S4D initialisation (SSKernelDiag via `dplr`): λ_n = −0.5 + i·(N/π)(N/(2n+1) − 1) (Inv) or −0.5 + iπn (Lin)
 * and B = 1 for each of the n_ssm tied copies; C (and the reversed kernel's C) and D are 0 until a checkpoint is
 * applied; log Δ spaced evenly in [log 0.001, log 0.1] per channel (the official init draws it uniformly at
 * random; even spacing keeps builds reproducible).
 */
function diagonalSsm(c: S4Config) {
  const h = c.dModel;
  const s = c.nSsm;
  const modes = c.dState / 2;
  const lambdaRe = zeros([s, modes]);
  const lambdaIm = zeros([s, modes]);
  const bRe = zeros([s, modes]);
  for (let r = 0; r < s; r++) {
    for (let k = 0; k < modes; k++) {
      const i = r * modes + k;
      lambdaRe.data[i] = -0.5;
      lambdaIm.data[i] =
        c.measure === "diag-inv" ? (c.dState / Math.PI) * (c.dState / (2 * k + 1) - 1) : Math.PI * k;
      bRe.data[i] = 1;
    }
  }
  const logStep: NdArray = zeros([h]);
  const [lo, hi] = [Math.log(0.001), Math.log(0.1)];
  for (let ch = 0; ch < h; ch++) logStep.data[ch] = h === 1 ? lo : lo + ((hi - lo) * ch) / (h - 1);
  const bidirectional = c.bidirectional === "yes";
  return createDiagonalSsm({
    lambdaRe,
    lambdaIm,
    bRe,
    bIm: zeros([s, modes]),
    cRe: zeros([h, modes]),
    cIm: zeros([h, modes]),
    d: zeros([h]),
    logStep,
    discretization: "bilinear",
    bidirectional,
    ...(bidirectional ? { cBackRe: zeros([h, modes]), cBackIm: zeros([h, modes]) } : {}),
  });
}

/** snntorch fast_sigmoid forward: a spike where y > 0 (s4_surrogate.py `spike_grad(y)`). */
const heaviside = () => createThreshold({ threshold: scalar(0), fire: "gt" });

/** One S4 layer's mixing after its SSM node at `p`; returns the layer output. */
export type S4Layer = (g: NetGraph, p: string, c: S4Config, u: Stream) => Stream;

/** Binary S4D layer: y = K*u + D·u → Heaviside → output_linear (H → 2H) → GLU. Returns the layer output. */
const binaryS4dLayer: S4Layer = (g, p, c, u) => {
  const h = c.dModel;
  // u is the SSM node at the S4 module path `p` (keys `{p}.D`, `{p}.kernel.kernel.*`, state-dict-slots.ts).
  const s = seq(g, u, [
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
};

/**
 * SequenceModel (state-spaces/s4) with `layer` blocks: encoder → n_layers × residual block (pre- or post-norm,
 * residual R) → final norm when prenorm → decoder Linear per step (mean or last over steps is the caller's
 * readout). A bidirectional model runs only as a whole sequence (`runFloat(…, { sequence: "whole" })`).
 */
export function buildS4Model(c: S4Config, name: string, layer: S4Layer): NetGraph {
  checkS4Config(c);
  const prenorm = c.prenorm === "yes";
  const h = c.dModel;
  const g = createGraph({
    dt: 1,
    metadata: {
      model: `${name} ${c.nLayers}L/${h} (N=${c.dState}, ${c.measure}${c.bidirectional === "yes" ? ", bidirectional" : ""})`,
      timeAxis: "sequence element (token or pixel)",
      readout: c.pool === "mean" ? "mean over steps of the head output" : "head output at the last step",
      ...(c.encoder === "embedding" ? { embeddings: ["encoder.1.0"] } : {}),
    },
  });
  let x = feed(g, "input", createInput([c.inputFeatures]), []);
  // nn.Embedding on one-hot tokens is a bias-free linear map (its checkpoint weight [vocab, H] is transposed).
  x = feed(
    g,
    "encoder.1.0",
    c.encoder === "embedding"
      ? createLinear(zeros([h, c.inputFeatures]))
      : createAffine(zeros([h, c.inputFeatures]), zeros([h])),
    x,
  );
  // S4 Normalization: nn.BatchNorm1d or nn.LayerNorm (eps 1e-5) held as `….norm.norm`
  const norm = (id: string, from: Stream) =>
    c.norm === "none" ? from : feed(g, `${id}.norm`, c.norm === "layer" ? layerNorm(h) : batchNorm(h), from);
  for (let i = 0; i < c.nLayers; i++) {
    const p = `model.layers.${i}`;
    const z = prenorm ? norm(`${p}.norm`, x) : x;
    const y = layer(g, `${p}.layer`, c, feed(g, `${p}.layer`, diagonalSsm(c), z));
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

/** nn.LayerNorm(h) at its initialisation (weight 1, bias 0, eps 1e-5). */
export function layerNorm(h: number) {
  const w = zeros([h]);
  w.data.fill(1);
  return createLayerNorm(w, zeros([h]), 1e-5);
}

/** Binary S4D (s4_surrogate.py): S4 layers whose SSM output spikes (y > 0) into a GLU. */
export function buildBinaryS4D(c: S4Config): NetGraph {
  return buildS4Model(c, "binary-s4d", binaryS4dLayer);
}
