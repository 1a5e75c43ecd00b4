// Test support for the chip simulator: a small hand-costed profile and a mapping placed at chosen tiles.

import type { Mapping } from "../../compiler/mapping/index.js";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { xyPath } from "../../compiler/mapping/route-xy.js";
import type { NmirModule } from "../../compiler/nmir/index.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";

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
  const w = profile.grid.width;
  const cores = mapping.cores.map((c, k) => {
    const [x, y] = at[k]!;
    return { ...c, index: y * w + x, x, y, tile: y * w + x };
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
        add(y0 * w + x0, a.index, x1 > x0 ? "E" : x1 < x0 ? "W" : y1 > y0 ? "S" : "N");
      }
      add(b.tile, a.index, "local");
    }
    return { fromCore: a.index, toCores: to, hops };
  });
  return { ...mapping, cores, routes, routingTables: tables };
}
