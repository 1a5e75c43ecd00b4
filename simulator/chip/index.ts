// Public API of the cycle-level chip simulator (simulator/chip): profile + NMIR + mapping → the reference's
// outputs and counts, plus per-core / per-link / per-step activity, timing and energy (README.md).

export { type SimulateChipOptions, type SimulateChipResult, simulateChip } from "./batch.js";
export {
  type Chip,
  type ChipOptions,
  type ChipRunOptions,
  type ChipRunResult,
  type ChipStream,
  createChip,
  type LoadedChip,
} from "./chip.js";
export { type CostTable, costTable, EVENT_KINDS, type EventKind, NOMINAL_CLOCK_HZ } from "./costs.js";
export { applyChipSections, type ChipSections, chipRunSections } from "./sections.js";
export type { Timing } from "./stats.js";
export type { ChipSummary, CoreSummary, LinkSummary } from "./summary.js";
