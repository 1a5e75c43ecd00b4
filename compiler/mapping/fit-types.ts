// The fit report's types: per-core and total utilisation of every limit, and the explained misfits.

import type { Encoding } from "./encoding.js";
import type { Usage } from "./types.js";

/** One reason the network does not fit, with what would make it fit. */
export interface Misfit {
  /** Population or dynamic matmul id; "*" for the whole network (e.g. too few cores). */
  population: string;
  /** A usage key (`neurons`, `synapseBits`, `inputAxons`, `cores`, `weightBits`, `kernelEntries`, …). */
  limit: string;
  needed: number;
  available: number;
  /** What would make it fit, in words a user can act on. */
  suggestion: string;
}

export interface CoreUtilisation {
  index: number;
  usage: Usage;
  limits: Usage;
  /** usage / limit per limited key, 0..1 when it fits. */
  fraction: Record<string, number>;
}

export interface FitReport {
  fits: boolean;
  profile: string;
  coresUsed: number;
  coresAvailable: number;
  /**
   * Cores needed: what first-fit packing uses (also when over the available count), never below
   * `coresAtLeast` (first fit packs only the nodes that fit a core).
   */
  coresNeeded: number;
  /** A true lower bound: max over summed limits of ⌈total demand / largest per-core capacity⌉ (lower-bound.ts). */
  coresAtLeast: number;
  /** Multi-chip systems only: chips the mapping uses, those allowed (system or --max-chips), those needed. */
  chipsUsed?: number;
  chipsAvailable?: number;
  chipsNeeded?: number;
  perCore: CoreUtilisation[];
  /** Σ usage and Σ limits over the used cores. */
  totals: Record<string, { used: number; available: number }>;
  misfits: Misfit[];
  /** Graded populations sent as bit planes on a binary-spike profile, by id (absent when none). */
  encodings?: Record<string, Encoding>;
  /** Built-in profiles on which the network fits (filled only when it does not fit here). */
  profilesThatFit?: string[];
}
