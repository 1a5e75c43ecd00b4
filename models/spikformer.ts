// Spikformer (Zhou et al., ICLR 2023; ZK-Zhou/spikformer cifar10/model.py, cifar10dvs/model.py, imagenet/model.py).
// Node ids are the official PyTorch module paths. One NetGraph step is one Spikformer timestep T (a static
// image is presented on every step; the mean over steps before the head is the caller's). Token layouts follow
// each official file so checkpoint shapes match: CIFAR [N, D] with nn.Linear; DVS [D, N] with Conv1d k=1;
// ImageNet [D, H, W] with Conv1d k=1 in the attention and Conv2d 1×1 in the MLP.
//
// Multi-head SSA is exact: per head h, q/k/v [N, D] → Reshape [N, H, d] → SumPool2d (kernel 1, stride H, top
// padding H − h) keeps row h behind one zero padding row → SumPool2d kernel [2, 1] adds the zero row away →
// Reshape [N, d]; then DynamicMatmul per head and Concat of the heads along the feature axis.

import { SpikegridError } from "../common/errors.js";
import { createGraph, type NetGraph } from "../compiler/graph/graph.js";
import {
  createAffine,
  createConcat,
  createConv1d,
  createConv2d,
  createDynamicMatmul,
  createFlatten,
  createInput,
  createMaxPool2d,
  createOutput,
  createReduce,
  createReshape,
  createSumPool2d,
  createTranspose,
} from "../compiler/graph/nodes.js";
import { batchNorm, feed, lif, type Stream, seq, zeros } from "./layers.js";

export type SpikformerVariant = "cifar" | "dvs" | "imagenet";

export interface SpikformerConfig {
  variant: SpikformerVariant;
  /** Encoder blocks L. */
  depth: number;
  /** Embedding width D. */
  dim: number;
  heads: number;
  mlpRatio: number;
  inChannels: number;
  imageSize: number;
  numClasses: number;
  /** Timesteps T the official forward uses (recorded in metadata; the caller repeats or streams the input). */
  timesteps: number;
  /**
   * Which of the 4 SPS stages a MaxPool 3×3/2 follows, one 0/1 character per stage: the official CIFAR file
   * pools after the last 2 ("0011"), DVS and ImageNet after all 4 ("1111"), the default per variant. The MNIST
   * demos pool after the first 3 ("1110", 28 → 14 → 7 → 4), which keeps their training cheap.
   */
  spsPooled?: string;
}

const pool = () => createMaxPool2d({ kernel: [3, 3], stride: [2, 2], pads: [1, 1, 1, 1] });

/** SPS: 4 × [Conv2d 3×3 → BN → LIF (→ MaxPool)] then x + RPE(x); returns the [D, h, w] stream and h·w. */
function sps(g: NetGraph, c: SpikformerConfig, x: Stream): { x: Stream; side: number } {
  const widths = [c.dim / 8, c.dim / 4, c.dim / 2, c.dim];
  const mask = c.spsPooled ?? (c.variant === "cifar" ? "0011" : "1111");
  if (!/^[01]{4}$/.test(mask))
    throw new SpikegridError(
      "USAGE",
      `spsPooled must be 4 characters 0 or 1 (one per SPS stage), got "${mask}"`,
    );
  const pooled = [...mask].map((ch) => ch === "1");
  let side = c.imageSize;
  let cin = c.inChannels;
  for (let i = 0; i < 4; i++) {
    const s = i === 0 ? "" : String(i);
    const w = widths[i]!;
    x = seq(g, x, [
      [`patch_embed.proj_conv${s}`, createConv2d({ weight: zeros([w, cin, 3, 3]), pads: [1, 1, 1, 1] })],
      [`patch_embed.proj_bn${s}`, batchNorm(w)],
      [`patch_embed.proj_lif${s}`, lif()],
    ]);
    if (pooled[i]) {
      x = feed(g, `patch_embed.maxpool${s}`, pool(), x);
      side = Math.floor((side - 1) / 2) + 1;
    }
    cin = w;
  }
  const rpe = seq(g, x, [
    ["patch_embed.rpe_conv", createConv2d({ weight: zeros([c.dim, c.dim, 3, 3]), pads: [1, 1, 1, 1] })],
    ["patch_embed.rpe_bn", batchNorm(c.dim)],
    ["patch_embed.rpe_lif", lif()],
  ]);
  return { x: [...x, ...rpe], side };
}

