// Host side of the h5wasm worker: one worker thread, started lazily and reused; a request that exceeds its time
// limit (HDF5 can loop forever on a corrupt file) or crashes the wasm ends that worker, and the next starts afresh.

import { readdirSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { SpikegridError } from "../../../common/errors.js";
import { WORKER_SOURCE } from "./h5-worker.js";
import type { GroupSnap } from "./tree.js";
import type { Plan } from "./write-plan.js";

/** `\x89HDF\r\n\x1a\n`: the HDF5 superblock signature (at offset 0, or 512·2^k after a user block). */
export const HDF5_SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

export function hasSignatureAt(bytes: Uint8Array, offset: number): boolean {
  return offset + 8 <= bytes.length && HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

function findSignature(bytes: Uint8Array): boolean {
  for (let off = 0; off + 8 <= bytes.length; off = off === 0 ? 512 : off * 2)
    if (hasSignatureAt(bytes, off)) return true;
  return false;
}

export interface ReadLimits {
  /** At most this many elements per dataset. */
  maxElements: number;
  /** At most this many decoded bytes per dataset (what the file's size can plausibly hold). */
  maxBytes: number;
  /** At most this many decoded bytes for all datasets together. */
  maxTotalBytes: number;
  /** At most this many groups, datasets and links in the file. */
  maxEntries: number;
  maxDepth: number;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
  crashed?: boolean;
  hdf5?: string[];
  notes?: string[];
}

class TimedOut extends Error {}

let worker: Worker | undefined;
let started = 0;
let seq = 0;
let queue: Promise<unknown> = Promise.resolve();

const workerIds = new WeakMap<Worker, number>();

function spawn(): Worker {
  const id = ++started;
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { url: import.meta.resolve("h5wasm/node"), id },
  });
  workerIds.set(w, id);
  w.unref(); // an idle worker must not keep the process alive; it is ref'd while a request is pending
  return w;
}

/** Ends a worker; one killed mid-read never ran its cleanup, so its temp files are removed here. */
function retire(w: Worker): void {
  if (worker === w) worker = undefined;
  const prefix = `spikegrid-nir-${process.pid}-${workerIds.get(w)}-`; // the names h5-worker.ts gives them
  void w.terminate().finally(() => {
    for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix))) {
      try {
        unlinkSync(join(tmpdir(), name));
      } catch {
        /* already gone */
      }
    }
  });
}

/** Sends one request; requests run one at a time so each gets the worker (and its time limit) to itself. */
function request(msg: Record<string, unknown>, transfer: ArrayBuffer[], timeoutMs: number): Promise<Reply> {
  const run = (): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      worker ??= spawn();
      const w = worker;
      const id = ++seq;
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        w.off("message", onMessage).off("error", onError).off("exit", onExit);
        w.unref();
        then();
      };
      const onMessage = (r: Reply): void => {
        if (r.id !== id) return;
        if (r.crashed) retire(w); // its wasm heap may be damaged
        finish(() => resolve(r));
      };
      const onError = (e: Error): void => {
        retire(w);
        finish(() => reject(e));
      };
      const onExit = (code: number): void => {
        if (worker === w) worker = undefined;
        finish(() => reject(new Error(`the HDF5 worker exited with code ${code}`)));
      };
      const timer = setTimeout(() => {
        retire(w);
        finish(() => reject(new TimedOut()));
      }, timeoutMs);
      w.on("message", onMessage).on("error", onError).on("exit", onExit);
      w.ref();
      w.postMessage({ ...msg, id }, transfer);
    });
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

/** The deepest HDF5 message (e.g. "truncated file: eof = 30000, …") or a console note from the wasm. */
function diagnostic(r: Reply): string {
  return r.hdf5?.[r.hdf5.length - 1] ?? r.notes?.find((n) => n.startsWith("Aborted")) ?? "";
}

/**
 * Reads `bytes` as HDF5 in the worker and returns the whole file as a tree. Every failure — not HDF5,
 * truncated, corrupt, too slow — becomes IMPORT_FAILED naming the file.
 */
export async function readH5Tree(
  bytes: Uint8Array,
  fileName: string,
  limits: ReadLimits,
  timeoutMs: number,
): Promise<GroupSnap> {
  const fail = (why: string, cause?: unknown): SpikegridError =>
    new SpikegridError("IMPORT_FAILED", `${fileName}: not a readable NIR file (${why})`, {
      details: [{ where: fileName, message: why }],
      hint: "NIR files are HDF5 files written by nir.write(); check that the file is complete and not corrupted",
      cause,
    });
  if (bytes.length === 0) throw fail("the file is empty");
  if (!findSignature(bytes)) throw fail("no HDF5 signature: this is not an HDF5 file");
  const copy = bytes.slice(); // its own buffer, transferred to the worker without another copy
  let reply: Reply;
  try {
    reply = await request({ op: "read", bytes: copy, limits }, [copy.buffer], timeoutMs);
  } catch (e) {
    if (e instanceof TimedOut) {
      throw fail(
        `the HDF5 library did not finish reading it within ${(timeoutMs / 1000).toFixed(1)} s; a corrupt file can make it loop`,
        e,
      );
    }
    throw fail(e instanceof Error ? e.message : String(e), e);
  }
  if (!reply.ok) {
    const what = reply.crashed
      ? `the HDF5 library crashed on it (${reply.error})`
      : (reply.error ?? "unknown error");
    const diag = diagnostic(reply);
    throw fail(diag && diag !== reply.error ? `${what}: ${diag}` : what);
  }
  return reply.result as GroupSnap;
}

/** Writes a plan (write-plan.ts) as the root of a new HDF5 file and returns its bytes. */
export async function writeH5Plan(root: Plan, gzip: boolean, timeoutMs = 600_000): Promise<Uint8Array> {
  const reply = await request({ op: "write", plan: root, gzip }, [], timeoutMs);
  if (!reply.ok)
    throw new Error(
      `h5wasm could not write the NIR file: ${reply.error}${diagnostic(reply) ? ` (${diagnostic(reply)})` : ""}`,
    );
  return reply.result as Uint8Array;
}
