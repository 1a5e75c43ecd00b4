// The NoC's per-pair tables are sized by the slot pairs that exchange packets, not by slots²: a layout of
// 60,000 cores in use (an ImageNet Spikformer on a SpiNNaker2 system) with a few communicating pairs
// allocates a few entries, where slots² tables (3.6 G entries each) could not be allocated at all.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { tileLayout } from "../../test/chip/helpers.js";
import { CHIP_LINK, costTable } from "./costs.js";
import type { Layout } from "./layout.js";
import { linkOfEntry, Noc } from "./noc.js";
import { Router } from "./router.js";

/** `slots` cores in use, slot s on tile (s mod width, ⌊s / width⌋) of the system's global grid. */
function rowLayout(slots: number, width: number): Layout {
  return tileLayout(
    Array.from({ length: slots }, (_, s): [number, number] => [s % width, Math.floor(s / width)]),
    width,
  );
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

/**
 * Hops of the asked pairs' spans that are not their XY walk (a mesh link must join the walk's two tiles; a chip
 * link is shared by its chip pair, so only its kind is checked), plus spans that end elsewhere than b.
 */
function wrongHops(noc: Noc, layout: Layout, width: number, asked: [number, number][]): number {
  let wrong = 0;
  for (const [a, b] of asked) {
    const k = noc.pairOf(a, b);
    let [x, y] = [layout.tileX[a]!, layout.tileY[a]!];
    const [bx, by] = [layout.tileX[b]!, layout.tileY[b]!];
    for (let h = noc.pathOff[k]!; h < noc.pathOff[k]! + noc.pathLen[k]!; h++) {
      const from = y * width + x;
      if (x !== bx) x += x < bx ? 1 : -1;
      else y += y < by ? 1 : -1;
      const e = noc.pathLinks[h]!;
      const l = linkOfEntry(e);
      const chip = noc.linkKind[l] === CHIP_LINK;
      // a chip link's entry is ~id: negative exactly where the link is one
      if (chip !== e < 0) wrong++;
      if (!chip && (noc.linkFrom[l] !== from || noc.linkTo[l] !== y * width + x)) wrong++;
    }
    if (x !== bx || y !== by) wrong++;
  }
  return wrong;
}

/** Properties of `o` that are typed arrays of exactly `n` entries, and arrays of typed arrays of `n` entries. */
function perEntryArrays(o: object, n: number): { typed: string[]; nested: string[] } {
  const typed: string[] = [];
  const nested: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (ArrayBuffer.isView(v) && (v as Int32Array).length === n) typed.push(k);
    if (Array.isArray(v) && v.length === n && v.every((x) => ArrayBuffer.isView(x))) nested.push(k);
  }
  return { typed, nested };
}

