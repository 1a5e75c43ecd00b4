// Graph rewrites before conversion: the exact-GELU subgraph PyTorch exports for nn.GELU at opsets < 20,
// x·0.5·(1 + erf(x/√2)), becomes one Gelu node, so it maps to Activation("gelu") instead of failing on Erf.

import type { NodeProto } from "./proto.js";

/** A node with its index in the file (kept for messages after rewrites remove nodes). */
export interface IndexedNode {
  node: NodeProto;
  index: number;
}

const near = (v: number | undefined, want: number) =>
  v !== undefined && Math.abs(v - want) <= 1e-4 * Math.abs(want);

/**
 * Replaces each Div(x, √2)|Mul(x, 1/√2) → Erf → Add(·, 1) → Mul(x, ·) → Mul(·, 0.5) chain (either operand order,
 * or with the 0.5 applied to x first) by Gelu(x), when no intermediate value is read elsewhere.
 * `scalarOf` gives the value of a scalar constant (initializer or Constant node) or undefined.
 * `uses` counts the readers of each value, graph outputs included.
 */
export function fuseGelu(
  nodes: IndexedNode[],
  scalarOf: (name: string) => number | undefined,
  uses: ReadonlyMap<string, number>,
): IndexedNode[] {
  const producer = new Map<string, IndexedNode>();
  const readers = new Map<string, IndexedNode[]>();
  for (const n of nodes) {
    for (const o of n.node.output) producer.set(o, n);
    for (const i of n.node.input) readers.set(i, [...(readers.get(i) ?? []), n]);
  }
  const only = (value: string | undefined, op: string): IndexedNode | undefined => {
    if (value === undefined || uses.get(value) !== 1) return undefined;
    const r = readers.get(value)?.[0];
    return r?.node.opType === op ? r : undefined;
  };
  /** For a binary node reading `value`, its other operand. */
  const other = (n: IndexedNode, value: string) => {
    const [a, b] = n.node.input;
    return a === value ? b : a;
  };
  const removed = new Set<IndexedNode>();
  const replacement = new Map<IndexedNode, IndexedNode>();

  for (const erf of nodes) {
    if (erf.node.opType !== "Erf" || erf.node.input.length !== 1) continue;
    const scaled = producer.get(erf.node.input[0]!);
    if (!scaled || uses.get(erf.node.input[0]!) !== 1) continue;
    const [x, k] = scaled.node.input;
    const ok =
      (scaled.node.opType === "Div" && near(scalarOf(k ?? ""), Math.SQRT2)) ||
      (scaled.node.opType === "Mul" && near(scalarOf(k ?? ""), Math.SQRT1_2));
    if (!ok || x === undefined) continue;
    const plus = only(erf.node.output[0], "Add");
    if (!plus || !near(scalarOf(other(plus, erf.node.output[0]!) ?? ""), 1)) continue;
    const times = only(plus.node.output[0], "Mul");
    if (!times) continue;
    const factor = other(times, plus.node.output[0]!);
    let chain: IndexedNode[];
    let end: IndexedNode;
    if (factor === x) {
      const half = only(times.node.output[0], "Mul");
      if (!half || !near(scalarOf(other(half, times.node.output[0]!) ?? ""), 0.5)) continue;
      chain = [scaled, erf, plus, times, half];
      end = half;
    } else {
      const pre = factor === undefined ? undefined : producer.get(factor);
      if (pre?.node.opType !== "Mul" || uses.get(factor!) !== 1) continue;
      const [p, q] = pre.node.input;
      const ptsX = (p === x && near(scalarOf(q ?? ""), 0.5)) || (q === x && near(scalarOf(p ?? ""), 0.5));
      if (!ptsX) continue;
      chain = [pre, scaled, erf, plus, times];
      end = times;
    }
    if (chain.some((c) => removed.has(c))) continue;
    for (const c of chain) removed.add(c);
    const name = (erf.node.name ?? "").replace(/Erf[^/]*$/, "Gelu") || end.node.name || "";
    const gelu: NodeProto = {
      input: [x],
      output: [end.node.output[0]!],
      name,
      opType: "Gelu",
      domain: "",
      attribute: [],
    };
    replacement.set(end, { node: gelu, index: erf.index });
  }
  const out: IndexedNode[] = [];
  for (const n of nodes) {
    const r = replacement.get(n);
    if (r) out.push(r);
    else if (!removed.has(n)) out.push(n);
  }
  return out;
}
