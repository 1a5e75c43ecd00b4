// The file piscina loads in each worker thread: CommonJS, so piscina's require() succeeds at once, and the ESM
// worker (worker.js) is loaded by import(). Without it piscina first tries require() on the ESM graph and, when
// that fails, Node can hide the real load error behind "imported again after being required".

import { workerData } from "node:worker_threads";

type Worker = typeof import("./worker.js");
type Task = import("./worker.js").PointTask;
type Result = import("./result.js").PointResult;

// Loaded as the thread starts (with the sweep's network and samples when the pool names them), so this work
// overlaps the main thread's; a load error is reported by the first task that awaits it.
const worker: Promise<Worker> = import("./worker.js").then((m) => {
  m.warmUp((workerData as { warm?: import("./worker.js").WarmUp } | undefined)?.warm);
  return m;
});
worker.catch(() => {});

module.exports = async function runTask(task: Task): Promise<Result> {
  return (await worker).default(task);
};
