// A parsed SANA-FE network → NetGraph. Each group is one node (Input for spike sources, IF / LIF / CubaLIF for
// leaky_integrate_fire); each connection path is Delay(1 step) → Affine | Reshape→Conv2d→Reshape → target,
// because SANA-FE delivers a spike of step t to the soma at step t + 1. README.md explains every choice.

import { SpikegridError } from "../../../common/errors.js";
import {
  addNode,
  connect,
  createAffine,
  createConv2d,
  createCubaLIF,
  createDelay,
  createGraph,
  createIF,
  createInput,
  createLIF,
  createOutput,
  createReshape,
  type GraphNode,
  type NetGraph,
} from "../../graph/index.js";
import { type NdArray, ndarray, scalar } from "../../graph/ndarray.js";
import type { SanafeEdge, SanafeNetwork } from "./network.js";
import type { LifSoma, Soma } from "./soma.js";
import type { YamlFile } from "./yaml-read.js";

/** Elements of one group-to-group weight matrix the importer builds (dense/sparse/neuron edges). */
export const MAX_SANAFE_MATRIX = 2 ** 26;

/** The recorded inputs of an imported network (graph.metadata.sanafe.inputs), by Input node id. */
export type SanafeInput =
  | { kind: "spikes"; size: number; trains: number[][]; length: number }
  | { kind: "constant"; size: number; values: number[] };

interface PathSpec {
  id: string;
  src: string;
  dst: string;
  node: GraphNode;
  /** conv paths: [C, H, W] of the source. */
  reshape?: number[];
  isAffine: boolean;
}

function param(a: Float64Array): NdArray {
  return a.every((v) => v === a[0]) ? scalar(a[0] ?? 0) : ndarray([a.length], a);
}

function neuronNode(s: LifSoma, n: number, vLeakBias: boolean, where: string): GraphNode {
  const resetMode = s.resetMode === "hard" ? "value" : s.resetMode === "soft" ? "subtract" : "none";
  const common = {
    vThreshold: param(s.threshold),
    vReset: param(s.reset),
    resetMode,
    fire: "gt",
    ...(s.reverseResetMode === "saturate" ? { vMin: param(s.reverseThreshold) } : {}),
  } as const;
  const leaky = s.leakDecay.some((d) => d !== 1);
  const cuba = s.inputDecay.some((d) => d !== 0);
  if (!leaky && !cuba) return createIF({ r: scalar(1), ...common });
  if (s.leakDecay.some((d) => d === 1))
    throw new SpikegridError(
      "UNSUPPORTED",
      `${where}: the group mixes leak_decay 1 with leak_decay < 1${cuba ? " or has input_decay with leak_decay 1" : ""}`,
      {
        hint: "give every neuron of the group a leak_decay < 1, or split the group",
      },
    );
  // v ← d·v + I  ⇔  v ← v + (1/τ)(v_leak − v + R·I) with τ = 1/(1 − d), R = τ; a bias b is v_leak = b·τ
  const tau = s.leakDecay.map((d) => 1 / (1 - d));
  const vLeak = vLeakBias ? s.bias.map((b, i) => b * tau[i]!) : new Float64Array(n);
  if (!cuba) return createLIF({ tau: param(tau), r: param(tau), vLeak: param(vLeak), ...common });
  // u ← id·u + in, v ← d·v + b + u  ⇔  CubaLIF with τ_syn = 1/(1 − id), w_in = τ_syn, τ_mem = τ, R = τ
  const tauSyn = s.inputDecay.map((d) => 1 / (1 - d));
  return createCubaLIF({
    tauSyn: param(tauSyn),
    wIn: param(tauSyn),
    tauMem: param(tau),
    r: param(tau),
    vLeak: param(vLeak),
    ...common,
  });
}

/** Neuron edges and dense/sparse edges between the same two groups sum into one [n_dst, n_src] matrix. */
function matrixOf(f: YamlFile, edges: SanafeEdge[], nSrc: number, nDst: number): Float64Array {
  if (nSrc * nDst > MAX_SANAFE_MATRIX)
    f.fail(
      edges[0]!.path,
      `a ${nDst} × ${nSrc} weight matrix is more than the importer's ${MAX_SANAFE_MATRIX} elements (MAX_SANAFE_MATRIX)`,
      "connect these groups with conv2d, or split them",
      "UNSUPPORTED",
    );
  const w = new Float64Array(nSrc * nDst);
  for (const e of edges) {
    if (e.kind === "dense")
      for (let s = 0; s < nSrc; s++)
        for (let d = 0; d < nDst; d++) w[d * nSrc + s] = w[d * nSrc + s]! + e.weights[s * nDst + d]!;
    else
      e.pairs!.forEach(([s, d], k) => {
        w[d * nSrc + s] = w[d * nSrc + s]! + e.weights[k]!;
      });
  }
  return w;
}

