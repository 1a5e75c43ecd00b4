// The cores misfit names the limit the bins fill most and advice that can help with it: a network bound by
// neurons (e.g. attention lowered to term neurons) is not told to use fewer weight bits.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { buildFitReport } from "./fit-report.js";
import type { Bin } from "./pack.js";

const limits = { neurons: 100, synapseBits: 1000, inputAxons: 50 };

function bins(n: number, usage: Record<string, number>): Bin[] {
  return Array.from({ length: n }, (_, core) => ({ core, slices: [], usage, limits }));
}

function coresSuggestion(b: Bin[]): string {
  const r = buildFitReport(loadProfile("loihi2"), b, 128, []);
  const m = r.misfits.find((x) => x.limit === "cores");
  expect(m).toBeDefined();
  return m!.suggestion;
}

describe("the cores misfit's advice", () => {
  it("neurons bind: a smaller network, not fewer weight bits", () => {
    const s = coresSuggestion(bins(150, { neurons: 100, synapseBits: 10, inputAxons: 5 }));
    expect(s).toContain("neurons bind (150 cores' worth)");
    expect(s).not.toContain("weight bits");
  });

  it("synapse memory binds: fewer weight bits", () => {
    const s = coresSuggestion(bins(200, { neurons: 10, synapseBits: 900, inputAxons: 5 }));
    expect(s).toContain("synapse memory binds (180 cores' worth)");
    expect(s).toContain("fewer weight bits");
  });

  it("input axons bind: the fan-in", () => {
    expect(coresSuggestion(bins(130, { neurons: 1, synapseBits: 1, inputAxons: 50 }))).toContain(
      "input axons bind",
    );
  });
});
