// Test helper: a SANA-FE network file through `spikegrid simulate --engine chip --convention sanafe`, returning
// the figures SANA-FE itself reports (fired, synaptic events, messages, hops, neurons updated, energy, time),
// so its outputs for the same file compare one to one.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bufferIo } from "../../../cli/io.js";
import { runCli } from "../../../cli/main.js";

export interface SanafeFigures {
  fired: number;
  synapticEvents: number;
  messages: number;
  hops: number;
  neuronsUpdated: number;
  energy: { totalJ: number; synapseJ: number; dendriteJ: number; somaJ: number; networkJ: number };
  simulatedS: number;
  /** The whole run JSON, for anything else. */
  run: Record<string, unknown>;
}

/** Runs `text` (a SANA-FE SNN YAML) for `steps` on `profile` (a name or an arch file path). */
export async function runSanafeConvention(
  text: string,
  profile: string,
  steps: number,
  extra: string[] = [],
  convention: "sanafe" | "neurobench" = "sanafe",
): Promise<SanafeFigures> {
  const dir = mkdtempSync(join(tmpdir(), "sanafe-conv-"));
  try {
    const net = join(dir, "net.yaml");
    const json = join(dir, "run.json");
    writeFileSync(net, text);
    const io = bufferIo();
    const args = ["simulate", net, "--engine", "chip", "--profile", profile, "--timesteps", String(steps)];
    const code = await runCli([...args, "--convention", convention, "--json", json, ...extra], io);
    if (code !== 0) throw new Error(`simulate exited ${code}: ${io.stderr.join("\n")}`);
    const run = JSON.parse(readFileSync(json, "utf8"));
    const e = run.energy.chip;
    return {
      fired: run.counts.spikes,
      synapticEvents: run.counts.ac + run.counts.mac,
      messages: run.counts.packets,
      hops: run.counts.hops,
      neuronsUpdated: run.counts.neuronUpdates,
      energy: { totalJ: e.totalJ, synapseJ: 0, dendriteJ: 0, somaJ: 0, networkJ: 0, ...e.sanafe },
      simulatedS: run.latency.perSampleS,
      run,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
