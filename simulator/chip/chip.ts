// createChip(profile).load(nmir, mapping) → a loaded chip that runs whole input sequences (`run`) or one
// timestep at a time (`stream`), returning the reference interpreter's outputs and counts plus the chip view.

import { SpikegridError } from "../../common/errors.js";
import { type Mapping, validatedMapping } from "../../compiler/mapping/index.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { moduleWarnings } from "../../compiler/passes/weights-provenance.js";
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
import type { Frame, TimestepMode } from "../reference/schedule.js";
import { costTable } from "./costs.js";
import { Datapath } from "./datapath.js";
import { buildLayout } from "./layout.js";
import { coreMemory } from "./memory.js";
import { ChipModel } from "./model.js";
import { Noc } from "./noc.js";
import { operandReaders } from "./operand-rows.js";
import type { StepObserver } from "./sanafe/observe.js";
import { ChipTally, type Timing } from "./stats.js";
import { type ChipSummary, summarize } from "./summary.js";
import { checkMatmulOperandRows, destinationTables, slotAt, synapseTables } from "./tables.js";

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
  /** Called around every step with the datapath (the sanafe convention's counting, sanafe/observe.ts). */
  observer?: StepObserver;
  /**
   * No further run of this load follows (a batch's last sample): the engine's model, datapath and per-pair
   * paths are dropped before the summary is built, so their memory can go while its per-core rows are made.
   */
  last?: boolean;
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

/** How a module is loaded beyond its mapping. */
export interface LoadOptions {
  /**
   * Inputs and outputs that never cross the host link: a phased run's stored sequences, held in the cores'
   * state memory and replayed from there (phased.ts).
   */
  onChipPorts?: ReadonlySet<string>;
}

export interface Chip {
  readonly profile: ChipProfile;
  load(ir: NmirModule, mapping: Mapping, opts?: LoadOptions): LoadedChip;
}

export function createChip(profile: ChipProfile, opts: ChipOptions = {}): Chip {
  const timing = opts.timing ?? "detailed";
  if (timing !== "simple" && timing !== "detailed")
    throw new SpikegridError("USAGE", `unknown timing model "${String(timing)}"`, {
      hint: 'use "simple" (busiest core) or "detailed" (event-driven with link contention)',
    });
  const mode = opts.mode ?? profile.timestep.semantics;
  return {
    profile,
    load: (ir, mapping, o = {}) => new ChipLoad(profile, ir, mapping, timing, mode, o.onChipPorts),
  };
}

/** What a run steps: the datapath, the chip model over it, their tallies and the network on chip. */
class ChipEngine {
  readonly tally: ChipTally;
  private readonly noc: Noc;
  private datapath: Datapath | undefined;
  private chipModel: ChipModel | undefined;

  get dp(): Datapath {
    if (!this.datapath) throw new Error("chip engine used after release");
    return this.datapath;
  }

  get model(): ChipModel {
    if (!this.chipModel) throw new Error("chip engine used after release");
    return this.chipModel;
  }

  /** Whether the model is still held (release drops it with the datapath and paths). */
  get held(): boolean {
    return this.chipModel !== undefined;
  }

  constructor(
    private readonly chip: ChipLoad,
    perStepCounts: boolean,
  ) {
    const { ir, profile, layout, costs, sizes, timing } = chip;
    const readers = operandReaders(ir, layout);
    checkMatmulOperandRows(ir, sizes, layout, readers);
    const dp = new Datapath(ir, chip.mode, perStepCounts);
    this.datapath = dp;
    const synapses = synapseTables(dp.projections, layout);
    const dest = destinationTables(ir, sizes, layout, synapses, readers);
    this.noc = new Noc(profile, layout, costs, timing === "detailed");
    // every (source slot, destination slot) pair a packet takes; neighbouring neurons share their core and
    // mostly their destinations, so a pair just asked for is not asked again (one look-up per new pair), and
    // a neuron on the core of the one before it with the same list asks for nothing new
    const lastFrom = new Int32Array(layout.slots).fill(-1);
    for (const [src, d] of dest) {
      const from = layout.slotOf.get(src);
      if (!from) continue;
      let lastList = -1;
      for (let i = 0; i < from.length; i++) {
        const k = d.listOf[i]!;
        if (k === lastList && i > 0 && from[i] === from[i - 1]) continue;
        lastList = k;
        for (let r = d.rowStart[k]!; r < d.rowStart[k + 1]!; r++) {
          const b = slotAt(d, k, r);
          if (lastFrom[b] === from[i]) continue;
          lastFrom[b] = from[i]!;
          this.noc.path(from[i]!, b);
        }
      }
    }
    this.noc.finalize();
    this.tally = new ChipTally(layout.slots);
    this.chipModel = new ChipModel(
      dp,
      profile,
      layout,
      costs,
      this.noc,
      synapses,
      dest,
      timing,
      this.tally,
      chip.onChipPorts,
    );
  }

