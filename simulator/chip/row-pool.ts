// Storage of the traffic tables' rows (tables.ts): a growable int column, and a pool that stores each distinct
// row list once — a source neuron's destination slots, with their synaptic ops in a synapse table — while
// neurons point at it. Every channel of one token of a per-token linear reaches the same cores with the same
// ops: spikformer-8-768 at 112×112 has 94.3 M synapse rows and 290 M destination rows in 7.7 M and 0.1 M lists.

/**
 * Row entries: 8 bits when every value fits (synaptic ops per row below 256: most rows of a tiled network), 16
 * when every value is below 65,536 (slots of fewer than 65,537 cores), else 32.
 */
export type RowInts = Int32Array | Uint16Array | Uint8Array;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * Non-negative ints filled by push, in chunks of 65,536 once past one (a table's rows run to hundreds of
 * millions: growing one array copied it again and again, and kept up to half of it unused), read back by
 * index with `get`; `done` gives them in one array, 8- or 16-bit when every value fits. `narrow`: every value
 * is known to be below 65,536, so the chunks are 16-bit too.
 */
export class IntList {
  n = 0;
  private readonly full: (Int32Array | Uint16Array)[] = [];
  private cur: Int32Array | Uint16Array;
  private at = 0;
  private max = 0;

  constructor(private readonly narrow = false) {
    this.cur = narrow ? new Uint16Array(1024) : new Int32Array(1024);
  }

  push(x: number): void {
    if (this.at === this.cur.length) this.next();
    if (x > this.max) this.max = x;
    this.cur[this.at++] = x;
    this.n++;
  }

  /** Entry i (i < n). */
  get(i: number): number {
    const c = i >>> CHUNK_BITS;
    return c < this.full.length ? this.full[c]![i & MASK]! : this.cur[i & MASK]!;
  }

  /** The first chunk doubles up to 65,536 entries (small tables stay small); then a new chunk of as many. */
  private next(): void {
    const size = this.cur.length;
    if (size < CHUNK) {
      const grown = this.narrow ? new Uint16Array(2 * size) : new Int32Array(2 * size);
      grown.set(this.cur);
      this.cur = grown;
      return;
    }
    this.full.push(this.cur);
    this.cur = this.narrow ? new Uint16Array(CHUNK) : new Int32Array(CHUNK);
    this.at = 0;
  }

  /** The values, 8- or 16-bit when they fit (`wide`: always 32-bit, for row numbers). */
  done(wide = false): RowInts {
    const n = this.n;
    const out = wide
      ? new Int32Array(n)
      : this.max < 256
        ? new Uint8Array(n)
        : this.max < 65536
          ? new Uint16Array(n)
          : new Int32Array(n);
    let o = 0;
    for (const c of this.full) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.cur.subarray(0, this.at), o);
    this.full.length = 0;
    this.cur = new Int32Array(0);
    return out;
  }
}

/** One step of a 32-bit multiplicative hash. */
function mix(h: number, x: number): number {
  const m = Math.imul(h ^ x, 0x9e3779b1);
  return m ^ (m >>> 15);
}

/**
 * Distinct row lists, each stored once in the order first seen: list k's rows are rowStart[k] ..
 * rowStart[k + 1] − 1 of `slot` (and `count`), the first `high` of them (an offset) below a split slot. A list
 * is found by a hash of its content, then compared entry by entry: equal lists are never stored twice, and
 * the rows of a whole table are never held before they are deduplicated.
 */
export class RowPool {
  private readonly slots: IntList;
  private readonly counts: IntList | undefined;
  private readonly starts = new IntList();
  private readonly highs: IntList | undefined;
  private readonly hashes = new IntList();
  /** Open addressing by hash: list id + 1 (0: empty), at most half full. */
  private table = new Int32Array(1024);
  lists = 0;

  constructor(narrowSlots: boolean, withCounts: boolean, withHigh: boolean) {
    this.slots = new IntList(narrowSlots);
    this.counts = withCounts ? new IntList() : undefined;
    this.highs = withHigh ? new IntList() : undefined;
    this.starts.push(0);
  }

  /** The id of the list of slot[0..m) (with count[0..m) and its first `high` rows below the split). */
  add(slot: Int32Array, count: Int32Array | undefined, m: number, high = 0): number {
    let h = mix(m, high);
    for (let k = 0; k < m; k++) h = mix(h, slot[k]!);
    if (count) for (let k = 0; k < m; k++) h = mix(h, count[k]!);
    h &= 0x7fffffff;
    const mask = this.table.length - 1;
    let p = h & mask;
    for (let id = this.table[p]!; id !== 0; id = this.table[p]!) {
      if (this.hashes.get(id - 1) === h && this.same(id - 1, slot, count, m, high)) return id - 1;
      p = (p + 1) & mask;
    }
    const id = this.lists++;
    for (let k = 0; k < m; k++) this.slots.push(slot[k]!);
    if (count && this.counts) for (let k = 0; k < m; k++) this.counts.push(count[k]!);
    this.highs?.push(high);
    this.starts.push(this.slots.n);
    this.hashes.push(h);
    this.table[p] = id + 1;
    if (2 * this.lists > this.table.length) this.rehash();
    return id;
  }

  private same(
    id: number,
    slot: Int32Array,
    count: Int32Array | undefined,
    m: number,
    high: number,
  ): boolean {
    const r0 = this.starts.get(id);
    if (this.starts.get(id + 1) - r0 !== m) return false;
    if (this.highs && this.highs.get(id) !== high) return false;
    for (let k = 0; k < m; k++) if (this.slots.get(r0 + k) !== slot[k]) return false;
    if (count && this.counts)
      for (let k = 0; k < m; k++) if (this.counts.get(r0 + k) !== count[k]) return false;
    return true;
  }

  private rehash(): void {
    const size = 2 * this.table.length;
    const table = new Int32Array(size);
    for (let id = 0; id < this.lists; id++) {
      let p = this.hashes.get(id) & (size - 1);
      while (table[p] !== 0) p = (p + 1) & (size - 1);
      table[p] = id + 1;
    }
    this.table = table;
  }

  /** Rows stored (the distinct lists' rows). */
  get rows(): number {
    return this.slots.n;
  }

  /**
   * The pool's columns: rowStart (lists + 1), slot, count, and per list the row from which its slots are
   * stored less the split (absolute: rowStart[k] + its offset).
   */
  done(): { rowStart: Int32Array; slot: RowInts; count: RowInts | undefined; from: Int32Array | undefined } {
    const rowStart = this.starts.done(true) as Int32Array;
    let from: Int32Array | undefined;
    if (this.highs) {
      const offsets = this.highs.done(true);
      from = Int32Array.from(offsets, (o, k) => rowStart[k]! + o);
    }
    this.table = new Int32Array(0);
    return { rowStart, slot: this.slots.done(), count: this.counts?.done(), from };
  }
}
