// Chip-engine tables of the report view: energy by event kind, memory utilization, cores, mesh links.
// Cells are flagged as resting on estimates (energy.chip.estimates) or over budget (utilization > 1).

import type { RunJson } from "./run-json.js";
import { formatSI } from "./terminal/table.js";
import { type Cell, cellHelpers, type ViewTable } from "./view-cells.js";

const { text, count, si, pct } = cellHelpers;

export function energyTable(run: RunJson): ViewTable | undefined {
  const chip = run.energy.chip;
  if (!chip) return undefined;
  const total = chip.totalJ || 1;
  const rows: Cell[][] = Object.entries(chip.byEvent).map(([kind, j]) => {
    const est = chip.estimates.includes(kind);
    const cost = chip.costs[kind];
    return [
      text(kind),
      count(chip.events[kind], `energy.chip.events.${kind}`),
      cost ? si(cost.energyJ, "J", `energy.chip.costs.${kind}.energyJ`, est) : si(0, "J"),
      si(j, "J", `energy.chip.byEvent.${kind}`, est),
      pct(j / total),
      text(cost?.status ?? "—"),
    ];
  });
  rows.push([
    text("static"),
    count(undefined),
    si(chip.staticPowerW, "W", "energy.chip.staticPowerW", chip.estimates.includes("static")),
    si(chip.staticJ, "J", "energy.chip.staticJ", chip.estimates.includes("static")),
    pct(chip.staticJ / total),
    text(chip.estimates.includes("static") ? "estimate" : "—"),
  ]);
  const headers = ["Event", "Events", "Cost per event", "Energy", "Share", "Status"];
  return {
    id: "energy",
    title: "Chip energy by event kind",
    columns: headers.map((header, i) => ({ header, numeric: i >= 1 && i <= 4 })),
    rows,
  };
}

export function memoryTable(run: RunJson): ViewTable | undefined {
  if (!run.memory) return undefined;
  const rows = Object.entries(run.memory.maxUtilization).map(([limit, u]): Cell[] => [
    text(limit),
    pct(u, `memory.maxUtilization.${limit}`, u > 1),
  ]);
  return {
    id: "memory",
    title: `Memory (${run.memory.model}): highest utilization over cores`,
    columns: [
      { header: "Limit", numeric: false },
      { header: "Max utilization", numeric: true },
    ],
    rows,
  };
}

/** A module run in phases (bidirectional layers): what the buffered schedule adds in time and memory. */
export function phasesTable(run: RunJson): ViewTable | undefined {
  const p = run.phases;
  if (!p) return undefined;
  const rows: Cell[][] = [
    [text("phases (passes over the clip)"), count(p.phases, "phases.phases")],
    [text("steps per phase (T)"), count(p.stepsPerPhase, "phases.stepsPerPhase")],
    [text("added steps ((phases − 1) × T)"), count(p.addedSteps, "phases.addedSteps")],
    ...(p.addedLatencyS === undefined
      ? []
      : [[text("added latency per sample"), si(p.addedLatencyS, "s", "phases.addedLatencyS")]]),
    [text("stored values (Σ T × n)"), count(p.bufferValues, "phases.bufferValues")],
    [text("most stored at once"), count(p.peakBufferValues, "phases.peakBufferValues")],
    ...(p.bufferBits === undefined
      ? []
      : [
          [text("stored bits on cores"), count(p.bufferBits, "phases.bufferBits")],
          [text("cores holding them"), count(p.bufferCores?.length ?? 0, "phases.bufferCores")],
        ]),
  ];
  return {
    id: "phases",
    title: "Phases and sequence buffers (bidirectional layers)",
    columns: [
      { header: "Quantity", numeric: false },
      { header: "Value", numeric: true },
    ],
    rows,
  };
}

/** What the compiler approximated and how far the lowered node is from the float one (table and data). */
export function approximationsTable(run: RunJson): ViewTable | undefined {
  const list = run.approximations;
  if (!list?.length) return undefined;
  // errors as 2-significant-digit exponents (a count or SI cell would round them to 0)
  const err = (v: number | undefined, path: string): Cell =>
    v === undefined ? text("—") : { ...text(v.toExponential(1)), path };
  const rows = list.map((a, i): Cell[] => [
    text(a.id),
    text(a.op),
    count(a.points, `approximations.${i}.points`),
    err(a.synthetic, `approximations.${i}.synthetic`),
    err(a.maxAbs, `approximations.${i}.maxAbs`),
    err(a.relRms, `approximations.${i}.relRms`),
  ]);
  const headers = ["Node", "Approximation", "Points", "Synthetic error", "Data max |error|", "Data rel. RMS"];
  return {
    id: "approximations",
    title: "Approximations: float vs lowered (synthetic input; first calibration sample)",
    columns: headers.map((header, i) => ({ header, numeric: i >= 2 })),
    rows,
  };
}

