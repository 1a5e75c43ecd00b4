// all_seq streaming accuracy against a hand computation, and the algorithmic delay of real zoo graphs.

import { describe, expect, it } from "vitest";
import { getZooModel } from "../models/zoo.js";
import { graphAlgorithmicDelay, labelsFrom, streamingAccuracy } from "./streaming.js";

describe("streamingAccuracy", () => {
  it("predicts with the argmax of the cumulative mean over steps 0..t", () => {
    // Sample 0 (label 1): step 0 favours class 0; the running mean turns to class 1 only at step 2.
    // Sample 1 (label 0): right from the start, wrong once a large step-2 output for class 1 arrives.
    const outputs = [
      [
        [3, 0],
        [0, 2],
        [0, 2],
      ],
      [
        [1, 0],
        [1, 0],
        [0, 5],
      ],
    ];
    const r = streamingAccuracy(outputs, [1, 0], 4);
    expect(r.streaming.accuracyBySamplesSeen).toEqual([0.5, 0.5, 0.5]);
    const r2 = streamingAccuracy([outputs[0]!], [1], 0);
    expect(r2.streaming.accuracyBySamplesSeen).toEqual([0, 0, 1]);
    expect(r2.accuracy).toMatchObject({ correct: 1, total: 1, fraction: 1 });
    expect(r.streaming.algorithmicDelaySteps).toBe(4);
    expect(r.accuracy).toMatchObject({ correct: 1, total: 2, fraction: 0.5 });
  });

  it("rejects label counts and class indices that do not fit", () => {
    expect(() => streamingAccuracy([[[1, 0]]], [0, 1], 0)).toThrow(/2 labels/);
    expect(() => streamingAccuracy([[[1, 0]]], [2], 0)).toThrow(/not a class index/);
    expect(() => labelsFrom([0.5], [1], "l.npy")).toThrow(/not a class index/);
    expect(() => labelsFrom([0, 1], [1, 2], "l.npy")).toThrow(/\[batch\]/);
  });
});

describe("graphAlgorithmicDelay", () => {
  it("LMUFormer: 4 k=3 convs on the main path plus the rpe conv give 5 steps (seed-models.md §1.2)", () => {
    const g = getZooModel("spiking-lmuformer").build({ dim: 8, inChannels: 4, theta: 8 });
    expect(graphAlgorithmicDelay(g)).toBe(5);
  });
  it("Spikformer has no temporal look-ahead", () => {
    const g = getZooModel("spikformer-4-384").build({ dim: 16, heads: 2, imageSize: 8, depth: 1 });
    expect(graphAlgorithmicDelay(g)).toBe(0);
  });
});
