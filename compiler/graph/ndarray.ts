// Dense float arrays with a shape: the parameter type of every NetGraph node.
// Data keeps the producer's precision (float32 from most checkpoints, float64 where exactness matters).

export type FloatData = Float32Array | Float64Array;

export interface NdArray {
  shape: number[];
  data: FloatData;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** An array of `shape` from values (copied to float64 unless a typed array is given). */
export function ndarray(shape: number[], values: FloatData | readonly number[]): NdArray {
  const data =
    values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
  if (data.length !== sizeOf(shape)) {
    throw new Error(`ndarray: ${data.length} values do not fill shape [${shape.join(",")}]`);
  }
  return { shape: [...shape], data };
}

/** A 0-d array (a scalar parameter that broadcasts). */
export function scalar(value: number): NdArray {
  return { shape: [], data: Float64Array.of(value) };
}

/** An array of `shape` filled with `value`. */
export function filled(shape: number[], value: number): NdArray {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)).fill(value) };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Whether a parameter of shape `p` applies elementwise to a population of shape `target` (equal or scalar-like). */
export function broadcastsTo(p: readonly number[], target: readonly number[]): boolean {
  return sizeOf(p) === 1 || sameShape(p, target) || (p.length === 1 && p[0] === sizeOf(target));
}

/** Element `i` of a parameter broadcast to a population (see `broadcastsTo`). */
export function at(a: NdArray, i: number): number {
  return a.data.length === 1 ? a.data[0]! : a.data[i]!;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
