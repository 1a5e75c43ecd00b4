// Test support for the chip simulator: a small hand-costed profile and a mapping placed at chosen tiles.

import { corePositions } from "../../compiler/mapping/grid.js";
import type { Mapping } from "../../compiler/mapping/index.js";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { xyPath } from "../../compiler/mapping/route-xy.js";
import {
  createDense,
  createIf,
  createInput,
  createModule,
  createOneToOne,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../../compiler/nmir/index.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import type { Layout } from "../../simulator/chip/layout.js";

const pJ = 1e-12;
const ns = 1e-9;

/**
 * 4 × 4 tiles of one core, unicast, 1 GHz, all-neuron updates. Costs (energy / latency): synopAC 1 pJ / 2 ns,
 * neuronUpdateActive 10 pJ / 5 ns, neuronUpdateIdle 4 pJ / 3 ns, spikeOut 2 pJ / 1 ns, hopEW 3 pJ / 4 ns,
 * hopNS 5 pJ / 6 ns, axonIn 0.5 pJ / 1 ns; barrier 20 ns whatever the tiles; static 1 mW per core in use.
 */
export function handProfile(): ChipProfile {
  const g = loadProfile("generic-45nm");
  return {
    ...g,
    name: "hand",
    grid: { ...g.grid, width: 4, height: 4, coresPerTile: 1, coresPerChip: 16, multicast: false, chips: 1 },
    core: { ...g.core, neurons: 64 },
    coreOverrides: [],
    costs: {
      synopAC: { energyJ: 1 * pJ, latencyS: 2 * ns },
      neuronUpdateActive: { energyJ: 10 * pJ, latencyS: 5 * ns },
      neuronUpdateIdle: { energyJ: 4 * pJ, latencyS: 3 * ns },
      spikeOut: { energyJ: 2 * pJ, latencyS: 1 * ns },
      hopEW: { energyJ: 3 * pJ, latencyS: 4 * ns },
      hopNS: { energyJ: 5 * pJ, latencyS: 6 * ns },
      axonIn: { energyJ: 0.5 * pJ, latencyS: 1 * ns },
    },
    barrier: { kind: "table", points: [{ tiles: 1, latencyS: 20 * ns }] },
    staticPower: { perCoreW: 1e-3 },
    clockHz: 1e9,
    timestep: { semantics: "layer-sync", updatePolicy: "all" },
    provenance: new Map(),
  };
}

/**
 * The mapper's mapping with core k (in mapping order) moved to tile `at[k]` (one core per tile), routes and
 * tables rebuilt XY for every ordered pair of cores.
 */
export function placeAt(ir: NmirModule, profile: ChipProfile, npc: number, at: [number, number][]): Mapping {
  const { mapping } = mapNetwork(ir, profile, {
    neuronsPerCore: npc,
    placement: "sequential",
    suggestProfiles: false,
  });
  // the core at each tile (one core per tile), on one chip or a system's global grid
  const where = new Map(corePositions(profile).map((p, index) => [`${p.x},${p.y}`, { index, tile: p.tile }]));
  const at_ = (x: number, y: number) => where.get(`${x},${y}`)!;
  const cores = mapping.cores.map((c, k) => {
    const [x, y] = at[k]!;
    const { index, tile } = at_(x, y);
    return {
      ...c,
      index,
      x,
      y,
      tile,
      ...(profile.system ? { chip: Math.floor(index / profile.grid.coresPerChip) } : {}),
    };
  });
  const tables: Mapping["routingTables"] = {};
  const add = (tile: number, fromCore: number, d: "local" | "E" | "W" | "N" | "S") => {
    const key = String(tile);
    const list = tables[key] ?? [];
    tables[key] = list;
    let e = list.find((x) => x.fromCore === fromCore);
    if (!e) {
      e = { fromCore, out: [] };
      list.push(e);
    }
    if (!e.out.includes(d)) e.out.push(d);
  };
  const routes: Mapping["routes"] = cores.map((a) => {
    const to = cores.map((c) => c.index);
    let hops = 0;
    for (const b of cores) {
      const path = xyPath(a, b);
      hops += path.length - 1;
      for (let i = 0; i + 1 < path.length; i++) {
        const [x0, y0] = path[i]!;
        const [x1, y1] = path[i + 1]!;
        add(at_(x0, y0).tile, a.index, x1 > x0 ? "E" : x1 < x0 ? "W" : y1 > y0 ? "S" : "N");
      }
      add(b.tile, a.index, "local");
    }
    return { fromCore: a.index, toCores: to, hops };
  });
  return { ...mapping, cores, routes, routingTables: tables };
}

/**
 * Two chips side by side (a system of 2 × 1 chips), each the hand profile's costs on 2 × 1 tiles of one core:
 * global tiles (0,0) (1,0) on chip 0, (2,0) (3,0) on chip 1. The chip-to-chip link: 7 pJ per packet, 9 ns,
 * 32-bit packets at `gbps` Gbit/s (32 Gbit/s: a packet holds the link 1 ns); static 2 mW per chip in use;
 * system barrier 10 ns.
 */
export function twoChipProfile(gbps = 32): ChipProfile {
  const h = handProfile();
  return {
    ...h,
    name: "hand-2chips",
    grid: { ...h.grid, width: 2, height: 1, coresPerChip: 2, chips: 2 },
    system: {
      chipsX: 2,
      chipsY: 1,
      packetBits: 32,
      link: { energyPerPacketJ: 7 * pJ, latencyS: 9 * ns, bandwidthBitsPerS: gbps * 1e9, hops: 1 },
      staticPowerPerChipW: 2e-3,
      barrierS: 10 * ns,
    },
  };
}

/** x (n spikes) → a (n IF, vth 0) → b (n IF, vth 0), one to one with weight 1: every input spike crosses both. */
export function chain(n: number): NmirModule {
  const m = createModule({ name: "chain", stage: "quantized", inputs: [createInput("x", [n])] });
  for (const id of ["a", "b"])
    m.populations.push(createPopulation({ id, shape: [n], model: createIf({ vth: 0, vBits: 16 }) }));
  const conn = () =>
    n === 1
      ? createDense({ inSize: 1, outSize: 1, weights: Int32Array.of(1) })
      : createOneToOne({ size: n, weights: Int32Array.of(1) });
  m.projections.push(createProjection({ id: "xa", src: "x", dst: "a", connectivity: conn(), weightBits: 8 }));
  m.projections.push(createProjection({ id: "ab", src: "a", dst: "b", connectivity: conn(), weightBits: 8 }));
  m.outputs.push(createOutput("y", "b"));
  return m;
}

/** Slots on the given tiles of a grid `width` tiles wide (several slots may share a tile). */
export function tileLayout(tiles: [number, number][], width: number): Layout {
  const slots = tiles.length;
  return {
    slots,
    coreIndex: Int32Array.from({ length: slots }, (_, s) => s),
    tileX: Int32Array.from(tiles, ([x]) => x),
    tileY: Int32Array.from(tiles, ([, y]) => y),
    tileId: Int32Array.from(tiles, ([x, y]) => y * width + x),
    tilesInUse: slots,
    chipOf: new Int32Array(slots),
    chipsInUse: 1,
    slotOf: new Map(),
    slices: new Map(),
    bySlot: [],
  };
}
