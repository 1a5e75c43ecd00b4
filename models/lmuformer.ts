// LMUFormer and Spiking LMUFormer (Liu et al., ICLR 2024; zeyuliu1037/LMUFormer src/lmu_rnn.py, src/blocks/*)
// and the two psMNIST notebook models (src/LMUFormer_psMNIST). Node ids are the official PyTorch module paths.
//
// Time axis: the sequence (token) axis of the PyTorch model is NetGraph time; one step is one frame (128 mel
// bins for speech, one pixel for psMNIST). Conv1d k=3/pad=1 over tokens → TemporalConv with lookahead 1;
// Conv1d k=1 → TemporalConv with K = 1 (a per-step affine map that keeps PyTorch's [out, in, 1] weight shape);
// BatchNorm1d → BatchNorm; MultiStepLIFNode over the sequence axis → LIF; the FFT-parallel LMU memory →
// LmuMemory(order, theta) fed by the scalar u_t (identical to the recurrence for t < seq_len).
// The head is applied per step; the readout (mean over steps, or the last step) is the caller's.

import { createGraph, type NetGraph } from "../compiler/graph/graph.js";
import {
  createActivation,
  createAffine,
  createConcat,
  createInput,
  createLmuMemory,
  createOutput,
  createTemporalConv,
} from "../compiler/graph/nodes.js";
import { batchNorm, feed, lif, type Stream, seq, zeros } from "./layers.js";

export interface LmuFormerConfig {
  /** Embedding width D (gsc.yml `dim`). */
  dim: number;
  /** Number of blocks (gsc.yml `layer`). */
  depth: number;
  /** Input features per frame (mel bins). */
  inChannels: number;
  numClasses: number;
  mlpRatio: number;
  /** LMU window θ = seq_len (hard-coded 128 in the official LMU/SLMUMs modules). */
  theta: number;
}

export const lmuFormerDefaults: LmuFormerConfig = {
  dim: 256,
  depth: 1,
  inChannels: 128,
  numClasses: 35,
  mlpRatio: 4,
  theta: 128,
};

/** Conv1d(cin → cout, k, padding (k−1)/2) over the token axis as a TemporalConv. */
function tconv(cout: number, cin: number, k: number, bias: boolean) {
  return createTemporalConv({
    weight: zeros([cout, cin, k]),
    ...(bias ? { bias: zeros([cout]) } : {}),
    lookahead: (k - 1) / 2,
  });
}

function affine(out: number, inn: number) {
  return createAffine(zeros([out, inn]), zeros([out]));
}

/** The LMU cell's m_t and h_t: W_u → f_u → memory → [m; x] → W_h → f_h (spiking adds bn_u, bn_m/f_m, bn_h). */
function lmuCell(
  g: NetGraph,
  p: string,
  x: Stream,
  c: { input: number; hidden: number; memory: number; theta: number; spiking: boolean; bnMemory: boolean },
): Stream {
  let u = feed(g, `${p}.W_u`, affine(1, c.input), x);
  if (c.spiking && c.bnMemory) u = feed(g, `${p}.bn_u`, batchNorm(1), u);
  u = feed(g, `${p}.f_u`, c.spiking ? lif() : createActivation("relu"), u);
  let m = feed(g, `${p}.memory`, createLmuMemory(c.memory, c.theta), u);
  if (c.spiking && c.bnMemory)
    m = seq(g, m, [
      [`${p}.bn_m`, batchNorm(c.memory)],
      [`${p}.f_m`, lif()],
    ]);
  feed(g, `${p}.cat`, createConcat(2, 0), m, "in0");
  for (const src of x) g.edges.push({ src, dst: `${p}.cat`, dstPort: "in1" });
  let h = feed(g, `${p}.W_h`, affine(c.hidden, c.memory + c.input), [`${p}.cat`]);
  if (c.spiking && c.bnMemory) h = feed(g, `${p}.bn_h`, batchNorm(c.hidden), h);
  return feed(g, `${p}.f_h`, c.spiking ? lif() : createActivation("relu"), h);
}

/** `lmu_rnn_conv1d`: Tokenizer → depth × [x + LMU(x); x + ConvFFN(x)] → Linear head per token. */
export function buildLmuFormer(cfg: LmuFormerConfig): NetGraph {
  const { dim: d, inChannels } = cfg;
  const hidden = Math.floor(d * cfg.mlpRatio);
  const g = createGraph({
    dt: 1,
    metadata: {
      model: "lmu_rnn_conv1d",
      timeAxis: "sequence (one frame per step)",
      readout: "mean over steps",
    },
  });
  let x = feed(g, "input", createInput([inChannels]), []);
  for (let i = 0; i < 4; i++) {
    x = seq(g, x, [
      [`patch_embed.conv_layers.${i}.0`, tconv(d, i === 0 ? inChannels : d, 3, false)],
      [`patch_embed.conv_layers.${i}.1`, createActivation("relu")],
      [`patch_embed.conv_layers.${i}.3`, batchNorm(d)],
    ]);
  }
  x = [...x, ...feed(g, "patch_embed.rpe_conv", tconv(d, d, 3, false), x)];
  for (let b = 0; b < cfg.depth; b++) {
    const p = `block.${b}`;
    const lmu = lmuCell(g, `${p}.attn.lmu`, x, {
      input: d,
      hidden: d,
      memory: d,
      theta: cfg.theta,
      spiking: false,
      bnMemory: false,
    });
    const attn = seq(g, lmu, [
      [`${p}.attn.proj_conv`, tconv(d, d, 1, true)],
      [`${p}.attn.proj_bn`, batchNorm(d)],
    ]);
    x = [...x, ...attn];
    const mlp = seq(g, x, [
      [`${p}.mlp.fc1_conv`, tconv(hidden, d, 1, true)],
      [`${p}.mlp.fc1_bn`, batchNorm(hidden)],
      [`${p}.mlp.fc1_lif`, createActivation("gelu")],
      [`${p}.mlp.fc2_conv`, tconv(d, hidden, 1, true)],
      [`${p}.mlp.fc2_bn`, batchNorm(d)],
      [`${p}.mlp.fc2_lif`, createActivation("relu")],
    ]);
    x = [...x, ...mlp];
  }
  seq(g, x, [
    ["head", affine(cfg.numClasses, d)],
    ["output", createOutput()],
  ]);
  return g;
}

