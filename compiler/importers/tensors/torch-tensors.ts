// Turns the TensorRefs an unpickled checkpoint holds into dense Tensors: checks offset/size/stride against
// the storage, copies views and non-contiguous strides into C order, and shares one decode per storage.

import { CORRUPT, checkedCount, importError } from "./bytes.js";
import { PyObject } from "./pickle-types.js";
import { gatherStrided, itemSize, type Tensor, type TensorData } from "./tensor.js";
import { type StorageRef, TensorRef } from "./torch-globals.js";

/** Beyond this, an output larger than its storage (stride-0 broadcast views) is taken for corruption. */
const MAX_EXPANDED_BYTES = 256 * 1024 * 1024;

/** Loads a storage's elements (decoded in its dtype); implemented per archive format. */
export type StorageLoader = (ref: StorageRef & { dtype: NonNullable<StorageRef["dtype"]> }) => TensorData;

function isStorageRef(v: unknown): v is StorageRef {
  return typeof v === "object" && v !== null && (v as StorageRef).kind === "storage";
}

function intList(v: unknown, what: string, file: string, where: string): number[] {
  const ok = Array.isArray(v) && v.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0);
  if (!ok)
    throw importError(file, where, `tensor ${what} ${fmt(v)} is not a list of non-negative ints`, CORRUPT);
  return v as number[];
}

function fmt(v: unknown): string {
  try {
    return (
      JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x))?.slice(0, 80) ?? String(v)
    );
  } catch {
    return String(v);
  }
}

/** One tensor from its ref; `where` names it (the key path) in errors. Returns a string for unreadable kinds. */
export function materialize(
  ref: TensorRef,
  load: StorageLoader,
  file: string,
  where: string,
  warnings: string[],
): Tensor | string {
  const st = ref.storage;
  if (!isStorageRef(st))
    throw importError(file, where, "tensor is rebuilt from something not a storage", CORRUPT);
  if (st.dtype === undefined) {
    warnings.push(
      `${where}: tensor with storage torch.${st.typeName} skipped (complex/quantized are unsupported)`,
    );
    return `<unsupported tensor: torch.${st.typeName}>`;
  }
  const dtype = st.dtype;
  const shape = intList(ref.size, "size", file, where);
  const stride = intList(ref.stride, "stride", file, where);
  const offset = ref.offset;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw importError(file, where, `tensor storage offset ${fmt(offset)} is invalid`, CORRUPT);
  }
  if (stride.length !== shape.length) {
    throw importError(
      file,
      where,
      `tensor size ${fmt(shape)} and stride ${fmt(stride)} differ in rank`,
      CORRUPT,
    );
  }
  const n = checkedCount(shape, file, where);
  let last = offset;
  for (let k = 0; k < shape.length; k++) last += (shape[k]! - 1) * stride[k]!;
  if (n > 0 && last >= st.numel) {
    throw importError(
      file,
      where,
      `tensor view (offset ${offset}, size ${fmt(shape)}, stride ${fmt(stride)}) reaches element ${last} of a ` +
        `${st.numel}-element storage`,
      CORRUPT,
    );
  }
  const bytes = n * itemSize(dtype);
  if (bytes > MAX_EXPANDED_BYTES && bytes > st.numel * itemSize(dtype)) {
    throw importError(file, where, `tensor view expands to ${bytes} bytes, more than its storage`, CORRUPT);
  }
  const data = load({ ...st, dtype });
  return {
    dtype,
    shape: [...shape],
    data: gatherStrided(dtype, data, st.viewOffset + offset, shape, stride),
  };
}

/**
 * Replaces every TensorRef reachable from `root` (in lists, dicts, sets and placeholder objects) with its
 * Tensor, in place. Iterative with a visited set, so cycles and deep nesting cannot overflow the stack.
 * A ref reached twice (tied weights) becomes one shared Tensor.
 */
export function resolveTensors(
  root: unknown,
  load: StorageLoader,
  file: string,
  warnings: string[],
): unknown {
  const done = new Map<TensorRef, Tensor | string>();
  const fix = (v: unknown, path: string): unknown => {
    if (!(v instanceof TensorRef)) return v;
    let t = done.get(v);
    if (t === undefined) {
      t = materialize(v, load, file, path, warnings);
      done.set(v, t);
    }
    return t;
  };
  const holder: unknown[] = [root];
  const seen = new Set<object>();
  const todo: [unknown, string][] = [[holder, ""]];
  while (todo.length) {
    const [node, path] = todo.pop()!;
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    // Python-style key paths, e.g. ['state_dict']['conv.weight'], name the tensor in errors
    const at = (k: unknown) => `${path}[${typeof k === "string" ? `'${k}'` : String(k)}]`;
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        const p = node === holder ? "" : at(i);
        node[i] = fix(v, p || "the saved tensor");
        todo.push([node[i], p]);
      });
    } else if (node instanceof Map) {
      for (const [k, v] of node) {
        const t = fix(v, at(k));
        if (t !== v) node.set(k, t);
        todo.push([t, at(k)]);
      }
    } else if (node instanceof Set) {
      for (const v of [...node]) {
        const t = fix(v, at("set"));
        if (t !== v) {
          node.delete(v);
          node.add(t);
        }
        todo.push([t, at("set")]);
      }
    } else if (node instanceof PyObject) {
      node.state = fix(node.state, at("state"));
      for (const v of [node.args, node.state, node.items, node.list])
        todo.push([v, `${path}<${node.className}>`]);
    }
  }
  return holder[0];
}
