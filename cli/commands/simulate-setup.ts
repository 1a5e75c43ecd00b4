// `simulate --engine reference|chip` on the pipeline: its flags as PipelineOptions (load, compile, mapping,
// mode, steps), the pipeline opened on them, and the per-sample outputs and records written as .npy. A network
// file is calibrated and compiled as `table` and `demo` do it; a .nmir is simulated as it is.

import { readFileSync } from "node:fs";
import { SpikegridError } from "../../common/errors.js";
import { sanafeMapping } from "../../compiler/importers/sanafe/index.js";
import { sanafePlacementOf } from "../../compiler/importers/sanafe/to-mapping.js";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import {
  type MapOptions,
  PLACEMENTS,
  type Placement,
  validateMapping,
} from "../../compiler/mapping/index.js";
import { type NmirModule, shapeSize } from "../../compiler/nmir/index.js";
import { userPorts } from "../../compiler/nmir/phases.js";
import type { SampleRun } from "../../pipeline/chip-run.js";
import { CONVENTIONS, type Convention } from "../../pipeline/convention.js";
import { isModuleFile } from "../../pipeline/data.js";
import { openPipeline, type Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { Timing } from "../../simulator/chip/index.js";
import { TIMESTEP_MODES } from "../../simulator/reference/index.js";
import { bitWidthFlags, fixedCompileFlags, loadFlags } from "../compile-flags.js";
import { checkStepBudget, choiceFlag, intFlag, timestepsFlag } from "../options.js";
import { zooOverrides } from "../zoo-set.js";
import { besideOut, checkBesideOut, stack } from "./simulate-output.js";

/** The mapping flags `simulate --engine chip` passes to the mapper (they map here; not with --mapping). */
const MAP_FLAGS = ["max-cores", "max-chips", "neurons-per-core", "placement", "seed"] as const;

function mapOptionsOf(args: Record<string, unknown>): MapOptions {
  const opts: MapOptions = {};
  const maxCores = intFlag("--max-cores", args["max-cores"], 1, 1 << 24);
  const maxChips = intFlag("--max-chips", args["max-chips"], 1, 1 << 24);
  const npc = intFlag("--neurons-per-core", args["neurons-per-core"], 1, 1 << 30);
  const seed = intFlag("--seed", args.seed, 0, 2 ** 31 - 1);
  const placement = choiceFlag<Placement>("--placement", args.placement, PLACEMENTS);
  if (maxCores !== undefined) opts.maxCores = maxCores;
  if (maxChips !== undefined) opts.maxChips = maxChips;
  if (npc !== undefined) opts.neuronsPerCore = npc;
  if (seed !== undefined) opts.seed = seed;
  if (placement) opts.placement = placement;
  return opts;
}

/** simulate's flags as the pipeline's options (load and compile flags: `compile`'s, cli/compile-flags.ts). */
export function simulateOptions(
  args: Record<string, unknown>,
  engine: "reference" | "chip",
): PipelineOptions {
  const file = String(args.file);
  const timesteps = timestepsFlag(args.timesteps);
  const mode = choiceFlag("--mode", args.mode, TIMESTEP_MODES);
  const load = loadFlags(args);
  const compile = { ...bitWidthFlags(args), ...fixedCompileFlags(args) };
  // without --input, a network file that records its own inputs (SANA-FE) runs on them (checked on loading)
  const recorded = typeof args.input !== "string";
  if (recorded && (isModuleFile(file) || args["raw-input"] === true))
    throw new SpikegridError("USAGE", "--input is required: a .npy file shaped [T, ...] or [batch, T, ...]");
  if (isModuleFile(file)) {
    // --dt stays: it also reads the network file of --compare-float
    const given = Object.keys(compile).filter((k) => k !== "dt");
    if (given.length)
      throw new SpikegridError(
        "USAGE",
        `${file} is already compiled: compile flags (${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}) do not apply`,
        { hint: "give them to spikegrid compile, or simulate the network file" },
      );
  }
  const set = zooOverrides(file, args.set);
  const opts: PipelineOptions = {
    model: file,
    ...(Object.keys(set).length ? { set } : {}),
    load,
    compile,
    ...(recorded ? { requireRecorded: true } : { input: args.input as string }),
    ...(args["raw-input"] === true ? { rawInput: true } : {}),
    ...(typeof args.profile === "string" ? { profile: args.profile } : {}),
    engine,
    ...(mode ? { mode } : {}),
    ...(timesteps === undefined ? {} : { timesteps }),
  };
  if (engine === "chip") {
    opts.timing = choiceFlag<Timing>("--timing", args.timing, ["simple", "detailed"]) ?? "detailed";
    const convention = choiceFlag<Convention>("--convention", args.convention, [...CONVENTIONS]);
    if (convention) opts.convention = convention;
    opts.map = mapOptionsOf(args);
  }
  return opts;
}

/** A mapping JSON (spikegrid map -o), checked against the module and the profile. */
function readMapping(path: string, ir: NmirModule, p: Pipeline) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new SpikegridError("USAGE", `cannot read the mapping ${path}: ${(e as Error).message}`, {
      hint: "write one with: spikegrid map model.nmir --profile P -o mapping.json",
    });
  }
  return validateMapping(raw, ir, p.profile!);
}

/**
 * The pipeline of a `simulate` run, compiled (and, with --mapping, given its mapping), with the notes to print:
 * how a network file was compiled and calibrated.
 */
