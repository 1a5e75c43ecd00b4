// Test fixture (never imported by the library): a system of generous chips with modelled chip-to-chip links and,
// optionally, a host link — small enough that a random network spreads over several chips.

import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import type { ChipProfile } from "../../hw-profiles/index.js";

/**
 * `cx × cy` generous chips of `side × 1` tiles; links of 0.5 nJ and 100 ns per packet at `gbps`; with
 * `hostGbps`, a host link of 3 nJ and 10 µs per 32-bit packet at that rate.
 */
export function generousSystem(
  cx: number,
  cy: number,
  side: number,
  multicast: boolean,
  gbps: number,
  hostGbps?: number,
): ChipProfile {
  const g = generousProfile();
  return {
    ...g,
    name: "generous-system",
    grid: {
      ...g.grid,
      width: side,
      height: 1,
      coresPerTile: 1,
      coresPerChip: side,
      multicast,
      chips: cx * cy,
    },
    system: {
      chipsX: cx,
      chipsY: cy,
      packetBits: 32,
      link: { energyPerPacketJ: 5e-10, latencyS: 1e-7, bandwidthBitsPerS: gbps * 1e9, hops: 1 },
      barrierS: 1e-6,
      ...(hostGbps === undefined
        ? {}
        : {
            host: {
              energyPerPacketJ: 3e-9,
              latencyS: 1e-5,
              bandwidthBitsPerS: hostGbps * 1e9,
              packetBits: 32,
            },
          }),
    },
  };
}
