// The network on chip: directed links between tiles, XY (dimension-order) paths between the cores in use, and
// the sending of one packet through them. `detailed` timing keeps each link's next free time, so packets that
// share a link serialize (a link carries one packet per hop latency); `simple` timing ignores contention.
// Multicast packets follow the union of their XY paths: a link already crossed by the same packet is free.
// On a multi-chip system the grid is global (chips side by side): a step across a chip boundary is a
// chip-to-chip link (CHIP_LINK), with the link's latency, and held packetBits / bandwidth per packet; all
// crossings from one chip to a neighbour share that one link (and its bandwidth).

import { PairHash } from "../../common/pair-hash.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { CHIP_LINK, type CostTable, HOP_EW, HOP_NS } from "./costs.js";
import type { Layout } from "./layout.js";

/** Slot pairs up to which a dense pair-id table is kept (2^22 Int32 = 16 MiB); beyond, a hash table. */
const PAIR_TABLE_MAX = 2 ** 22;

export class Noc {
  /** Tile ids (y·width + x) each link joins. */
  readonly linkFrom: number[] = [];
  readonly linkTo: number[] = [];
  /** HOP_EW, HOP_NS or CHIP_LINK: that kind's cost applies. */
  readonly linkKind: number[] = [];
  /** Cycles per link crossing. */
  linkLat = new Float64Array(0);
  /** Cycles a packet holds the link (a mesh link: its latency; a chip link: packetBits / bandwidth). */
  linkOcc = new Float64Array(0);
  /** The chip-to-chip links among the links, and their packets this step (simple timing's link bound). */
  chipLinks = new Int32Array(0);
  /** Packets per link, over the whole run. */
  linkPackets = new Float64Array(0);
  /** Hops of the last `send` by direction (new link crossings only, for multicast). */
  lastEW = 0;
  lastNS = 0;
  lastCL = 0;
  private readonly ids = new Map<number, number>();
  /**
   * Slot pairs with a path, numbered in the order first asked for: pair p goes from pairSrc[p] to pairDst[p].
   * Only pairs that exchange packets get an entry (a dense slots² table is gigabytes at 10⁴ cores in use).
   */
  private pairIds = new PairHash();
  /** Mesh link id leaving tile t eastwards, westwards, southwards, northwards at 4·t + 0..3 (−1: none yet). */
  private readonly linkAt: Int32Array;
  /** Slot pairs numbered so far: the per-pair arrays below hold entries 0 .. nPairs − 1 (capacity grows). */
  private nPairs = 0;
  /**
   * Links of every path summed: `path` gives each pair its length (an XY path's length is its Manhattan
   * distance); `finalize` numbers the links and lays the paths out in pathLinks (sharing suffixes on a mesh).
   */
  private nLinks = 0;
  pairSrc = new Int32Array(0);
  pairDst = new Int32Array(0);
  /** After `finalize`: a slots² table of pair ids when that is small (fast look-up for multicast sends). */
  private pairTable: Int32Array | undefined;
  /**
   * Path of pair p as pathLinks[off .. off + len − 1] (after `finalize`): one buffer for all paths, not an
   * Int32Array per pair (millions of pairs on a system's global grid, each with its own backing store, then a
   * second copy of them all in `finalize`, were gigabytes); on a mesh the paths into one tile from one side of
   * a row share one stored path (`sharePaths`), so spans overlap. An entry is a link id, or ~id (negative) for a
   * chip-to-chip link (`linkEntry` / `linkOfEntry`): the router tells a chip link from a mesh link without
   * reading the link's kind. A path is its row run, then its column run (`rowRun`).
   */
  pathOff = new Int32Array(0);
  pathLen = new Int32Array(0);
  pathLinks = new Int32Array(0);
  /** Next free cycle of each link this step (detailed timing). */
  free = new Float64Array(0);
  /** After `finalize`: east-west and north-south links on the path of each pair. */
  pathEW = new Int32Array(0);
  pathNS = new Int32Array(0);
  /** Chip-to-chip links on the path of each slot pair. */
  pathCL = new Int32Array(0);
  private out = new Float64Array(0);
  private stamp = new Int32Array(0);
  private readonly nTiles: number;
  private readonly p2p: boolean;
  /** Mesh width of the whole grid and of one chip (equal on a single chip). */
  private readonly width: number;
  private readonly chipW: number;
  private readonly chipH: number;
  private readonly nChips: number;
  /** One packet per event reaching every destination core (else one packet per destination core). */
  readonly multicast: boolean;

