// Numeric helpers for plotting long series: extents by a loop (spreading a long array into Math.max overflows
// the stack) and min/max decimation, which keeps every peak and trough of a series at the plot's resolution.

/** Smallest and largest finite value (`[lo, hi]`), or `undefined` when there is none. */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** The largest finite value, at least `floor`. */
export function maxOf(values: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  const e = extent(values);
  return e ? Math.max(floor, e[1]) : floor;
}

/** A point of a series: its index in the original series and its value. */
export interface IndexedValue {
  i: number;
  v: number;
}

/**
 * At most 2 × `buckets` points of `values`: a short series whole; a long one cut into `buckets` equal runs of
 * indices, each giving its minimum and maximum in index order, so a polyline through them covers the same
 * vertical range per pixel column as the full series.
 */
export function decimateMinMax(values: readonly number[], buckets: number): IndexedValue[] {
  const n = values.length;
  if (n <= 2 * buckets) return values.map((v, i) => ({ i, v }));
  const out: IndexedValue[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    if (lo === hi) out.push({ i: lo, v: values[lo]! });
    else for (const i of lo < hi ? [lo, hi] : [hi, lo]) out.push({ i, v: values[i]! });
  }
  return out;
}

/** Round tick values covering [lo, hi] (about `count` of them, steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
