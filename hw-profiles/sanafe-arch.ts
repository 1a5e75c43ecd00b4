// A SANA-FE architecture file as a spikegrid profile file: every number with provenance (the arch file for
// what it states, `estimate` for spikegrid's defaults where SANA-FE models nothing), and conversion notes for
// everything without a spikegrid field, so nothing is dropped silently. `--profile arch.yaml` goes through here.

import { basename } from "node:path";
import type { KeyPath } from "./positions.js";
import type { ProblemList } from "./problems.js";
import { readSanafeArch, type SanafeArch, type SanafeCore, type SanafeUnit } from "./sanafe-arch-read.js";

export { isSanafeArch } from "./sanafe-arch-read.js";

type Q = Record<string, unknown>;
const ARCH = "sanafeArch";
const DEFAULT = "spikegridDefault";

/** A SANA-FE SI number in a readable unit, rounded to 12 significant digits (undoes 51.2e-12 × 1e12 noise). */
function inUnit(si: number, unit: "pJ" | "ns"): number {
  return Number((si / (unit === "pJ" ? 1e-12 : 1e-9)).toPrecision(12));
}

const fromFile = (value: number, unit: string | undefined, note: string): Q => ({
  value,
  ...(unit ? { unit } : {}),
  status: "derived",
  source: ARCH,
  note,
});
const estimate = (value: number, note: string): Q => ({ value, status: "estimate", source: DEFAULT, note });

const where = (p: KeyPath) =>
  p.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("");
const unitLabel = (u: SanafeUnit) => `${u.name}${u.model ? ` (${u.model})` : ""}`;
const costText = (u: SanafeUnit) =>
  Object.entries(u.values)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "no default costs (the model computes its own)";

/** energy/latency pair from two SANA-FE keys (or sums of keys) of one unit; undefined when neither is given. */
function cost(u: SanafeUnit, energy: string[], latency: string[], how: string): Q | undefined {
  const sum = (keys: string[]) =>
    keys.every((k) => u.values[k] !== undefined) ? keys.reduce((s, k) => s + u.values[k]!, 0) : undefined;
  const e = sum(energy);
  const l = sum(latency);
  if (e === undefined && l === undefined) return undefined;
  const note = (keys: string[]) =>
    `${keys.join(" + ")} of ${unitLabel(u)} at ${where(u.path)}${how ? `; ${how}` : ""}`;
  return {
    ...(e !== undefined ? { energy: fromFile(inUnit(e, "pJ"), "pJ", note(energy)) } : {}),
    ...(l !== undefined ? { latency: fromFile(inUnit(l, "ns"), "ns", note(latency)) } : {}),
  };
}

/** Sync table → barrier points that give SANA-FE's step function exactly at every whole number of tiles. */
function barrier(a: SanafeArch, notes: string[]): Q {
  // SANA-FE: the largest key ≤ tiles in use, else the first value. Key 0 behaves as key 1 (≥ 1 tile is in use).
  const steps = new Map<number, number>();
  for (const { tiles, seconds } of a.sync) steps.set(Math.max(1, tiles), seconds);
  if (a.sync.some((s) => s.tiles === 0) && a.sync.some((s) => s.tiles === 1))
    notes.push("latency_sync key 0 is shadowed by key 1 (at least one tile is always in use); key 1 is used");
  const keys = [...steps.keys()].sort((x, y) => x - y);
  const point = (tiles: number, seconds: number, note: string) => ({
    tiles,
    latency: fromFile(inUnit(seconds, "ns"), "ns", note),
  });
  const points: Q[] = [];
  keys.forEach((k, i) => {
    const s = steps.get(k)!;
    points.push(point(k, s, `latency_sync at ${k} tiles (${a.syncModel} sync model)`));
    const next = keys[i + 1];
    // Hold the value up to the tile before the next key; the interpolated segment then lies between integers.
    if (next !== undefined && next - 1 > k)
      points.push(
        point(next - 1, s, `latency_sync at ${k} tiles held up to ${next - 1} (SANA-FE's step function)`),
      );
  });
  if (keys.length > 1)
    notes.push(
      `sync table ${keys.map((k) => `${k}: ${inUnit(steps.get(k)!, "ns")} ns`).join(", ")}: SANA-FE takes the largest key ≤ tiles in use (a step function); the barrier table repeats each value at the tile count before the next key, so its linear interpolation gives the same latency at every whole number of tiles`,
    );
  return { kind: "table", points };
}

