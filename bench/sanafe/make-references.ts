// Regenerates test/sanafe/*.expected.json: runs a SANA-FE build (bench/sanafe/build-sanafe.sh) on each reference
// network of test/sanafe/ and writes what it reported — spikes, counts, energy, simulated time — as checked-in
// numbers. Run by hand: `npx tsc -p tsconfig.json && SANAFE_BIN=… node dist/bench/sanafe/make-references.js`.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatExpected,
  parseSanafeRun,
  REFERENCE_NETWORKS,
  SANAFE_COMMIT,
} from "../../test/sanafe/references.js";

// run from the repository root, as the other bench scripts
const dir = join(process.cwd(), "test/sanafe");
const bin = process.env.SANAFE_BIN ?? "/tmp/sanafe-build/build/sim";

for (const ref of REFERENCE_NETWORKS) {
  const out = mkdtempSync(join(tmpdir(), `sanafe-${ref.name}-`));
  // -s records spikes and (in this SANA-FE's main.cpp) also perf.csv, whose per-step hops the summary lacks
  const args = ["-t", "detailed", "-s", "-o", out, ref.arch, ref.network, String(ref.timesteps)];
  const run = spawnSync(bin, args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0 || run.error) {
    console.error(`${bin} ${args.join(" ")} failed (${run.error?.message ?? `exit ${run.status}`}):`);
    console.error(run.stdout, run.stderr);
    process.exit(1);
  }
  const expected = parseSanafeRun({
    ref,
    command: `sim ${args.map((a) => (a === out ? "OUT" : a)).join(" ")}`,
    spikesCsv: readFileSync(join(out, "spikes.csv"), "utf8"),
    perfCsv: readFileSync(join(out, "perf.csv"), "utf8"),
    summaryYaml: readFileSync(join(out, "run_summary.yaml"), "utf8"),
  });
  const file = join(dir, `${ref.name}.expected.json`);
  writeFileSync(file, formatExpected(expected));
  rmSync(out, { recursive: true, force: true });
  const t = expected.totals;
  console.log(
    `${file}: SANA-FE ${SANAFE_COMMIT}, ${ref.timesteps} steps: fired ${t.fired}, synaptic events ` +
      `${t.synapticEvents}, messages ${t.messages}, hops ${t.hops}, updated ${t.neuronsUpdated}, ` +
      `energy ${t.energyJ.total} J, sim time ${t.simTimeS} s`,
  );
}