/** Head h of a [N, D] tensor as [N, D/H] (see the file comment). */
export function splitHead(
  g: NetGraph,
  p: string,
  split: string,
  h: number,
  heads: number,
  n: number,
  dh: number,
): string {
  const pick = createSumPool2d({ kernel: [1, 1], stride: [heads, 1], pads: [heads - h, 0, 0, 0] });
  let s = feed(g, `${p}.pick`, h === 0 ? { ...pick, pads: [0, 0, 0, 0] } : pick, [split]);
  if (h > 0) s = feed(g, `${p}.merge`, createSumPool2d({ kernel: [2, 1] }), s);
  return feed(g, `${p}.flat`, createReshape([n, dh]), s)[0]!;
}

/** Multi-head SSA core on q, k, v node ids ([N, D] each); adds the per-head matmuls and returns the heads concatenated [N, D] before attn_lif. */
export function ssaCore(
  g: NetGraph,
  p: string,
  c: SpikformerConfig,
  qkv: [string, string, string],
  n: number,
): string {
  const dh = c.dim / c.heads;
  const split = ["q", "k", "v"].map((t, i) =>
    feed(g, `${p}.${t}_heads`, createReshape([n, c.heads, dh]), [qkv[i]!]),
  );
  feed(g, `${p}.heads_concat`, createConcat(c.heads, 1), []);
  for (let h = 0; h < c.heads; h++) {
    const [q, k, v] = ["q", "k", "v"].map((t, i) =>
      splitHead(g, `${p}.${t}_head${h}`, split[i]![0]!, h, c.heads, n, dh),
    );
    let out: Stream;
    if (c.variant === "imagenet") {
      // x = q @ (kᵀ @ v) · 0.125
      const kt = feed(g, `${p}.kT_head${h}`, createTranspose([1, 0]), [k!]);
      feed(g, `${p}.kv_head${h}`, createDynamicMatmul(false, 1), kt, "a");
      g.edges.push({ src: v!, dst: `${p}.kv_head${h}`, dstPort: "b" });
      out = feed(g, `${p}.out_head${h}`, createDynamicMatmul(false, 0.125), [q!], "a");
      g.edges.push({ src: `${p}.kv_head${h}`, dst: out[0]!, dstPort: "b" });
    } else {
      // CIFAR: (q @ kᵀ · 0.125) @ v; DVS: (q @ kᵀ) @ v · 0.25
      const [s1, s2] = c.variant === "cifar" ? [0.125, 1] : [1, 0.25];
      feed(g, `${p}.attn_head${h}`, createDynamicMatmul(true, s1), [q!], "a");
      g.edges.push({ src: k!, dst: `${p}.attn_head${h}`, dstPort: "b" });
      out = feed(g, `${p}.out_head${h}`, createDynamicMatmul(false, s2), [`${p}.attn_head${h}`], "a");
      g.edges.push({ src: v!, dst: out[0]!, dstPort: "b" });
    }
    g.edges.push({ src: out[0]!, dst: `${p}.heads_concat`, dstPort: `in${h}` });
  }
  return `${p}.heads_concat`;
}

function linear(out: number, inn: number) {
  return createAffine(zeros([out, inn]), zeros([out]));
}
function conv1x1(out: number, inn: number, bias: boolean) {
  return createConv1d({ weight: zeros([out, inn, 1]), ...(bias ? { bias: zeros([out]) } : {}) });
}

/** SSA up to attn_lif: q/k/v → BN → LIF → per-head attention → attn_lif (v_th 0.5), in the block's token layout. */
function ssa(g: NetGraph, p: string, c: SpikformerConfig, tokens: Stream, n: number): Stream {
  const d = c.dim;
  const cifar = c.variant === "cifar";
  const qkv = (["q", "k", "v"] as const).map((t) => {
    const lin = cifar ? linear(d, d) : conv1x1(d, d, false);
    const s = seq(g, tokens, [
      [`${p}.attn.${t}_${cifar ? "linear" : "conv"}`, lin],
      [`${p}.attn.${t}_bn`, batchNorm(d, cifar ? 1 : 0)],
      [`${p}.attn.${t}_lif`, lif()],
    ]);
    return cifar ? s[0]! : feed(g, `${p}.attn.${t}_T`, createTranspose([1, 0]), s)[0]!;
  }) as [string, string, string];
  let a: Stream = [ssaCore(g, `${p}.attn`, c, qkv, n)];
  if (!cifar) a = feed(g, `${p}.attn.heads_T`, createTranspose([1, 0]), a);
  return feed(g, `${p}.attn.attn_lif`, lif(0.5), a);
}