function convWeight(e: SanafeEdge): NdArray {
  const c = e.conv!;
  const [co, ci, kh, kw] = [c.kernelCount, c.inputChannels, c.kernelHeight, c.kernelWidth];
  const w = new Float64Array(co * ci * kh * kw);
  // SANA-FE: filter[((ky·kw + kx)·ci + c_in)·co + c_out]; NetGraph: [c_out, c_in, ky, kx]
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          w[((o * ci + i) * kh + y) * kw + x] = e.weights[((y * kw + x) * ci + i) * co + o]!;
  return ndarray([co, ci, kh, kw], w);
}

/**
 * Back edges of the float reference's schedule (simulator/float/schedule.ts: DFS from the Input nodes, then
 * every node in insertion order): a back edge already reads the previous step, so its path needs no Delay.
 */
function backEdges(g: NetGraph): Set<number> {
  const ids = [...g.nodes.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const adj: number[][] = ids.map(() => []);
  g.edges.forEach((e, i) => {
    adj[index.get(e.src)!]!.push(i);
  });
  const color = new Uint8Array(ids.length);
  const back = new Set<number>();
  const roots = [...ids.keys()].filter((i) => g.nodes.get(ids[i]!)!.kind === "Input");
  for (const root of [...roots, ...ids.keys()]) {
    if (color[root]) continue;
    color[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const out = adj[top[0]]!;
      if (top[1] < out.length) {
        const ei = out[top[1]++]!;
        const w = index.get(g.edges[ei]!.dst)!;
        if (color[w] === 0) {
          color[w] = 1;
          stack.push([w, 0]);
        } else if (color[w] === 1) back.add(ei);
      } else {
        color[top[0]] = 2;
        stack.pop();
      }
    }
  }
  return back;
}

export interface BuiltGraph {
  graph: NetGraph;
  inputs: Record<string, SanafeInput>;
}

export function buildGraph(
  f: YamlFile,
  net: SanafeNetwork,
  somas: Map<string, Soma>,
  warnings: string[],
): BuiltGraph {
  const inputs: Record<string, SanafeInput> = {};
  const byPair = new Map<string, SanafeEdge[]>();
  const paths: PathSpec[] = [];
  for (const [ei, e] of net.edges.entries()) {
    if (somas.get(e.dst)!.kind === "input")
      f.fail(
        e.path,
        `group "${e.dst}" is an input group (spikes:); SANA-FE refuses current sent to an input neuron`,
        "connect into leaky_integrate_fire groups only",
      );
    if (e.delays?.some((d) => d !== 0))
      f.fail(
        e.path,
        "dendrite delays ≠ 0 are not supported yet",
        "remove delay: or set it to 0",
        "UNSUPPORTED",
      );
    if (e.ignored.length)
      warnings.push(`${f.at(e.path)}: edge attributes ${e.ignored.join(", ")} were ignored`);
    if (e.kind === "conv2d") {
      const c = e.conv!;
      const id = `${e.src}->${e.dst}#${ei}`;
      paths.push({
        id,
        src: e.src,
        dst: e.dst,
        node: createConv2d({ weight: convWeight(e), stride: [c.strideHeight, c.strideWidth] }),
        reshape: [c.inputChannels, c.inputHeight, c.inputWidth],
        isAffine: false,
      });
    } else {
      const key = `${e.src}\u0000${e.dst}`;
      byPair.set(key, [...(byPair.get(key) ?? []), e]);
    }
  }
  for (const es of byPair.values()) {
    const { src, dst } = es[0]!;
    const nSrc = net.groups.get(src)!.size;
    const nDst = net.groups.get(dst)!.size;
    paths.push({
      id: `${src}->${dst}`,
      src,
      dst,
      node: createAffine(
        ndarray([nDst, nSrc], matrixOf(f, es, nSrc, nDst)),
        ndarray([nDst], new Float64Array(nDst)),
      ),
      isAffine: true,
    });
  }
  // groups no Input reaches take their biases as a recorded constant input (it also gives them their shape):
  // first those nothing feeds, then, while a cycle stays unreached, its first group in file order
  const reached = new Set([...somas].filter(([, s]) => s.kind === "input").map(([n]) => n));
  const seeds = new Set<string>();
  const spread = () => {
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of paths)
        if (reached.has(p.src) && !reached.has(p.dst)) {
          reached.add(p.dst);
          grew = true;
        }
    }
  };
  for (const name of somas.keys())
    if (!reached.has(name) && !paths.some((p) => p.dst === name)) {
      seeds.add(name);
      reached.add(name);
    }
  spread();
  for (const name of somas.keys())
    if (!reached.has(name)) {
      seeds.add(name);
      reached.add(name);
      spread();
    }
  const g = createGraph({ dt: 1, metadata: { format: "sanafe", network: net.name } });
  const cuba = (s: Soma) => s.kind === "lif" && s.inputDecay.some((d) => d !== 0);
  const biasInputs = new Set<string>();
  for (const [name, s] of somas) {
    const n = net.groups.get(name)!.size;
    if (s.kind === "input") {
      addNode(g, name, createInput([n]));
      inputs[name] = { kind: "spikes", size: n, trains: s.trains, length: s.length };
    } else if (seeds.has(name)) {
      addNode(g, `${name}.bias`, createInput([n]));
      // a CubaLIF takes its bias as v_leak (its input enters u): its input only gives the shape
      inputs[`${name}.bias`] = {
        kind: "constant",
        size: n,
        values: cuba(s) ? new Array(n).fill(0) : [...s.bias],
      };
      biasInputs.add(name);
    }
  }
  for (const [name, s] of somas) {
    if (s.kind !== "lif") continue;
    const n = net.groups.get(name)!.size;
    // CubaLIF adds its input to u, so its bias must be v_leak; elsewhere decided once paths are known
    addNode(g, name, neuronNode(s, n, cuba(s), f.at(net.groups.get(name)!.path)));
    if (biasInputs.has(name)) connect(g, `${name}.bias`, name);
  }
  const pathEdges: number[][] = [];
  for (const p of paths) {
    const first = g.edges.length;
    addNode(g, `${p.id}.delay`, createDelay(scalar(1)));
    connect(g, p.src, `${p.id}.delay`);
    let last = `${p.id}.delay`;
    if (p.reshape) {
      addNode(g, `${p.id}.in`, createReshape(p.reshape));
      connect(g, last, `${p.id}.in`);
      last = `${p.id}.in`;
    }
    addNode(g, p.id, p.node);
    connect(g, last, p.id);
    last = p.id;
    if (p.reshape) {
      addNode(g, `${p.id}.out`, createReshape([net.groups.get(p.dst)!.size]));
      connect(g, last, `${p.id}.out`);
      last = `${p.id}.out`;
    }
    connect(g, last, p.dst);
    pathEdges.push([...Array(g.edges.length - first).keys()].map((k) => first + k));
  }
  const back = backEdges(g);
  const recurrent = paths.map((_, i) => pathEdges[i]!.some((e) => back.has(e)));
  // a recurrent path is cut by the schedule (one step already): drop its Delay
  paths.forEach((p, i) => {
    if (!recurrent[i]) return;
    const d = `${p.id}.delay`;
    const next = g.edges.find((e) => e.src === d)!;
    g.edges = g.edges.filter((e) => e.src !== d && e.dst !== d);
    g.nodes.delete(d);
    connect(g, p.src, next.dst);
  });
  placeBiases(f, net, somas, paths, recurrent, biasInputs, cuba, g, warnings);
  for (const [name, s] of somas)
    if (s.kind === "lif" && !paths.some((p) => p.src === name)) {
      addNode(g, `${name}.out`, createOutput());
      connect(g, name, `${name}.out`);
    }
  return { graph: g, inputs };
}

