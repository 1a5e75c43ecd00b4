// Compile progress: every pass of the table is announced in order, lowerToNmir counts its nodes up to N, and
// a compile without a Progress behaves as before.

import { describe, expect, it } from "vitest";
import { recordingProgress } from "../../common/progress-recorder.js";
import { chain, createAffine, createGraph, createInput, createOutput, ndarray } from "../graph/index.js";
import { compile, PASSES } from "./pipeline.js";
import { testLif } from "./testing.js";

function net(layers: number) {
  const g = createGraph();
  const steps: Parameters<typeof chain>[1] = [["x", createInput([2])]];
  for (let i = 0; i < layers; i++) {
    steps.push([`fc${i}`, createAffine(ndarray([2, 2], [1, 0.5, -0.5, 1]), ndarray([2], [0.25, 0]))]);
    steps.push([`l${i}`, testLif()]);
  }
  steps.push(["y", createOutput()]);
  chain(g, steps);
  return g;
}

describe("compile with a Progress", () => {
  it("announces the passes in table order and ticks the lowering's nodes up to N", () => {
    const progress = recordingProgress();
    const plain = compile(net(5), { dt: 1 });
    const told = compile(net(5), { dt: 1, progress });
    const names = progress.stages.map((s) => s.name);
    // lowerToNmir announces itself twice: once as a pass, once with its node count
    expect(names.filter((n, i) => names.indexOf(n) === i)).toEqual(PASSES.map((p) => p.name));
    const lowering = progress.stages.find((s) => s.name === "lowerToNmir" && s.total !== undefined)!;
    // 1 input + 5 × (affine, LIF) + 1 output, after the graph passes
    expect(lowering.total).toBeGreaterThanOrEqual(7);
    expect(lowering.ticks.at(-1)).toBe(lowering.total);
    expect(lowering.ticks).toEqual([...lowering.ticks].sort((a, b) => a - b));
    expect(progress.finished).toBe(0); // the caller owns done()
    expect(told.ir).toEqual(plain.ir);
  });

  it("stops announcing at stopAfter", () => {
    const progress = recordingProgress();
    compile(net(1), { dt: 1, progress, stopAfter: "lowerToNmir" });
    expect(progress.stages.map((s) => s.name)).not.toContain("planScales");
    expect(progress.stages.at(-1)!.name).toBe("lowerToNmir");
  });
});
