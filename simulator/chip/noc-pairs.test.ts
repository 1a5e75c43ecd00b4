// The NoC's per-pair tables are sized by the slot pairs that exchange packets, not by slots²: a layout of
// 60,000 cores in use (an ImageNet Spikformer on a SpiNNaker2 system) with a few communicating pairs
// allocates a few entries, where slots² tables (3.6 G entries each) could not be allocated at all.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { costTable } from "./costs.js";
import type { Layout } from "./layout.js";
import { Noc } from "./noc.js";

/** `slots` cores in use, slot s on tile (s mod width, ⌊s / width⌋) of the system's global grid. */
function rowLayout(slots: number, width: number): Layout {
  const tileX = Int32Array.from({ length: slots }, (_, s) => s % width);
  const tileY = Int32Array.from({ length: slots }, (_, s) => Math.floor(s / width));
  return {
    slots,
    coreIndex: Int32Array.from({ length: slots }, (_, s) => s),
    tileX,
    tileY,
    tileId: Int32Array.from({ length: slots }, (_, s) => tileY[s]! * width + tileX[s]!),
    tilesInUse: slots,
    chipOf: new Int32Array(slots),
    chipsInUse: 1,
    slotOf: new Map(),
    slices: new Map(),
    bySlot: [],
  };
}

describe("Noc pair tables", () => {
  it("numbers only the pairs asked for; 60,000 slots cost no slots² table", () => {
    const p = loadProfile("spinnaker2-sandia");
    const width = p.grid.width * p.system!.chipsX;
    const layout = rowLayout(60_000, width);
    const noc = new Noc(p, layout, costTable(p, layout.slots, 1, 1), true);
    const pairs: [number, number][] = [
      [0, 1],
      [0, 59_999],
      [59_999, 0],
      [12_345, 12_345 + width],
    ];
    for (const [a, b] of pairs) noc.path(a, b);
    noc.path(0, 1); // asked again: the same pair
    noc.finalize();
    expect(noc.pairs).toBe(4);
    expect(noc.pathOff.length).toBe(4);
    expect(pairs.map(([a, b]) => noc.pairOf(a, b))).toEqual([0, 1, 2, 3]);
    expect(noc.pairOf(1, 0)).toBe(-1);
    expect([...noc.pairSrc]).toEqual(pairs.map(([a]) => a));
    expect([...noc.pairDst]).toEqual(pairs.map(([, b]) => b));
    // one hop east, one hop north (within a chip); the long pair crosses chip boundaries
    expect([noc.pathEW[0], noc.pathNS[0], noc.pathCL[0]]).toEqual([1, 0, 0]);
    expect(noc.pathCL[1]).toBeGreaterThan(0);
    expect(noc.send(1, 0, 59_999, 0)).toBeGreaterThan(0);
  });
});
