// Growable structure-of-arrays buffers for the per-step work lists of the chip model (packets waiting to be
// routed, packets waiting to be processed), so the hot loops allocate nothing per event.

/** A copy of `x` in a typed array twice as long. */
function doubled<T extends Int32Array | Float64Array>(x: T): T {
  const y = new (x.constructor as new (n: number) => T)(x.length * 2);
  y.set(x);
  return y;
}

/**
 * Packets of one phase: injection cycle, `pair` (a unicast packet's source slot · slots + destination slot; a
 * multicast packet's number of destination rows) and first destination row; `sortByTime` copies them, in
 * injection order, to the `s…` arrays. Rows are kept only when `withRow` (someone reads the arrival per row).
 */
export class PacketBuffer {
  n = 0;
  time = new Float64Array(1024);
  pair = new Int32Array(1024);
  row = new Int32Array(1024);
  sTime = new Float64Array(1024);
  sPair = new Int32Array(1024);
  sRow = new Int32Array(1024);
  withRow = true;
  private bucketOf = new Int32Array(1024);
  private bucketStart = new Int32Array(2048);
  /** Earliest and latest injection since the buffer was last emptied (`push` callers report them: `bound`). */
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  push(time: number, pair: number, row: number): void {
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.time[i] = time;
    this.pair[i] = pair;
    if (this.withRow) this.row[i] = row;
  }

  /** Widens the injection range to [lo, hi] (the pusher tracks it in locals: cheaper than per push). */
  bound(lo: number, hi: number): void {
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
  }

  private grow(): void {
    this.time = doubled(this.time);
    this.pair = doubled(this.pair);
    this.row = doubled(this.row);
    const m = this.time.length;
    this.sTime = new Float64Array(m);
    this.sPair = new Int32Array(m);
    this.sRow = new Int32Array(m);
    this.bucketOf = new Int32Array(m);
  }

  clear(): void {
    this.n = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
  }

  /**
   * The packets ordered by (time, insertion) into the `s…` arrays in O(n): a counting sort into ≈ n time
   * buckets, then insertion sort inside each (buckets hold about one packet), so the order is exact. The
   * packets are scattered to their places (sequential reads), so routing then reads them in order.
   */
  sortByTime(): number {
    const n = this.n;
    const { time, pair, row, sTime, sPair, sRow, bucketOf, lo, hi, withRow } = this;
    const buckets = n + 1;
    if (this.bucketStart.length < 2 * buckets + 2) this.bucketStart = new Int32Array(4 * buckets + 4);
    const start = this.bucketStart.subarray(0, buckets + 1).fill(0);
    const ptr = this.bucketStart.subarray(buckets + 1, 2 * buckets + 2);
    const scale = hi > lo ? (buckets - 1) / (hi - lo) : 0;
    for (let i = 0; i < n; i++) {
      const b = Math.floor((time[i]! - lo) * scale);
      bucketOf[i] = b;
      start[b + 1]!++;
    }
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    ptr.set(start);
    for (let i = 0; i < n; i++) {
      const t = time[i]!;
      const b = bucketOf[i]!;
      const first = start[b]!;
      let at = ptr[b]!++;
      // insertion inside the bucket keeps (time, insertion) order; equal times never move
      while (at > first && sTime[at - 1]! > t) {
        sTime[at] = sTime[at - 1]!;
        sPair[at] = sPair[at - 1]!;
        if (withRow) sRow[at] = sRow[at - 1]!;
        at--;
      }
      sTime[at] = t;
      sPair[at] = pair[i]!;
      if (withRow) sRow[at] = row[i]!;
    }
    return n;
  }
}

/** Items of (key: int, time: float, value: float, a: int, b: int), sortable by (key, time). */
export class ItemBuffer {
  n = 0;
  key = new Int32Array(64);
  time = new Float64Array(64);
  value = new Float64Array(64);
  a = new Int32Array(64);
  b = new Int32Array(64);
  private order = new Int32Array(64);

  push(key: number, time: number, value: number, a: number, b: number): void {
    if (this.n === this.key.length) {
      this.key = doubled(this.key);
      this.time = doubled(this.time);
      this.value = doubled(this.value);
      this.a = doubled(this.a);
      this.b = doubled(this.b);
      this.order = new Int32Array(this.key.length);
    }
    const i = this.n++;
    this.key[i] = key;
    this.time[i] = time;
    this.value[i] = value;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Indices 0..n−1 ordered by (key, time, insertion): a stable order, so runs are reproducible. */
  sorted(): Int32Array {
    const o = this.order.subarray(0, this.n);
    for (let i = 0; i < this.n; i++) o[i] = i;
    const { key, time } = this;
    o.sort((x, y) => key[x]! - key[y]! || time[x]! - time[y]! || x - y);
    return o;
  }
}