/** The per-channel biases when every neuron of each output channel has the same bias, else undefined. */
function channelBias(bias: Float64Array, channels: number): Float64Array | undefined {
  const per = bias.length / channels;
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    out[c] = bias[c * per]!;
    for (let i = 1; i < per; i++) if (bias[c * per + i] !== out[c]) return undefined;
  }
  return out;
}

/** A bias goes into the Affine of a non-recurrent path into the group, or its Conv2d when the bias
 * is uniform per channel (exact); else v_leak (leaky groups, float rounding). */
function placeBiases(
  f: YamlFile,
  net: SanafeNetwork,
  somas: Map<string, Soma>,
  paths: PathSpec[],
  recurrent: boolean[],
  biasInputs: Set<string>,
  cuba: (s: Soma) => boolean,
  g: NetGraph,
  warnings: string[],
): void {
  for (const [name, s] of somas) {
    if (s.kind !== "lif" || biasInputs.has(name) || cuba(s) || s.bias.every((b) => b === 0)) continue;
    const i = paths.findIndex((p, k) => p.dst === name && p.isAffine && !recurrent[k]);
    if (i >= 0) {
      const node = g.nodes.get(paths[i]!.id) as { bias: NdArray };
      node.bias = ndarray([s.bias.length], Float64Array.from(s.bias));
      continue;
    }
    const c = paths.findIndex((p, k) => p.dst === name && p.reshape && !recurrent[k]);
    const conv = c >= 0 ? (g.nodes.get(paths[c]!.id) as { weight: NdArray; bias?: NdArray }) : undefined;
    const perChannel = conv && channelBias(s.bias, conv.weight.shape[0]!);
    if (conv && perChannel) {
      conv.bias = ndarray([perChannel.length], perChannel);
      continue;
    }
    const where = f.at(net.groups.get(name)!.path);
    if (s.leakDecay.some((d) => d === 1))
      throw new SpikegridError(
        "UNSUPPORTED",
        `${where}: group "${name}" has biases and leak_decay 1 but is fed only through conv2d or recurrent edges; the importer has no exact place for its bias`,
        {
          hint: "add a dense or sparse edge into it (zero weights are fine), or give it leak_decay < 1",
        },
      );
    const lif = g.nodes.get(name) as { tau: NdArray; vLeak: NdArray };
    const tau = s.leakDecay.map((d) => 1 / (1 - d));
    lif.vLeak = param(s.bias.map((b, k) => b * tau[k]!));
    warnings.push(
      `${where}: group "${name}": bias carried as v_leak = bias / (1 − leak_decay) (exact up to float rounding)`,
    );
  }
}