export function coreTable(run: RunJson): ViewTable | undefined {
  if (!run.cores?.length) return undefined;
  const est = (run.energy.chip?.estimates.length ?? 0) > 0;
  const rows = run.cores.map((c, i): Cell[] => {
    const p = `cores.${i}`;
    let util = 0;
    for (const u of Object.values(c.memory.utilization)) if (u > util) util = u;
    return [
      count(c.core, `${p}.core`),
      text(`${c.tile[0]},${c.tile[1]}`),
      text(c.slices.join(" ")),
      count(c.neurons, `${p}.neurons`),
      count(c.ac, `${p}.ac`),
      count(c.mac, `${p}.mac`),
      count(c.spikes, `${p}.spikes`),
      count(c.packetsIn, `${p}.packetsIn`),
      count(c.packetsOut, `${p}.packetsOut`),
      count(c.busyCycles, `${p}.busyCycles`),
      si(c.energyJ, "J", `${p}.energyJ`, est),
      pct(util, undefined, util > 1),
    ];
  });
  const headers = [
    "Core",
    "Tile",
    "Slices",
    "Neurons",
    "ACs",
    "MACs",
    "Spikes",
    "Packets in",
    "Packets out",
    "Busy cycles",
    "Energy",
    "Max utilization",
  ];
  return {
    id: "cores",
    title: "Cores",
    columns: headers.map((header, i) => ({ header, numeric: i === 0 || i >= 3 })),
    rows,
  };
}

export function linkTable(run: RunJson): ViewTable | undefined {
  if (!run.links?.length) return undefined;
  const rows = run.links.map((l, i): Cell[] => [
    text(`${l.from[0]},${l.from[1]}`),
    text(`${l.to[0]},${l.to[1]}`),
    count(l.packets, `links.${i}.packets`),
    count(l.busyCycles, `links.${i}.busyCycles`),
  ]);
  return {
    id: "links",
    title: "Mesh links",
    columns: ["From", "To", "Packets", "Busy cycles"].map((header, i) => ({ header, numeric: i >= 2 })),
    rows,
  };
}

/** Multi-chip systems: chips used, the energy split and the busiest chip-to-chip links (at most 8 rows). */
export function systemTable(run: RunJson): ViewTable | undefined {
  const sy = run.system;
  if (!sy) return undefined;
  const total = sy.energy.onChipJ + sy.energy.interChipJ + sy.energy.staticJ + (sy.energy.hostJ ?? 0) || 1;
  const split = (what: string, j: number, key: string): Cell[] => [
    text(what),
    count(undefined),
    si(j, "J", `system.energy.${key}`),
    pct(j / total),
  ];
  const rows: Cell[][] = [
    [
      text(`chips used ${sy.chipsUsed} of ${sy.chips.x * sy.chips.y} (${sy.chips.x} × ${sy.chips.y})`),
      count(sy.crossings, "system.crossings"),
      text(""),
      text(""),
    ],
    split("energy on-chip", sy.energy.onChipJ, "onChipJ"),
    split("energy inter-chip", sy.energy.interChipJ, "interChipJ"),
    split("energy static", sy.energy.staticJ, "staticJ"),
    ...hostRows(sy, total, run.energy.chip?.estimates ?? []),
    ...sy.links
      .slice(0, 8)
      .map((l, i): Cell[] => [
        text(`link chip ${l.fromChip} → chip ${l.toChip}`),
        count(l.packets, `system.links.${i}.packets`),
        si(l.energyJ, "J", `system.links.${i}.energyJ`),
        pct(l.energyJ / total),
      ]),
  ];
  if (sy.links.length > 8)
    rows.push([text(`… ${sy.links.length - 8} more links`), count(undefined), text(""), text("")]);
  return {
    id: "system",
    title: `System: chips, energy split, chip-to-chip links${sy.host ? ", host link" : ""} (packets: crossings)`,
    columns: ["", "Packets", "Energy", "Share"].map((header, i) => ({ header, numeric: i >= 1 })),
    rows,
  };
}

/** The host link's rows of the System table: its energy share, then packets, bits and busy time per direction. */
function hostRows(sy: NonNullable<RunJson["system"]>, total: number, estimates: readonly string[]): Cell[][] {
  const h = sy.host;
  if (!h || sy.energy.hostJ === undefined) return [];
  const [estIn, estOut] = [estimates.includes("hostIn"), estimates.includes("hostOut")];
  const busy = (s: number) => (h.bandwidthBitsPerS ? `, link busy ${formatSI(s, "s")}` : "");
  return [
    [
      text("energy host I/O"),
      count(undefined),
      si(sy.energy.hostJ, "J", "system.energy.hostJ", estIn || estOut),
      pct(sy.energy.hostJ / total),
    ],
    [
      text(`host → system: ${h.bitsIn} bits${busy(h.busyInS)}`),
      count(h.packetsIn, "system.host.packetsIn"),
      si(h.energyInJ, "J", "system.host.energyInJ", estIn),
      pct(h.energyInJ / total),
    ],
    [
      text(`system → host: ${h.bitsOut} bits${busy(h.busyOutS)}`),
      count(h.packetsOut, "system.host.packetsOut"),
      si(h.energyOutJ, "J", "system.host.energyOutJ", estOut),
      pct(h.energyOutJ / total),
    ],
  ];
}
