// Growable structure-of-arrays buffers for the per-step work lists of the chip model (packets waiting to be
// routed, packets waiting to be processed), so the hot loops allocate nothing per event.

/** Items of (key: int, time: float, value: float, a: int, b: int), sortable by (key, time). */
export class ItemBuffer {
  n = 0;
  key = new Int32Array(64);
  time = new Float64Array(64);
  value = new Float64Array(64);
  a = new Int32Array(64);
  b = new Int32Array(64);
  private order = new Int32Array(64);
  private bucketStart = new Int32Array(64);

  push(key: number, time: number, value: number, a: number, b: number): void {
    if (this.n === this.key.length) this.grow();
    const i = this.n++;
    this.key[i] = key;
    this.time[i] = time;
    this.value[i] = value;
    this.a[i] = a;
    this.b[i] = b;
  }

  private grow(): void {
    const m = this.key.length * 2;
    const g = <T extends Int32Array | Float64Array>(x: T, make: (n: number) => T): T => {
      const y = make(m);
      y.set(x);
      return y;
    };
    this.key = g(this.key, (k) => new Int32Array(k));
    this.time = g(this.time, (k) => new Float64Array(k));
    this.value = g(this.value, (k) => new Float64Array(k));
    this.a = g(this.a, (k) => new Int32Array(k));
    this.b = g(this.b, (k) => new Int32Array(k));
    this.order = new Int32Array(m);
  }

  /**
   * Indices 0..n−1 ordered by (time, insertion) in O(n): a counting sort into ≈ n time buckets, then
   * insertion sort inside each (buckets hold about one item), so the order is exact.
   */
  byTime(): Int32Array {
    const n = this.n;
    const o = this.order.subarray(0, n);
    const { time } = this;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const x = time[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const buckets = n + 1;
    if (this.bucketStart.length < 2 * buckets + 2) this.bucketStart = new Int32Array(4 * buckets + 4);
    const start = this.bucketStart.subarray(0, buckets + 1).fill(0);
    const ptr = this.bucketStart.subarray(buckets + 1, 2 * buckets + 2);
    const scale = hi > lo ? (buckets - 1) / (hi - lo) : 0;
    for (let i = 0; i < n; i++) start[Math.floor((time[i]! - lo) * scale) + 1]!++;
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    ptr.set(start);
    for (let i = 0; i < n; i++) {
      const t = time[i]!;
      const b = Math.floor((t - lo) * scale);
      let at = ptr[b]!++;
      // insertion inside the bucket keeps (time, insertion) order; equal times never move
      while (at > start[b]! && time[o[at - 1]!]! > t) {
        o[at] = o[at - 1]!;
        at--;
      }
      o[at] = i;
    }
    return o;
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
