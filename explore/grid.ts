// The explore grid: which model, which samples, the load and compile settings and the counting convention every
// point shares, and the axes swept (profiles × core budgets × chip budgets × weight bits × state bits × timesteps). Checked in
// full before any work starts; expands to points in one fixed order.

import { createHash } from "node:crypto";
import * as z from "zod";
import { type ErrorDetail, SpikegridError } from "../common/errors.js";
import { MAX_TIMESTEPS } from "../common/limits.js";
import { resolveQuantOptions } from "../compiler/passes/quant-plan.js";
import { loadProfile, profileNames } from "../hw-profiles/index.js";
import { CONVENTIONS } from "../pipeline/convention.js";
import type { DataSpec, PipelineData } from "../pipeline/data.js";
import type { PipelineOptions } from "../pipeline/pipeline.js";

const positiveInt = z.number().int().positive();

/** The largest chip budget taken (as `map --max-chips`). */
export const MAX_CHIPS_FLAG = 1 << 24;

/** The grid as written (flags or YAML). `null` on an axis means "the default" (profile's width, input's T). */
export const gridSpecSchema = z.strictObject({
  /** A network file or `zoo:NAME`. */
  model: z.string().min(1),
  /** Zoo configuration overrides (`--set key=value`). */
  set: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  profiles: z.array(z.string().min(1)).min(1),
  maxCores: z.array(positiveInt.nullable()).min(1).default([null]),
  /** Chip budgets of multi-chip system profiles (`--max-chips`; null: every chip of the system). */
  maxChips: z.array(positiveInt.max(MAX_CHIPS_FLAG).nullable()).min(1).default([null]),
  weightBits: z.array(z.number().int()).min(1).default([8]),
  stateBits: z.array(z.number().int().nullable()).min(1).default([null]),
  timesteps: z
    .array(
      positiveInt
        .max(MAX_TIMESTEPS, `at most ${MAX_TIMESTEPS} steps (a simulation keeps every step)`)
        .nullable(),
    )
    .min(1)
    .default([null]),
  /** Samples: a registered dataset (with `samples`) or .npy files. */
  dataset: z.string().optional(),
  samples: positiveInt.optional(),
  input: z.string().optional(),
  labels: z.string().optional(),
  mode: z.enum(["layer-sync", "pipelined"]).default("layer-sync"),
  // Fixed for every point: how the network is read (`compile`'s load flags) …
  resetMode: z.enum(["value", "subtract"]).optional(),
  weights: z.string().min(1).optional(),
  nirConvention: z.enum(["nir", "rockpool"]).optional(),
  /** Integration step in seconds: read by the loader (NIR conventions) and the compiler. */
  dt: z.number().positive().finite().optional(),
  // … how it is compiled (`compile`'s flags that are not swept) …
  inputEvent: z.enum(["spike", "graded"]).optional(),
  inputRange: z.number().positive().finite().optional(),
  payloadBits: z.number().int().min(2).max(32).optional(),
  perChannel: z.boolean().optional(),
  decay: z.enum(["mult12", "shift"]).optional(),
  clipStart: z.enum(["gate", "free", "auto"]).optional(),
  /** A bidirectional SSM as buffered phases (default) or refused. */
  bidirectional: z.enum(["phases", "refuse"]).optional(),
  strict: z.boolean().optional(),
  /** … and what it is calibrated on: a .npy of samples instead of the dataset's split or the samples. */
  calibrate: z.string().min(1).optional(),
  /**
   * How every point's chip run is counted, costed and timed: neurobench (default) or sanafe (SANA-FE's rules
   * over a SANA-FE network file's own connections and mappings; pipeline/convention.ts). Not an axis.
   */
  convention: z.enum(CONVENTIONS).optional(),
});

/** The grid keys fixed for every point (load, compile, calibration): the fingerprint holds them. */
const FIXED_KEYS = [
  "resetMode",
  "weights",
  "nirConvention",
  "dt",
  "inputEvent",
  "inputRange",
  "payloadBits",
  "perChannel",
  "decay",
  "clipStart",
  "bidirectional",
  "strict",
  "calibrate",
] as const;

export type GridSpecInput = z.input<typeof gridSpecSchema>;
export type GridSpec = z.output<typeof gridSpecSchema>;

