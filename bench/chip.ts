// Benchmark of the chip simulator (simulator/chip): the DVS-gesture-like conv SNN for 1000 steps and the
// Spiking-LMUFormer-sized network for 128 steps on `loihi`, detailed timing; one JSON line per run with the
// wall time (load and run apart), synaptic events per second, activity and peak RSS.
//
//   npm run bench      (tsc, then node dist/bench/map.js and dist/bench/chip.js)

import { performance } from "node:perf_hooks";
import { mapNetwork } from "../compiler/mapping/index.js";
import { type NmirModule, shapeSize, synapseCount } from "../compiler/nmir/index.js";
import { loadProfile } from "../hw-profiles/index.js";
import { createChip } from "../simulator/chip/index.js";
import { dvsEvents, dvsLike } from "./dvs-net.js";
import { lmuFormerSized } from "./lmu-net.js";

function bench(
  name: string,
  ir: NmirModule,
  steps: number,
  input: Float64Array,
  timing: "simple" | "detailed",
) {
  const profile = loadProfile("loihi");
  const t0 = performance.now();
  const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
  const chip = createChip(profile, { timing }).load(ir, mapping);
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const port = ir.inputs[0]!;
  const r = chip.run({ [port.id]: { shape: [steps, ...port.shape], data: input } }, steps);
  const t2 = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  const neurons = ir.populations.reduce((a, p) => a + shapeSize(p.shape), 0);
  const ops = r.counts.totals.synapticOps;
  const spikes = r.counts.totals.spikes;
  console.log(
    JSON.stringify({
      bench: name,
      profile: profile.name,
      timing,
      mode: r.mode,
      steps,
      neurons,
      synapses: ir.projections.reduce((a, p) => a + synapseCount(p.connectivity), 0),
      cores: mapping.cores.length,
      activity: +(spikes / (neurons * steps)).toFixed(4),
      synapticEvents: ops,
      packets: r.chip.packets,
      loadMs: Math.round(t1 - t0),
      runMs: Math.round(t2 - t1),
      // CPU time of all the process's threads (GC helpers too) during the run: near or above runMs on a quiet
      // machine, well below it when other jobs hold the cores — tells a slow figure from a busy machine
      runCpuMs: Math.round((user + system) / 1000),
      synapticEventsPerS: Math.round(ops / ((t2 - t1) / 1000)),
      simulatedMsPerStep: +((r.chip.simulatedS / steps) * 1e3).toPrecision(4),
      chipEnergyJ: +r.chip.energy.totalJ.toPrecision(4),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

const timing = process.argv.includes("--simple") ? "simple" : "detailed";
bench("chip-dvs-like", dvsLike(), 1000, dvsEvents(1000, 0.03), timing);
const lmu = lmuFormerSized();
const n = shapeSize(lmu.inputs[0]!.shape);
bench(
  "chip-lmuformer-sized",
  lmu,
  128,
  dvsEvents(128, 0.05)
    .subarray(0, 128 * n)
    .slice(),
  timing,
);