/** `slmu_rnn_ms_conv1d`: Conv1d4EBMs → depth × [x + SLMUMs(x); x + ConvFFNMs(x)] → head_bn → head_lif → head. */
export function buildSpikingLmuFormer(cfg: LmuFormerConfig): NetGraph {
  const { dim: d, inChannels } = cfg;
  const hidden = Math.floor(d * cfg.mlpRatio);
  const g = createGraph({
    dt: 1,
    metadata: {
      model: "slmu_rnn_ms_conv1d",
      timeAxis: "sequence (one frame per step)",
      readout: "mean over steps",
    },
  });
  let x = feed(g, "input", createInput([inChannels]), []);
  x = feed(g, "patch_embed.proj_conv", tconv(d, inChannels, 3, false), x);
  for (const [bn, lifId, conv] of [
    ["proj_bn", "proj_lif", "proj_conv1"],
    ["proj_bn1", "proj_lif1", "proj_conv2"],
    ["proj_bn2", "proj_lif2", "proj_conv3"],
  ] as const) {
    x = seq(g, x, [
      [`patch_embed.${bn}`, batchNorm(d)],
      [`patch_embed.${lifId}`, lif()],
      [`patch_embed.${conv}`, tconv(d, d, 3, false)],
    ]);
  }
  const rpe = seq(g, x, [
    ["patch_embed.proj_bn3", batchNorm(d)],
    ["patch_embed.proj_lif3", lif()],
    ["patch_embed.rpe_conv", tconv(d, d, 3, false)],
  ]);
  x = [...x, ...rpe];
  for (let b = 0; b < cfg.depth; b++) {
    const p = `block.${b}`;
    const spikes = seq(g, x, [
      [`${p}.attn.prev_bn`, batchNorm(d)],
      [`${p}.attn.prev_lif`, lif(0.5)],
    ]);
    const lmu = lmuCell(g, `${p}.attn.lmu`, spikes, {
      input: d,
      hidden: d,
      memory: 2 * d,
      theta: cfg.theta,
      spiking: true,
      bnMemory: true,
    });
    const attn = seq(g, lmu, [
      [`${p}.attn.proj_conv`, tconv(d, d, 1, true)],
      [`${p}.attn.proj_bn`, batchNorm(d)],
    ]);
    x = [...x, ...attn];
    const mlp = seq(g, x, [
      [`${p}.mlp.fc1_bn`, batchNorm(d)],
      [`${p}.mlp.fc1_lif`, lif()],
      [`${p}.mlp.fc1_conv`, tconv(hidden, d, 1, true)],
      [`${p}.mlp.fc2_bn`, batchNorm(hidden)],
      [`${p}.mlp.fc2_lif`, lif()],
      [`${p}.mlp.fc2_conv`, tconv(d, hidden, 1, true)],
    ]);
    x = [...x, ...mlp];
  }
  seq(g, x, [
    ["head_bn", batchNorm(d)],
    ["head_lif", lif()],
    ["head", affine(cfg.numClasses, d)],
    ["output", createOutput()],
  ]);
  return g;
}

export interface LmuPsMnistConfig {
  hidden: number;
  memory: number;
  theta: number;
  numClasses: number;
}

export const lmuPsMnistDefaults: LmuPsMnistConfig = { hidden: 346, memory: 468, theta: 784, numClasses: 10 };

/** Notebook `Model` (non-spiking): conv1 (1→3, k1) → bn1 → LMUFFT(3, N_h, N_m) → classifier; readout mean over steps. */
export function buildLmuPsMnist(cfg: LmuPsMnistConfig): NetGraph {
  const g = createGraph({
    dt: 1,
    metadata: { model: "LMUFormer psMNIST (non-spiking)", timeAxis: "pixel", readout: "mean over steps" },
  });
  let x = feed(g, "input", createInput([1]), []);
  x = seq(g, x, [
    ["conv1", tconv(3, 1, 1, true)],
    ["bn1", batchNorm(3)],
  ]);
  const h = lmuCell(g, "lmu_fft", x, {
    input: 3,
    hidden: cfg.hidden,
    memory: cfg.memory,
    theta: cfg.theta,
    spiking: false,
    bnMemory: false,
  });
  seq(g, h, [
    ["classifier", affine(cfg.numClasses, cfg.hidden)],
    ["output", createOutput()],
  ]);
  return g;
}

/** Notebook `Model` (spiking): SpikingLMUFFT(1, N_h, N_m) with LIF on u and h → classifier; readout last step. */
export function buildSpikingLmuPsMnist(cfg: LmuPsMnistConfig): NetGraph {
  const g = createGraph({
    dt: 1,
    metadata: { model: "LMUFormer psMNIST (spiking)", timeAxis: "pixel", readout: "last step" },
  });
  const x = feed(g, "input", createInput([1]), []);
  const h = lmuCell(g, "lmu_fft", x, {
    input: 1,
    hidden: cfg.hidden,
    memory: cfg.memory,
    theta: cfg.theta,
    spiking: true,
    bnMemory: false,
  });
  seq(g, h, [
    ["classifier", affine(cfg.numClasses, cfg.hidden)],
    ["output", createOutput()],
  ]);
  return g;
}
