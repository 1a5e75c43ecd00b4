// Test fixtures for the report renderers: a real reference run of a small quantized LIF chain, and the same run
// with every chip-engine section filled (energy by event with estimates, latency, memory, grid, cores with one
// over budget, links, per-step activity, rasters, accuracy, streaming) as the chip engine writes them.

import { lifChain, quantize } from "../../compiler/passes/quant-testing.js";
import { quantizationReport } from "../../compiler/passes/quantization-report.js";
import { buildRunJson } from "../../reports/run-build.js";
import { checkRunJson, type RunJson } from "../../reports/run-json.js";
import { runReference } from "../../simulator/reference/index.js";

/** A reference-engine run JSON (2 samples of 16 steps) of the quantized LIF chain l1 → l2. */
export function referenceRun(): RunJson {
  const { q } = quantize(lifChain());
  const T = 16;
  const sample = (k: number) => Array.from({ length: T * 4 }, (_, i) => ((i + k) % 3 === 0 ? 1 : 0));
  const runs = [0, 1].map((k) =>
    runReference(
      q,
      { in: { shape: [T, 4], data: sample(k) } },
      { perStepCounts: true, record: ["l1", "l2"] },
    ),
  );
  return checkRunJson(
    JSON.parse(
      JSON.stringify(
        buildRunJson({
          file: "lif-chain.nmir",
          ir: q,
          engine: "reference",
          mode: "layer-sync",
          timesteps: T,
          counts: runs.map((r) => r.counts),
          quantization: quantizationReport(q),
          raster: runs[0]!.records,
        }),
      ),
    ),
  );
}

/** The reference run with the chip engine's sections added (values consistent with each other). */
export function chipRun(): RunJson {
  const run = referenceRun();
  const events: Record<string, number> = {
    synopAC: run.counts.ac,
    synopMAC: run.counts.mac,
    neuronUpdateActive: run.counts.activeNeuronUpdates,
    neuronUpdateIdle: run.counts.neuronUpdates - run.counts.activeNeuronUpdates,
    spikeOut: run.counts.spikes,
    hop: 3 * run.counts.spikes,
  };
  const cost: Record<string, number> = {
    synopAC: 23.6e-12,
    synopMAC: 50e-12,
    neuronUpdateActive: 52e-12,
    neuronUpdateIdle: 5e-12,
    spikeOut: 1.7e-12,
    hop: 3.5e-12,
  };
  const byEvent = Object.fromEntries(Object.entries(events).map(([k, n]) => [k, n * cost[k]!]));
  const dynamicJ = Object.values(byEvent).reduce((a, b) => a + b, 0);
  const simulatedS = 2 * 16 * 1e-6;
  const staticPowerW = 0.02;
  const staticJ = staticPowerW * simulatedS;
  const cores = [0, 1, 2, 3, 4].map((core) => {
    const share = (core + 1) / 15;
    const coreBy = Object.fromEntries(Object.entries(byEvent).map(([k, j]) => [k, j * share]));
    return {
      core,
      tile: [core % 3, Math.floor(core / 3)] as [number, number],
      slices: [core < 3 ? `l1[0:3]` : `l2[0:2]`],
      neurons: core < 3 ? 3 : 2,
      ac: Math.round(run.counts.ac * share),
      mac: 0,
      neuronUpdates: Math.round(run.counts.neuronUpdates * share),
      activeNeuronUpdates: Math.round(run.counts.activeNeuronUpdates * share),
      spikes: Math.round(run.counts.spikes * share),
      packetsIn: 10 * (core + 1),
      packetsOut: 7 * (core + 2),
      busyCycles: 1200 * (core + 1),
      energyJ: Object.values(coreBy).reduce((a, b) => a + b, 0),
      byEvent: coreBy,
      memory: {
        synapseBits: 4096 * (core + 1),
        neuronBits: 96,
        routingEntries: 4,
        utilization: { neurons: 0.2 * (core + 1), synapseMemoryBits: core === 4 ? 1.25 : 0.3 },
      },
    };
  });
  const stepCycles = Array.from({ length: 16 }, (_, t) => 900 + 40 * (t % 5));
  const total = stepCycles.reduce((a, b) => a + b, 0) * 2;
  const accuracyBySamplesSeen = Array.from({ length: 16 }, (_, t) => Math.min(1, 0.1 + 0.06 * t));
  const out: RunJson = {
    ...run,
    run: { ...run.run, engine: "chip", profile: "loihi", timing: "detailed", mapping: "auto" },
    counts: { ...run.counts, packets: 3 * run.counts.spikes, hops: events.hop! },
    energy: {
      ...run.energy,
      chip: {
        totalJ: dynamicJ + staticJ,
        dynamicJ,
        staticJ,
        byEvent,
        events,
        costs: Object.fromEntries(
          Object.entries(cost).map(([k, e]) => [
            k,
            { energyJ: e, status: k === "hop" ? "estimate" : "published" },
          ]),
        ),
        estimates: ["hop", "static"],
        staticPowerW,
        simulatedS,
        convention: "Σ events × per-event energy + static power × simulated time",
      },
    },
    latency: {
      timing: "detailed",
      clockHz: 1e9,
      cycles: { total, perTimestepMean: total / 32, perTimestepMax: Math.max(...stepCycles) },
      perTimestepS: { mean: total / 32 / 1e9, min: 900e-9, max: Math.max(...stepCycles) / 1e9 },
      perSampleS: total / 2 / 1e9,
      throughputSamplesPerS: 2e9 / total,
      breakdown: { compute: 700, noc: 150, barrier: total / 32 - 850 },
      algorithmicDelaySteps: 1,
      estimate: true,
      convention: "slowest core + NoC drain + barrier",
    },
    memory: {
      model: "dense",
      synapseBits: cores.reduce((a, c) => a + c.memory.synapseBits, 0),
      neuronBits: 480,
      routingEntries: 20,
      coresUsed: cores.length,
      maxUtilization: { neurons: 1, synapseMemoryBits: 1.25 },
      convention: "bits per core under the profile's memory model",
    },
    grid: { width: 4, height: 3 },
    cores,
    links: [
      { from: [0, 0], to: [1, 0], packets: 40, busyCycles: 160 },
      { from: [1, 0], to: [2, 0], packets: 25, busyCycles: 100 },
      { from: [2, 0], to: [2, 1], packets: 9, busyCycles: 36 },
      { from: [0, 0], to: [0, 1], packets: 3, busyCycles: 12 },
    ],
    perStep: {
      ...run.perStep!,
      cycles: stepCycles.map((c) => 2 * c),
    },
    accuracy: {
      correct: 1,
      total: 2,
      fraction: 0.5,
      readout: "l2",
      convention: "argmax of the time-summed readout",
    },
    streaming: {
      accuracyBySamplesSeen,
      finalAccuracy: accuracyBySamplesSeen.at(-1)!,
      algorithmicDelaySteps: 1,
      convention: "all_seq",
    },
  };
  return checkRunJson(out, "chip fixture");
}
