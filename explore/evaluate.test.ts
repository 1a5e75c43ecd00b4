import { describe, expect, it } from "vitest";
import { summarizeMisfits } from "./evaluate.js";

describe("summarizeMisfits", () => {
  it("gives one clause per violated limit with the worst need, the first populations and the fix", () => {
    const weight = (p: string, proj: string) => ({
      population: p,
      limit: "weightBits",
      needed: 16,
      available: 9,
      suggestion: `recompile with --weight-bits 9 (projection ${proj})`,
    });
    const text = summarizeMisfits([
      weight("a", "in->a"),
      weight("a", "in->a@1"),
      weight("b", "a->b"),
      weight("c", "b->c"),
      weight("d", "c->d"),
      { population: "*", limit: "cores", needed: 13, available: 8, suggestion: "raise --max-cores to 13" },
    ]);
    expect(text).toBe(
      "weightBits needs 16, available 9 (a, b, c and 1 more) — recompile with --weight-bits 9; " +
        "cores needs 13, available 8 (network) — raise --max-cores to 13",
    );
  });
});
