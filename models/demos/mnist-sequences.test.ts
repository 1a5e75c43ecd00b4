// The demos' MNIST split: the trainers' validation slice is part of the training split, disjoint from the digits
// they fit on and from every held-out (test) digit, so picking an epoch on it never looks at the test split.

import { describe, expect, it } from "vitest";
import { loadMnistSequences, MNIST_SPLIT, MNIST_VALIDATION, splitValidation } from "./mnist-sequences.js";

describe("splitValidation", () => {
  const train = loadMnistSequences({ split: "train" });
  const test = loadMnistSequences({ split: "test" });
  const { fit, validation } = splitValidation(train);

  it("cuts the training split into the fit digits and the last MNIST_VALIDATION.count as validation", () => {
    expect(MNIST_VALIDATION.from + MNIST_VALIDATION.count).toBe(MNIST_SPLIT.train);
    expect(fit.labels.length).toBe(MNIST_VALIDATION.from);
    expect(validation.labels.length).toBe(MNIST_VALIDATION.count);
    expect(fit.shape).toEqual([MNIST_VALIDATION.from, 28, 28]);
    expect(validation.shape).toEqual([MNIST_VALIDATION.count, 28, 28]);
    expect([...fit.ids, ...validation.ids]).toEqual([...train.ids]);
    // the pixels follow the ids: the first validation digit is training digit `from`
    const at = MNIST_VALIDATION.from * 784;
    expect([...validation.x.subarray(0, 784)]).toEqual([...train.x.subarray(at, at + 784)]);
    expect(validation.labels[0]).toBe(train.labels[MNIST_VALIDATION.from]);
  });

  it("shares no digit with the held-out test split, and every class is in it", () => {
    const testIds = new Set(test.ids);
    expect([...validation.ids].filter((id) => testIds.has(id))).toEqual([]);
    expect(new Set(validation.labels).size).toBe(10);
  });

  it("refuses a partial training split", () => {
    const part = loadMnistSequences({ split: "train", count: 100 });
    expect(() => splitValidation(part)).toThrow(/whole training split \(8000 digits\), got 100/);
  });
});

describe("loadMnistSequences from digit `first`", () => {
  const test = loadMnistSequences({ split: "test" });

  it("returns the split's digits first … first + count − 1, pixels and labels with the ids", () => {
    const part = loadMnistSequences({ split: "test", first: 500, count: 1000 });
    expect([...part.ids]).toEqual([...test.ids.subarray(500, 1500)]);
    expect([...part.labels]).toEqual([...test.labels.subarray(500, 1500)]);
    expect([...part.x.subarray(0, 784)]).toEqual([...test.x.subarray(500 * 784, 501 * 784)]);
    expect(loadMnistSequences({ split: "test", first: 500 }).labels.length).toBe(MNIST_SPLIT.test - 500);
  });

  it("refuses a range past the split's end", () => {
    expect(() => loadMnistSequences({ split: "test", first: 1500, count: 600 })).toThrow(
      /count must be an integer in 1\.\.500 for the test split from digit 1500, got 600/,
    );
    expect(() => loadMnistSequences({ split: "test", first: 2000 })).toThrow(
      /first must be an integer in 0\.\.1999/,
    );
  });
});
