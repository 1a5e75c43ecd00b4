// The worker thread's task: simulate one prepared grid point (simulate-job.ts). The main thread compiles and
// maps each point (cheap) and sends the job — module, mapping, integer input sequences — so a worker never
// loads the network or the samples and runs only the simulator, the part worth parallel threads.

import type { PointResult } from "./result.js";
import { type SimulationJob, simulateJob } from "./simulate-job.js";

export default function runTask(job: SimulationJob): PointResult {
  return simulateJob(job);
}
