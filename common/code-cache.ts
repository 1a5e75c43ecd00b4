// A CommonJS bundle run with V8's code cache (what node 22's module compile cache does; node 20 has only the vm
// API): the bytecode of the functions a representative run compiled, saved beside the bundle by the build
// (cli/build-bundles.ts), so a cold process skips compiling them. Used for the profile loader a direct SANA-FE
// run loads on its scheduling thread (hw-profiles/loader-cached.ts), whose start is on the run's critical path.
// The cache is taken only for the exact bundle it was made from, and only whole: the file starts with the SHA-256
// of the source and of the data. V8's own checks are the source's length and its version and flags, not the data
// (a damaged cache would be deserialized as it is), and a rebuilt bundle of the same length must not take a stale
// one. A cache that is refused (a different node or flags) costs nothing but the compile it would have saved.

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** Bytes of one hex SHA-256: the cache file starts with the source's, then the data's. */
const HASH_BYTES = 64;

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** A bundle's script, compiled (with `cachedData` where given), and how to run it to its exports. */
function compile(file: string, source: string, cachedData?: Buffer) {
  // the function node wraps a CommonJS module in: the bundle's require resolves beside it
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = (): Record<string, unknown> => {
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper(module.exports, createRequire(file), module, file, dirname(file));
    return module.exports;
  };
  return { script, run };
}

/** The exports of CommonJS bundle `file`, compiled with the code cache `cacheFile` where it was made from this
 * very source (else compiled as usual). `cacheTaken` says whether V8 took the cache. */
export function runWithCodeCache(
  file: string,
  cacheFile: string,
): { exports: Record<string, unknown>; cacheTaken: boolean } {
  const source = readFileSync(file, "utf8");
  let data: Buffer | undefined;
  try {
    const cache = readFileSync(cacheFile);
    const body = cache.subarray(2 * HASH_BYTES);
    if (
      cache.subarray(0, HASH_BYTES).toString("latin1") === sha256(source) &&
      cache.subarray(HASH_BYTES, 2 * HASH_BYTES).toString("latin1") === sha256(body)
    )
      data = body;
  } catch {
    // no cache: compiled as usual
  }
  const { script, run } = compile(file, source, data);
  const exports = run();
  return { exports, cacheTaken: data !== undefined && !script.cachedDataRejected };
}

/**
 * Runs CommonJS bundle `file`, then `train` on its exports (the work a run does with it: every function it
 * compiles goes into the cache), and writes the code cache to `cacheFile`, headed by the SHA-256 of the source and
 * of the data. Returns the file's size.
 */
export function makeCodeCache(
  file: string,
  cacheFile: string,
  train: (exports: Record<string, unknown>) => void,
): number {
  const source = readFileSync(file, "utf8");
  const { script, run } = compile(file, source);
  train(run());
  const data = script.createCachedData();
  const head = Buffer.from(sha256(source) + sha256(data), "latin1");
  writeFileSync(cacheFile, Buffer.concat([head, data]));
  return head.length + data.length;
}
