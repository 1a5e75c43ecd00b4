// Benchmark: map a Spiking-LMUFormer-sized network (≈1.7 M synapses, ≈100 k neurons) onto Loihi with each
// placement, printing one JSON line per run: {bench, profile, placement, wallMs, peakRssMB, synapses,
// neurons, cores, trafficHops}. The network is built directly as NMIR: 128 tokens, 256-wide layers.
//
// Run (no npm script; compiles only this file's import closure into dist/):
//   npx tsc --module NodeNext --moduleResolution NodeNext --target ES2022 --strict --skipLibCheck \
//     --rootDir . --outDir dist bench/map.ts && node dist/bench/map.js

import { performance } from "node:perf_hooks";
import { mapNetwork, PLACEMENTS } from "../compiler/mapping/index.js";
import { synapseCount } from "../compiler/nmir/index.js";
import { loadProfile } from "../hw-profiles/index.js";
import { lmuFormerSized } from "./lmu-net.js";

const ir = lmuFormerSized();
const profile = loadProfile("loihi");
const synapses = ir.projections.reduce((a, p) => a + synapseCount(p.connectivity), 0);
const neurons = ir.populations.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
for (const placement of PLACEMENTS) {
  const t0 = performance.now();
  const { mapping } = mapNetwork(ir, profile, { placement, suggestProfiles: false });
  const wallMs = performance.now() - t0;
  console.log(
    JSON.stringify({
      bench: "map-lmuformer-loihi",
      profile: profile.name,
      placement,
      wallMs: Math.round(wallMs),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      synapses,
      neurons,
      cores: mapping.cores.length,
      trafficHops: mapping.cost.trafficHops,
    }),
  );
}
