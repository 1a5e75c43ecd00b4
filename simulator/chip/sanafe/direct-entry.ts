// What the direct SANA-FE run's command loads (cli/commands/simulate-direct.ts): one entry, bundled into one file
// by the build (cli/bundles.ts), so its dozens of modules load as one.

export { readSanafeDirect, runSanafeDirect } from "./direct.js";
export { BatchScheduler } from "./schedule-batches.js";
