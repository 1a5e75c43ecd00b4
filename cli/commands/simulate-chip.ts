// `spikegrid simulate MODEL --engine chip --profile P [--mapping mapping.json | --max-cores N
// --neurons-per-core N --placement P --seed N] [--timing simple|detailed] [--mode M] --input in.npy
// [--out out.npy] [--json run.json]`: the cycle-level chip simulator (simulator/chip) through the pipeline.
// MODEL is a .nmir, or a network file / zoo:NAME calibrated on the inputs and compiled with the compiler
// defaults for the profile, as `table` and `demo` do. The mode is layer-sync unless --mode says otherwise.

import { SpikegridError } from "../../common/errors.js";
import { formatRunJson } from "../../reports/run-json.js";
import type { CliIo } from "../io.js";
import { writeOutputFile } from "../options.js";
import { listArg } from "../shared.js";
import { checkSimulationOutputs, openSimulation, writeSampleOutputs } from "./simulate-setup.js";

export { CHIP_OPTIONS } from "./simulate-options.js";

export async function simulateChipCommand(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  if (typeof args.profile !== "string")
    throw new SpikegridError("USAGE", "--engine chip needs --profile: a chip profile name or file", {
      hint: "list them with: spikegrid profiles list",
    });
  const out = args.out as string | undefined;
  const json = args.json as string | undefined;
  if (!out && !json) throw new SpikegridError("USAGE", "give --out (outputs .npy) and/or --json (run JSON)");
  const { pipeline: p, ir, notes } = await openSimulation(args, "chip");
  const record = listArg(args.record);
  checkSimulationOutputs(p, ir, args, record);
  const { mapping } = await p.map();
  const source = p.options.mappingSource ?? "auto";
  const { sim, sequences, clipped } = await p.execute("chip", { record, keepSamples: true });
  const { mode, steps } = p;
  const timing = p.options.timing ?? "detailed";
  const profile = p.profile!;
  const written = out ? writeSampleOutputs(out, ir, sim.perSample!, record, !p.data.single) : [];
  const warnings = [...sim.warnings];
  if (clipped)
    warnings.push(`${clipped} input value(s) clipped to the input's payload range or read as a spike`);
  const s = sim.sections!;
  if (json) {
    writeOutputFile("--json", json, formatRunJson(p.runJson(ir, { ...sim, warnings })));
    written.push(`${json} (run JSON with the chip sections)`);
  }
  for (const n of notes) io.err(n);
  for (const w of warnings) io.err(`warning: ${w}`);
  for (const e of sim.errors ?? []) io.err(`error: ${e}`);
  const tIn = p.data.samples.shape[1]!;
  if (steps > tIn) io.err(`note: inputs have ${tIn} steps; later steps were fed zeros`);
  const per = s.latency.perTimestepS.mean;
  io.out(
    [
      `simulated ${file} on ${profile.name} (chip engine, ${p.options.convention === "sanafe" ? "convention sanafe, SANA-FE's detailed" : timing} timing, ${mode}, ${steps} steps${sequences.length > 1 ? `, batch ${sequences.length}` : ""}, ${mapping.cores.length} cores, mapping ${source})`,
      `  latency ${(per * 1e6).toPrecision(4)} µs per step (${s.latency.cycles.perTimestepMean.toPrecision(4)} cycles), ${(s.latency.perSampleS * 1e3).toPrecision(4)} ms per sample${s.latency.estimate ? " (rests on estimates)" : ""}`,
      `  energy ${s.energyChip.totalJ.toExponential(3)} J chip (${s.energyChip.dynamicJ.toExponential(3)} dynamic, ${s.energyChip.staticJ.toExponential(3)} static); ${s.counts.packets} packets, ${s.counts.hops} hops`,
      ...(written.length ? [`wrote:\n  ${written.join("\n  ")}`] : []),
    ].join("\n"),
  );
}
