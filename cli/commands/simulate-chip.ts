// `spikegrid simulate MODEL --engine chip --profile P [--mapping mapping.json | --max-cores N
// --neurons-per-core N --placement P --seed N] [--timing simple|detailed] [--mode M] --input in.npy
// [--out out.npy] [--json run.json]`: the cycle-level chip simulator (simulator/chip). MODEL is a .nmir, or a
// network file / zoo:NAME compiled here with the compiler defaults for the profile.

import { readFileSync, writeFileSync } from "node:fs";
import { SpikegridError } from "../../common/errors.js";
import { readNpyFile, toFloat32, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import {
  type MapOptions,
  mapNetwork,
  PLACEMENTS,
  type Placement,
  validateMapping,
} from "../../compiler/mapping/index.js";
import { type NmirModule, readNmirFile, shapeSize } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import { buildRunJson } from "../../reports/run-build.js";
import { formatRunJson } from "../../reports/run-json.js";
import { applyChipSections, simulateChip, type Timing } from "../../simulator/chip/index.js";
import { TIMESTEP_MODES, type TimestepMode } from "../../simulator/reference/index.js";
import type { CliIo } from "../io.js";
import { checkStepBudget, choiceFlag, intFlag, sequenceLayout, timestepsFlag } from "../options.js";
import { listArg, resetModeArg, sampleOf } from "../shared.js";
import { zooOverrides } from "../zoo-set.js";
import { besideOut, checkBesideOut, stack, summarizeWarnings } from "./simulate-output.js";

/** The options `--engine chip` adds to `simulate` (the mapping ones are `spikegrid map`'s). */
export const CHIP_OPTIONS = {
  profile: { type: "string", describe: "chip engine: chip profile name or file" },
  mapping: { type: "string", describe: "chip engine: a mapping JSON (spikegrid map -o); default: map here" },
  timing: {
    type: "string",
    describe: "chip engine: simple (busiest core) | detailed (event-driven with link contention, default)",
  },
  "max-cores": { type: "number", describe: "chip engine, when mapping here: use at most N cores" },
  "neurons-per-core": {
    type: "number",
    describe: "chip engine, when mapping here: at most N neurons a core",
  },
  placement: { type: "string", describe: "chip engine, when mapping here: sequential | greedy | anneal" },
  seed: { type: "number", describe: "chip engine, when mapping here: annealing seed (default 1)" },
} as const;

/** The module: read a .nmir, or compile a network file / zoo:NAME with the defaults for the profile. */
async function loadModule(
  file: string,
  profile: ChipProfile,
  args: Record<string, unknown>,
  notes: string[],
) {
  if (file.toLowerCase().endsWith(".nmir")) return readNmirFile(file);
  const net = await loadNetwork(file, {
    resetMode: resetModeArg(args["reset-mode"]),
    weights: args.weights as string | undefined,
    overrides: zooOverrides(file, args.set),
  });
  notes.push(...net.warnings.map((w) => `warning: ${w}`));
  const dt = args.dt === undefined ? {} : { dt: Number(args.dt) };
  const options: QuantCompileOptions = { profile, ...dt };
  const { ir } = compile(net.graph, options);
  notes.push(
    `note: compiled ${file} with the compiler defaults for ${profile.name} (spikegrid compile for other settings)`,
  );
  return ir;
}

function mappingFor(ir: NmirModule, profile: ChipProfile, args: Record<string, unknown>) {
  if (typeof args.mapping === "string") {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(args.mapping, "utf8"));
    } catch (e) {
      throw new SpikegridError("USAGE", `cannot read the mapping ${args.mapping}: ${(e as Error).message}`, {
        hint: "write one with: spikegrid map model.nmir --profile P -o mapping.json",
      });
    }
    for (const f of ["max-cores", "neurons-per-core", "placement", "seed"])
      if (args[f] !== undefined)
        throw new SpikegridError("USAGE", `--${f} maps here; it cannot go with --mapping`);
    return { mapping: validateMapping(raw, ir, profile), source: args.mapping };
  }
  const opts: MapOptions = { suggestProfiles: false };
  const maxCores = intFlag("--max-cores", args["max-cores"], 1, 1 << 24);
  const npc = intFlag("--neurons-per-core", args["neurons-per-core"], 1, 1 << 30);
  const seed = intFlag("--seed", args.seed, 0, 2 ** 31 - 1);
  const placement = choiceFlag<Placement>("--placement", args.placement, PLACEMENTS);
  if (maxCores !== undefined) opts.maxCores = maxCores;
  if (npc !== undefined) opts.neuronsPerCore = npc;
  if (seed !== undefined) opts.seed = seed;
  if (placement) opts.placement = placement;
  return { mapping: mapNetwork(ir, profile, opts).mapping, source: "auto" };
}

/** Outputs are kept per step and sample: refuse a run whose outputs alone pass the budget. */
function checkBudget(ir: NmirModule, steps: number, samples: number): void {
  const sizes = new Map([...ir.populations, ...ir.inputs].map((p) => [p.id, shapeSize(p.shape)]));
  const perStep = ir.outputs.reduce((a, o) => a + (sizes.get(o.src) ?? 0), 0);
  checkStepBudget({ steps, samples, perStep, what: "output values" });
}

