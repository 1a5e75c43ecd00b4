// Units a chip profile may write its numbers in, and their factors to SI (J, s, W, bit, Hz).
// Profiles keep the author's unit for display; the loader converts with these tables.

/** The physical dimensions a profile quantity can have; `count` is a dimensionless integer. */
export type Dimension = "energy" | "latency" | "duration" | "power" | "memory" | "frequency" | "bandwidth";

// "µ" (micro sign U+00B5), "μ" (Greek mu U+03BC) and "u" are all accepted: people type all three.
const ENERGY = { fJ: 1e-15, pJ: 1e-12, nJ: 1e-9, µJ: 1e-6, μJ: 1e-6, uJ: 1e-6, mJ: 1e-3, J: 1 };
const DURATION = { ps: 1e-12, ns: 1e-9, µs: 1e-6, μs: 1e-6, us: 1e-6, ms: 1e-3, s: 1 };
const POWER = { nW: 1e-9, µW: 1e-6, μW: 1e-6, uW: 1e-6, mW: 1e-3, W: 1 };
// Decimal (k, M) and binary (Ki, Mi) prefixes are both allowed; "KB" is not, because it is ambiguous.
const MEMORY = {
  bit: 1,
  kbit: 1e3,
  Kibit: 1024,
  Mbit: 1e6,
  Mibit: 1024 ** 2,
  B: 8,
  kB: 8e3,
  KiB: 8 * 1024,
  MB: 8e6,
  MiB: 8 * 1024 ** 2,
};
const FREQUENCY = { Hz: 1, kHz: 1e3, MHz: 1e6, GHz: 1e9 };
// Link bandwidths (chip-to-chip links of a system), normalised to bits per second.
const BANDWIDTH = {
  "bit/s": 1,
  "kbit/s": 1e3,
  "Mbit/s": 1e6,
  "Gbit/s": 1e9,
  "B/s": 8,
  "kB/s": 8e3,
  "MB/s": 8e6,
  "GB/s": 8e9,
};

/** `cycles` is a latency unit without a fixed SI factor: it becomes seconds only through the profile's clock. */
export const CYCLES = "cycles";

const FACTORS: Record<Dimension, Record<string, number>> = {
  energy: ENERGY,
  latency: DURATION,
  duration: DURATION,
  power: POWER,
  memory: MEMORY,
  frequency: FREQUENCY,
  bandwidth: BANDWIDTH,
};

/** The SI unit each dimension normalises to. */
export const SI_UNIT: Record<Dimension, string> = {
  energy: "J",
  latency: "s",
  duration: "s",
  power: "W",
  memory: "bit",
  frequency: "Hz",
  bandwidth: "bit/s",
};

/** Every unit spelling accepted for a dimension, in the order shown in error messages. */
export function unitsOf(dim: Dimension): [string, ...string[]] {
  const names = Object.keys(FACTORS[dim]);
  return (dim === "latency" ? [...names, CYCLES] : names) as [string, ...string[]];
}

/** The factor that turns a value in `unit` into SI, or undefined for `cycles` and unknown units. */
export function siFactor(dim: Dimension, unit: string): number | undefined {
  return FACTORS[dim][unit];
}

/** Converts a value to SI. `cycles` needs the clock in Hz; without one the result is undefined. */
export function toSI(dim: Dimension, value: number, unit: string, clockHz?: number): number | undefined {
  if (dim === "latency" && unit === CYCLES) return clockHz === undefined ? undefined : value / clockHz;
  const f = siFactor(dim, unit);
  if (f === undefined) throw new Error(`unit "${unit}" is not a ${dim} unit`);
  // Rounding to 12 significant digits removes binary noise such as 23.6e-12 → 2.3600000000000002e-11.
  return Number((value * f).toPrecision(12));
}

/** The dimension a unit belongs to (units are unique across dimensions; time units report as latency). */
export function dimensionOfUnit(unit: string): Dimension | undefined {
  if (unit === CYCLES) return "latency";
  for (const dim of ["energy", "latency", "power", "memory", "frequency", "bandwidth"] as const) {
    if (siFactor(dim, unit) !== undefined) return dim;
  }
  return undefined;
}
