// Where everything sits once a mapping is loaded: the cores in use (dense "slots" 0..C−1 for typed arrays),
// their tiles, and for every population / dynamic matmul the slot of each neuron.

import { SpikegridError } from "../../common/errors.js";
import type { Mapping } from "../../compiler/mapping/index.js";
import type { ChipProfile } from "../../hw-profiles/index.js";

export interface SliceOnSlot {
  node: string;
  start: number;
  count: number;
  slot: number;
}

export interface Layout {
  /** Cores in use. */
  slots: number;
  /** Chip core number of each slot. */
  coreIndex: Int32Array;
  tileX: Int32Array;
  tileY: Int32Array;
  /** Tile number of each slot (row-major over the grid, y·width + x). */
  tileId: Int32Array;
  tilesInUse: number;
  /** node id → slot of each of its neurons. */
  slotOf: Map<string, Int32Array>;
  /** node id → its slices. */
  slices: Map<string, SliceOnSlot[]>;
  /** Slices per slot, in mapping order. */
  bySlot: SliceOnSlot[][];
}

/** `sizes`: node id → neuron count. The mapping must already be validated against the module and profile. */
export function buildLayout(
  profile: ChipProfile,
  mapping: Mapping,
  sizes: ReadonlyMap<string, number>,
): Layout {
  const cores = mapping.cores.filter((c) => c.slices.length > 0);
  const slots = cores.length;
  const coreIndex = new Int32Array(slots);
  const tileX = new Int32Array(slots);
  const tileY = new Int32Array(slots);
  const tileId = new Int32Array(slots);
  const slotOf = new Map<string, Int32Array>();
  const slices = new Map<string, SliceOnSlot[]>();
  const bySlot: SliceOnSlot[][] = [];
  for (const [id, n] of sizes) {
    slotOf.set(id, new Int32Array(n).fill(-1));
    slices.set(id, []);
  }
  cores.forEach((c, s) => {
    coreIndex[s] = c.index;
    tileX[s] = c.x;
    tileY[s] = c.y;
    tileId[s] = c.y * profile.grid.width + c.x;
    const here: SliceOnSlot[] = [];
    for (const sl of c.slices) {
      const of = slotOf.get(sl.population);
      if (!of) throw new SpikegridError("USAGE", `mapping core ${c.index}: no node "${sl.population}"`);
      of.fill(s, sl.start, sl.start + sl.count);
      const x = { node: sl.population, start: sl.start, count: sl.count, slot: s };
      here.push(x);
      slices.get(sl.population)!.push(x);
    }
    bySlot.push(here);
  });
  for (const [id, of] of slotOf) {
    const j = of.indexOf(-1);
    if (j >= 0)
      throw new SpikegridError("USAGE", `mapping: neuron ${j} of "${id}" is on no core`, {
        hint: "map the module again (spikegrid map) or fix the mapping file",
      });
  }
  return {
    slots,
    coreIndex,
    tileX,
    tileY,
    tileId,
    tilesInUse: new Set(tileId).size,
    slotOf,
    slices,
    bySlot,
  };
}
