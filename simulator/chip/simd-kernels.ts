// The accumulate's inner loop as WebAssembly SIMD: acc[k] += w[k]·x over a run of k, acc int32, the weights
// int8, int16 or int32. The scalar float64 loop (projection.ts) spends ≈ 1.5 ns an element on it; these kernels
// ≈ 0.15 (four int32 lanes, weights widened in registers, an eighth of the bytes read for int8). Integer
// arithmetic is exact wherever the caller has bounded every partial sum below 2^31 (projection.ts, `intFrame`),
// so the sums are the float64 loop's, bit for bit.
//
// The module is written out as bytes — six small functions — with wasm-binary.ts (SIMD opcodes of the
// fixed-width SIMD proposal, now in the core spec); `WebAssembly.validate` checks it when it is first made.

import {
  BLOCK,
  BR,
  BR_IF,
  compileOnce,
  END,
  get,
  I16X8_FROM_I8_HIGH,
  I16X8_FROM_I8_LOW,
  I32,
  I32_ADD,
  I32_EQZ,
  I32_LOAD,
  I32_LOAD8_S,
  I32_LOAD16_S,
  I32_LT_U,
  I32_MUL,
  I32_STORE,
  I32_SUB,
  I32X4_ADD,
  I32X4_FROM_I16_HIGH,
  I32X4_FROM_I16_LOW,
  I32X4_MUL,
  I32X4_SPLAT,
  i32Const,
  LOOP,
  moduleBytes,
  set,
  V128,
  V128_LOAD,
  V128_STORE,
  type WasmMemory,
  wasm,
} from "./wasm-binary.js";

export type { WasmMemory } from "./wasm-binary.js";

const LOAD_WEIGHT = { 1: I32_LOAD8_S(0), 2: I32_LOAD16_S(0), 4: I32_LOAD(0, 0) } as const;

export type WeightWidth = 1 | 2 | 4;

// parameters and locals of every kernel
const ACC = 0; // byte address of acc[0] (int32)
const W = 1; // byte address of w[0]
const N = 2; // elements
const X = 3; // the event's value (mul kernels)
const LOADED = 4; // 16 bytes of weights
const XS = 5; // X in every lane

/** How 16 loaded bytes become int32 lanes: one expression per 4 elements, in element order. */
const widen: Record<WeightWidth, number[][]> = {
  1: [
    [...I16X8_FROM_I8_LOW, ...I32X4_FROM_I16_LOW],
    [...I16X8_FROM_I8_LOW, ...I32X4_FROM_I16_HIGH],
    [...I16X8_FROM_I8_HIGH, ...I32X4_FROM_I16_LOW],
    [...I16X8_FROM_I8_HIGH, ...I32X4_FROM_I16_HIGH],
  ],
  2: [I32X4_FROM_I16_LOW, I32X4_FROM_I16_HIGH],
  4: [[]],
};

/** acc[k] += w[k] (·x when `mul`), k < n: 16 bytes of weights a turn, then one element a turn. */
function kernelBody(width: WeightWidth, mul: boolean): number[] {
  const lanes = widen[width];
  const perTurn = 16 / width;
  const quarter = (m: number) => [
    ...get(ACC),
    ...get(ACC),
    ...V128_LOAD(16 * m),
    ...get(LOADED),
    ...lanes[m]!,
    ...(mul ? [...get(XS), ...I32X4_MUL] : []),
    ...I32X4_ADD,
    ...V128_STORE(16 * m),
  ];
  const advance = (by: number) => [
    ...get(ACC),
    ...i32Const(4 * by),
    ...I32_ADD,
    ...set(ACC),
    ...get(W),
    ...i32Const(width * by),
    ...I32_ADD,
    ...set(W),
    ...get(N),
    ...i32Const(by),
    ...I32_SUB,
    ...set(N),
  ];
  return [
    ...(mul ? [...get(X), ...I32X4_SPLAT, ...set(XS)] : []),
    ...BLOCK,
    ...LOOP,
    ...get(N),
    ...i32Const(perTurn),
    ...I32_LT_U,
    ...BR_IF(1),
    ...get(W),
    ...V128_LOAD(0),
    ...set(LOADED),
    ...lanes.flatMap((_, m) => quarter(m)),
    ...advance(perTurn),
    ...BR(0),
    ...END,
    ...END,
    ...BLOCK,
    ...LOOP,
    ...get(N),
    ...I32_EQZ,
    ...BR_IF(1),
    ...get(ACC),
    ...get(ACC),
    ...I32_LOAD(0, 0),
    ...get(W),
    ...LOAD_WEIGHT[width],
    ...(mul ? [...get(X), ...I32_MUL] : []),
    ...I32_ADD,
    ...I32_STORE(0, 0),
    ...advance(1),
    ...BR(0),
    ...END,
    ...END,
    ...END,
  ];
}

const KERNELS: { name: string; width: WeightWidth; mul: boolean }[] = [1, 2, 4].flatMap((width) =>
  [false, true].map((mul) => ({ name: `${mul ? "mul" : "add"}${width}`, width: width as WeightWidth, mul })),
);

/** The module: imports its memory as "m"."memory"; exports add1, add2, add4, mul1, mul2, mul4. */
const simdModule = compileOnce(() =>
  moduleBytes(
    KERNELS.map(({ name, width, mul }) => ({
      name,
      params: [I32, I32, I32, I32],
      locals: [[2, V128]],
      body: kernelBody(width, mul),
    })),
  ),
);

/** A kernel: acc (byte address), w (byte address), n elements, x (ignored by the add kernels). */
export type Kernel = (acc: number, w: number, n: number, x: number) => void;

export interface Kernels {
  add: Record<WeightWidth, Kernel>;
  mul: Record<WeightWidth, Kernel>;
}

/** A memory and the kernels over it, or undefined without WebAssembly SIMD. */
export function simdKernels(): { memory: WasmMemory; kernels: Kernels } | undefined {
  const mod = simdModule();
  if (!wasm || !mod) return undefined;
  const memory = new wasm.Memory({ initial: 1 });
  const e = new wasm.Instance(mod, { m: { memory } }).exports as Record<string, Kernel>;
  const kernels = {
    add: { 1: e.add1!, 2: e.add2!, 4: e.add4! },
    mul: { 1: e.mul1!, 2: e.mul2!, 4: e.mul4! },
  };
  return { memory, kernels };
}
