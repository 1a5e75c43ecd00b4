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
  /** Tile number of each slot (row-major over the grid, y·width + x; a system's global grid). */
  tileId: Int32Array;
  /** Tiles in use; on a multi-chip system, the most on one chip (each chip runs its own barrier). */
  tilesInUse: number;
  /** Chip of each slot (0 on a single chip) and the chips holding a slot. */
  chipOf: Int32Array;
  chipsInUse: number;
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
  const chipOf = new Int32Array(slots);
  // a system's grid: its chips side by side (compiler/mapping/grid.ts)
  const gridWidth = profile.grid.width * (profile.system?.chipsX ?? 1);
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
    tileId[s] = c.y * gridWidth + c.x;
    chipOf[s] = Math.floor(c.index / profile.grid.coresPerChip);
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
    tilesInUse: maxTilesPerChip(tileId, chipOf),
    chipOf,
    chipsInUse: new Set(chipOf).size,
    slotOf,
    slices,
    bySlot,
  };
}

function maxTilesPerChip(tileId: Int32Array, chipOf: Int32Array): number {
  const perChip = new Map<number, Set<number>>();
  tileId.forEach((t, s) => {
    const c = chipOf[s]!;
    const set = perChip.get(c) ?? new Set<number>();
    set.add(t);
    perChip.set(c, set);
  });
  let most = 0;
  for (const set of perChip.values()) most = Math.max(most, set.size);
  return most;
}
