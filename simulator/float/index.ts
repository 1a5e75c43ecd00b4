// Float reference (DESIGN §6): executes a NetGraph in float64 over T timesteps, layer-sync, forward Euler.
// Entry points: runFloat, runFloatBatch, createFloatRunner (streaming). The graph utilities it shares with the
// compiler (schedule, flatten, LMU / SSM / fixed-transform matrices, delays, linear algebra) are compiler/graph's,
// re-exported here for the float reference's callers.

export { delaySteps } from "../../compiler/graph/delay.js";
export { dftMatrix, fixedTransformMatrix, haarMatrix } from "../../compiler/graph/fixed-transforms.js";
export { expm, matmul, solve } from "../../compiler/graph/linalg.js";
export { type LmuMatrices, lmuImpulseResponse, lmuMatrices } from "../../compiler/graph/lmu.js";
export {
  flattenGraph,
  type Schedule,
  type ScheduledNode,
  type ScheduledSource,
  scheduleGraph,
} from "../../compiler/graph/schedule.js";
export { type DiscreteDiagonalSsm, discretizeDiagonalSsm } from "../../compiler/graph/ssm.js";
export { eigenvalues, spectralRadius } from "./eig.js";
export type { InputTensor } from "./inputs.js";
export { bidirectionalSsm, erf, gelu, ternaryWeights } from "./kernels/index.js";
export {
  createFloatRunner,
  type FloatRunner,
  type FloatRunnerOptions,
  type FloatRunOptions,
  type FloatRunResult,
  runFloat,
  runFloatBatch,
} from "./run.js";
