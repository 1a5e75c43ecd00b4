// createChip(profile).load(nmir, mapping) → a loaded chip that runs whole input sequences (`run`) or one
// timestep at a time (`stream`), returning the reference interpreter's outputs and counts plus the chip view.

import { SpikegridError } from "../../common/errors.js";
import { type Mapping, validateMapping } from "../../compiler/mapping/index.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { OpCounts } from "../reference/counts.js";
import {
  checkInputIds,
  checkSequences,
  checkStepLength,
  type InputSequence,
  loadInput,
  type Named,
  toMap,
} from "../reference/inputs.js";
import type { StepEvents } from "../reference/runner.js";
import type { TimestepMode } from "../reference/schedule.js";
import { costTable } from "./costs.js";
import { Datapath } from "./datapath.js";
import { buildLayout } from "./layout.js";
import { coreMemory } from "./memory.js";
import { ChipModel } from "./model.js";
import { Noc } from "./noc.js";
import { ChipTally, type Timing } from "./stats.js";
import { type ChipSummary, summarize } from "./summary.js";
import { destinationTables, type SlotTable, synapseTable } from "./tables.js";

export interface ChipOptions {
  /** Default "detailed". */
  timing?: Timing;
  /** Default: the profile's timestep semantics. */
  mode?: TimestepMode;
}

export interface ChipRunOptions {
  /** Ids of inputs, populations or dynamic matmuls whose events to keep every step. */
  record?: readonly string[];
  /** Keep every step's op counts in `counts.perStep`. */
  perStepCounts?: boolean;
}

/** The same fields as `runReference`'s result, plus the chip statistics. */
export interface ChipRunResult {
  mode: TimestepMode;
  steps: number;
  outputs: Map<string, Float64Array[]>;
  outputsScaled: Map<string, Float64Array[]>;
  records: Map<string, StepEvents[]>;
  counts: OpCounts;
  warnings: string[];
  chip: ChipSummary;
}

export interface ChipStream {
  /** Steps run so far. */
  readonly t: number;
  /** Runs one step; returns every output's raw source values. */
  step(inputs: Named<ArrayLike<number>>): Map<string, Float64Array>;
  /** The last step's cycles, seconds and energy (dynamic + static). */
  lastStep(): { cycles: number; seconds: number; energyJ: number };
  /** Counts and chip statistics of the steps run so far (outputs are not kept: read them from `step`). */
  result(): ChipRunResult;
  reset(): void;
}

export interface LoadedChip {
  readonly ir: NmirModule;
  readonly mapping: Mapping;
  readonly profile: ChipProfile;
  readonly mode: TimestepMode;
  readonly timing: Timing;
  run(inputs: Named<InputSequence>, timesteps?: number, opts?: ChipRunOptions): ChipRunResult;
  stream(opts?: Pick<ChipRunOptions, "perStepCounts">): ChipStream;
}

export interface Chip {
  readonly profile: ChipProfile;
  load(ir: NmirModule, mapping: Mapping): LoadedChip;
}

export function createChip(profile: ChipProfile, opts: ChipOptions = {}): Chip {
  const timing = opts.timing ?? "detailed";
  if (timing !== "simple" && timing !== "detailed")
    throw new SpikegridError("USAGE", `unknown timing model "${String(timing)}"`, {
      hint: 'use "simple" (busiest core) or "detailed" (event-driven with link contention)',
    });
  const mode = opts.mode ?? profile.timestep.semantics;
  return { profile, load: (ir, mapping) => loadChip(profile, ir, mapping, timing, mode) };
}

