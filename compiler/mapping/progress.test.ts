// Map progress: partition ticks every node up to N, then pack, place (every bin), route; a misfit announces
// the check of the other profiles.

import { beforeAll, describe, expect, it } from "vitest";
import { recordingProgress } from "../../common/progress-recorder.js";
import { loadProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { MappingError, mapNetwork } from "./index.js";
import { cnnIr } from "./test-fixtures.js";

let ir: NmirModule;
beforeAll(async () => {
  ir = await cnnIr();
});

describe("mapNetwork with a Progress", () => {
  it.each(["greedy", "anneal"] as const)("reports partition, pack, place and route (%s)", (placement) => {
    const progress = recordingProgress();
    const { mapping } = mapNetwork(ir, loadProfile("loihi"), { suggestProfiles: false, placement, progress });
    const names = progress.stages.map((s) => s.name);
    expect(names.slice(0, 3)).toEqual(["partition", "pack", "place"]);
    expect(names.at(-1)).toBe("route");
    const part = progress.stages[0]!;
    expect(part.total).toBeGreaterThan(0);
    expect(part.ticks.at(-1)).toBe(part.total);
    const place = progress.stages[2]!;
    expect(place.total).toBe(mapping.cores.length);
    expect(place.ticks.at(-1)).toBe(mapping.cores.length);
    if (placement === "anneal") expect(names).toContain("anneal");
  });

  it("announces the other profiles on a misfit", () => {
    const progress = recordingProgress();
    expect(() => mapNetwork(ir, loadProfile("truenorth"), { progress })).toThrow(MappingError);
    const other = progress.stages.find((s) => s.name === "other profiles")!;
    expect(other.ticks.length).toBe(other.total);
    // the other profiles' partitions are not reported as this one's
    expect(progress.stages.filter((s) => s.name === "partition")).toHaveLength(1);
  });
});
