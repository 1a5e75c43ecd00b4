// LayerNorm against torch.nn.LayerNorm (values from torch 1.13, module and input in float64), and a bidirectional DiagonalSsm in a
// whole-sequence run: the clip in, the two-sided output out, other paths kept aligned; streaming refuses it.

import { describe, expect, it } from "vitest";
import { createGraph } from "../../compiler/graph/graph.js";
import { createDiagonalSsm, createInput, createLayerNorm, createOutput } from "../../compiler/graph/nodes.js";
import { createFloatRunner, runFloat } from "./index.js";

const arr = (shape: number[], v: number[]) => ({ shape, data: Float64Array.from(v) });

describe("LayerNorm", () => {
  it("matches torch.nn.LayerNorm(4, eps=1e-5) over the last axis of a [2, 4] step", () => {
    const g = createGraph();
    g.nodes.set("x", createInput([2, 4]));
    g.nodes.set("ln", createLayerNorm(arr([4], [1, 2, 0.5, -1]), arr([4], [0, 0.1, -0.2, 0.3])));
    g.nodes.set("y", createOutput());
    g.edges.push({ src: "x", dst: "ln" }, { src: "ln", dst: "y" });
    const x = [1, 2, 3, 4.5, -0.5, 0.25, 0, 0.1];
    const out = runFloat(g, { x: { shape: [1, 2, 4], data: x } }).outputs.get("y")![0]!;
    const torch = [
      -1.2567536772493126, -0.8667335978840868, -0.054989960317387065, -1.1501003968261296,
      -1.643123984481953, 2.1428027915181036, -0.13338686549397488, -0.18849631971085096,
    ];
    torch.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(v, 12);
    });
  });
});

describe("bidirectional DiagonalSsm over a whole clip", () => {
  // one channel, one mode, λ̄ = 0.5, B̄ = 1 (zoh with λ = ln 0.5, Δ = 1, B = λ/(λ̄ − 1)); C = 1, C_back = 2, D = 0
  const lam = Math.log(0.5);
  const ssm = () =>
    createDiagonalSsm({
      lambdaRe: arr([1, 1], [lam]),
      lambdaIm: arr([1, 1], [0]),
      bRe: arr([1, 1], [lam / -0.5]),
      bIm: arr([1, 1], [0]),
      cRe: arr([1, 1], [0.5]),
      cIm: arr([1, 1], [0]),
      cBackRe: arr([1, 1], [1]),
      cBackIm: arr([1, 1], [0]),
      d: arr([1], [0]),
      logStep: arr([1], [0]),
      discretization: "zoh",
      bidirectional: true,
    });
  const graph = () => {
    const g = createGraph();
    g.nodes.set("u", createInput([1]));
    g.nodes.set("s", ssm());
    g.nodes.set("y", createOutput());
    g.edges.push({ src: "u", dst: "s" }, { src: "s", dst: "y" }, { src: "u", dst: "y" }); // y = s + u
    return g;
  };

  it("y_t = Σ_{s≤t} 0.5^{t−s} u_s + 2·Σ_{m>t} 0.5^{m−t−1} u_m, plus the aligned skip u_t", () => {
    const u = [1, 0, 0, 2];
    const out = runFloat(graph(), { u: { shape: [4, 1], data: u } }, { sequence: "whole" }).outputs.get("y")!;
    // 2·Re(C x) with C = 0.5 is Σ 0.5^{t−s} u_s; the backward C = 1 gives 2·Σ 0.5^{m−t−1} u_m
    const want = [1 + 2 * (0.5 ** 2 * 2) + 1, 0.5 + 2 * (0.5 * 2), 0.25 + 2 * 2, 0.125 + 2 + 2];
    expect(out.map((o) => o[0])).toEqual(want.map((w) => expect.closeTo(w, 12)));
  });

  it("streaming refuses it with the reason and the way out", () => {
    expect(() => createFloatRunner(graph())).toThrow(/bidirectional[\s\S]*future inputs/);
  });
});
