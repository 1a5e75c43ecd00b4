// Float reference (DESIGN §6): executes a NetGraph in float64 over T timesteps, layer-sync, forward Euler.
// Entry points: runFloat, runFloatBatch, createFloatRunner (streaming); basis builders for the compiler.

export { eigenvalues, spectralRadius } from "./eig.js";
export type { InputTensor } from "./inputs.js";
export {
  bidirectionalSsm,
  type DiscreteDiagonalSsm,
  delaySteps,
  dftMatrix,
  discretizeDiagonalSsm,
  erf,
  fixedTransformMatrix,
  gelu,
  haarMatrix,
  type LmuMatrices,
  lmuImpulseResponse,
  lmuMatrices,
  ternaryWeights,
} from "./kernels/index.js";
export { expm, matmul, solve } from "./linalg.js";
export {
  createFloatRunner,
  type FloatRunner,
  type FloatRunnerOptions,
  type FloatRunOptions,
  type FloatRunResult,
  runFloat,
  runFloatBatch,
} from "./run.js";
export {
  flattenGraph,
  type Schedule,
  type ScheduledNode,
  type ScheduledSource,
  scheduleGraph,
} from "./schedule.js";