export async function openSimulation(
  args: Record<string, unknown>,
  engine: "reference" | "chip",
): Promise<{ pipeline: Pipeline; ir: NmirModule; notes: string[] }> {
  const mappingFile = typeof args.mapping === "string" && args.mapping !== "auto" ? args.mapping : undefined;
  if (engine === "chip" && mappingFile)
    for (const f of MAP_FLAGS)
      if (args[f] !== undefined)
        throw new SpikegridError("USAGE", `--${f} maps here; it cannot go with --mapping`);
  let pipeline = await openPipeline(simulateOptions(args, engine));
  const ir = await pipeline.compile();
  const notes = pipeline.data.warnings.map((w) => `warning: ${w}`);
  const recorded = pipeline.data.recorded;
  if (recorded) {
    const event = pipeline.compileSettings.inputEvent;
    const how = recorded.spikesOnly
      ? event === "spike" && args["input-event"] === undefined
        ? " (compiled as spike events, as --input-event spike)"
        : ""
      : " (graded input events: bias inputs are not spikes)";
    notes.push(`note: inputs: ${pipeline.data.description}${how}`);
  }
  if (!pipeline.precompiled) {
    const widths = pipeline.profile
      ? `the compiler's defaults for ${pipeline.profile.name}`
      : "the compiler's defaults";
    const flags = Object.keys(pipeline.options.compile ?? {}).length ? " and the given compile flags" : "";
    const calibrated = (await pipeline.exact())
      ? "integer-exact (its weights, thresholds, biases, resets and decays fit the widths: nothing rounds or clips)"
      : (await pipeline.ranges())
        ? `payload ranges calibrated on ${pipeline.data.description}`
        : "static payload ranges";
    notes.push(
      `note: compiled ${String(args.file)} with ${widths}${flags}, ${calibrated} (spikegrid compile for other settings)`,
    );
  }
  if (engine === "chip" && mappingFile)
    pipeline = pipeline.with({ mapping: readMapping(mappingFile, ir, pipeline), mappingSource: mappingFile });
  const placement = sanafePlacementOf(pipeline.data.graph);
  if (engine === "chip" && !mappingFile && args.mapping !== "auto" && placement) {
    // a SANA-FE file's own mappings: are the default mapping; --mapping auto lets spikegrid's mapper place it
    const file = String(args.file);
    for (const f of MAP_FLAGS)
      if (args[f] !== undefined)
        throw new SpikegridError(
          "USAGE",
          `--${f} maps with spikegrid's mapper; ${file} carries its own mapping`,
          {
            hint: "add --mapping auto to let spikegrid map the network",
          },
        );
    pipeline = pipeline.with({
      mapping: sanafeMapping(placement, ir, pipeline.profile!, file),
      mappingSource: file,
    });
    notes.push(`note: mapping from ${file} (its mappings:; --mapping auto lets spikegrid map)`);
  }
  return { pipeline, ir, notes };
}

/** Writes every output (the first at `out`, the others beside it) and each recorded population beside `out`. */
export function writeSampleOutputs(
  out: string,
  ir: NmirModule,
  samples: readonly SampleRun[],
  record: readonly string[],
  batched: boolean,
): string[] {
  const shapeOf = (id: string) =>
    ir.populations.find((p) => p.id === id)?.shape ?? ir.inputs.find((p) => p.id === id)?.shape ?? [0];
  const written: string[] = [];
  userOutputs(ir).forEach((o, i) => {
    const path = i === 0 ? out : besideOut(out, o.id);
    writeNpyFile(
      path,
      stack(
        samples.map((s) => s.outputsScaled.get(o.id)!),
        shapeOf(o.src),
        batched,
      ),
    );
    written.push(`${path} (output "${o.id}", scaled by 2^${o.scaleExp})`);
  });
  for (const id of record) {
    const shape = shapeOf(id);
    const n = shapeSize(shape);
    const dense = samples.map((s) =>
      s.records.get(id)!.map((ev) => {
        const v = new Float64Array(n);
        ev.index.forEach((j, k) => {
          v[j] = ev.value[k]!;
        });
        return v;
      }),
    );
    const path = besideOut(out, id);
    writeNpyFile(path, stack(dense, shape, batched));
    written.push(`${path} (events of "${id}")`);
  }
  return written;
}

/**
 * Checked before the run: the files written beside --out (further outputs, --record) are writable and none is an
 * input; outputs and records kept per step and sample stay within the kept-values budget.
 */
/** The outputs a user reads: a sequence buffer's output is the phased run's, not written. */
function userOutputs(ir: NmirModule): NmirModule["outputs"] {
  const ids = new Set(userPorts(ir).outputs);
  return ir.outputs.filter((o) => ids.has(o.id));
}

export function checkSimulationOutputs(
  p: Pipeline,
  ir: NmirModule,
  args: Record<string, unknown>,
  record: readonly string[],
): void {
  const out = args.out as string | undefined;
  checkBesideOut(
    out,
    [
      ...userOutputs(ir)
        .slice(1)
        .map((o) => o.id),
      ...record,
    ],
    [args.file, args.input, args.mapping, args.weights],
  );
  const sizes = new Map([...ir.populations, ...ir.inputs].map((x) => [x.id, shapeSize(x.shape)]));
  const kept = [...userOutputs(ir).map((o) => o.src), ...record].reduce(
    (a, id) => a + (sizes.get(id) ?? 0),
    0,
  );
  checkStepBudget({
    steps: p.steps,
    samples: p.data.samples.shape[0] ?? 1,
    perStep: kept,
    what: "output and recorded values",
  });
}
