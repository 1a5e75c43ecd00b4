// The network on chip: directed links between tiles, XY (dimension-order) paths between the cores in use, and
// the sending of one packet through them. `detailed` timing keeps each link's next free time, so packets that
// share a link serialize (a link carries one packet per hop latency); `simple` timing ignores contention.
// Multicast packets follow the union of their XY paths: a link already crossed by the same packet is free.

import type { ChipProfile } from "../../hw-profiles/index.js";
import { type CostTable, HOP_EW, HOP_NS } from "./costs.js";
import type { Layout } from "./layout.js";

export class Noc {
  /** Tile ids (y·width + x) each link joins. */
  readonly linkFrom: number[] = [];
  readonly linkTo: number[] = [];
  /** HOP_EW or HOP_NS: the direction's cost applies. */
  readonly linkKind: number[] = [];
  /** Cycles per link crossing (also its occupancy per packet). */
  linkLat = new Float64Array(0);
  /** Packets per link, over the whole run. */
  linkPackets = new Float64Array(0);
  /** Hops of the last `send` by direction (new link crossings only, for multicast). */
  lastEW = 0;
  lastNS = 0;
  private readonly ids = new Map<number, number>();
  private readonly paths = new Map<number, Int32Array>();
  /** After `finalize`: path of slot pair (a·slots + b) as pathLinks[off .. off + len − 1]. */
  pathOff = new Int32Array(0);
  pathLen = new Int32Array(0);
  pathLinks = new Int32Array(0);
  /** Next free cycle of each link this step (detailed timing). */
  free = new Float64Array(0);
  /** After `finalize`: east-west and north-south links on the path of each slot pair (a·slots + b). */
  pathEW = new Int32Array(0);
  pathNS = new Int32Array(0);
  private out = new Float64Array(0);
  private stamp = new Int32Array(0);
  private readonly nTiles: number;
  private readonly p2p: boolean;
  /** One packet per event reaching every destination core (else one packet per destination core). */
  readonly multicast: boolean;

  constructor(
    private readonly profile: ChipProfile,
    private readonly layout: Layout,
    private readonly costs: CostTable,
    readonly contention: boolean,
  ) {
    this.nTiles = profile.grid.width * profile.grid.height;
    this.p2p = profile.grid.routing === "point-to-point";
    this.multicast = profile.grid.multicast;
  }

  private link(from: number, to: number, kind: number): number {
    const key = from * this.nTiles + to;
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

  /** The links from slot a's tile to slot b's tile (empty on the same tile); call `finalize` after the last. */
  path(a: number, b: number): Int32Array {
    const key = a * this.layout.slots + b;
    const known = this.paths.get(key);
    if (known) return known;
    const { tileX, tileY } = this.layout;
    const w = this.profile.grid.width;
    let x = tileX[a]!;
    let y = tileY[a]!;
    const [bx, by] = [tileX[b]!, tileY[b]!];
    const links: number[] = [];
    if (this.p2p) {
      if (x !== bx || y !== by) links.push(this.link(y * w + x, by * w + bx, HOP_EW));
    } else {
      while (x !== bx) {
        const nx = x + (x < bx ? 1 : -1);
        links.push(this.link(y * w + x, y * w + nx, HOP_EW));
        x = nx;
      }
      while (y !== by) {
        const ny = y + (y < by ? 1 : -1);
        links.push(this.link(y * w + x, ny * w + x, HOP_NS));
        y = ny;
      }
    }
    const p = Int32Array.from(links);
    this.paths.set(key, p);
    return p;
  }

  /** Sizes the per-link arrays once every path is known. */
  finalize(): void {
    const n = this.linkFrom.length;
    this.linkLat = Float64Array.from(this.linkKind, (k) => this.costs.cycles[k]!);
    this.linkPackets = new Float64Array(n);
    this.free = new Float64Array(n);
    this.out = new Float64Array(n);
    this.stamp = new Int32Array(n).fill(-1);
    const pairs = this.layout.slots * this.layout.slots;
    this.pathOff = new Int32Array(pairs).fill(-1);
    this.pathLen = new Int32Array(pairs);
    let total = 0;
    for (const p of this.paths.values()) total += p.length;
    this.pathLinks = new Int32Array(total);
    let at = 0;
    this.pathEW = new Int32Array(pairs);
    this.pathNS = new Int32Array(pairs);
    for (const [key, p] of this.paths) {
      this.pathOff[key] = at;
      this.pathLen[key] = p.length;
      this.pathLinks.set(p, at);
      at += p.length;
      for (const l of p) {
        if (this.linkKind[l] === HOP_EW) this.pathEW[key]!++;
        else this.pathNS[key]!++;
      }
    }
  }

  /**
   * Busy cycles per link over the run: packets × the link's latency (a link is held one hop latency per packet),
   * one product rather than a running sum, so no rounding accumulates.
   */
  get linkBusy(): Float64Array {
    return Float64Array.from(this.linkPackets, (n, l) => n * this.linkLat[l]!);
  }

  /** Every link free again (a new timestep: the barrier drained the network). */
  newStep(): void {
    this.free.fill(0);
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
    const key = a * this.layout.slots + b;
    const off = this.pathOff[key]!;
    if (off < 0) throw new Error(`no path from slot ${a} to slot ${b}: call path() before finalize()`);
    const end = off + this.pathLen[key]!;
    const links = this.pathLinks;
    let ew = 0;
    let ns = 0;
    for (let h = off; h < end; h++) {
      const l = links[h]!;
      if (this.stamp[l] === id) {
        t = this.out[l]!;
        continue;
      }
      const lat = this.linkLat[l]!;
      const depart = this.contention && this.free[l]! > t ? this.free[l]! : t;
      this.free[l] = depart + lat;
      t = depart + lat;
      this.out[l] = t;
      this.stamp[l] = id;
      this.linkPackets[l]!++;
      if (this.linkKind[l] === HOP_EW) ew++;
      else ns++;
    }
    this.lastEW = ew;
    this.lastNS = ns;
    return t;
  }
}