/** One point of the grid. */
export interface GridPoint {
  /** Position in the full (unsharded) grid. */
  index: number;
  /** Stable text key, unique within a grid: what resume and merge match on. */
  key: string;
  profile: string;
  maxCores: number | null;
  /** At most this many chips of a multi-chip system (null: all); a single chip ignores it. */
  maxChips: number | null;
  weightBits: number;
  stateBits: number | null;
  timesteps: number | null;
}

/** Where a spec field came from, for error messages: a flag name or `file:line`. */
export type Locate = (path: readonly (string | number)[]) => string;

export const flagLocate: Locate = (path) => {
  const flags: Record<string, string> = {
    maxCores: "--max-cores",
    maxChips: "--max-chips",
    weightBits: "--weight-bits",
    stateBits: "--state-bits",
    timesteps: "--timesteps",
    profiles: "--profiles",
  };
  const head = String(path[0] ?? "");
  return flags[head] ?? `--${head.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
};

function bitsProblem(kind: "weightBits" | "stateBits", v: number): string | undefined {
  try {
    resolveQuantOptions({ [kind]: v });
    return undefined;
  } catch (e) {
    if (e instanceof SpikegridError) return e.message;
    throw e;
  }
}

/**
 * Parses and checks a grid: schema, profiles that load, bits within the compiler's limits, a samples source,
 * no duplicate axis values. Every problem is collected, then thrown as one USAGE error.
 */
export function checkGridSpec(value: unknown, locate: Locate = flagLocate, source = "grid"): GridSpec {
  const r = gridSpecSchema.safeParse(value);
  if (!r.success) {
    throw new SpikegridError("USAGE", `${source}: invalid explore grid`, {
      // an unknown key is named at its own line (zod reports it on the mapping that holds it)
      details: r.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((k) => ({
              where: locate([...(i.path as (string | number)[]), k]),
              message: `unknown key "${k}"`,
            }))
          : [{ where: locate(i.path as (string | number)[]), message: i.message }],
      ),
      hint: "see explore/README.md for the grid keys",
    });
  }
  const g = r.data;
  const problems: ErrorDetail[] = [];
  g.profiles.forEach((p, i) => {
    try {
      loadProfile(p);
    } catch (e) {
      if (!(e instanceof SpikegridError)) throw e;
      problems.push({ where: locate(["profiles", i]), message: e.message });
    }
  });
  g.weightBits.forEach((b, i) => {
    const m = bitsProblem("weightBits", b);
    if (m) problems.push({ where: locate(["weightBits", i]), message: m });
  });
  g.stateBits.forEach((b, i) => {
    const m = b === null ? undefined : bitsProblem("stateBits", b);
    if (m) problems.push({ where: locate(["stateBits", i]), message: m });
  });
  for (const axis of AXES) {
    const seen = new Set<string>();
    const dup = (g[axis] as unknown[]).findIndex((v) => seen.size === seen.add(String(v)).size);
    if (dup >= 0)
      problems.push({ where: locate([axis, dup]), message: `"${String(g[axis][dup])}" appears twice` });
  }
  if (g.dataset !== undefined && g.input !== undefined)
    problems.push({ where: locate(["input"]), message: "give a dataset or an input file, not both" });
  const sanafe = g.convention === "sanafe";
  if (sanafe && g.maxCores.some((c) => c !== null))
    problems.push({
      where: locate(["maxCores"]),
      message:
        "--convention sanafe runs every point on the SANA-FE file's own mappings: (its messages, hops and timing follow the cores the file names), so there is no core budget to sweep",
    });
  if (sanafe && g.maxChips.some((c) => c !== null))
    problems.push({
      where: locate(["maxChips"]),
      message:
        "--convention sanafe runs every point on the SANA-FE file's own mappings:, so there is no chip budget to sweep",
    });
  // without samples, a SANA-FE file runs on its own recorded inputs (checked when it is loaded)
  if (g.dataset === undefined && g.input === undefined && !sanafe)
    problems.push({
      where: locate(["dataset"]),
      message: "no samples: give a dataset (with samples) or input",
    });
  if (g.dataset !== undefined && g.samples === undefined)
    problems.push({ where: locate(["samples"]), message: "a dataset needs a sample count" });
  if (g.labels !== undefined && g.input === undefined)
    problems.push({ where: locate(["labels"]), message: "labels go with an input file" });
  if (problems.length) {
    throw new SpikegridError("USAGE", `${source}: invalid explore grid`, {
      details: problems,
      hint: `built-in profiles: ${profileNames().join(", ")}; weight bits 2..16, state bits 2..32`,
    });
  }
  return g;
}

const keyPart = (v: number | null) => (v === null ? "auto" : String(v));

/** An axis left at its default (one `null`): it adds nothing to keys or the fingerprint. */
const isDefaultAxis = (axis: readonly (number | null)[]) => axis.length === 1 && axis[0] === null;

/** Whether the grid sweeps chip budgets: only then do keys, the fingerprint and results carry `maxChips`. */
export const sweepsChips = (g: Pick<GridSpec, "maxChips">) => !isDefaultAxis(g.maxChips);

/** The swept axes, outermost first: the order points are numbered in. */
const AXES = ["profiles", "maxCores", "maxChips", "weightBits", "stateBits", "timesteps"] as const;

/** Points a grid declares unless raised (`--max-points`, `SweepOptions.maxPoints`): days of work already. */
export const GRID_POINT_BUDGET = 100_000;

/** Number of points: the product of the axis lengths (nothing enumerated). */
export function gridSize(g: GridSpec): number {
  return AXES.reduce((n, axis) => n * g[axis].length, 1);
}

/** Refuses a grid with more points than `maxPoints` before anything is enumerated, run or written. */
export function checkGridBudget(g: GridSpec, maxPoints = GRID_POINT_BUDGET): void {
  const n = gridSize(g);
  if (n <= maxPoints) return;
  const dims = AXES.map((a) => `${g[a].length} ${a}`).join(" × ");
  throw new SpikegridError(
    "USAGE",
    `the grid has ${n.toLocaleString("en-US")} points (${dims}), over the budget of ${maxPoints.toLocaleString("en-US")} grid points`,
    {
      hint: "sweep fewer values per axis, or raise the budget with --max-points N (and split the work with --shard i/n)",
    },
  );
}

/** The point at `index` of the fixed order (profiles, then core budgets, weight bits, state bits, timesteps). */
export function pointAt(g: GridSpec, index: number): GridPoint {
  let rest = index;
  const pick = <T>(axis: readonly T[], inner: number): T => {
    const i = Math.floor(rest / inner);
    rest -= i * inner;
    return axis[i]!;
  };
  const nT = g.timesteps.length;
  const nS = g.stateBits.length * nT;
  const nW = g.weightBits.length * nS;
  const nH = g.maxChips.length * nW;
  const nC = g.maxCores.length * nH;
  const profile = pick(g.profiles, nC);
  const maxCores = pick(g.maxCores, nH);
  const maxChips = pick(g.maxChips, nW);
  const weightBits = pick(g.weightBits, nS);
  const stateBits = pick(g.stateBits, nT);
  const timesteps = pick(g.timesteps, 1);
  // the chips part only when the grid sweeps chips, so earlier grids keep their keys
  const chips = isDefaultAxis(g.maxChips) ? "" : `|chips=${keyPart(maxChips)}`;
  const key = `${profile}|cores=${keyPart(maxCores)}${chips}|w=${weightBits}|s=${keyPart(stateBits)}|T=${keyPart(timesteps)}`;
  return { index, key, profile, maxCores, maxChips, weightBits, stateBits, timesteps };
}

/** The points of `shard` (all without one) in grid order, made one at a time: nothing is materialised. */
export function* gridPoints(g: GridSpec, shard?: Shard): Generator<GridPoint> {
  const n = gridSize(g);
  const [first, step] = shard ? [shard.index - 1, shard.count] : [0, 1];
  for (let i = first; i < n; i += step) yield pointAt(g, i);
}

/** Every point in grid order, as an array (small grids; sweeps use `gridPoints`). */
export function expandGrid(g: GridSpec): GridPoint[] {
  return [...gridPoints(g)];
}

/**
 * A short hash of everything that decides a point's result apart from its own coordinates: two result files
 * with the same fingerprint come from the same sweep and can be merged or resumed. File contents are not
 * hashed (only their paths), so a changed checkpoint under the same name needs a fresh output file.
 */
export function gridFingerprint(g: GridSpec): string {
  // only the fixed settings given, so a grid without any keeps the fingerprint its results were written with
  const fixed = FIXED_KEYS.filter((k) => g[k] !== undefined).map((k) => [k, g[k]]);
  const canonical = JSON.stringify({
    ...(fixed.length ? { fixed } : {}),
    // the default convention adds nothing, so its results keep their fingerprint
    ...(g.convention === "sanafe" ? { convention: g.convention } : {}),
    model: g.model,
    set: Object.entries(g.set ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
    profiles: g.profiles,
    maxCores: g.maxCores,
    // only a swept chip budget, so a grid without one keeps the fingerprint its results were written with
    ...(isDefaultAxis(g.maxChips) ? {} : { maxChips: g.maxChips }),
    weightBits: g.weightBits,
    stateBits: g.stateBits,
    timesteps: g.timesteps,
    dataset: g.dataset ?? null,
    samples: g.samples ?? null,
    input: g.input ?? null,
    labels: g.labels ?? null,
    mode: g.mode,
  });
  return createHash("sha256").update(canonical).digest("hex").slice(0, 12);
}

/** The load half of a point's pipeline options: the network, its load options, the samples, calibration. */
export function gridDataSpec(g: GridSpec): DataSpec {
  const load: NonNullable<DataSpec["load"]> = {};
  if (g.resetMode) load.resetMode = g.resetMode;
  if (g.weights !== undefined) load.weights = g.weights;
  if (g.nirConvention === "rockpool") load.nirConvention = g.nirConvention;
  if (g.dt !== undefined) load.dt = g.dt;
  const spec: DataSpec = { model: g.model, load };
  if (g.set) spec.set = g.set;
  if (g.dataset !== undefined) spec.dataset = g.dataset;
  if (g.samples !== undefined) spec.samples = g.samples;
  if (g.input !== undefined) spec.input = g.input;
  if (g.labels !== undefined) spec.labels = g.labels;
  if (g.calibrate !== undefined) spec.calibrationInput = g.calibrate;
  if (g.dataset === undefined && g.input === undefined) {
    // a SANA-FE file's recorded inputs, as long as the longest point needs them (bias inputs stay on that long;
    // shorter points are cut); with an auto point, the trains' own length
    spec.requireRecorded = true;
    if (g.timesteps.every((t) => t !== null)) spec.recordedSteps = Math.max(...(g.timesteps as number[]));
  }
  return spec;
}

/**
 * The compile options every point shares (its own bits and profile are added per point). A file fed its own
 * recorded spike trains compiles its inputs as spike events unless the grid names an input event, as
 * `simulate` does (Pipeline.compileSettings).
 */
export function gridCompileOptions(
  g: GridSpec,
  data?: Pick<PipelineData, "recorded">,
): NonNullable<PipelineOptions["compile"]> {
  const o: NonNullable<PipelineOptions["compile"]> = {};
  if (g.inputEvent) o.inputEvent = g.inputEvent;
  else if (data?.recorded?.spikesOnly) o.inputEvent = "spike";
  if (g.inputRange !== undefined) o.inputRange = g.inputRange;
  if (g.payloadBits !== undefined) o.payloadBits = g.payloadBits;
  if (g.perChannel) o.perChannel = true;
  if (g.decay) o.decay = g.decay;
  if (g.clipStart) o.clipStart = g.clipStart;
  if (g.bidirectional) o.bidirectional = g.bidirectional;
  if (g.strict) o.strict = true;
  if (g.dt !== undefined) o.dt = g.dt;
  return o;
}

/** `--shard i/n` (1-based i). */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new SpikegridError("USAGE", `--shard must be i/n with 1 ≤ i ≤ n, got "${text}"`, {
      hint: "e.g. --shard 2/3 runs the second of three shards (Slurm: $((SLURM_ARRAY_TASK_ID+1))/N)",
    });
  }
  return { index, count };
}

/** Round robin: point i belongs to shard (i mod n) + 1, so every shard gets a mix of cheap and costly points. */
export function shardPoints(points: readonly GridPoint[], shard: Shard | undefined): GridPoint[] {
  if (!shard) return [...points];
  return points.filter((p) => p.index % shard.count === shard.index - 1);
}
