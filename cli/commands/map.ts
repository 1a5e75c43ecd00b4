// `spikegrid map model.nmir --profile P [--max-cores N] [--max-chips N] [--neurons-per-core N] [--placement
// sequential|greedy|anneal] [--seed N] [--input in.npy] -o mapping.json [--json]`: partition, pack, place and
// route a compiled network on a chip; prints the core grid as a heat map and the fit summary. A misfit
// exits 2 with every reason and what would make it fit.

import { SpikegridError } from "../../common/errors.js";
import { noProgress } from "../../common/progress.js";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import {
  checkMappable,
  formatFitSummary,
  formatGrid,
  type MapOptions,
  MappingError,
  mapNetwork,
  mappingJson,
  PLACEMENTS,
  type Placement,
  profileTraffic,
} from "../../compiler/mapping/index.js";
import { readNmirFile, shapeSize } from "../../compiler/nmir/index.js";
import { phasePlan, sequenceBuffers } from "../../compiler/nmir/phases.js";
import { attentionCostLine } from "../../compiler/passes/lower/attention-cost.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { moduleWeights, untrainedWarning } from "../../compiler/passes/weights-provenance.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { storedBitsPerStep } from "../../simulator/chip/phased.js";
import type { CliCommand } from "../command.js";
import type { CliIo } from "../io.js";
import { checkOutputs, intFlag, writeOutputFile } from "../options.js";

function placementArg(v: unknown): Placement | undefined {
  if (v === undefined) return undefined;
  if (PLACEMENTS.includes(v as Placement)) return v as Placement;
  throw new SpikegridError("USAGE", `--placement must be ${PLACEMENTS.join(", ")}, got "${String(v)}"`);
}

function profiledTraffic(ir: ReturnType<typeof readNmirFile>, path: string) {
  const port = ir.inputs[0];
  if (ir.inputs.length !== 1 || !port)
    throw new SpikegridError("UNSUPPORTED", `--input feeds one input; the module has ${ir.inputs.length}`);
  const x = readNpyFile(path);
  const fits =
    x.shape.length === port.shape.length + 1 && x.shape.slice(1).every((d, i) => d === port.shape[i]);
  if (!fits)
    throw new SpikegridError(
      "USAGE",
      `${path}: shape [${x.shape.join(",")}] does not fit input "${port.id}"`,
      {
        hint: `give [T, ${port.shape.join(", ")}]`,
      },
    );
  const floats = toFloat32(x);
  const data =
    ir.stage === "quantized"
      ? quantizeInputs(ir, { [port.id]: { shape: x.shape, data: floats } }).get(port.id)?.data
      : floats;
  const t = x.shape[0] ?? 0;
  const values = new Float64Array(t * shapeSize(port.shape));
  for (let i = 0; i < values.length; i++) values[i] = Number(data?.[i] ?? 0);
  return profileTraffic(ir, { [port.id]: { shape: x.shape, data: values } });
}

async function runMap(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  if (typeof args.profile !== "string")
    throw new SpikegridError("USAGE", "--profile is required: a chip profile name or file");
  const out = args.out as string | undefined;
  const opts: MapOptions = {};
  const maxCores = intFlag("--max-cores", args["max-cores"], 1, 1 << 24);
  const maxChips = intFlag("--max-chips", args["max-chips"], 1, 1 << 24);
  const npc = intFlag("--neurons-per-core", args["neurons-per-core"], 1, 1 << 30);
  const seed = intFlag("--seed", args.seed, 0, 2 ** 31 - 1);
  const placement = placementArg(args.placement);
  if (maxCores !== undefined) opts.maxCores = maxCores;
  if (maxChips !== undefined) opts.maxChips = maxChips;
  if (npc !== undefined) opts.neuronsPerCore = npc;
  if (seed !== undefined) opts.seed = seed;
  if (placement) opts.placement = placement;
  checkOutputs([{ flag: "-o/--out", path: out }], [file, args.input as string | undefined, args.profile]);
  const profile = loadProfile(args.profile);
  const ir = readNmirFile(file);
  // a CRC-valid file can still be invalid NMIR: refuse it before profiling or partitioning allocate anything
  try {
    checkMappable(ir);
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    throw new SpikegridError(e.code, `${file}: ${e.message}`, {
      details: [...e.details],
      hint: e.hint ?? "recompile it with spikegrid compile; spikegrid inspect lists every problem",
    });
  }
  const untrained = untrainedWarning(moduleWeights(ir), file);
  if (untrained) io.err(`warning: ${untrained}`);
  if (typeof args.input === "string") opts.traffic = profiledTraffic(ir, args.input);
  const progress = io.progress?.("map") ?? noProgress;
  try {
    let mapped: ReturnType<typeof mapNetwork>;
    try {
      mapped = mapNetwork(ir, profile, { ...opts, progress });
    } finally {
      progress.done();
    }
    const { mapping, fit } = mapped;
    if (out) writeOutputFile("-o/--out", out, mappingJson(mapping));
    if (args.json === true) {
      io.out(JSON.stringify({ mapping, fit }, null, 2));
      return;
    }
    const cores = mapping.cores.map((c) => c.slices.map((s) => s.population));
    const attention = attentionCostLine(ir, cores);
    io.out(
      `${formatGrid(profile, mapping, fit)}\n${formatFitSummary(fit)}${attention ? `\n${attention}` : ""}${out ? `\nwrote ${out}` : ""}`,
    );
    if (sequenceBuffers(ir).length)
      io.err(
        `note: ${file} runs in ${phasePlan(ir).phases} phases (bidirectional layers); its stored sequences take ${storedBitsPerStep(ir)} bits per step of the clip (× T) in the neuron-state memory of the cores of the populations that produce them: simulate --engine chip charges them (run JSON "phases")`,
      );
  } catch (e) {
    if (e instanceof MappingError && args.json === true) io.out(JSON.stringify({ fit: e.fit }, null, 2));
    // what attention costs on this chip also explains a misfit
    const attention = e instanceof MappingError && args.json !== true ? attentionCostLine(ir) : undefined;
    if (attention) io.err(attention);
    throw e;
  }
}

export const mapCommand: CliCommand = {
  command: "map <file>",
  describe: "map a compiled network (.nmir) onto a chip's cores: partition, pack, place and route",
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "compiled network (.nmir)", demandOption: true })
      .option("profile", { type: "string", demandOption: true, describe: "chip profile name or file" })
      .option("out", { alias: "o", type: "string", describe: "the mapping JSON to write" })
      .option("max-cores", { type: "number", describe: "use at most N cores" })
      .option("max-chips", { type: "number", describe: "multi-chip systems: use at most N chips" })
      .option("neurons-per-core", { type: "number", describe: "at most N neurons on a core" })
      .option("placement", { type: "string", describe: "sequential | greedy (default) | anneal" })
      .option("seed", { type: "number", describe: "annealing seed (default 1)" })
      .option("input", {
        type: "string",
        describe: ".npy [T, ...] to profile traffic with the reference simulator",
      })
      .option("json", { type: "boolean", describe: "print the mapping and fit report as JSON" }),
  handler: (args, io) => runMap(args, io),
};