function firstOther(units: SanafeUnit[], chosen: SanafeUnit | undefined, section: string, notes: string[]) {
  for (const u of units)
    if (u !== chosen)
      notes.push(
        `${section} unit ${unitLabel(u)}${u.count > 1 ? ` × ${u.count}` : ""}: ${costText(u)}; the default convention charges one ${section} cost, ${chosen ? `from ${chosen.name}` : "none"}${section === "soma" || section === "synapse" ? ` (--convention sanafe charges each unit's own, units.${section})` : ""}`,
      );
}

function unitNotes(core: SanafeCore, notes: string[]) {
  for (const [sec, units] of Object.entries(core.units))
    for (const u of units) {
      if (u.plugin)
        notes.push(
          `${sec} unit ${u.name} is a plugin (${u.plugin}); spikegrid cannot run it, its costs are as stated`,
        );
      if (u.other.length)
        notes.push(`${sec} unit ${u.name}: ${u.other.join(", ")} (no spikegrid field; not carried)`);
    }
}

/** Every synapse, dendrite and soma unit of the first core with its own costs (the profile's `units:`). */
function namedUnits(core: SanafeCore, hop: Record<string, number>, tileName: string): Q {
  const section = (list: SanafeUnit[], energy: string, latency: string) =>
    Object.fromEntries(
      list.flatMap((u) => {
        const c = cost(u, [energy], [latency], "");
        return c ? [[u.name, c]] : [];
      }),
    );
  const soma = Object.fromEntries(
    core.units.soma.map((u) => {
      const part = (what: string) => cost(u, [`energy_${what}`], [`latency_${what}`], "");
      const s: Q = { model: u.model === "input" ? "input" : "lif" };
      for (const [key, what] of [
        ["access", "access_neuron"],
        ["update", "update_neuron"],
        ["spikeOut", "spike_out"],
      ] as const) {
        const c = part(what);
        if (c) s[key] = c;
      }
      return [u.name, s];
    }),
  );
  return {
    synapse: section(core.units.synapse, "energy_process_spike", "latency_process_spike"),
    dendrite: section(core.units.dendrite, "energy_update", "latency_update"),
    soma,
    // each direction apart: the default convention's hopEW / hopNS hold the means of opposite directions
    hops: Object.fromEntries(
      (["north", "south", "east", "west"] as const).map((d) => [
        d,
        {
          energy: fromFile(
            inUnit(hop[`energy_${d}_hop`]!, "pJ"),
            "pJ",
            `energy_${d}_hop of tile ${tileName}`,
          ),
          latency: fromFile(
            inUnit(hop[`latency_${d}_hop`]!, "ns"),
            "ns",
            `latency_${d}_hop of tile ${tileName}`,
          ),
        },
      ]),
    ),
  };
}

/** The spikegrid profile file (plain data) and its conversion notes; undefined with problems in `list`. */
export function sanafeArchToProfile(
  data: Record<string, unknown>,
  file: string,
  list: ProblemList,
): { profile: Record<string, unknown>; notes: string[] } | undefined {
  const a = readSanafeArch(data, list);
  if (!a) return undefined;
  const notes: string[] = [];
  const tile = a.tiles[0];
  const core = tile?.cores[0];
  if (!tile || !core) {
    list.add(["architecture", "tile"], "the architecture has no tile with a core");
    return undefined;
  }
  const perTile = a.tiles.map((t) => t.cores.reduce((s, c) => s + c.count, 0));
  const coresPerTile = Math.max(...perTile);
  const tileCount = a.tiles.reduce((s, t) => s + t.count, 0);
  if (perTile.some((n) => n !== coresPerTile))
    notes.push(
      `tiles hold different numbers of cores (${[...new Set(perTile)].join(", ")}); the profile gives every tile ${coresPerTile} and limits the chip to the cores the file declares`,
    );
  for (const t of a.tiles.slice(1))
    if (Object.keys(t.hop).some((k) => t.hop[k] !== tile.hop[k]))
      notes.push(`tile ${t.name} has other hop costs than ${tile.name}; the profile uses ${tile.name}'s`);
  const allCores = a.tiles.flatMap((t) => t.cores);
  for (const c of allCores.slice(1)) {
    if (c.maxNeurons !== core.maxNeurons)
      notes.push(
        `core ${c.name} supports ${c.maxNeurons} neurons, ${core.name} ${core.maxNeurons}; the profile uses ${core.maxNeurons}`,
      );
  }
  const soma = core.units.soma.find((u) => u.model !== "input") ?? core.units.soma[0];
  const synapse = core.units.synapse[0];
  firstOther(core.units.soma, soma, "soma", notes);
  firstOther(core.units.synapse, synapse, "synapse", notes);
  for (const u of core.units.dendrite)
    notes.push(
      `dendrite unit ${unitLabel(u)} (${costText(u)}): charged per synaptic look-up under --convention sanafe (units.dendrite); the default convention has no dendrite event`,
    );
  firstOther(core.units.axon_in, core.units.axon_in[0], "axon_in", notes);
  firstOther(core.units.axon_out, core.units.axon_out[0], "axon_out", notes);
  for (const c of allCores) unitNotes(c, notes);
  notes.push(
    `buffer_position ${core.bufferPosition}${core.bufferInsideUnit ? " (inside the unit)" : ""}: a spike sent in step t reaches the soma in step t + 1, which is timestep.semantics pipelined`,
  );
  for (const o of a.otherAttributes)
    notes.push(`architecture attribute ${o}: no spikegrid field; not carried`);

  const costs: Q = {};
  const put = (name: string, c: Q | undefined) => {
    if (c) costs[name] = c;
  };
  if (synapse)
    put(
      "synopAC",
      cost(
        synapse,
        ["energy_process_spike"],
        ["latency_process_spike"],
        "SANA-FE has one cost per synaptic look-up (no AC/MAC split)",
      ),
    );
  if (soma) {
    put(
      "neuronUpdateActive",
      cost(
        soma,
        ["energy_access_neuron", "energy_update_neuron"],
        ["latency_access_neuron", "latency_update_neuron"],
        "access (every neuron, every step) + update (state changed)",
      ),
    );
    put(
      "neuronUpdateIdle",
      cost(
        soma,
        ["energy_access_neuron"],
        ["latency_access_neuron"],
        "charged for every mapped neuron every step",
      ),
    );
    put("spikeOut", cost(soma, ["energy_spike_out"], ["latency_spike_out"], ""));
  }
  const axIn = core.units.axon_in[0];
  const axOut = core.units.axon_out[0];
  if (axIn)
    put("axonIn", cost(axIn, ["energy_message_in"], ["latency_message_in"], "once per message received"));
  if (axOut)
    put(
      "axonOut",
      cost(
        axOut,
        ["energy_message_out"],
        ["latency_message_out"],
        "once per message sent (one per destination core)",
      ),
    );
  for (const [name, d1, d2] of [
    ["hopEW", "east", "west"],
    ["hopNS", "north", "south"],
  ] as const) {
    const h = tile.hop;
    const c: Q = {};
    for (const [part, unit] of [
      ["energy", "pJ"],
      ["latency", "ns"],
    ] as const) {
      const x = h[`${part}_${d1}_hop`]!;
      const y = h[`${part}_${d2}_hop`]!;
      const same = x === y;
      c[part] = fromFile(
        inUnit((x + y) / 2, unit),
        unit,
        `${part}_${d1}_hop${same ? ` = ${part}_${d2}_hop` : ` ${x} and ${part}_${d2}_hop ${y} averaged`} of tile ${tile.name}`,
      );
      if (!same)
        notes.push(`${part}_${d1}_hop ${x} and ${part}_${d2}_hop ${y} differ; ${name} holds their mean`);
    }
    costs[name] = c;
  }

  const grid: Q = {
    width: fromFile(a.width, undefined, "architecture.attributes.width"),
    height: fromFile(a.height, undefined, "architecture.attributes.height"),
    coresPerTile: fromFile(coresPerTile, undefined, `cores declared in tile ${tile.name}`),
    routing: "xy",
    multicast: false,
    chips: fromFile(1, undefined, "one SANA-FE architecture is one flat mesh"),
    ...(a.linkBufferSize >= 1
      ? { linkBuffer: fromFile(a.linkBufferSize, undefined, "architecture.attributes.link_buffer_size") }
      : {}),
  };
  const declared = perTile.reduce((s, n, i) => s + n * a.tiles[i]!.count, 0);
  if (tileCount < a.width * a.height) {
    // SANA-FE numbers tiles column-major: x = id / height, y = id % height.
    grid.unavailableTiles = Array.from({ length: a.width * a.height - tileCount }, (_, i) => {
      const id = tileCount + i;
      return [Math.floor(id / a.height), id % a.height];
    });
    notes.push(
      `${tileCount} tiles on a ${a.width} × ${a.height} mesh: the positions without a tile are unavailable`,
    );
  }
  if (declared !== tileCount * coresPerTile)
    grid.cores = fromFile(declared, undefined, "cores the file declares over all tiles");

  notes.push(
    "no synapse memory in SANA-FE (only max_neurons_supported is checked): the profile sets no synapse-memory limit and stores connections one by one (memoryModel csr) — spikegrid's estimate",
  );
  const delay = allCores.some((c) => c.units.dendrite.some((u) => u.model === "accumulator_with_delay"));
  const profile: Q = {
    name:
      a.name
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, "-")
        .replace(/^[^a-z0-9]+/, "") || "sanafe-arch",
    description: `SANA-FE architecture "${a.name}" from ${basename(file)}: ${tileCount} tiles on a ${a.width} × ${a.height} mesh, ${declared} cores; converted by spikegrid (see notes)`,
    sources: {
      [ARCH]: `SANA-FE arch file ${basename(file)} (architecture ${a.name}); its numbers as written (SANA-FE's presets are its authors' calibration fits, not measurements)`,
      [DEFAULT]: "spikegrid's default where a SANA-FE architecture models nothing",
    },
    grid,
    core: {
      neurons: fromFile(core.maxNeurons, undefined, `max_neurons_supported of core ${core.name}`),
      memoryModel: { kind: "csr" },
      weightBits: estimate(
        32,
        "SANA-FE keeps weights as doubles and never quantizes: the widest width a profile can state (the compiler caps weights at its own widest, 16)",
      ),
      stateBits: estimate(32, "SANA-FE keeps potentials as doubles: the widest state a profile can state"),
      capabilities: {
        gradedSpikes: false,
        productNeurons: false,
        dynamicMatmul: false,
        ...(delay
          ? { maxDelay: fromFile(5, undefined, "accumulator_with_delay: SANA-FE's delays go up to 5 steps") }
          : {}),
      },
    },
    costs,
    units: namedUnits(core, tile.hop, tile.name),
    barrier: barrier(a, notes),
    timestep: { semantics: "pipelined", updatePolicy: "all" },
    notes,
  };
  return { profile, notes };
}
