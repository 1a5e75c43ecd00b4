// The one chain every command runs: load (network + samples) → calibrate → compile → map → simulate → run JSON,
// configured by ONE options type. `simulate`, `table`, `demo` and explore's point preparation all go through
// these stages, so one setup gives one answer. `openPipeline` exposes the stages (a command that must react to
// a network the compiler refuses or a chip it does not fit); `runPipeline` runs them all.

import { SpikegridError } from "../common/errors.js";
import type { Progress } from "../common/progress.js";
import type { MapOptions, Mapping, MapResult } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import { type InputValues, inputValuesOf } from "../compiler/passes/exact-plan.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { type ChipProfile, loadProfile } from "../hw-profiles/index.js";
import type { RunJson } from "../reports/run-json.js";
import type { Timing } from "../simulator/chip/index.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";
import type { TimestepMode } from "../simulator/reference/index.js";
import { calibrationRanges, type Ranges } from "./calibrate.js";
import { type ModuleRun, PIPELINE_DEFAULTS, simulateOnChip } from "./chip-run.js";
import { type Convention, sanafeNetOf } from "./convention.js";
import { type DataSpec, loadPipelineData, type PipelineData } from "./data.js";
import { type NetworkFacts, networkFacts } from "./network-facts.js";
import { runJsonOf, simulateOnReference } from "./simulate.js";
import { compileNetwork, compilesExactly, mapModule, samplesFor } from "./stages.js";

/** Every setting of the chain; absent fields take the defaults below (PIPELINE_DEFAULTS). */
export interface PipelineOptions extends DataSpec {
  /** Compile settings (bit widths, dt, input event, clip start, …); profile and ranges come from below. */
  compile?: Omit<QuantCompileOptions, "profile" | "ranges" | "calibration" | "dump" | "stopAfter">;
  /**
   * Observe the payload ranges before compiling, on the dataset's calibration split (never the evaluated
   * samples), else on the samples themselves (default true). Off: the compiler's static ranges.
   */
  calibrate?: boolean;
  /** The chip: its widths are the compile defaults; with the chip engine the module is mapped onto it. */
  profile?: string | ChipProfile;
  /** Mapping settings (core budget, neurons per core, placement, seed), or a finished mapping. */
  map?: MapOptions;
  mapping?: Mapping;
  /** "chip" (needs a profile) or "reference" (default: chip when a profile is given). */
  engine?: "chip" | "reference";
  mode?: TimestepMode;
  timing?: Timing;
  /** Steps per sample (default: the samples' T; shorter samples get zero input). */
  timesteps?: number;
  /** Per-step activity in the chip run's JSON (default true; sweeps switch it off). */
  perStepCounts?: boolean;
  /** Where a given `mapping` came from (its file), for the run JSON. */
  mappingSource?: string;
  /**
   * Counting, cost and timing rules of a chip run: "neurobench" (default: spikegrid's, NeuroBench's op counts)
   * or "sanafe" (SANA-FE's, for a SANA-FE network file; simulator/chip/sanafe).
   */
  convention?: Convention;
  /** Told each stage (calibrate, the compiler's passes, the mapper's phases, simulate); default nothing. */
  progress?: Progress;
}

/** What `execute` keeps beyond the run JSON's needs (`simulate` writes outputs and records per sample). */
export interface ExecuteExtras {
  /** Populations whose events to record in every sample. */
  record?: string[];
  /** Keep every sample's outputs and records (ModuleRun.perSample). */
  keepSamples?: boolean;
}

/** A simulation and what fed it. */
export interface Execution {
  sim: ModuleRun;
  ir: NmirModule;
  /** The integer input sequences every sample ran on. */
  sequences: { shape: number[]; data: Float64Array }[];
  /** Input values clipped when quantizing (none for raw inputs). */
  clipped: number;
}

/** Options that leave the calibrated, compiled module as it is (the rest recompile). */
const AFTER_COMPILE = new Set<keyof PipelineOptions>([
  "map",
  "mapping",
  "mappingSource",
  "engine",
  "mode",
  "timing",
  "timesteps",
  "perStepCounts",
  "convention",
]);

export interface PipelineResult {
  run: RunJson;
  ir: NmirModule;
  data: PipelineData;
  network: NetworkFacts;
  /** Chip engine: the mapping simulated, and its fit when the pipeline mapped it. */
  mapped?: MappedModule;
}

