// Turns the TensorRefs an unpickled checkpoint holds into dense Tensors: checks offset/size/stride against
// the storage, copies views and non-contiguous strides into C order, and shares one decode per storage.

import { type Budget, checkLimit, importLimit } from "../budget.js";
import { CORRUPT, checkedCount, importError } from "./bytes.js";
import { PyObject, shortRepr } from "./pickle-types.js";
import { allocate, gatherStrided, itemSize, type Tensor, type TensorData } from "./tensor.js";
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

/** Bounded: sizes and strides come from the pickle and may be shared-reference bombs. */
const fmt = (v: unknown): string => shortRepr(v, 80);

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
  checkLimit("tensorElements", n, file, where);
  // an empty tensor needs none of its storage: a hostile archive may hang a zip bomb behind one
  if (n === 0) return { dtype, shape: [...shape], data: allocate(dtype, 0) };
  const data = load({ ...st, dtype });
  return {
    dtype,
    shape: [...shape],
    data: gatherStrided(dtype, data, st.viewOffset + offset, shape, stride),
  };
}

/** Every distinct TensorRef reachable from `root` (iterative; cycles and shared parts visited once). */
function collectRefs(root: unknown): Set<TensorRef> {
  const refs = new Set<TensorRef>();
  const seen = new Set<object>();
  const todo: unknown[] = [root];
  while (todo.length) {
    const node = todo.pop();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof TensorRef) refs.add(node);
    else if (Array.isArray(node) || node instanceof Set) for (const v of node) todo.push(v);
    else if (node instanceof Map) for (const v of node.values()) todo.push(v);
    else if (node instanceof PyObject) todo.push(node.args, node.state, node.items, node.list);
  }
  return refs;
}

/**
 * Charges the dense size of every tensor against the file's budget before any is built, so a file of many
 * stride-0 views (each small on disk, each fine alone) is refused without allocating them.
 */
function chargeTensors(refs: Set<TensorRef>, budget: Budget): void {
  const perTensor = importLimit("tensorElements");
  let total = 0;
  for (const ref of refs) {
    const st = ref.storage;
    if (!isStorageRef(st) || st.dtype === undefined || !Array.isArray(ref.size)) continue;
    let n = 1;
    for (const d of ref.size) n *= typeof d === "number" && d >= 0 ? d : 0;
    // a bad or oversized single tensor is refused by materialize, which can name its key
    if (n > perTensor) continue;
    total += n * itemSize(st.dtype);
  }
  budget.charge(total, `its ${refs.size} tensors together`);
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
  budget: Budget,
): unknown {
  chargeTensors(collectRefs(root), budget);
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
    const at = (k: unknown) => `${path}[${typeof k === "string" ? `'${k}'` : shortRepr(k)}]`;
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
