// The WebAssembly binary format (core spec §5), as much of it as the chip's kernels use: LEB128 numbers,
// sections, a one-memory module, and the instructions by name. The kernels are written out as bytes here rather
// than built by a toolchain (no build step, no dependency); `WebAssembly.validate` checks each module when it is
// first made. Also the part of the WebAssembly JS API used: the project's TypeScript libs do not declare it.

export const uleb = (n: number): number[] => {
  const b: number[] = [];
  do {
    let x = n & 0x7f;
    n >>>= 7;
    if (n !== 0) x |= 0x80;
    b.push(x);
  } while (n !== 0);
  return b;
};

export const sleb = (n: number): number[] => {
  const b: number[] = [];
  for (;;) {
    const x = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (x & 0x40) === 0) || (n === -1 && (x & 0x40) !== 0)) return [...b, x];
    b.push(x | 0x80);
  }
};

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

// value types
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

// instructions (core spec §5.4)
export const get = (i: number) => [0x20, i];
export const set = (i: number) => [0x21, i];
export const tee = (i: number) => [0x22, i];
export const i32Const = (v: number) => [0x41, ...sleb(v)];
/** A load or store's alignment (log2 bytes) and offset. */
const memarg = (align: number, offset: number) => [align, ...uleb(offset)];
export const I32_ADD = [0x6a];
export const I32_SUB = [0x6b];
export const I32_MUL = [0x6c];
export const I32_SHL = [0x74];
export const I32_SHR_S = [0x75];
export const I32_SHR_U = [0x76];
export const I32_XOR = [0x73];
export const I32_LT_U = [0x49];
export const I32_GE_S = [0x4e];
export const I32_GE_U = [0x4f];
export const I32_EQZ = [0x45];
export const I32_EQ = [0x46];
export const I32_NE = [0x47];
export const I32_LT_S = [0x48];
export const I32_GT_S = [0x4a];
export const I32_AND = [0x71];
export const I32_OR = [0x72];
export const I32_LOAD = (o: number, align = 2) => [0x28, ...memarg(align, o)];
export const I32_STORE = (o: number, align = 2) => [0x36, ...memarg(align, o)];
export const I32_LOAD8_S = (o: number) => [0x2c, ...memarg(0, o)];
export const I32_LOAD8_U = (o: number) => [0x2d, ...memarg(0, o)];
export const I32_LOAD16_S = (o: number) => [0x2e, ...memarg(0, o)];
export const F64_LOAD = (o: number) => [0x2b, ...memarg(3, o)];
export const F64_STORE = (o: number) => [0x39, ...memarg(3, o)];
export const F64_ADD = [0xa0];
export const F64_SUB = [0xa1];
export const F64_MUL = [0xa2];
export const F64_DIV = [0xa3];
export const F64_MAX = [0xa5];
export const F64_NEG = [0x9a];
export const F64_ABS = [0x99];
export const F64_TRUNC = [0x9d];
export const F64_CONVERT_I32_S = [0xb7];
export const F64_EQ = [0x61];
export const F64_NE = [0x62];
export const F64_LT = [0x63];
export const F64_LE = [0x65];
/** f64.const: the value's IEEE 754 bytes, little-endian. */
export const f64Const = (v: number): number[] => {
  const bytes = new DataView(new ArrayBuffer(8));
  bytes.setFloat64(0, v, true);
  return [0x44, ...new Uint8Array(bytes.buffer)];
};
export const F64_GT = [0x64];
/** select(a, b, c): a when c ≠ 0, else b (any numeric type). */
export const SELECT = [0x1b];
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const IF = [0x04, 0x40];
export const ELSE = [0x05];
export const END = [0x0b];
export const BR = (depth: number) => [0x0c, depth];
export const BR_IF = (depth: number) => [0x0d, depth];
export const RETURN = [0x0f];
export const CALL = (fn: number) => [0x10, ...uleb(fn)];
const simd = (op: number) => [0xfd, ...uleb(op)];
export const V128_LOAD = (o: number) => [...simd(0x00), ...memarg(0, o)];
export const V128_STORE = (o: number) => [...simd(0x0b), ...memarg(0, o)];
export const I32X4_SPLAT = simd(0x11);
export const I16X8_FROM_I8_LOW = simd(0x87);
export const I16X8_FROM_I8_HIGH = simd(0x88);
export const I32X4_FROM_I16_LOW = simd(0xa7);
export const I32X4_FROM_I16_HIGH = simd(0xa8);
export const I32X4_ADD = simd(0xae);
export const I32X4_MUL = simd(0xb5);

// building code: instruction lists joined in order, and loops and addresses over locals

/** Instructions in order (one logical step per argument). */
export const code = (...parts: number[][]): number[] => parts.flat();
/** The byte address of item `index` (a local) of the array at local `base`: base + index · 2^shift. */
export const itemAt = (base: number, index: number, shift: number) =>
  code(get(index), i32Const(shift), I32_SHL, get(base), I32_ADD);
/** local += 1, local −= 1 (i32). */
export const inc = (l: number) => code(get(l), i32Const(1), I32_ADD, set(l));
export const dec = (l: number) => code(get(l), i32Const(1), I32_SUB, set(l));
/** while (local a < local b) { body; a++ } (unsigned compare). */
export const upTo = (a: number, b: number, body: number[]) =>
  code(BLOCK, LOOP, get(a), get(b), I32_GE_U, BR_IF(1), body, inc(a), BR(0), END, END);

/** A function: its parameter types, its locals as (count, type) groups, its body (ending in END), and its
 * result types (none when left out). */
export interface WasmFunction {
  name: string;
  params: number[];
  locals: [number, number][];
  body: number[];
  results?: number[];
}

/** A module importing its memory as "m"."memory" and exporting each function by name. */
export function moduleBytes(fns: WasmFunction[]): Uint8Array {
  const types = fns.map((f) => [
    0x60,
    ...vec(f.params.map((t) => [t])),
    ...vec((f.results ?? []).map((t) => [t])),
  ]);
  const bodies = fns.map((f) => {
    const code = [...vec(f.locals.map(([n, t]) => [n, t])), ...f.body];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name("m"), ...name("memory"), 0x02, 0x00, 0x00]])),
    ...section(3, vec(fns.map((_, i) => [i]))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, i]))),
    ...section(10, vec(bodies)),
  ]);
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
/** The runtime's WebAssembly, or undefined where it has none. */
export const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes in a WebAssembly page. */
export const PAGE = 65536;

/** The module compiled once, or null where this runtime lacks WebAssembly or a feature the module uses. */
export function compileOnce(make: () => Uint8Array): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      const bytes = make();
      compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
    }
    return compiled;
  };
}
