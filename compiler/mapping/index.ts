// Public API of the mapper: NMIR + chip profile → mapping (cores, slices, placement, routes) + fit report.

export { describeMisfit, formatFitSummary } from "./fit-report.js";
export type { CoreUtilisation, FitReport, Misfit } from "./fit-types.js";
export { type AssignedCore, mappingForCores } from "./from-cores.js";
export { tiles as usableTiles } from "./grid.js";
export { formatGrid } from "./grid-view.js";
export {
  analyseFit,
  checkMappable,
  type MapOptions,
  MappingError,
  type MapResult,
  mapNetwork,
} from "./map-network.js";
export { MAPPING_INDENT_MAX_CORES, mappingJson } from "./mapping-json.js";
export { speckUsage } from "./memory-models.js";
export { profileTraffic } from "./profile-traffic.js";
export { formatChipGrid, formatSystemLinks } from "./system-view.js";
export type { SpikeCounts } from "./traffic.js";
export * from "./types.js";
export { alreadyValidated, checkMapping, validatedMapping, validateMapping } from "./validate.js";
