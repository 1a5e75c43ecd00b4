// The GSU's TernaryGatedMix (compiler/graph/nodes-norm.ts) as exact NetGraph nodes for lowerNonlinear:
//   δ_y = ratio·max|y| by a relu tree (max(a, b) = a + relu(b − a)) over [y; −y; 0 …],
//   s⁺ = [y − δ_y > 0], s⁻ = [−y − δ_y > 0] (threshold neurons, fire "gt": snntorch's Heaviside, 0 at ties),
//   out = (s⁺·W − s⁻·W + bias) ⊙ (y·T) with T the ternary weights derived once from W (a product population).

import type { Edge, GraphNode, TernaryGatedMixNode } from "../graph/index.js";
import {
  createActivation,
  createAffine,
  createLinear,
  createProduct,
  createThreshold,
  ndarray,
  scalar,
} from "../graph/index.js";
import { ternaryWeights } from "../graph/nonlinear-math.js";

/** [rows, cols] matrix with entries set by `f(r, c)` (0 elsewhere). */
function matrix(rows: number, cols: number, f: (r: number, c: number) => number): Float64Array {
  const w = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] = f(r, c);
  return w;
}

export function ternaryGatedMixNodes(
  id: string,
  node: TernaryGatedMixNode,
): { nodes: [string, GraphNode][]; edges: Edge[]; entry: string } {
  const [h, hOut] = node.weight.shape as [number, number];
  const w = node.weight.data;
  const t = ternaryWeights(w, node.ratio);
  const nodes: [string, GraphNode][] = [];
  const edges: Edge[] = [];
  const y = `${id}.y`;
  // y, and every level of the max tree, are graded identity populations: each stage then reads one
  // population through one small matrix (composing back through the SSM readout costs H·S unit vectors per path)
  nodes.push([y, createActivation("identity")]);
  // v = [y; −y; 0 …] padded to a power of two (max|y| ≥ 0, so zeros never win)
  let n = 2 ** Math.ceil(Math.log2(2 * h));
  nodes.push([
    `${id}.max0`,
    createLinear(
      ndarray(
        [n, h],
        matrix(n, h, (r, c) => (r === c ? 1 : r === c + h ? -1 : 0)),
      ),
    ),
  ]);
  edges.push({ src: y, dst: `${id}.max0` });
  for (let level = 0; n > 1; level++, n /= 2) {
    const m = `${id}.max${level}`;
    const next = `${id}.max${level + 1}`;
    const half = n / 2;
    // relu(v[2i+1] − v[2i]) and keep v[2i]: their sum is max(v[2i], v[2i+1])
    nodes.push([
      `${m}.diff`,
      createLinear(
        ndarray(
          [half, n],
          matrix(half, n, (r, c) => (c === 2 * r + 1 ? 1 : c === 2 * r ? -1 : 0)),
        ),
      ),
    ]);
    nodes.push([`${m}.relu`, createActivation("relu")]);
    nodes.push([
      `${m}.keep`,
      createLinear(
        ndarray(
          [half, n],
          matrix(half, n, (r, c) => (c === 2 * r ? 1 : 0)),
        ),
      ),
    ]);
    nodes.push([next, createActivation("identity")]);
    edges.push(
      { src: m, dst: `${m}.diff` },
      { src: `${m}.diff`, dst: `${m}.relu` },
      { src: m, dst: `${m}.keep` },
      { src: `${m}.keep`, dst: next },
      { src: `${m}.relu`, dst: next },
    );
    if (half === 1) {
      // −δ_y to every feature, then the two Heavisides
      nodes.push([`${id}.delta`, createLinear(ndarray([h, 1], new Float64Array(h).fill(-node.ratio)))]);
      edges.push({ src: next, dst: `${id}.delta` });
    }
  }
  const heaviside = () => createThreshold({ threshold: scalar(0), fire: "gt" });
  nodes.push([
    `${id}.neg.in`,
    createLinear(
      ndarray(
        [h, h],
        matrix(h, h, (r, c) => (r === c ? -1 : 0)),
      ),
    ),
  ]);
  nodes.push([`${id}.pos`, heaviside()], [`${id}.neg`, heaviside()]);
  edges.push(
    { src: y, dst: `${id}.pos` },
    { src: `${id}.delta`, dst: `${id}.pos` },
    { src: y, dst: `${id}.neg.in` },
    { src: `${id}.neg.in`, dst: `${id}.neg` },
    { src: `${id}.delta`, dst: `${id}.neg` },
  );
  // W is [H_in, H_out] (y @ W): NetGraph matrices are [out, in]
  const wT = matrix(hOut, h, (r, c) => w[c * hOut + r]!);
  nodes.push([
    `${id}.sw`,
    createAffine(ndarray([hOut, h], wT), ndarray([hOut], Float64Array.from(node.bias.data))),
  ]);
  nodes.push([
    `${id}.swneg`,
    createLinear(
      ndarray(
        [hOut, h],
        wT.map((x) => -x),
      ),
    ),
  ]);
  nodes.push([
    `${id}.ty`,
    createLinear(
      ndarray(
        [hOut, h],
        matrix(hOut, h, (r, c) => t[c * hOut + r]!),
      ),
    ),
  ]);
  nodes.push([id, createProduct()]);
  edges.push(
    { src: `${id}.pos`, dst: `${id}.sw` },
    { src: `${id}.neg`, dst: `${id}.swneg` },
    { src: `${id}.sw`, dst: id, dstPort: "a" },
    { src: `${id}.swneg`, dst: id, dstPort: "a" },
    { src: y, dst: `${id}.ty` },
    { src: `${id}.ty`, dst: id, dstPort: "b" },
  );
  return { nodes, edges, entry: y };
}