/**
 * A token mixer in place of SSA (FWformer): given the block input tokens (CIFAR [N, D]) it returns a spike
 * stream of the same shape, which feeds the block's proj_linear → proj_bn → proj_lif.
 */
export type TokenMixer = (g: NetGraph, p: string, c: SpikformerConfig, tokens: Stream, n: number) => Stream;

/** One encoder block: x + mixer(x) (SSA by default); x + MLP(x). */
function block(
  g: NetGraph,
  p: string,
  c: SpikformerConfig,
  x: Stream,
  n: number,
  side: number,
  mixer?: TokenMixer,
): Stream {
  const d = c.dim;
  const hidden = Math.floor(d * c.mlpRatio);
  const cifar = c.variant === "cifar";
  // Tokens as the official file holds them: CIFAR [N, D] (BN over axis 1); DVS/ImageNet [D, N].
  const tokens = c.variant === "imagenet" ? feed(g, `${p}.attn.flatten`, createFlatten(1, 2), x) : x;
  let a = mixer ? mixer(g, `${p}.attn`, c, tokens, n) : ssa(g, p, c, tokens, n);
  a = seq(g, a, [
    [`${p}.attn.proj_${cifar ? "linear" : "conv"}`, cifar ? linear(d, d) : conv1x1(d, d, true)],
    [`${p}.attn.proj_bn`, batchNorm(d, cifar ? 1 : 0)],
  ]);
  if (c.variant === "imagenet") a = feed(g, `${p}.attn.unflatten`, createReshape([d, side, side]), a);
  x = [...x, ...feed(g, `${p}.attn.proj_lif`, lif(), a)];
  const fc = (out: number, inn: number) =>
    cifar
      ? linear(out, inn)
      : c.variant === "dvs"
        ? conv1x1(out, inn, true)
        : createConv2d({ weight: zeros([out, inn, 1, 1]), bias: zeros([out]) });
  const kind = cifar ? "linear" : "conv";
  const m = seq(g, x, [
    [`${p}.mlp.fc1_${kind}`, fc(hidden, d)],
    [`${p}.mlp.fc1_bn`, batchNorm(hidden, cifar ? 1 : 0)],
    [`${p}.mlp.fc1_lif`, lif()],
    [`${p}.mlp.fc2_${kind}`, fc(d, hidden)],
    [`${p}.mlp.fc2_bn`, batchNorm(d, cifar ? 1 : 0)],
    [`${p}.mlp.fc2_lif`, lif()],
  ]);
  return [...x, ...m];
}

/** Spikformer-L-D: SPS → L blocks → mean over tokens → head (per step; the mean over T is the caller's). */
export function buildSpikformer(c: SpikformerConfig, mixer?: { name: string; mix: TokenMixer }): NetGraph {
  const g = createGraph({
    dt: 1,
    metadata: {
      model: `${mixer?.name ?? "spikformer"}-${c.depth}-${c.dim} (${c.variant})`,
      timesteps: c.timesteps,
      timeAxis: "Spikformer timestep T (static images repeated on every step)",
      readout: "mean over steps of the head output",
    },
  });
  let x = feed(g, "input", createInput([c.inChannels, c.imageSize, c.imageSize]), []);
  const embed = sps(g, c, x);
  x = feed(g, "patch_embed.flatten", createFlatten(1, 2), embed.x);
  const n = embed.side * embed.side;
  if (c.variant === "cifar") x = feed(g, "patch_embed.tokens", createTranspose([1, 0]), x);
  if (c.variant === "imagenet")
    x = feed(g, "patch_embed.grid", createReshape([c.dim, embed.side, embed.side]), x);
  for (let b = 0; b < c.depth; b++) x = block(g, `block.${b}`, c, x, n, embed.side, mixer?.mix);
  const axes = c.variant === "cifar" ? [0] : c.variant === "dvs" ? [1] : [1, 2];
  seq(g, x, [
    ["token_mean", createReduce("mean", axes)],
    ["head", linear(c.numClasses, c.dim)],
    ["output", createOutput()],
  ]);
  return g;
}
