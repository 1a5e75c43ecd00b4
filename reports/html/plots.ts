// Which plots a run gets, built from its run JSON only: per-layer ops and energy, firing rates, energy by event
// kind, the core-grid heat maps, spike rasters, activity per step, accuracy vs samples seen.

import type { RunJson } from "../run-json.js";
import { barChart } from "./bars.js";
import { gridHeatmap } from "./heatmap.js";
import { lineChart } from "./line.js";
import { rasterPlot } from "./raster.js";
import type { Plot } from "./svg.js";

function layerPlots(run: RunJson): Plot[] {
  const layers = run.perLayer;
  const plots: Plot[] = [
    {
      kind: "layer-ops",
      title: "Synaptic ops per layer",
      svg: barChart({
        title: "Synaptic ops per layer (ACs on spikes, MACs on graded events)",
        series: ["AC", "MAC"],
        rows: layers.map((l) => ({
          label: l.id,
          segments: [
            { series: "AC", value: l.ac },
            { series: "MAC", value: l.mac },
          ],
        })),
      }),
    },
    {
      kind: "layer-energy",
      title: "Theoretical energy per layer",
      svg: barChart({
        title: `Theoretical energy per layer (E_AC·AC + E_MAC·MAC)`,
        series: ["AC", "MAC"],
        unit: "J",
        rows: layers.map((l) => ({
          label: l.id,
          segments: [
            { series: "AC", value: l.ac * run.energy.theoretical.eAC },
            { series: "MAC", value: l.mac * run.energy.theoretical.eMAC },
          ],
        })),
      }),
    },
  ];
  const rated = layers.filter((l) => l.neuronUpdates > 0);
  if (rated.length) {
    plots.push({
      kind: "firing-rates",
      title: "Firing rates per layer",
      caption: "events (spikes or nonzero graded payloads) per neuron per step",
      svg: barChart({
        title: "Firing rate per layer (events per neuron per step)",
        series: ["spikes", "graded"],
        unit: "%",
        rows: rated.map((l) => ({
          label: l.id,
          segments: [
            { series: "spikes", value: l.spikes / l.neuronUpdates },
            { series: "graded", value: l.gradedEvents / l.neuronUpdates },
          ],
        })),
      }),
    });
  }
  return plots;
}

function energySplit(run: RunJson): Plot {
  const chip = run.energy.chip;
  if (chip) {
    const kinds = [...Object.keys(chip.byEvent), "static"];
    return {
      kind: "energy-split",
      title: "Chip energy by event kind",
      caption: chip.estimates.length
        ? `hatched: rests on estimate-status values (${chip.estimates.join(", ")})`
        : "",
      svg: barChart({
        title: "Chip energy by event kind",
        series: kinds,
        unit: "J",
        rows: kinds.map((k) => ({
          label: k,
          segments: [
            {
              series: k,
              value: k === "static" ? chip.staticJ : (chip.byEvent[k] ?? 0),
              estimate: chip.estimates.includes(k),
            },
          ],
        })),
      }),
    };
  }
  const th = run.energy.theoretical;
  return {
    kind: "energy-split",
    title: "Theoretical energy by op kind",
    svg: barChart({
      title: "Theoretical energy by op kind",
      series: ["AC", "MAC"],
      unit: "J",
      rows: [
        { label: "AC", segments: [{ series: "AC", value: th.acJ }] },
        { label: "MAC", segments: [{ series: "MAC", value: th.macJ }] },
      ],
    }),
  };
}

function gridPlots(run: RunJson): Plot[] {
  if (!run.grid || !run.cores?.length) return [];
  const est = (run.energy.chip?.estimates.length ?? 0) > 0;
  return (["utilization", "energy", "traffic"] as const).map((metric) => ({
    kind: `grid-${metric}`,
    title: `Core grid: ${metric}`,
    ...(metric === "utilization" ? { caption: "red outline: a core of the tile is over a limit" } : {}),
    svg: gridHeatmap({
      metric,
      width: run.grid!.width,
      height: run.grid!.height,
      cores: run.cores!,
      links: run.links ?? [],
      estimate: est,
    }),
  }));
}

function timePlots(run: RunJson): Plot[] {
  const plots: Plot[] = [];
  const ps = run.perStep;
  if (ps?.spikes.length) {
    const ops = ps.synapticOps?.length ? ps.synapticOps : undefined;
    plots.push({
      kind: "activity",
      title: "Activity per timestep",
      ...(ps.spikes.length > 1040
        ? {
            caption: `${ps.spikes.length.toLocaleString("en-US")} steps: lines show each pixel column's min and max`,
          }
        : {}),
      svg: lineChart({
        title: "Activity per timestep (summed over samples)",
        xLabel: "timestep",
        yLabel: "spikes per step",
        ...(ops ? { y2Label: "synaptic ops per step" } : {}),
        y: "count",
        series: [
          { name: "spikes", values: ps.spikes },
          ...(ops ? [{ name: "synaptic ops", values: ops, axis: "right" as const }] : []),
        ],
      }),
    });
  }
  const s = run.streaming;
  if (s?.accuracyBySamplesSeen.length) {
    plots.push({
      kind: "streaming-accuracy",
      title: "Accuracy vs samples seen",
      caption: `final ${Number((s.finalAccuracy * 100).toPrecision(4))} %; algorithmic delay ${s.algorithmicDelaySteps} step(s)`,
      svg: lineChart({
        title: "Accuracy vs samples seen (streaming)",
        xLabel: "samples (timesteps) seen",
        yLabel: "accuracy",
        y: "fraction",
        series: [{ name: "accuracy", values: s.accuracyBySamplesSeen }],
        ...(s.algorithmicDelaySteps > 0
          ? { marker: { x: s.algorithmicDelaySteps, label: "algorithmic delay" } }
          : {}),
      }),
    });
  }
  for (const r of run.raster ?? [])
    plots.push({ kind: "raster", title: `Spike raster: ${r.id}`, svg: rasterPlot(r) });
  return plots;
}

/** Every plot the run's sections allow, in page order. */
export function runPlots(run: RunJson): Plot[] {
  return [...layerPlots(run), energySplit(run), ...gridPlots(run), ...timePlots(run)];
}