export interface MappedModule {
  mapping: Mapping;
  /** Absent when the mapping was given (options.mapping). */
  fit?: MapResult["fit"];
}

export class Pipeline {
  readonly options: PipelineOptions;
  readonly data: PipelineData;
  readonly profile: ChipProfile | undefined;
  #ranges?: Ranges;
  #exact?: boolean;
  #ir?: NmirModule;
  #mapped?: MappedModule;
  #sanafe?: ConventionNet;

  constructor(options: PipelineOptions, data: PipelineData) {
    this.options = options;
    this.data = data;
    const p = options.profile;
    this.profile = p === undefined ? undefined : typeof p === "string" ? loadProfile(p) : p;
  }

  /** The same network, samples and calibration with some options changed (another profile, other bits). */
  with(patch: Partial<PipelineOptions>): Pipeline {
    const next = new Pipeline({ ...this.options, ...patch }, this.data);
    const sameRanges = [patch.compile, patch.calibrate, patch.calibrationInput].every((v) => v === undefined);
    if (sameRanges && this.#ranges) next.#ranges = this.#ranges;
    const keys = Object.keys(patch) as (keyof PipelineOptions)[];
    if (keys.every((k) => AFTER_COMPILE.has(k))) {
      if (this.#ir) next.#ir = this.#ir;
      if (this.#mapped && patch.map === undefined && patch.mapping === undefined) next.#mapped = this.#mapped;
    }
    return next;
  }

  get mode(): TimestepMode {
    return this.options.mode ?? PIPELINE_DEFAULTS.mode;
  }

  get steps(): number {
    return this.options.timesteps ?? this.data.samples.shape[1]!;
  }

  /** The float network's facts (Params, dense MACs, sparsity, weights status), before any compile. */
  network(): NetworkFacts {
    return networkFacts(this.data);
  }

  /** True when the model is a compiled module (.nmir): calibration and compile are skipped. */
  get precompiled(): boolean {
    return this.data.module !== undefined;
  }

  /** The calibrated payload ranges (undefined with `calibrate: false` or a compiled module), observed once. */
  async ranges(): Promise<Ranges | undefined> {
    if (this.precompiled) return undefined;
    if ((this.options.calibrate ?? PIPELINE_DEFAULTS.calibrate) === false) return undefined;
    if (!this.#ranges) this.options.progress?.stage("calibrate");
    this.#ranges ??= await calibrationRanges(this.options, this.data, this.compileSettings);
    return this.#ranges;
  }

  /**
   * The given compile settings; a file fed its own recorded spike trains (SANA-FE) compiles its inputs as spike
   * events unless an input event is given (with bias inputs they stay graded: a bias is not a spike).
   */
  get compileSettings(): NonNullable<PipelineOptions["compile"]> {
    const given = this.options.compile ?? {};
    if (!this.data.recorded?.spikesOnly || given.inputEvent !== undefined) return given;
    return { ...given, inputEvent: "spike" };
  }

  /** The compile options of this setup: the given ones, the profile, the calibrated ranges. */
  async compileOptions(): Promise<QuantCompileOptions> {
    const ranges = (await this.exact()) ? undefined : await this.ranges();
    return {
      ...this.compileSettings,
      ...(this.profile ? { profile: this.profile } : {}),
      ...(ranges ? { ranges } : {}),
      ...this.inputValues(),
      ...(this.options.progress ? { progress: this.options.progress } : {}),
      dump: () => {},
    };
  }

  /**
   * Whether the network compiles integer-exactly (compiler/passes/exact-plan.ts): its plan comes from the network's
   * exact values, so calibration is skipped (false for a compiled module).
   */
  async exact(): Promise<boolean> {
    if (this.precompiled) return false;
    this.#exact ??= compilesExactly(this.data, {
      ...this.compileSettings,
      ...(this.profile ? { profile: this.profile } : {}),
      ...this.inputValues(),
    });
    return this.#exact;
  }

  /**
   * The values the run's inputs carry (largest |value| and grain), so the compiler can plan an integer-exact
   * module when they and the network allow it; none for raw integer events, which are fed as they are.
   */
  inputValues(): Pick<QuantCompileOptions, "inputValues"> {
    if (this.data.raw) return {};
    const fed = [{ id: this.data.inputId, samples: this.data.samples }, ...(this.data.moreInputs ?? [])];
    const values: Record<string, InputValues> = Object.create(null); // keyed by node ids
    for (const f of fed) {
      const v = inputValuesOf(f.samples.data);
      if (v) values[f.id] = v;
    }
    return { inputValues: values };
  }

  /** The compiled module (a compiled module's file is used as it is; `compile` options do not apply). */
  async compile(): Promise<NmirModule> {
    this.#ir ??= this.data.module ?? compileNetwork(this.data, await this.compileOptions());
    return this.#ir;
  }

  /** Maps the compiled module onto the profile (throws MappingError with the misfits when it does not fit). */
  async map(): Promise<MappedModule> {
    if (!this.profile) throw new Error("Pipeline.map needs a profile");
    const ir = await this.compile();
    this.#mapped ??= this.options.mapping
      ? { mapping: this.options.mapping }
      : mapModule(ir, this.profile, {
          ...this.options.map,
          ...(this.options.progress ? { progress: this.options.progress } : {}),
        });
    return this.#mapped;
  }

  /** The engine `simulate` runs by default: the options', else chip when a profile is given. */
  get engine(): "chip" | "reference" {
    return this.options.engine ?? (this.profile ? "chip" : "reference");
  }

  /** Simulates every sample on `engine` (default: the options' engine) and returns the run JSON. */
  async simulate(engine = this.engine): Promise<RunJson> {
    const { sim, ir } = await this.execute(engine);
    return this.runJson(ir, sim);
  }

  /** Simulates every sample on `engine`: the raw results, before the run JSON. */
  async execute(engine = this.engine, extras: ExecuteExtras = {}): Promise<Execution> {
    const ir = await this.compile();
    const { sequences, clipped } = samplesFor(ir, this.data, this.steps);
    this.options.progress?.stage(`simulate (${engine})`);
    let sim: ModuleRun;
    if (engine === "chip") {
      const { mapping } = await this.map();
      const source = this.options.mapping ? this.options.mappingSource : undefined;
      const sanafe = this.options.convention === "sanafe" ? this.sanafeNet() : undefined;
      sim = simulateOnChip(ir, mapping, this.profile!, this.data.inputId, sequences, {
        ...(sanafe ? { sanafe } : {}),
        mode: this.mode,
        steps: this.steps,
        timing: this.options.timing ?? PIPELINE_DEFAULTS.timing,
        perStepCounts: this.options.perStepCounts ?? true,
        ...extras,
        ...(source ? { mappingSource: source } : {}),
      });
    } else {
      if (this.options.convention === "sanafe")
        throw new SpikegridError(
          "USAGE",
          "--convention sanafe needs the chip engine: give --profile (a SANA-FE arch file, loihi-sanafe, …)",
          { hint: "add --profile loihi-sanafe (and --engine chip)" },
        );
      sim = simulateOnReference(ir, this.data.inputId, sequences, {
        mode: this.mode,
        steps: this.steps,
        ...extras,
      });
    }
    return { sim, ir, sequences, clipped };
  }

  /** The sanafe convention's view of the network: only a SANA-FE network file carries what it needs. */
  private sanafeNet(): ConventionNet {
    this.#sanafe ??= sanafeNetOf(this.options.model, this.data.graph, this.profile!);
    return this.#sanafe;
  }

  /** The run JSON of a simulation of this setup (`input`: the input file it names, if any). */
  runJson(ir: NmirModule, sim: ModuleRun): RunJson {
    return runJsonOf(ir, sim, {
      model: this.options.model,
      mode: this.mode,
      steps: this.steps,
      ...(this.data.labels ? { labels: this.data.labels, labelsName: this.data.description } : {}),
      readout: this.data.readout,
      ...(this.options.input === undefined ? {} : { input: this.options.input, rawInput: this.data.raw }),
      ...(this.data.recorded
        ? { input: `${this.options.model} (its recorded inputs)`, rawInput: false }
        : {}),
    });
  }
}

/** Loads the network and samples of `options` (the other stages run when asked). */
export async function openPipeline(options: PipelineOptions): Promise<Pipeline> {
  const recordedSteps = options.recordedSteps ?? options.timesteps;
  return new Pipeline(
    options,
    await loadPipelineData({ ...options, ...(recordedSteps === undefined ? {} : { recordedSteps }) }),
  );
}

/** The whole chain: load → calibrate → compile → map → simulate → run JSON. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const p = await openPipeline(options);
  const run = await p.simulate();
  const result: PipelineResult = { run, ir: await p.compile(), data: p.data, network: p.network() };
  if (run.run.engine === "chip") result.mapped = await p.map();
  return result;
}
