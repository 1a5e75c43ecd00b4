// convertAnnToSnn, step 4: max pooling of spike rates. The lowering's max on spikes is an OR per step, whose
// rate exceeds the largest rate in the window (two neurons at rate ½ that alternate give rate 1). Here the max
// is built from rates instead: max(a, b) = a + relu(b − a), the relu an IF neuron fed b's spikes minus a's.

import { SpikegridError } from "../../../common/errors.js";
import {
  createConv2d,
  createReshape,
  createScale,
  type Edge,
  type GraphNode,
  inferShapes,
  type MaxPool2dNode,
  type NetGraph,
  ndarray,
  scalar,
} from "../../graph/index.js";
import { freshId, replaceNode } from "../graph-edit.js";
import { rateNeuron } from "./normalize.js";

/** One window value: a combination of the window's input positions (coefficients) plus difference neurons. */
interface WindowValue {
  sel: Float64Array;
  neurons: string[];
}

/**
 * The single edge into MaxPool2d `id`, checked to carry the spikes of a converted ReLU or a rate-coded input
 * (`sources`; directly or through Flatten/Reshape): the only inputs on which the OR and the relu tree mean a max
 * of rates.
 */
export function poolInput(g: NetGraph, id: string, sources: ReadonlySet<string>): Edge {
  const into = (n: string) => g.edges.filter((e) => e.dst === n);
  const ins = into(id);
  let src = ins.length === 1 ? ins[0]!.src : undefined;
  for (let guard = 0; src !== undefined && !sources.has(src) && guard < g.nodes.size; guard++) {
    const k = g.nodes.get(src)?.kind;
    const up = into(src);
    src = (k === "Flatten" || k === "Reshape") && up.length === 1 ? up[0]!.src : undefined;
  }
  if (src === undefined || !sources.has(src)) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `ANN→SNN conversion: node "${id}" (MaxPool2d) does not read the output of one ReLU layer (or a rate-coded input), so it would take the max of currents, not of spike rates`,
      {
        hint: "put the max-pool right after its ReLU (relu(maxpool(x)) = maxpool(relu(x))), or use AvgPool2d",
      },
    );
  }
  return ins[0]!;
}

/**
 * Replaces MaxPool2d `id` by a balanced tree of pairwise maxima over its kh·kw window positions:
 * max(A, B) = A + D with D an IF neuron (v_th 1, subtract, fire ≥) whose input is B − A. A and B are sums of
 * spike trains (window positions picked by depthwise one-hot convs with the pool's stride and pads, and earlier
 * D neurons), so D's spike count follows max(0, N_B − N_A). Positions in the padding read 0, which is the max's
 * −∞ padding for rates ≥ 0. The node keeps its id as a Reshape that sums A's parts, so its readers are unchanged.
 * Returns the difference neurons, kh·kw − 1 populations of the pool's output shape.
 */
export function maxPoolTree(g: NetGraph, id: string, input: Edge, dt: number): string[] {
  const pool = g.nodes.get(id) as MaxPool2dNode;
  const shapes = inferShapes(g).get(id)!;
  const [c] = shapes.inputs.in! as [number];
  const outShape = shapes.outputs.out!;
  const [kh, kw] = pool.kernel;
  const k = kh * kw;
  const added: [string, GraphNode][] = [];
  const edges: Edge[] = [];
  const from = (e: Edge, dst: string): Edge =>
    e.srcPort === undefined ? { src: e.src, dst } : { src: e.src, srcPort: e.srcPort, dst };

  /** A depthwise conv over the pool's input with per-position coefficients `sel` (same kernel per channel). */
  const select = (sel: Float64Array, base: string, dst: string) => {
    if (sel.every((x) => x === 0)) return;
    const conv = freshId(g, base, new Set(added.map(([n]) => n)));
    const w = new Float64Array(c * k);
    for (let ch = 0; ch < c; ch++) w.set(sel, ch * k);
    added.push([
      conv,
      createConv2d({ weight: ndarray([c, 1, kh, kw], w), stride: pool.stride, pads: pool.pads, groups: c }),
    ]);
    edges.push(from(input, conv), { src: conv, dst });
  };

  const neurons: string[] = [];
  const taken = () => new Set(added.map(([n]) => n));
  const maxOf = (a: WindowValue, b: WindowValue): WindowValue => {
    const d = freshId(g, `${id}.max${neurons.length + 1}`, taken());
    // fire on ≥: the inputs are whole spike counts, so v reaches exactly 1 and must fire then, not one spike later
    added.push([d, rateNeuron(dt, "ge")]);
    neurons.push(d);
    select(
      b.sel.map((x, i) => x - a.sel[i]!),
      `${d}.sel`,
      d,
    );
    for (const n of b.neurons) edges.push({ src: n, dst: d });
    if (a.neurons.length > 0) {
      const neg = freshId(g, `${d}.neg`, taken());
      added.push([neg, createScale(scalar(-1))]);
      for (const n of a.neurons) edges.push({ src: n, dst: neg });
      edges.push({ src: neg, dst: d });
    }
    return { sel: a.sel, neurons: [...a.neurons, d] };
  };

  let level: WindowValue[] = Array.from({ length: k }, (_, i) => {
    const sel = new Float64Array(k);
    sel[i] = 1;
    return { sel, neurons: [] };
  });
  while (level.length > 1) {
    const next: WindowValue[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(maxOf(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  const top = level[0]!;
  select(top.sel, `${id}.sel`, id);
  for (const n of top.neurons) edges.push({ src: n, dst: id });

  replaceNode(g, id, [...added, [id, createReshape([...outShape])]]);
  g.edges = g.edges.filter((e) => e !== input);
  g.edges.push(...edges);
  return neurons;
}