/** Everything built once per (module, mapping): the layout, the traffic tables, costs, memory. */
function loadChip(
  profile: ChipProfile,
  ir: NmirModule,
  raw: Mapping,
  timing: Timing,
  mode: TimestepMode,
): LoadedChip {
  const mapping = validateMapping(raw, ir, profile);
  const sizes = new Map([...sourceTable(ir)].map(([id, s]) => [id, s.size]));
  const nodeSizes = new Map([...sizes].filter(([id]) => !ir.inputs.some((i) => i.id === id)));
  const layout = buildLayout(profile, mapping, nodeSizes);
  const costs = costTable(profile, layout.slots, layout.tilesInUse);
  const memory = coreMemory(ir, profile, layout);
  const table = sourceTable(ir);
  const sourceInfo = {
    sizes: Object.fromEntries(sizes),
    spiking: [...table.values()].filter((s) => s.event.kind === "spike").map((s) => s.id),
  };

  const build = (perStepCounts: boolean) => {
    const dp = new Datapath(ir, mode, perStepCounts);
    const synapses = new Map<string, SlotTable>(dp.projections.map((r) => [r.p.id, synapseTable(r, layout)]));
    const dest = destinationTables(ir, sizes, layout, synapses);
    const noc = new Noc(profile, layout, costs, timing === "detailed");
    for (const [src, d] of dest) {
      const from = layout.slotOf.get(src);
      if (!from) continue;
      for (let i = 0; i < from.length; i++)
        for (let r = d.start[i]!; r < d.start[i + 1]!; r++) noc.path(from[i]!, d.slot[r]!);
    }
    noc.finalize();
    const tally = new ChipTally(layout.slots);
    const model = new ChipModel(dp, profile, layout, costs, noc, synapses, dest, timing, tally);
    const reset = () => {
      dp.reset();
      model.reset();
      tally.reset();
      noc.resetStats();
    };
    const snapshot = () => {
      model.flush();
      return summarize(profile, layout, costs, noc, tally, memory, timing, mode, sourceInfo);
    };
    return { dp, model, tally, reset, snapshot };
  };
  let cached: ReturnType<typeof build> | undefined;
  const engine = (perStepCounts: boolean) => {
    if (!cached || perStepCounts) cached = build(perStepCounts);
    else cached.reset();
    return cached;
  };
  const quantized = ir.stage === "quantized";

  return {
    ir,
    mapping,
    profile,
    mode,
    timing,
    run(inputs, timesteps, opts = {}) {
      const given = toMap(inputs);
      const steps = checkSequences(ir.inputs, given, timesteps);
      const record = opts.record ?? [];
      const known = new Set(sizes.keys());
      for (const id of record)
        if (!known.has(id))
          throw new SpikegridError(
            "USAGE",
            `cannot record "${id}": not an input, population or dynamic matmul`,
          );
      const e = engine(opts.perStepCounts ?? false);
      const ports = new Map(ir.inputs.map((p) => [p.id, p]));
      const outputs = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
      const outputsScaled = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
      const records = new Map(record.map((id) => [id, [] as StepEvents[]]));
      for (let t = 0; t < steps; t++) {
        e.dp.advance((id, frame, step) => {
          loadInput(ports.get(id)!, given.get(id)!.data, step * frame.values.length, frame, quantized, step);
        });
        e.model.step(t);
        for (const o of ir.outputs) {
          const raw = Float64Array.from(e.dp.frame(o.src, t)!.values);
          const f = 2 ** o.scaleExp;
          outputs.get(o.id)!.push(raw);
          outputsScaled.get(o.id)!.push(raw.map((x) => x * f));
        }
        for (const id of record) {
          const f = e.dp.frame(id, t)!;
          const index = f.idx.slice(0, f.count);
          records.get(id)!.push({ index, value: Float64Array.from(index, (i) => f.values[i]!) });
        }
      }
      const out = { mode, steps, outputs, outputsScaled, records };
      return { ...out, counts: e.dp.book.snapshot(), warnings: e.dp.warnings(), chip: e.snapshot() };
    },
    stream(opts = {}) {
      const e = build(opts.perStepCounts ?? false);
      const ports = new Map(ir.inputs.map((p) => [p.id, p]));
      const result = (): ChipRunResult => ({
        mode,
        steps: e.dp.t,
        outputs: new Map(),
        outputsScaled: new Map(),
        records: new Map(),
        counts: e.dp.book.snapshot(),
        warnings: e.dp.warnings(),
        chip: e.snapshot(),
      });
      return {
        get t() {
          return e.dp.t;
        },
        step(inputs) {
          const given = toMap(inputs);
          checkInputIds(ir.inputs, given);
          const t = e.dp.t;
          e.dp.advance((id, frame, step) => {
            const data = given.get(id)!;
            checkStepLength(ports.get(id)!, data, step);
            loadInput(ports.get(id)!, data, 0, frame, quantized, step);
          });
          e.model.step(t);
          return new Map(ir.outputs.map((o) => [o.id, Float64Array.from(e.dp.frame(o.src, t)!.values)]));
        },
        lastStep() {
          const s = e.tally.series;
          const cycles = s.cycles[s.cycles.length - 1] ?? 0;
          return { cycles, seconds: cycles / costs.clockHz, energyJ: s.energyJ[s.energyJ.length - 1] ?? 0 };
        },
        result,
        reset: e.reset,
      };
    },
  };
}
