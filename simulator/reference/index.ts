// Public API of the reference interpreter (simulator/reference): the integer NMIR semantics, run step by step
// or over a sequence, with op counts (DESIGN §6–7) and the theoretical AC/MAC energy.

export { mulShift, mulShiftInt } from "./arith.js";
export {
  COUNT_CONVENTIONS,
  type CountTotals,
  type EnergyOptions,
  type InputCounts,
  type MatmulCounts,
  type OpCounts,
  type PopulationCounts,
  type ProjectionCounts,
  type StepCounts,
  sumTotals,
  type TheoreticalEnergy,
  theoreticalEnergy,
  zeroTotals,
} from "./counts.js";
export { createFan, type Fan } from "./deliver.js";
export type { InputSequence } from "./inputs.js";
export { createKernel, type NeuronKernel, type PopTally, type StateArray } from "./models.js";
export { type ReferenceRunOptions, type ReferenceRunResult, referenceRun, runReference } from "./run.js";
export {
  createReferenceRunner,
  type ReferenceRunner,
  type ReferenceRunnerOptions,
  type StepEvents,
} from "./runner.js";
export { type Frame, planSchedule, type Schedule, TIMESTEP_MODES, type TimestepMode } from "./schedule.js";
