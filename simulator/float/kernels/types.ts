// The kernel contract of the float reference: one stateful object per scheduled node, stepping on Float64Arrays.
// Kernels are built once per runner (parameters pre-broadcast) so the per-step loops allocate nothing.

/** What a kernel factory knows about its node besides the node itself. */
export interface KernelContext {
  /** Node id (flattened path for nodes inside subgraphs), for error messages. */
  id: string;
  /** Integration step in seconds. */
  dt: number;
  /** Shapes arriving at the node's input ports, in `inputPorts(node)` order. */
  inShapes: number[][];
  /** The node's output shape. */
  outShape: number[];
  /** Whole-sequence runs only (sequence.ts): the clip length T, which a bidirectional SSM must see in full. */
  sequenceLength?: number;
}

export interface Kernel {
  /** This step's output, overwritten by every `step` (length = size of the output shape). */
  readonly out: Float64Array;
  /** Computes `out` from the summed inputs of each port (in `inputPorts` order). */
  step(inputs: readonly Float64Array[]): void;
  /** Back to t = 0: state and `out` zeroed (a recurrent edge then reads zeros). */
  reset(): void;
  /** The membrane potential v after this step's reset (neurons with a v), for `recordState`. */
  readonly state?: Float64Array;
}

/** A parameter broadcast to `n` elements (scalars and size-n arrays, as `ndarray.at`). */
export function expand(
  p: { data: ArrayLike<number> },
  n: number,
  f: (v: number) => number = (v) => v,
): Float64Array {
  const out = new Float64Array(n);
  const one = p.data.length === 1;
  for (let i = 0; i < n; i++) out[i] = f(one ? p.data[0]! : p.data[i]!);
  return out;
}

/** A stateless kernel whose step is a pure function of its inputs. */
export function statelessKernel(
  n: number,
  step: (inputs: readonly Float64Array[], out: Float64Array) => void,
): Kernel {
  const out = new Float64Array(n);
  return {
    out,
    step: (inputs) => step(inputs, out),
    reset: () => out.fill(0),
  };
}

export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
