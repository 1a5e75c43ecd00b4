// What the detailed scheduler (schedule.ts) reads: a network's geometry as plain data, and the message queues of
// one step or of a batch of steps, in flat buffers.

import type { ConventionNet, SanafeCore } from "./net.js";

/** What the scheduler reads of a network: where its cores are, the mesh, its hop costs and link buffer. Plain
 * data, so it can be posted to a worker thread (schedule-worker.ts). */
export type ScheduleGeometry = Pick<
  ConventionNet,
  "coresPerTile" | "gridWidth" | "gridHeight" | "hopEast" | "hopWest" | "hopNorth" | "hopSouth" | "linkBuffer"
> & { cores: Pick<SanafeCore, "x" | "y" | "offset">[] };

/** The geometry of `net` as plain data. */
export function scheduleGeometry(net: ConventionNet): ScheduleGeometry {
  const { coresPerTile, gridWidth, gridHeight, hopEast, hopWest, hopNorth, hopSouth, linkBuffer } = net;
  return {
    cores: net.cores.map(({ x, y, offset }) => ({ x, y, offset })),
    ...{ coresPerTile, gridWidth, gridHeight, hopEast, hopWest, hopNorth, hopSouth, linkBuffer },
  };
}

/**
 * Per core slot, the step's messages in send order, in flat buffers: core c's messages are at
 * `start[c] … start[c] + count[c] − 1`; destination slot (−1: neuron work only), gen and proc (s).
 */
export interface MessageQueues {
  start: Int32Array;
  count: Int32Array;
  dest: Int32Array;
  gen: Float64Array;
  proc: Float64Array;
}

/** Several steps' message queues, flat: step s's core c sent `counts[s × cores + c]` messages, cores in slot
 * order, steps one after another in `dest` / `gen` / `proc` (as MessageQueues). */
export interface QueueBatch {
  first: number;
  steps: number;
  counts: Int32Array;
  dest: Int32Array;
  gen: Float64Array;
  proc: Float64Array;
}