/** [T, ...] or [batch, T, ...] input, quantized unless --raw-input, as one sequence per sample. */
function samplesOf(ir: NmirModule, path: string | undefined, raw: boolean, timesteps: unknown) {
  if (ir.inputs.length > 1)
    throw new SpikegridError(
      "UNSUPPORTED",
      `the module has ${ir.inputs.length} inputs; simulate feeds one --input`,
    );
  const port = ir.inputs[0];
  if (!port) {
    const steps = timestepsFlag(timesteps);
    if (steps === undefined) throw new SpikegridError("USAGE", "the module has no inputs: give --timesteps");
    checkBudget(ir, steps, 1);
    return { samples: [{}], steps, batched: false };
  }
  if (!path)
    throw new SpikegridError("USAGE", "--input is required: a .npy file shaped [T, ...] or [batch, T, ...]");
  const x = readNpyFile(path);
  const { batched, batch, steps: tIn } = sequenceLayout(path, x.shape, port);
  const steps = timestepsFlag(timesteps) ?? tIn;
  checkBudget(ir, steps, batch);
  const floats = toFloat32(x);
  if (floats.some((v) => Number.isNaN(v)))
    throw new SpikegridError("USAGE", `${path} holds NaN`, { hint: "inputs must be finite numbers" });
  const data =
    !raw && ir.stage === "quantized"
      ? quantizeInputs(ir, { [port.id]: { shape: x.shape, data: floats } }).get(port.id)!.data
      : floats;
  const samples = Array.from({ length: batch }, (_, b) => ({
    [port.id]: sampleOf(data, port.shape, b, tIn, steps),
  }));
  return { samples, steps, batched };
}

export async function simulateChipCommand(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  if (typeof args.profile !== "string")
    throw new SpikegridError("USAGE", "--engine chip needs --profile: a chip profile name or file", {
      hint: "list them with: spikegrid profiles list",
    });
  const out = args.out as string | undefined;
  const json = args.json as string | undefined;
  if (!out && !json) throw new SpikegridError("USAGE", "give --out (outputs .npy) and/or --json (run JSON)");
  const timing = choiceFlag<Timing>("--timing", args.timing, ["simple", "detailed"]) ?? "detailed";
  const profile = loadProfile(args.profile);
  const mode: TimestepMode = choiceFlag("--mode", args.mode, TIMESTEP_MODES) ?? profile.timestep.semantics;
  const notes: string[] = [];
  const ir = await loadModule(file, profile, args, notes);
  const { samples, steps, batched } = samplesOf(
    ir,
    args.input as string | undefined,
    args["raw-input"] === true,
    args.timesteps,
  );
  const { mapping, source } = mappingFor(ir, profile, args);
  const record = listArg(args.record);
  checkBesideOut(
    out,
    ir.outputs.slice(1).map((o) => o.id),
    [file, args.input, args.mapping],
  );
  const sim = simulateChip(ir, mapping, profile, samples, {
    timing,
    mode,
    timesteps: steps,
    record,
    mappingSource: source,
  });
  const written: string[] = [];
  if (out) {
    const shapeOf = (id: string) => [sim.results[0]!.chip.sizes[id] ?? 0];
    const shapes = new Map([...ir.populations, ...ir.inputs].map((p) => [p.id, p.shape]));
    ir.outputs.forEach((o, i) => {
      const path = i === 0 ? out : besideOut(out, o.id);
      writeNpyFile(
        path,
        stack(
          sim.outputsScaled.map((s) => s.get(o.id)!),
          shapes.get(o.src) ?? shapeOf(o.src),
          batched,
        ),
      );
      written.push(`${path} (output "${o.id}", scaled by 2^${o.scaleExp})`);
    });
  }
  const warnings = summarizeWarnings(sim.results.map((r) => r.warnings));
  const s = sim.sections;
  if (json) {
    const run = buildRunJson({
      file,
      ir,
      engine: "chip",
      mode,
      timesteps: steps,
      counts: sim.results.map((r) => r.counts),
      ...(typeof args.input === "string" ? { input: args.input, rawInput: args["raw-input"] === true } : {}),
      warnings,
    });
    writeFileSync(json, formatRunJson(applyChipSections(run, s)));
    written.push(`${json} (run JSON with the chip sections)`);
  }
  for (const n of notes) io.err(n);
  for (const w of warnings) io.err(`warning: ${w}`);
  const per = s.latency.perTimestepS.mean;
  io.out(
    [
      `simulated ${file} on ${profile.name} (chip engine, ${timing} timing, ${mode}, ${steps} steps${samples.length > 1 ? `, batch ${samples.length}` : ""}, ${mapping.cores.length} cores, mapping ${source})`,
      `  latency ${(per * 1e6).toPrecision(4)} µs per step (${s.latency.cycles.perTimestepMean.toPrecision(4)} cycles), ${(s.latency.perSampleS * 1e3).toPrecision(4)} ms per sample${s.latency.estimate ? " (rests on estimates)" : ""}`,
      `  energy ${s.energyChip.totalJ.toExponential(3)} J chip (${s.energyChip.dynamicJ.toExponential(3)} dynamic, ${s.energyChip.staticJ.toExponential(3)} static); ${s.counts.packets} packets, ${s.counts.hops} hops`,
      ...(written.length ? [`wrote:\n  ${written.join("\n  ")}`] : []),
    ].join("\n"),
  );
}
