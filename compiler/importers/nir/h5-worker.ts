// Source of the worker thread that runs h5wasm (started by h5.ts with `eval: true`, so it works from the
// TypeScript sources and from dist alike). A corrupt file can make HDF5 loop or crash; here that costs a worker.

/**
 * Messages: {op:"read", id, bytes, limits} → {id, ok, result: GroupSnap (tree.ts)};
 * {op:"write", id, plan, gzip} → {id, ok, result: Uint8Array}; failures → {id, ok:false, error, crashed, hdf5, notes}.
 * Plain JavaScript (CommonJS, as eval workers are); keep it free of backticks.
 */
export const WORKER_SOURCE = String.raw`
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

// Emscripten binds the console when the module loads: collect its "Aborted(...)" and UTF-8 warnings as notes.
let notes = [];
let hdf5 = [];
// buffers of decoded datasets, moved (not copied) to the main thread: a copy would double the peak
let transfers = new Set();
for (const k of ["log", "info", "warn", "error", "debug"]) {
  console[k] = (...args) => { if (notes.length < 50) notes.push(args.map(String).join(" ")); };
}

const ready = import(workerData.url).then(async (m) => ({ lib: m.default, mod: await m.default.ready }));
let counter = 0;
const tmpPath = (tag) => path.join(os.tmpdir(), "spikegrid-nir-" + process.pid + "-" + workerData.id + "-" + ++counter + "." + tag);
const quietly = (f) => { try { f(); } catch (e) { /* already gone */ } };
class Limit extends Error {}

// HDF5 prints its error stack to fd 2, which h5wasm's Node build (NODERAWFS) writes straight to the process.
// Point the wasm's fd 2 at a temp file for the duration and keep the messages.
function captured(mod, fn) {
  const stream = typeof mod.FS.getStream === "function" ? mod.FS.getStream(2) : null;
  if (!stream || typeof stream.nfd !== "number") return fn();
  const p = tmpPath("diag");
  const fd = fs.openSync(p, "w+");
  const saved = stream.nfd;
  stream.nfd = fd;
  try {
    return fn();
  } finally {
    stream.nfd = saved;
    for (const line of fs.readFileSync(p, "utf8").split("\n")) {
      const m = /#\d+: .* in \w+\(\): (.*)$/.exec(line);
      if (m && hdf5.length < 200) hdf5.push(m[1]);
    }
    fs.closeSync(fd);
    quietly(() => fs.unlinkSync(p));
  }
}

function snapshot(entity, p, st, depth) {
  if (++st.count > st.maxEntries) throw new Limit("it holds more than " + st.maxEntries + " HDF5 objects (a link cycle?)");
  if (depth > st.maxDepth) throw new Limit("its groups nest deeper than " + st.maxDepth + " levels (a link cycle?)");
  if (entity === null || entity === undefined) return { kind: "other", path: p, what: "an unreadable object" };
  if (entity.type === "Group") {
    const entries = entity.keys().map((k) => [k, snapshot(entity.get(k), (p === "/" ? "" : p) + "/" + k, st, depth + 1)]);
    return { kind: "group", path: p, entries };
  }
  if (entity.type !== "Dataset") return { kind: "other", path: p, what: String(entity.type || "a reference") };
  const m = entity.metadata;
  const d = { kind: "dataset", path: p, type: m.type, size: m.size, shape: m.shape, total: m.total_size };
  // Refuse before decoding: a corrupt header can claim terabytes, and HDF5 would try to allocate them;
  // an unallocated or gzip'd dataset can decode to far more than the file, so all of them share a budget.
  const bytes = m.total_size * m.size;
  if (m.shape === null) return d;
  if (m.total_size > st.maxElements) d.over = "elements";
  else if (bytes > st.maxBytes) d.over = "ratio";
  else if (st.decoded + bytes > st.maxTotalBytes) d.over = "total";
  else {
    st.decoded += bytes;
    try {
      d.value = entity.value;
      const b = d.value && d.value.buffer;
      if (ArrayBuffer.isView(d.value) && b instanceof ArrayBuffer && b.byteLength === d.value.byteLength)
        transfers.add(b);
    } catch (e) {
      if (e && e.name === "RuntimeError") throw e;
      d.error = String((e && e.message) || e);
    }
  }
  return d;
}

async function read(msg) {
  const { lib, mod } = await ready;
  const p = tmpPath("nir");
  try {
    mod.FS.writeFile(p, msg.bytes);
    return captured(mod, () => {
      const f = new lib.File(p, "r");
      if (f.file_id < 0n) throw new Error("HDF5 could not open it");
      try {
        return snapshot(f, "/", Object.assign({ count: 0, decoded: 0 }, msg.limits), 0);
      } finally {
        quietly(() => f.close());
      }
    });
  } finally {
    quietly(() => mod.FS.unlink(p));
  }
}

// h5py-like chunks: the whole array, halving the largest dim until a chunk holds at most 1 MiB.
function chunkShape(shape, bytesPerElement) {
  const c = shape.slice();
  const bytes = () => c.reduce((a, b) => a * b, bytesPerElement);
  while (bytes() > 1 << 20) {
    const i = c.indexOf(Math.max(...c));
    c[i] = Math.ceil(c[i] / 2);
  }
  return c;
}

function arrayOptions(shape, bytesPerElement, gzip) {
  // Scalars cannot be chunked (h5py refuses a compressed 0-d dataset); empty arrays have nothing to squeeze.
  if (!gzip || shape.length === 0 || shape.some((d) => d === 0)) return {};
  return { chunks: chunkShape(shape, bytesPerElement), compression: 4 }; // gzip level 4, h5py's default
}

function writePlan(group, plan, gzip) {
  for (const [name, v] of Object.entries(plan)) {
    if (v.t === "group") writePlan(group.create_group(name), v.entries, gzip);
    else if (v.t === "str") group.create_dataset({ name, data: v.value });
    else if (v.t === "strs") group.create_dataset({ name, data: v.values, shape: v.shape, dtype: "S" });
    else if (v.t === "int") {
      const data = BigInt64Array.from(v.values, (x) => BigInt(x));
      group.create_dataset(Object.assign({ name, data, shape: v.shape, dtype: "<q" }, arrayOptions(v.shape, 8, gzip)));
    } else if (v.t === "float") {
      const { data, shape } = v.array;
      const dtype = data instanceof Float32Array ? "<f" : "<d";
      group.create_dataset(Object.assign({ name, data, shape, dtype }, arrayOptions(shape, data.BYTES_PER_ELEMENT, gzip)));
    } else throw new Error("unknown plan value " + JSON.stringify(v.t));
  }
}

async function write(msg) {
  const { lib, mod } = await ready;
  const p = tmpPath("nir");
  try {
    captured(mod, () => {
      const f = new lib.File(p, "w");
      if (f.file_id < 0n) throw new Error("HDF5 could not create " + p);
      try {
        writePlan(f, msg.plan, msg.gzip);
      } finally {
        f.close();
      }
    });
    return new Uint8Array(mod.FS.readFile(p));
  } finally {
    quietly(() => mod.FS.unlink(p));
  }
}

parentPort.on("message", async (msg) => {
  notes = [];
  hdf5 = [];
  transfers = new Set();
  try {
    const result = msg.op === "read" ? await read(msg) : await write(msg);
    parentPort.postMessage({ id: msg.id, ok: true, result }, result instanceof Uint8Array ? [result.buffer] : [...transfers]);
  } catch (e) {
    const error = String((e && e.message) || e);
    const crashed = !!e && e.name === "RuntimeError";
    parentPort.postMessage({ id: msg.id, ok: false, error, crashed, limit: e instanceof Limit, hdf5, notes });
  }
});
`;
