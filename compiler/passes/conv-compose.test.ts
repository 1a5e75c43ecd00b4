// The pool/conv composition of lowerToNmir (lower/conv-compose.ts) against brute force: for random chains of
// sum/avg pools around a Conv2d, whenever one convolution is returned, its matrix (NMIR symmetric padding)
// equals the chain's matrix from unit vectors through the float kernels, entry for entry.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  createAvgPool2d,
  createConv2d,
  createGraph,
  createInput,
  createOutput,
  createSumPool2d,
  type GraphNode,
  ndarray,
} from "../graph/index.js";
import { scheduleGraph } from "../graph/schedule.js";
import { type Csr, composeCsr } from "./lower/compose.js";
import { composeConv } from "./lower/conv-compose.js";
import type { Term, TermStep } from "./lower/paths.js";
import { rng } from "./testing.js";

const limits = { maxComposeWork: 2 ** 31, maxSynapses: 2 ** 26 };

const poolArb = fc.record({
  avg: fc.boolean(),
  k: fc.integer({ min: 1, max: 3 }),
  t: fc.integer({ min: 1, max: 3 }),
  q: fc.integer({ min: 0, max: 1 }),
});
const chainArb = fc.record({
  seed: fc.integer({ min: 1, max: 1e9 }),
  c: fc.integer({ min: 1, max: 3 }),
  hw: fc.integer({ min: 4, max: 10 }),
  pre: fc.array(poolArb, { maxLength: 2 }),
  post: fc.array(poolArb, { maxLength: 2 }),
  conv: fc.option(
    fc.record({
      out: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 2 }),
      p: fc.integer({ min: 0, max: 2 }),
      d: fc.integer({ min: 1, max: 2 }),
      depthwise: fc.boolean(),
    }),
    { nil: undefined },
  ),
});

/** The chain as term steps (shapes from the float schedule), or undefined when some stage does not fit. */
function termOf(ch: typeof chainArb extends fc.Arbitrary<infer T> ? T : never): Term | undefined {
  const r = rng(ch.seed);
  const nodes: GraphNode[] = [];
  const pool = (p: { avg: boolean; k: number; t: number; q: number }) =>
    (p.avg ? createAvgPool2d : createSumPool2d)({
      kernel: [p.k, p.k],
      stride: [p.t, p.t],
      pads: [p.q, p.q, p.q, p.q],
    });
  nodes.push(...ch.pre.map(pool));
  if (ch.conv) {
    const v = ch.conv;
    const groups = v.depthwise ? ch.c : 1;
    const out = v.depthwise ? ch.c : v.out;
    const w = Float64Array.from(
      { length: out * (ch.c / groups) * v.k * v.k },
      () => Math.round(r() * 16 - 8) / 8,
    );
    nodes.push(
      createConv2d({
        weight: ndarray([out, ch.c / groups, v.k, v.k], w),
        stride: [v.s, v.s],
        pads: [v.p, v.p, v.p, v.p],
        dilation: [v.d, v.d],
        groups,
      }),
    );
  }
  nodes.push(...ch.post.map(pool));
  if (!nodes.length) return undefined;
  const g = createGraph();
  addNode(g, "x", createInput([ch.c, ch.hw, ch.hw]));
  nodes.forEach((n, i) => {
    addNode(g, `s${i}`, n);
    connect(g, i === 0 ? "x" : `s${i - 1}`, `s${i}`);
  });
  addNode(g, "y", createOutput());
  connect(g, `s${nodes.length - 1}`, "y");
  let sched: ReturnType<typeof scheduleGraph>;
  try {
    sched = scheduleGraph(g);
  } catch {
    return undefined;
  }
  const steps: TermStep[] = sched.nodes
    .filter((sn) => sn.id.startsWith("s"))
    .map((sn) => ({ node: sn.node, port: 0, inShapes: sn.inShapes, outShape: sn.outShape, label: sn.id }));
  return {
    delay: 0,
    steps,
    inShape: [ch.c, ch.hw, ch.hw],
    outShape: steps[steps.length - 1]!.outShape,
    label: "chain",
  };
}

const dense = (m: Csr) => {
  const out = new Float64Array(m.inSize * m.outSize);
  for (let i = 0; i < m.inSize; i++)
    for (let k = m.rowPtr[i]!; k < m.rowPtr[i + 1]!; k++) out[m.colIdx[k]! * m.inSize + i]! += m.values[k]!;
  return out;
};

describe("composeConv", () => {
  it("equals the brute-force matrix of pools → conv → pools whenever it composes", () => {
    let composed = 0;
    let withPools = 0;
    fc.assert(
      fc.property(chainArb, (ch) => {
        const term = termOf(ch);
        fc.pre(term !== undefined);
        const spec = composeConv(term!.steps);
        if (!spec) return;
        composed++;
        if (term!.steps.length > 1) withPools++;
        const conv = createConv2d({
          weight: ndarray([spec.cout, spec.cinG, spec.k[0]!, spec.k[1]!], spec.w),
          stride: [spec.stride[0]!, spec.stride[1]!],
          pads: [spec.pad[0]!, spec.pad[1]!, spec.pad[0]!, spec.pad[1]!],
          dilation: [spec.dil[0]!, spec.dil[1]!],
          groups: spec.groups,
        });
        const one: Term = {
          ...term!,
          steps: [
            { node: conv, port: 0, inShapes: [spec.inShape], outShape: spec.outShape, label: "composed" },
          ],
        };
        expect(spec.outShape).toEqual(term!.outShape);
        const want = dense(composeCsr(term!, limits));
        const got = dense(composeCsr(one, limits));
        let diff = 0;
        for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
        expect(diff).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(composed).toBeGreaterThan(100);
    expect(withPools).toBeGreaterThan(50);
  });

  it("refuses to compose when pool padding would be read as data", () => {
    const g = createGraph();
    addNode(g, "x", createInput([1, 6, 6]));
    addNode(g, "c", createConv2d({ weight: ndarray([1, 1, 3, 3], new Float64Array(9).fill(1)) }));
    addNode(g, "p", createSumPool2d({ kernel: [2, 2], pads: [1, 1, 1, 1] }));
    addNode(g, "y", createOutput());
    connect(g, "x", "c");
    connect(g, "c", "p");
    connect(g, "p", "y");
    const steps = scheduleGraph(g)
      .nodes.filter((sn) => sn.id === "c" || sn.id === "p")
      .map((sn) => ({ node: sn.node, port: 0, inShapes: sn.inShapes, outShape: sn.outShape, label: sn.id }));
    expect(composeConv(steps)).toBeUndefined();
  });
});
