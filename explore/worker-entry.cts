// The file piscina loads in each worker thread: CommonJS, so piscina's require() succeeds at once, and the ESM
// worker (worker.js) is loaded by import(). Without it piscina first tries require() on the ESM graph and, when
// that fails, Node can hide the real load error behind "imported again after being required".

type Worker = typeof import("./worker.js");
type Job = import("./simulate-job.js").SimulationJob;
type Result = import("./result.js").PointResult;

// Loaded as the thread starts, so module loading overlaps the main thread's calibration; a load error is
// reported by the first task that awaits it.
const worker: Promise<Worker> = import("./worker.js");
worker.catch(() => {});

module.exports = async function runTask(job: Job): Promise<Result> {
  return (await worker).default(job);
};
