// The mapping check's route problems, found as the traffic is read (validate.ts), against those of the whole
// edge list (trafficEdges): files whose routes or chip tables were cut at random get the same problems in the
// same order, on one chip and on a multi-chip system.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ErrorDetail } from "../../common/errors.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import type { NmirModule } from "../nmir/index.js";
import { chipDelivery } from "./chip-tables.js";
import { checkMapping, MappingError, mapNetwork } from "./index.js";
import { rng } from "./math.js";
import { mapNodes } from "./nodes.js";
import { generousProfile } from "./test-fixtures.js";
import { trafficEdges } from "./traffic.js";
import type { Mapping } from "./types.js";
import { coreBins } from "./validate.js";

/** The problems of every traffic edge in list order, as the check made them from the edge list. */
function fromEdgeList(m: Mapping, ir: NmirModule, p: ChipProfile): ErrorDetail[] {
  const byId = new Map(mapNodes(ir).map((n) => [n.id, n]));
  const bins = coreBins(m, ir, p, byId);
  const routes = new Set(m.routes.flatMap((r) => r.toCores.map((t) => `${r.fromCore}>${t}`)));
  const delivered = p.system && m.chipTables ? chipDelivery(m.chipTables, p) : undefined;
  const out: ErrorDetail[] = [];
  for (const e of trafficEdges(ir, bins)) {
    if (out.length >= 100) break;
    const [from, to] = [bins[e.from]!.core, bins[e.to]!.core];
    if (!routes.has(`${from}>${to}`))
      out.push({ where: "routes", message: `core ${from} feeds core ${to} but no route lists it` });
    else if (delivered && !delivered(from).has(Math.floor(to / p.grid.coresPerChip)))
      out.push({
        where: "chipTables",
        message: `events of core ${from} never reach the chip of core ${to} through the chip tables`,
      });
  }
  return out;
}

/** The mapping with about a third of its route destinations and (system) chip-table entries removed. */
function cut(m: Mapping, seed: number): Mapping {
  const r = rng(seed);
  const c = structuredClone(m);
  for (const route of c.routes) route.toCores = route.toCores.filter(() => r() > 0.3);
  if (c.chipTables)
    for (const [chip, entries] of Object.entries(c.chipTables))
      c.chipTables[chip] = entries.filter(() => r() > 0.3);
  return c;
}

describe("the mapping check's route problems", () => {
  it.each([
    ["one chip", generousProfile()],
    ["a system", loadProfile("spinnaker2-48")],
  ] as const)("on %s: those of the whole edge list, in its order", (_, p) => {
    let checked = 0;
    let chips = 0;
    fc.assert(
      fc.property(nmirModuleArb(), fc.integer({ min: 1, max: 2 ** 30 }), (ir, seed) => {
        let mapping: Mapping;
        try {
          mapping = mapNetwork(ir, p, { neuronsPerCore: 1, suggestProfiles: false }).mapping;
        } catch (e) {
          if (e instanceof MappingError) return;
          throw e;
        }
        expect(checkMapping(mapping, ir, p)).toEqual([]);
        const bad = cut(mapping, seed);
        const want = fromEdgeList(bad, ir, p);
        expect(checkMapping(bad, ir, p)).toEqual(want);
        if (want.length > 0) checked++;
        if (want.some((w) => w.where === "chipTables")) chips++;
      }),
      { numRuns: 40 },
    );
    // the cuts left something to find
    expect(checked).toBeGreaterThan(5);
    if (p.system) expect(chips).toBeGreaterThan(0);
  });
});