describe("memory per pair and per row on a system's global grid", () => {
  it("keeps every path in one buffer (no typed array per pair, no second copy)", () => {
    const p = loadProfile("spinnaker2-sandia");
    const width = p.grid.width * p.system!.chipsX;
    const slots = 2_000;
    const layout = rowLayout(slots, width);
    const noc = new Noc(p, layout, costTable(p, slots, 1, 1), true);
    const pairs = 500;
    for (let k = 0; k < pairs; k++) noc.path(k, slots - 1 - k);
    // no links are held while pairs are asked for: `finalize` writes them once into an exact array (chunks
    // joined at the end held them twice at the peak)
    expect(noc.pathLinks.length).toBe(0);
    noc.finalize();
    expect(noc.pairs).toBe(pairs);
    expect(perEntryArrays(noc, pairs).nested).toEqual([]);
    let total = 0;
    for (let k = 0; k < pairs; k++) total += noc.pathLen[k]!;
    expect(noc.pathLinks.length).toBe(total);
    // pair k's path is where pathOff says, in order: pair 0 starts at 0, each follows the previous
    for (let k = 1; k < pairs; k++) expect(noc.pathOff[k]).toBe(noc.pathOff[k - 1]! + noc.pathLen[k - 1]!);
    // many paths, each still its XY walk, hop by hop (a
    // mesh link joins the walk's two tiles; a chip link is shared by its chip pair, so only its kind is checked)
    expect(total).toBeGreaterThan(4 * 4096);
    const asked = Array.from({ length: pairs }, (_, k) => [k, slots - 1 - k] as [number, number]);
    expect(wrongHops(noc, layout, width, asked)).toBe(0);
  });

  it("stores the paths into one tile from one side of a row once: the nearer sources' spans are suffixes", () => {
    const p = loadProfile("spinnaker2-sandia");
    const width = p.grid.width * p.system!.chipsX;
    // slot → tile (x, y): eight sources along row 0 west of the destination (10, 3), one in its column in row 0,
    // one east of it in row 0, one in its column in row 1
    const tiles = [[10, 3], ...Array.from({ length: 8 }, (_, x) => [x, 0]), [10, 0], [12, 0], [10, 1]];
    const layout = rowLayout(tiles.length, width);
    tiles.forEach(([x, y], s) => {
      layout.tileX[s] = x!;
      layout.tileY[s] = y!;
      layout.tileId[s] = y! * width + x!;
    });
    const noc = new Noc(p, layout, costTable(p, tiles.length, tiles.length, 1), true);
    const asked = tiles.slice(1).map((_, k) => [k + 1, 0] as [number, number]);
    for (const [a, b] of asked) noc.path(a, b);
    noc.finalize();
    const lengths = asked.map(([a]) => noc.pathLen[noc.pairOf(a, 0)]!);
    // west of it: 13, 12, … 6 hops; its column: 3; east: 5; its column from row 1: 2
    expect(lengths).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 3, 5, 2]);
    // stored: the path from (0, 0) (13 links, the other row-0 paths inside it), the east one (5), row 1's (2) —
    // not 86 links, one path per pair
    expect(noc.pathLinks.length).toBe(13 + 5 + 2);
    expect(wrongHops(noc, layout, width, asked)).toBe(0);
    expect(noc.pathOff[noc.pairOf(9, 0)]).toBe(noc.pathOff[noc.pairOf(1, 0)]! + 10);
  });

  it("a multicast router keeps nothing per destination row (no arrival times per row, no copies of the tables)", () => {
    const p = loadProfile("spinnaker2-sandia");
    expect(p.grid.multicast).toBe(true);
    const width = p.grid.width * p.system!.chipsX;
    const slots = 64;
    const layout = rowLayout(slots, width);
    const noc = new Noc(p, layout, costTable(p, slots, 1, 1), true);
    // 2 sources of 32 neurons on slots 0..31 and 32..63, each neuron sending to 3 slots: 192 rows
    const neurons = 32;
    const dest = [0, 1].map((s) => ({
      listOf: Int32Array.from({ length: neurons }, (_, i) => i),
      rowStart: Int32Array.from({ length: neurons + 1 }, (_, i) => 3 * i),
      slot: Int32Array.from({ length: 3 * neurons }, (_, r) => (s * 32 + r) % slots),
    }));
    const srcSlot = [0, 1].map((s) => Int32Array.from({ length: neurons }, (_, i) => s * 32 + i));
    dest.forEach((d, s) => {
      for (let i = 0; i < neurons; i++)
        for (let r = d.rowStart[i]!; r < d.rowStart[i + 1]!; r++) noc.path(srcSlot[s]![i]!, d.slot[r]!);
    });
    noc.finalize();
    // source 0's arrivals are read in phase 1 (same-step work), source 1's by nothing
    const router = new Router(noc, dest, srcSlot, 1, Int32Array.of(1, -1));
    expect(router.keepArrival).toBe(true);
    expect(perEntryArrays(router, 2 * 3 * neurons).typed).toEqual([]);
    expect(router.arrivals.heldEntries()).toBe(0);
  });
});
