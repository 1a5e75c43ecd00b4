// The SANA-FE reference networks of this folder and their expected-numbers JSON (format in README.md): the list
// make-references (bench/sanafe) runs SANA-FE on, the parser of SANA-FE's output files, the loader the tests use.

import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The SANA-FE snapshot the references come from. */
export const SANAFE_COMMIT = "8951ab0";

export interface ReferenceNetwork {
  name: string;
  network: string;
  arch: string;
  timesteps: number;
}

export const REFERENCE_NETWORKS: ReferenceNetwork[] = [
  { name: "neurons", network: "neurons.yaml", arch: "grid2x2.arch.yaml", timesteps: 30 },
  { name: "dense-sparse", network: "dense-sparse.yaml", arch: "grid2x2.arch.yaml", timesteps: 50 },
  { name: "conv", network: "conv.yaml", arch: "grid2x2.arch.yaml", timesteps: 40 },
];

/** Per-step series from SANA-FE's perf.csv, index i = SANA-FE timestep i + 1. */
export interface PerStep {
  fired: number[];
  updated: number[];
  packets: number[];
  hops: number[];
  synapticEvents: number[];
  simTimeS: number[];
}

export interface ExpectedRun {
  sanafe: string;
  command: string;
  network: string;
  arch: string;
  timesteps: number;
  /** [SANA-FE timestep (1-based), group, neuron index in the group], in the order SANA-FE wrote them. */
  spikes: [number, string, number][];
  totals: {
    fired: number;
    synapticEvents: number;
    messages: number;
    hops: number;
    neuronsUpdated: number;
    simTimeS: number;
    energyJ: { total: number; synapse: number; dendrite: number; soma: number; network: number };
  };
  firedByGroup: Record<string, number>;
  perStep: PerStep;
}

function csvRows(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
}

/** SANA-FE's run_summary.yaml writes `key:value` without a space for some keys: read `name: number` by name. */
function summaryNumber(yaml: string, key: string): number {
  const m = new RegExp(`^\\s*${key}:\\s*([-+0-9.eE]+)\\s*$`, "m").exec(yaml);
  if (!m) throw new Error(`run_summary.yaml has no ${key}`);
  return Number(m[1]);
}

export function parseSanafeRun(run: {
  ref: ReferenceNetwork;
  command: string;
  spikesCsv: string;
  perfCsv: string;
  summaryYaml: string;
}): ExpectedRun {
  const spikes = csvRows(run.spikesCsv).map(([neuron, step]): [number, string, number] => {
    const dot = neuron!.lastIndexOf(".");
    return [Number(step), neuron!.slice(0, dot), Number(neuron!.slice(dot + 1))];
  });
  const firedByGroup: Record<string, number> = {};
  for (const [, g] of spikes) firedByGroup[g] = (firedByGroup[g] ?? 0) + 1;
  const perf = csvRows(run.perfCsv);
  const column = (i: number) => perf.map((r) => Number(r[i]));
  // perf.csv: timestep,fired,updated,packets,hops,spikes,sim_time,…
  const perStep: PerStep = {
    fired: column(1),
    updated: column(2),
    packets: column(3),
    hops: column(4),
    synapticEvents: column(5),
    simTimeS: column(6),
  };
  const y = run.summaryYaml;
  return {
    sanafe: SANAFE_COMMIT,
    command: run.command,
    network: run.ref.network,
    arch: run.ref.arch,
    timesteps: run.ref.timesteps,
    spikes,
    totals: {
      fired: summaryNumber(y, "total_neurons_fired"),
      synapticEvents: summaryNumber(y, "total_spikes"),
      messages: summaryNumber(y, "total_messages_sent"),
      hops: perStep.hops.reduce((a, b) => a + b, 0),
      neuronsUpdated: summaryNumber(y, "total_neurons_updated"),
      simTimeS: summaryNumber(y, "sim_time"),
      energyJ: {
        total: summaryNumber(y, "total"),
        synapse: summaryNumber(y, "synapse"),
        dendrite: summaryNumber(y, "dendrite"),
        soma: summaryNumber(y, "soma"),
        network: summaryNumber(y, "network"),
      },
    },
    firedByGroup,
    perStep,
  };
}

/** JSON with one spike per line and each per-step series on one line: small, and diffs read per spike. */
export function formatExpected(run: ExpectedRun): string {
  const { spikes, perStep, ...rest } = run;
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, "");
  const series = Object.entries(perStep).map(([k, v]) => `    "${k}": ${JSON.stringify(v)}`);
  const lines = spikes.map((s) => `    ${JSON.stringify(s)}`);
  return `${head},\n  "perStep": {\n${series.join(",\n")}\n  },\n  "spikes": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

/** The checked-in expected numbers of one reference network. */
export function loadExpected(dir: string, name: string): ExpectedRun {
  return JSON.parse(readFileSync(join(dir, `${name}.expected.json`), "utf8")) as ExpectedRun;
}
