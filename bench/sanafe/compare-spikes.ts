// Compares a SANA-FE spike trace (its spikes.csv: `neuron,timestep`, neuron = group.index, timesteps from 1)
// with spikegrid's recorded events (`simulate … --out run.npy --record G1,G2,…` → run.G1.npy …, [steps, n]):
// how many fires agree (same step, same neuron), what is missing or extra per group, the first differences.
//
//   node dist/bench/sanafe/compare-spikes.js spikes.csv run.npy GROUP…      (prints one JSON object)

import { readFileSync } from "node:fs";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";

const [csv, npy, ...groups] = process.argv.slice(2);
if (!csv || !npy || groups.length === 0) {
  console.error(
    "usage: compare-spikes SPIKES.csv RUN.npy GROUP… (spikegrid wrote RUN.GROUP.npy for each GROUP)",
  );
  process.exit(2);
}

/** "timestep,group,index" → fires, SANA-FE's timesteps (spikegrid's step s is timestep s + 1). */
const want = new Set<string>();
for (const line of readFileSync(csv, "utf8").trim().split("\n").slice(1)) {
  const [neuron, step] = line.split(",");
  const dot = neuron!.lastIndexOf(".");
  const group = neuron!.slice(0, dot);
  if (groups.includes(group)) want.add(`${step},${group},${neuron!.slice(dot + 1)}`);
}
const got = new Set<string>();
for (const group of groups) {
  const x = readNpyFile(npy.replace(/\.npy$/, `.${group}.npy`));
  const [steps, n] = x.shape as [number, number];
  const v = toFloat32(x);
  for (let s = 0; s < steps; s++)
    for (let j = 0; j < n; j++) if (v[s * n + j] !== 0) got.add(`${s + 1},${group},${j}`);
}

const byStep = (a: string, b: string) =>
  Number(a.split(",")[0]) - Number(b.split(",")[0]) || a.localeCompare(b);
const missing = [...want].filter((k) => !got.has(k)).sort(byStep);
const extra = [...got].filter((k) => !want.has(k)).sort(byStep);
const perGroup = (keys: string[]) =>
  Object.fromEntries(groups.map((g) => [g, keys.filter((k) => k.split(",")[1] === g).length]));
console.log(
  JSON.stringify({
    sanafe: want.size,
    spikegrid: got.size,
    same: want.size - missing.length,
    missingByGroup: perGroup(missing),
    extraByGroup: perGroup(extra),
    firstMissing: missing.slice(0, 5),
    firstExtra: extra.slice(0, 5),
  }),
);
