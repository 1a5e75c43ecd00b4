// Budgets for sizes that come from users (flags, grid files): checked before any allocation, so an absurd value
// (a typo such as 1e9) is a one-line error instead of an out-of-memory abort.

/**
 * Most steps one simulation runs. Every engine keeps per-step outputs and counts, and a step costs time even on
 * an empty network: 10^6 steps is hours of chip simulation, so anything above is a typo (e.g. 1e9).
 */
export const MAX_TIMESTEPS = 1_000_000;

/**
 * Most values a run may keep across its steps (samples × steps × values recorded per step): 2^27 float64
 * values are 1 GiB.
 */
export const MAX_KEPT_VALUES = 2 ** 27;
