// How much parallel work the host gives right now: a fixed arithmetic loop on one thread, then on two at once.
// On two idle cores the two finish in the time of one (capacity 2); on a shared host — virtual CPUs whose
// physical cores other tenants also use — the pair can take far longer (this machine has shown anything from
// 1.1 to 2.0 within a minute). A multi-worker speedup can only be read against it: the explore bench probes
// before and after its runs, and `node dist/bench/host-capacity.js [--probes N]` prints N probes (default 6).

import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

export interface HostCapacity {
  /** The loop alone on one thread. */
  oneMs: number;
  /** The same loop on two threads at once: the slower of the two. */
  twoMs: number;
  /** 2 × oneMs / twoMs: 2 on two free cores, 1 when the two threads get one core's worth between them. */
  capacity: number;
}

// Fixed work (not a time budget), so one and two threads do the same; ≈ 1 s per thread on this machine (shorter
// probes scattered more than the host did).
// A 256 KiB array: in cache, so the loop measures the cores, not shared memory bandwidth.
const LOOP = `
const { parentPort } = require("node:worker_threads");
const a = new Float64Array(32768);
let s = 0;
const t0 = performance.now();
for (let r = 0; r < 4000; r++) for (let i = 0; i < a.length; i++) { a[i] = a[i] * 0.5 + i; s += a[i]; }
parentPort.postMessage({ ms: performance.now() - t0, s });`;

function loopOn(threads: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(LOOP, { eval: true });
          w.once("message", (m: { ms: number }) => {
            resolve(m.ms);
            void w.terminate();
          });
          w.once("error", reject);
        }),
    ),
  );
}

/** One probe: ≈ 1 s of one thread, then ≈ 1 s of two. */
export async function hostCapacity(): Promise<HostCapacity> {
  const [oneMs] = await loopOn(1);
  const twoMs = Math.max(...(await loopOn(2)));
  return {
    oneMs: Math.round(oneMs!),
    twoMs: Math.round(twoMs),
    capacity: +((2 * oneMs!) / twoMs).toFixed(2),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--probes");
  const probes = i >= 0 ? Number(process.argv[i + 1]) : 6;
  if (!Number.isInteger(probes) || probes < 1) {
    console.error(`host-capacity: --probes must be a positive integer, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  for (let k = 0; k < probes; k++)
    console.log(JSON.stringify({ bench: "host-capacity", ...(await hostCapacity()) }));
}
