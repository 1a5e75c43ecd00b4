// The accumulate's inner loop as WebAssembly SIMD: acc[k] += w[k]·x over a run of k, acc int32, the weights
// int8, int16 or int32. The scalar float64 loop (projection.ts) spends ≈ 1.5 ns an element on it; these kernels
// ≈ 0.15 (four int32 lanes, weights widened in registers, an eighth of the bytes read for int8). Integer
// arithmetic is exact wherever the caller has bounded every partial sum below 2^31 (projection.ts, `intFrame`),
// so the sums are the float64 loop's, bit for bit.
//
// The module is written out here as bytes — six small functions — rather than built by a toolchain: the
// encoding below is the WebAssembly binary format (core spec §5, SIMD opcodes of the fixed-width SIMD proposal,
// now in the core spec), and `WebAssembly.validate` checks it when the module is first made.

const uleb = (n: number): number[] => {
  const b: number[] = [];
  do {
    let x = n & 0x7f;
    n >>>= 7;
    if (n !== 0) x |= 0x80;
    b.push(x);
  } while (n !== 0);
  return b;
};

const sleb = (n: number): number[] => {
  const b: number[] = [];
  for (;;) {
    const x = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (x & 0x40) === 0) || (n === -1 && (x & 0x40) !== 0)) return [...b, x];
    b.push(x | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

// instructions (core spec §5.4)
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32Const = (v: number) => [0x41, ...sleb(v)];
const memarg = (offset: number) => [0, ...uleb(offset)]; // alignment hint 1 byte: the runs start anywhere
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const I32_MUL = [0x6c];
const I32_LT_U = [0x49];
const I32_EQZ = [0x45];
const I32_LOAD = (o: number) => [0x28, ...memarg(o)];
const I32_STORE = (o: number) => [0x36, ...memarg(o)];
const LOAD_WEIGHT = { 1: [0x2c], 2: [0x2e], 4: [0x28] } as const; // i32.load8_s, i32.load16_s, i32.load
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const BR = (depth: number) => [0x0c, depth];
const BR_IF = (depth: number) => [0x0d, depth];
const simd = (op: number) => [0xfd, ...uleb(op)];
const V128_LOAD = (o: number) => [...simd(0x00), ...memarg(o)];
const V128_STORE = (o: number) => [...simd(0x0b), ...memarg(o)];
const I32X4_SPLAT = simd(0x11);
const I16X8_FROM_I8_LOW = simd(0x87);
const I16X8_FROM_I8_HIGH = simd(0x88);
const I32X4_FROM_I16_LOW = simd(0xa7);
const I32X4_FROM_I16_HIGH = simd(0xa8);
const I32X4_ADD = simd(0xae);
const I32X4_MUL = simd(0xb5);

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
    ...I32_LOAD(0),
    ...get(W),
    ...LOAD_WEIGHT[width],
    ...memarg(0),
    ...(mul ? [...get(X), ...I32_MUL] : []),
    ...I32_ADD,
    ...I32_STORE(0),
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
function moduleBytes(): Uint8Array {
  const signature = [0x60, ...vec([[I32], [I32], [I32], [I32]]), 0];
  const bodies = KERNELS.map(({ width, mul }) => {
    const code = [...vec([[2, V128]]), ...kernelBody(width, mul)];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([signature])),
    ...section(2, vec([[...name("m"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec(KERNELS.map(() => [0]))),
    ...section(7, vec(KERNELS.map((k, i) => [...name(k.name), 0x00, i]))),
    ...section(10, vec(bodies)),
  ]);
}

/** A kernel: acc (byte address), w (byte address), n elements, x (ignored by the add kernels). */
export type Kernel = (acc: number, w: number, n: number, x: number) => void;

export interface Kernels {
  add: Record<WeightWidth, Kernel>;
  mul: Record<WeightWidth, Kernel>;
}

/** The part of the WebAssembly JS API used here: the project's TypeScript libs (ES2022, node) do not declare it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where this runtime has no WebAssembly SIMD (then the float64 loop runs). */
function simdModule(): object | null {
  if (compiled === undefined) {
    const bytes = moduleBytes();
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
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
