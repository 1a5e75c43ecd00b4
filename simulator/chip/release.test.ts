// A run marked `last` drops the engine (model, datapath, per-pair paths) before its summary is built, so a
// large system's summary rows are not made on top of it; its results equal a run that keeps the engine.

import { describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { cnnIr, generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { createChip } from "./index.js";
import { generousSystem } from "./system-fixtures.js";

describe("ChipRunOptions.last", () => {
  it.each([false, true])("drops the engine and gives the same results (system: %s)", async (system) => {
    const ir = await cnnIr();
    const one = mapNetwork(ir, generousProfile(), { suggestProfiles: false });
    const profile = system
      ? generousSystem(2, 1, Math.ceil(one.fit.coresUsed / 2), false, 8)
      : generousProfile();
    const { mapping } = system ? mapNetwork(ir, profile, { suggestProfiles: false }) : one;
    const port = ir.inputs[0]!;
    const T = 3;
    const n = port.shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(T * n).fill(127);
    const feed = { [port.id]: { shape: [T, ...port.shape], data } };
    const load = createChip(profile, { timing: "detailed" }).load(ir, mapping) as ReturnType<
      ReturnType<typeof createChip>["load"]
    > & { engineHeld: boolean };
    const kept = load.run(feed, T);
    expect(load.engineHeld).toBe(true);
    const last = load.run(feed, T, { last: true });
    expect(load.engineHeld).toBe(false);
    expect(last.chip.packets).toBeGreaterThan(0);
    expect(last).toEqual(kept);
    // a later run builds a new engine
    expect(load.run(feed, T)).toEqual(kept);
    expect(load.engineHeld).toBe(true);
  });
});