  constructor(
    profile: ChipProfile,
    private readonly layout: Layout,
    private readonly costs: CostTable,
    readonly contention: boolean,
  ) {
    const sy = profile.system;
    this.chipW = profile.grid.width;
    this.chipH = profile.grid.height;
    this.width = this.chipW * (sy?.chipsX ?? 1);
    this.nTiles = this.width * this.chipH * (sy?.chipsY ?? 1);
    this.nChips = (sy?.chipsX ?? 1) * (sy?.chipsY ?? 1);
    this.p2p = profile.grid.routing === "point-to-point";
    this.linkAt = new Int32Array(this.p2p ? 0 : 4 * this.nTiles).fill(-1);
    this.multicast = profile.grid.multicast;
  }

  private link(from: number, to: number, kind: number): number {
    // every crossing between the same two chips (in one direction) shares one chip-to-chip link: its
    // bandwidth is the chip pair's, whatever the boundary tiles
    const key =
      kind === CHIP_LINK
        ? -1 - (this.chipOfTile(from) * this.nChips + this.chipOfTile(to))
        : from * this.nTiles + to;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.linkFrom.length;
      this.ids.set(key, id);
      this.linkFrom.push(from);
      this.linkTo.push(to);
      this.linkKind.push(kind);
    }
    return id;
  }

  /** Chip of a global tile id (y·width + x). */
  chipOfTile(tile: number): number {
    const x = tile % this.width;
    const y = Math.floor(tile / this.width);
    return Math.floor(y / this.chipH) * (this.width / this.chipW) + Math.floor(x / this.chipW);
  }

  /** Number of slot pairs with a path. */
  get pairs(): number {
    return this.nPairs;
  }

  /** Cores in use (slots). */
  get slots(): number {
    return this.layout.slots;
  }

  /**
   * Entries of pair p's path that run along the source's row (east-west hops and the chip links among them);
   * the rest run along the destination's column. A point-to-point link counts as a row run.
   */
  rowRun(p: number): number {
    if (this.p2p) return this.pathLen[p]!;
    const { tileX } = this.layout;
    return Math.abs(tileX[this.pairDst[p]!]! - tileX[this.pairSrc[p]!]!);
  }

  /** The pair id of slots a → b, or −1 when no path was asked for. */
  pairOf(a: number, b: number): number {
    if (this.pairTable) return this.pairTable[a * this.layout.slots + b]!;
    return this.pairIds.get(a, b);
  }

  /**
   * Numbers the pair slot a → slot b (once) and records the links from a's tile to b's tile (none on the same
   * tile); returns its pair id. Call `finalize` after the last.
   */
  path(a: number, b: number): number {
    const known = this.pairIds.get(a, b);
    if (known >= 0) return known;
    const { tileX, tileY } = this.layout;
    const id = this.nPairs++;
    if (id === this.pairSrc.length) this.growPairs();
    const [dx, dy] = [Math.abs(tileX[b]! - tileX[a]!), Math.abs(tileY[b]! - tileY[a]!)];
    // the XY path's length is known here; its links are written by `finalize`, into one exact array
    const len = this.p2p ? (dx !== 0 || dy !== 0 ? 1 : 0) : dx + dy;
    this.pairIds.add(a, b, id);
    this.pairSrc[id] = a;
    this.pairDst[id] = b;
    this.pathLen[id] = len;
    this.nLinks += len;
    return id;
  }

  /**
   * Walks the XY path from tile (x, y) to tile (bx, by), numbering each link when first crossed (walked in the
   * order pairs were first asked for, this numbers them), writing the links at out[at ..] when `out` is given;
   * returns the links written and leaves their counts by kind in walkEW / walkNS / walkCL.
   */
  private walk(x: number, y: number, bx: number, by: number, out?: Int32Array, at = 0): number {
    const w = this.width;
    const { chipW, chipH, linkAt, linkKind } = this;
    let n = 0;
    let ew = 0;
    let ns = 0;
    let cl = 0;
    if (this.p2p) {
      if (x !== bx || y !== by) {
        const l = this.link(y * w + x, by * w + bx, HOP_EW);
        if (out) out[at] = l;
        n = 1;
        ew = 1;
      }
    } else {
      // a link is read from linkAt once numbered (a tile off the grid, which only a test layout has, is looked
      // up every time)
      while (x !== bx) {
        const nx = x + (x < bx ? 1 : -1);
        const slot = 4 * (y * w + x) + (x < bx ? 0 : 1);
        let l = linkAt[slot];
        if (l === undefined || l < 0) {
          const kind = Math.floor(x / chipW) !== Math.floor(nx / chipW) ? CHIP_LINK : HOP_EW;
          l = this.link(y * w + x, y * w + nx, kind);
          linkAt[slot] = l;
        }
        if (out) out[at + n] = linkEntry(l, linkKind[l]!);
        n++;
        if (linkKind[l] === HOP_EW) ew++;
        else cl++;
        x = nx;
      }
      while (y !== by) {
        const ny = y + (y < by ? 1 : -1);
        const slot = 4 * (y * w + x) + (y < by ? 2 : 3);
        let l = linkAt[slot];
        if (l === undefined || l < 0) {
          const kind = Math.floor(y / chipH) !== Math.floor(ny / chipH) ? CHIP_LINK : HOP_NS;
          l = this.link(y * w + x, ny * w + x, kind);
          linkAt[slot] = l;
        }
        if (out) out[at + n] = linkEntry(l, linkKind[l]!);
        n++;
        if (linkKind[l] === HOP_NS) ns++;
        else cl++;
        y = ny;
      }
    }
    this.walkEW = ew;
    this.walkNS = ns;
    this.walkCL = cl;
    return n;
  }

  private walkEW = 0;
  private walkNS = 0;
  private walkCL = 0;

  /**
   * Gives every pair its links as a span of one shared pathLinks. An XY path runs along the source's row, then
   * down the destination's column, so the paths into one destination tile from sources on one side of it in
   * one row are suffixes of the path from the farthest of them: that one path is stored, the others start
   * inside it (millions of core pairs across a system's global grid stored their own paths: 509 M links,
   * 1.9 GB, on spikformer-8-512 at 224×224 on spinnaker2-sandia). A pair in the destination's column reads
   * the vertical end of a path from its row, or has its own.
   */
  private sharePaths(): void {
    const { tileX, tileY } = this.layout;
    const pairs = this.nPairs;
    const tiles = new PairHash(); // destination tile (x, y) → dense number
    const groups = new PairHash(); // (destination tile number, 3·source row + side) → group
    const group = new Int32Array(pairs);
    let nTiles = 0;
    const far: number[] = [];
    const gx: number[] = [];
    const gy: number[] = [];
    const gRow: number[] = [];
    const find = (t: number, row: number, side: number, add: boolean, bx: number, by: number) => {
      let g = groups.get(t, 3 * row + side);
      if (g < 0 && add) {
        g = far.length;
        groups.add(t, 3 * row + side, g);
        far.push(bx);
        gx.push(bx);
        gy.push(by);
        gRow.push(row);
      }
      return g;
    };
    const tileOf = (bx: number, by: number) => {
      let t = tiles.get(bx, by);
      if (t < 0) {
        t = nTiles++;
        tiles.add(bx, by, t);
      }
      return t;
    };
    // sources west (side 0) or east (side 1) of their destination: the farthest source of each group
    for (let id = 0; id < pairs; id++) {
      group[id] = -1;
      if (this.pathLen[id] === 0) continue;
      const [a, b] = [this.pairSrc[id]!, this.pairDst[id]!];
      const [xa, bx] = [tileX[a]!, tileX[b]!];
      if (xa === bx) continue;
      const side = xa < bx ? 0 : 1;
      const g = find(tileOf(bx, tileY[b]!), tileY[a]!, side, true, bx, tileY[b]!);
      group[id] = g;
      if (side === 0 ? xa < far[g]! : xa > far[g]!) far[g] = xa;
    }
    // sources in the destination's column: the vertical end of a group of their row, or a group of their own
    for (let id = 0; id < pairs; id++) {
      if (this.pathLen[id] === 0 || group[id]! >= 0) continue;
      const [a, b] = [this.pairSrc[id]!, this.pairDst[id]!];
      const [bx, by, ya] = [tileX[b]!, tileY[b]!, tileY[a]!];
      const t = tileOf(bx, by);
      let g = find(t, ya, 0, false, bx, by);
      if (g < 0) g = find(t, ya, 1, false, bx, by);
      if (g < 0) g = find(t, ya, 2, true, bx, by);
      group[id] = g;
    }
    const gOff = new Float64Array(far.length);
    let total = 0;
    for (let g = 0; g < far.length; g++) {
      gOff[g] = total;
      total += Math.abs(far[g]! - gx[g]!) + Math.abs(gRow[g]! - gy[g]!);
    }
    this.pathLinks = new Int32Array(total);
    for (let g = 0; g < far.length; g++)
      this.walk(far[g]!, gRow[g]!, gx[g]!, gy[g]!, this.pathLinks, gOff[g]!);
    for (let id = 0; id < pairs; id++) {
      const g = group[id]!;
      this.pathOff[id] = g < 0 ? 0 : gOff[g]! + Math.abs(far[g]! - tileX[this.pairSrc[id]!]!);
    }
  }

  /** Room for 1.5× the pairs (typed arrays: 28 bytes a pair). */
  private growPairs(): void {
    const n = Math.max(1024, Math.ceil(this.pairSrc.length * 1.5));
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.pairSrc = grow(this.pairSrc);
    this.pairDst = grow(this.pairDst);
    this.pathOff = grow(this.pathOff);
    this.pathLen = grow(this.pathLen);
    this.pathEW = grow(this.pathEW);
    this.pathNS = grow(this.pathNS);
    this.pathCL = grow(this.pathCL);
  }

  /** Sizes the per-link arrays once every path is known; trims the per-pair arrays to the pairs asked for. */
  finalize(): void {
    // links numbered as the pairs were first asked for, each pair's links counted by kind
    const { tileX, tileY } = this.layout;
    for (let id = 0; id < this.nPairs; id++) {
      const [a, b] = [this.pairSrc[id]!, this.pairDst[id]!];
      this.walk(tileX[a]!, tileY[a]!, tileX[b]!, tileY[b]!);
      this.pathEW[id] = this.walkEW;
      this.pathNS[id] = this.walkNS;
      this.pathCL[id] = this.walkCL;
    }
    if (this.p2p) {
      // one link at most per path: each pair its own
      this.pathLinks = new Int32Array(this.nLinks);
      let at = 0;
      for (let id = 0; id < this.nPairs; id++) {
        const [a, b] = [this.pairSrc[id]!, this.pairDst[id]!];
        this.pathOff[id] = at;
        at += this.walk(tileX[a]!, tileY[a]!, tileX[b]!, tileY[b]!, this.pathLinks, at);
      }
    } else this.sharePaths();
    const n = this.linkFrom.length;
    this.linkLat = Float64Array.from(this.linkKind, (k) => this.costs.cycles[k]!);
    this.linkOcc = Float64Array.from(this.linkKind, (k, l) =>
      k === CHIP_LINK ? this.costs.chipLinkOccupancy : this.linkLat[l]!,
    );
    this.chipLinks = Int32Array.from(this.linkKind.flatMap((k, l) => (k === CHIP_LINK ? [l] : [])));
    this.linkPackets = new Float64Array(n);
    this.free = new Float64Array(n);
    this.out = new Float64Array(n);
    this.stamp = new Int32Array(n).fill(-1);
    this.stepLinkPackets = new Float64Array(n);
    const pairs = this.nPairs;
    // views, not copies: a copy would double the largest arrays at their peak
    this.pairSrc = this.pairSrc.subarray(0, pairs);
    this.pairDst = this.pairDst.subarray(0, pairs);
    this.pathOff = this.pathOff.subarray(0, pairs);
    this.pathLen = this.pathLen.subarray(0, pairs);
    this.pathEW = this.pathEW.subarray(0, pairs);
    this.pathNS = this.pathNS.subarray(0, pairs);
    this.pathCL = this.pathCL.subarray(0, pairs);
    const slots = this.layout.slots;
    if (slots * slots <= PAIR_TABLE_MAX) {
      this.pairTable = new Int32Array(slots * slots).fill(-1);
      for (let p = 0; p < pairs; p++) this.pairTable[this.pairSrc[p]! * slots + this.pairDst[p]!] = p;
    }
  }

  /**
   * Busy cycles per link over the run: packets × the link's occupancy (a mesh link is held one hop latency per
   * packet, a chip link packetBits / bandwidth),
   * one product rather than a running sum, so no rounding accumulates.
   */
  get linkBusy(): Float64Array {
    return Float64Array.from(this.linkPackets, (n, l) => n * this.linkOcc[l]!);
  }

  /**
   * Drops the per-pair paths and per-step link state (gigabytes on a system's global grid) once the last step
   * ran: the run's summary reads only the links and their packets. Nothing can be sent afterwards.
   */
  releasePaths(): void {
    this.pairIds = new PairHash();
    this.pairTable = undefined;
    this.nPairs = 0;
    this.pairSrc = this.pairDst = this.pathOff = this.pathLen = new Int32Array(0);
    this.pathLinks = this.pathEW = this.pathNS = this.pathCL = this.stamp = new Int32Array(0);
    this.free = this.out = new Float64Array(0);
  }

  /** Packets per link this step (kept for chip links only). */
  stepLinkPackets = new Float64Array(0);

  /** The busiest chip link's cycles this step: its packets × packetBits / bandwidth. */
  stepChipLinkBusy(): number {
    let most = 0;
    for (const l of this.chipLinks) most = Math.max(most, this.stepLinkPackets[l]! * this.linkOcc[l]!);
    return most;
  }

  /** Every link free again (a new timestep: the barrier drained the network). */
  newStep(): void {
    this.free.fill(0);
    for (const l of this.chipLinks) this.stepLinkPackets[l] = 0;
    this.stamp.fill(-1);
  }

  resetStats(): void {
    this.linkPackets.fill(0);
    this.stamp.fill(-1);
  }

  /**
   * Sends packet `id` (unique within the step) from slot a at cycle t towards slot b; returns its arrival cycle at b's tile.
   * Links this packet already crossed (multicast branches) cost nothing again.
   */
  send(id: number, a: number, b: number, t: number): number {
    const key = this.pairOf(a, b);
    const off = key < 0 ? -1 : this.pathOff[key]!;
    if (off < 0) throw new Error(`no path from slot ${a} to slot ${b}: call path() before finalize()`);
    const end = off + this.pathLen[key]!;
    const links = this.pathLinks;
    let ew = 0;
    let ns = 0;
    let cl = 0;
    for (let h = off; h < end; h++) {
      const l = linkOfEntry(links[h]!);
      if (this.stamp[l] === id) {
        t = this.out[l]!;
        continue;
      }
      const lat = this.linkLat[l]!;
      const depart = this.contention && this.free[l]! > t ? this.free[l]! : t;
      this.free[l] = depart + this.linkOcc[l]!;
      t = depart + lat;
      this.out[l] = t;
      this.stamp[l] = id;
      this.linkPackets[l]!++;
      const kind = this.linkKind[l];
      if (kind === HOP_EW) ew++;
      else if (kind === HOP_NS) ns++;
      else {
        cl++;
        this.stepLinkPackets[l]!++;
      }
    }
    this.lastEW = ew;
    this.lastNS = ns;
    this.lastCL = cl;
    return t;
  }
}

/** A link's entry in a path: its id, or ~id (negative) for a chip-to-chip link. */
export function linkEntry(l: number, kind: number): number {
  return kind === CHIP_LINK ? ~l : l;
}

/** The link id of a path entry. */
export function linkOfEntry(e: number): number {
  return e < 0 ? ~e : e;
}
