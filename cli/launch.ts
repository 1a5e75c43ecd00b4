// How the `spikegrid` process starts (bin/spikegrid.js): the CLI in this process, or — for a large model (a zoo
// network, or a file of LARGE_INPUT_BYTES or more) while V8's heap limit is below HEAP_SHARE of the machine's
// memory — in a child node given that heap, whose out-of-memory abort becomes one clear error (exit 2) instead
// of V8's dump. Node's default heap (≈ 4 GB here) is what an ImageNet-size mapping outgrew.

import { statSync } from "node:fs";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";

/** Inputs at least this large run with the larger heap (a .nmir of an ImageNet Spikformer is ~0.5 GB). */
export const LARGE_INPUT_BYTES = 16 * 2 ** 20;
/** The share of the machine's memory the heap may grow to. */
export const HEAP_SHARE = 0.75;
/** Set in the child: it runs the CLI itself, never relaunches. */
const CHILD_ENV = "SPIKEGRID_HEAP_MB";
/** What V8 prints when the heap is exhausted, just before it aborts. */
const OOM_MARKERS = ["<--- Last few GCs --->", "JavaScript heap out of memory"];

export interface HeapSetting {
  /** The heap limit the process runs with (bytes). */
  limitBytes: number;
  /** The limit wanted for large inputs (MB). */
  wantedMB: number;
  /** Already set by the user (NODE_OPTIONS or node's own flags) or by a relaunch. */
  fixed: boolean;
}

export function currentHeap(): HeapSetting {
  const flag = /--max-old-space-size/;
  return {
    limitBytes: getHeapStatistics().heap_size_limit,
    wantedMB: Math.floor((totalmem() * HEAP_SHARE) / 2 ** 20),
    fixed:
      process.env[CHILD_ENV] !== undefined ||
      flag.test(process.env.NODE_OPTIONS ?? "") ||
      process.execArgv.some((a) => flag.test(a)),
  };
}

function isLargeFile(arg: string): boolean {
  if (arg.startsWith("-")) return false;
  try {
    return statSync(arg).size >= LARGE_INPUT_BYTES;
  } catch {
    return false; // not a file: the command says what is wrong with it
  }
}

/** Whether this command line should run in a child with a larger heap. */
export function wantsLargerHeap(argv: readonly string[], heap: HeapSetting): boolean {
  if (heap.fixed || heap.limitBytes >= heap.wantedMB * 2 ** 20 * 0.95) return false;
  return argv.some((a) => a.startsWith("zoo:") || isLargeFile(a));
}

/** The error a child's heap exhaustion becomes. */
export function outOfMemoryMessage(heapMB: number): string {
  const gb = (heapMB / 1024).toFixed(1);
  return [
    `spikegrid: error [RESOURCE_LIMIT]: ran out of memory: the run needed more than its ${gb} GB JavaScript heap (${HEAP_SHARE * 100} % of this machine's memory)`,
    "hint: a smaller network or image size, a system with fewer cores to route (map --max-chips / --max-cores), or a machine with more memory; NODE_OPTIONS=--max-old-space-size=MB sets the heap",
  ].join("\n");
}

/** Runs the CLI (`run`) here, or `entry` in a child node with the larger heap; resolves to the exit code. */
export async function launch(
  argv: string[],
  entry: string,
  run: (argv: string[]) => Promise<number>,
  heap: HeapSetting = currentHeap(),
): Promise<number> {
  if (!wantsLargerHeap(argv, heap)) return run(argv);
  // loaded only to relaunch: child_process (and the stream modules it loads) is a good part of a short run's start
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [`--max-old-space-size=${heap.wantedMB}`, entry, ...argv], {
    stdio: ["inherit", "inherit", "pipe"],
    env: { ...process.env, [CHILD_ENV]: String(heap.wantedMB) },
  });
  // Ctrl-C reaches the child too (same process group): let it end and report, then exit with its code
  const ignore = () => {};
  process.on("SIGINT", ignore);
  let outOfMemory = false;
  child.stderr!.on("data", (chunk: Buffer) => {
    if (outOfMemory) return;
    const text = chunk.toString("utf8");
    const at = Math.min(...OOM_MARKERS.map((m) => text.indexOf(m)).filter((i) => i >= 0));
    if (Number.isFinite(at)) {
      outOfMemory = true;
      process.stderr.write(text.slice(0, at));
    } else process.stderr.write(chunk);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on("close", (c, s) => done([c, s])),
  );
  process.off("SIGINT", ignore);
  if (outOfMemory) {
    process.stderr.write(`${outOfMemoryMessage(heap.wantedMB)}\n`);
    return 2;
  }
  if (signal) {
    process.stderr.write(`spikegrid: internal error: the run ended on signal ${signal}\n`);
    return 1;
  }
  return code ?? 1;
}