  reset(): void {
    this.dp.reset();
    this.model.reset();
    this.tally.reset();
    this.noc.resetStats();
  }

  /** Flushes the model, then drops it, the datapath and the per-pair paths: the summary needs none of them. */
  release(): void {
    this.chipModel?.flush();
    this.chipModel = undefined;
    this.datapath = undefined;
    this.noc.releasePaths();
  }

  snapshot(): ChipSummary {
    const c = this.chip;
    this.chipModel?.flush();
    return summarize(
      c.profile,
      c.layout,
      c.costs,
      this.noc,
      this.tally,
      c.memory,
      c.timing,
      c.mode,
      c.sourceInfo,
    );
  }
}

/**
 * Everything built once per (module, mapping): the layout, costs, memory; the engine is built on the first run
 * and reset for the next. A class, not closures made per load: explore loads a chip per grid point, and V8
 * keeps one class's optimized methods where each load's fresh closures were optimized anew.
 */
class ChipLoad implements LoadedChip {
  readonly mapping: Mapping;
  readonly sizes: Map<string, number>;
  readonly layout: ReturnType<typeof buildLayout>;
  readonly costs: ReturnType<typeof costTable>;
  readonly memory: ReturnType<typeof coreMemory>;
  readonly sourceInfo: { sizes: Record<string, number>; spiking: string[] };
  private readonly quantized: boolean;
  /** Untrained weights (and ranges guessed for them), said with every run's numbers. */
  private readonly provenance: string[];
  private cached: ChipEngine | undefined;

  constructor(
    readonly profile: ChipProfile,
    readonly ir: NmirModule,
    raw: Mapping,
    readonly timing: Timing,
    readonly mode: TimestepMode,
    readonly onChipPorts: ReadonlySet<string> = new Set(),
  ) {
    this.mapping = validatedMapping(raw, ir, profile);
    const table = sourceTable(ir);
    this.sizes = new Map([...table].map(([id, s]) => [id, s.size]));
    const nodeSizes = new Map([...this.sizes].filter(([id]) => !ir.inputs.some((i) => i.id === id)));
    this.layout = buildLayout(profile, this.mapping, nodeSizes);
    this.costs = costTable(profile, this.layout.slots, this.layout.tilesInUse, this.layout.chipsInUse);
    this.memory = coreMemory(ir, profile, this.layout);
    this.sourceInfo = {
      sizes: Object.fromEntries(this.sizes),
      spiking: [...table.values()].filter((s) => s.event.kind === "spike").map((s) => s.id),
    };
    this.quantized = ir.stage === "quantized";
    this.provenance = moduleWarnings(ir);
  }

  private engine(perStepCounts: boolean): ChipEngine {
    if (!this.cached || perStepCounts) this.cached = new ChipEngine(this, perStepCounts);
    else this.cached.reset();
    return this.cached;
  }

  run(inputs: Named<InputSequence>, timesteps?: number, opts: ChipRunOptions = {}): ChipRunResult {
    const { ir, mode, quantized } = this;
    const given = toMap(inputs);
    const steps = checkSequences(ir.inputs, given, timesteps);
    const record = opts.record ?? [];
    for (const id of record)
      if (!this.sizes.has(id))
        throw new SpikegridError(
          "USAGE",
          `cannot record "${id}": not an input, population or dynamic matmul`,
        );
    const e = this.engine(opts.perStepCounts ?? false);
    const ports = new Map(ir.inputs.map((p) => [p.id, p]));
    const outputs = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
    const outputsScaled = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
    const records = new Map(record.map((id) => [id, [] as StepEvents[]]));
    const load = (id: string, frame: Frame, step: number) =>
      loadInput(ports.get(id)!, given.get(id)!.data, step * frame.values.length, frame, quantized, step);
    const obs = opts.observer;
    for (let t = 0; t < steps; t++) {
      obs?.before(e.dp, t);
      e.dp.advance(load);
      e.model.step(t);
      obs?.after(e.dp, t);
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
    const counts = e.dp.book.snapshot();
    const warnings = [...this.provenance, ...e.dp.warnings()];
    if (opts.last) {
      this.cached = undefined;
      e.release();
    }
    return { ...out, counts, warnings, chip: e.snapshot() };
  }

  /** Whether an engine (model, tables, paths) is kept for the next run: not after a run marked `last`. */
  get engineHeld(): boolean {
    return this.cached?.held ?? false;
  }

  stream(opts: Pick<ChipRunOptions, "perStepCounts"> = {}): ChipStream {
    const { ir, mode, quantized, costs } = this;
    const e = new ChipEngine(this, opts.perStepCounts ?? false);
    const ports = new Map(ir.inputs.map((p) => [p.id, p]));
    const result = (): ChipRunResult => ({
      mode,
      steps: e.dp.t,
      outputs: new Map(),
      outputsScaled: new Map(),
      records: new Map(),
      counts: e.dp.book.snapshot(),
      warnings: [...this.provenance, ...e.dp.warnings()],
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
      reset: () => e.reset(),
    };
  }
}
