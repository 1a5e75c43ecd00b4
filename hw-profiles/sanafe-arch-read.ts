// Reads a SANA-FE architecture file (top-level `architecture:`, format of SANA-FE's arch/README.md) into a
// checked structure: replicated tiles and cores counted from `name[a..b]`, every required key present.
// Refuses what SANA-FE refuses (a missing section or key, an unknown sync_model or buffer_position).

import type { KeyPath } from "./positions.js";
import type { ProblemList } from "./problems.js";
import { MAX_CORES_PER_CHIP, MAX_GRID_SIDE } from "./schema.js";

export const SANAFE_SECTIONS = ["axon_in", "synapse", "dendrite", "soma", "axon_out"] as const;
export type SanafeSection = (typeof SANAFE_SECTIONS)[number];

/** One unit entry of a core section (a `name[a..b]` entry stands for `count` identical units). */
export interface SanafeUnit {
  name: string;
  count: number;
  model?: string;
  plugin?: string;
  /** Numeric attributes (energy_*, latency_*), in seconds and joules as written. */
  values: Record<string, number>;
  /** Other attributes, as text, for the conversion notes. */
  other: string[];
  path: KeyPath;
}

export interface SanafeCore {
  name: string;
  count: number;
  bufferPosition: "dendrite" | "soma" | "axon_out";
  bufferInsideUnit: boolean;
  maxNeurons: number;
  units: Record<SanafeSection, SanafeUnit[]>;
  path: KeyPath;
}

export interface SanafeTile {
  name: string;
  count: number;
  /** energy_{north,east,south,west}_hop (J) and latency_… (s). */
  hop: Record<string, number>;
  cores: SanafeCore[];
  path: KeyPath;
}

export interface SanafeArch {
  name: string;
  width: number;
  height: number;
  linkBufferSize: number;
  syncModel: "fixed" | "table";
  /** Sync latency (s) by tiles in use, ascending keys; SANA-FE takes the largest key ≤ tiles in use. */
  sync: { tiles: number; seconds: number }[];
  /** Architecture attributes SANA-FE ignores or spikegrid does not use, as `key: value` text. */
  otherAttributes: string[];
  tiles: SanafeTile[];
}

/** Whether parsed YAML is a SANA-FE architecture file rather than a spikegrid profile. */
export function isSanafeArch(data: unknown): data is Record<string, unknown> {
  return typeof data === "object" && data !== null && !Array.isArray(data) && "architecture" in data;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A YAML list, or a single mapping standing for a list of one (SANA-FE accepts both). */
function items(v: unknown, path: KeyPath): { node: Obj; path: KeyPath }[] {
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((node, i) =>
    isObj(node) ? [{ node, path: Array.isArray(v) ? [...path, i] : path }] : [],
  );
}

/** `base[a..b]` → b − a + 1 replicas; a plain name is one. */
function replicas(name: string, path: KeyPath, list: ProblemList): number | undefined {
  const m = /^[^[]*\[(\d+)\.\.(\d+)\]$/.exec(name);
  if (!name.includes("[")) return 1;
  if (!m || Number(m[1]) > Number(m[2])) {
    list.add([...path, "name"], `bad range in name "${name}"; expected name[first..last] with first ≤ last`);
    return undefined;
  }
  return Number(m[2]) - Number(m[1]) + 1;
}

function nameOf(node: Obj, path: KeyPath, list: ProblemList): string | undefined {
  if (typeof node.name === "string" && node.name !== "") return node.name;
  if (typeof node.name === "number") return String(node.name);
  list.add(path, "missing `name:`; every SANA-FE block needs one");
  return undefined;
}

function attributesOf(node: Obj, path: KeyPath, list: ProblemList): Obj | undefined {
  if (isObj(node.attributes)) return node.attributes;
  list.add(path, "missing `attributes:` section; SANA-FE requires one in every block");
  return undefined;
}

/** A required non-negative number (SANA-FE reads doubles; a quoted number is accepted as it would be). */
function num(attrs: Obj, key: string, path: KeyPath, list: ProblemList, integer = false): number | undefined {
  const v = attrs[key];
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (v === undefined) list.add(path, `missing required attribute \`${key}\``);
  else if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    list.add([...path, key], `\`${key}\` must be a ${integer ? "whole" : ""} number ≥ 0, found ${String(v)}`);
  else return n;
  return undefined;
}

const SOMA_TRIPLES = [
  ["energy_access_neuron", "energy_update_neuron", "energy_spike_out"],
  ["latency_access_neuron", "latency_update_neuron", "latency_spike_out"],
];
const SECTION_KEYS: Record<SanafeSection, string[]> = {
  axon_in: ["energy_message_in", "latency_message_in"],
  synapse: ["energy_process_spike", "latency_process_spike"],
  dendrite: ["energy_update", "latency_update"],
  soma: SOMA_TRIPLES.flat(),
  axon_out: ["energy_message_out", "latency_message_out"],
};

function readUnit(sec: SanafeSection, node: Obj, path: KeyPath, list: ProblemList): SanafeUnit | undefined {
  const name = nameOf(node, path, list);
  const attrs = attributesOf(node, path, list);
  if (name === undefined || attrs === undefined) return undefined;
  const count = replicas(name, path, list);
  const at = [...path, "attributes"];
  const values: Record<string, number> = {};
  const axon = sec === "axon_in" || sec === "axon_out";
  if (!axon && typeof attrs.model !== "string") list.add(at, "missing required attribute `model`");
  if (axon) for (const k of SECTION_KEYS[sec]) values[k] = num(attrs, k, at, list) ?? 0;
  else {
    // Optional for processing units (a model may compute its own costs); soma costs come in all-or-none triples.
    const groups = sec === "soma" ? SOMA_TRIPLES : SECTION_KEYS[sec].map((k) => [k]);
    for (const g of groups) {
      const given = g.filter((k) => attrs[k] !== undefined);
      if (given.length > 0 && given.length < g.length)
        list.add(
          at,
          `\`${g.find((k) => attrs[k] === undefined)}\` missing: SANA-FE needs all of ${g.join(", ")} once one is given`,
        );
      for (const k of given) values[k] = num(attrs, k, at, list) ?? 0;
    }
  }
  const known = new Set([...SECTION_KEYS[sec], "model", "plugin"]);
  const other = Object.entries(attrs)
    .filter(([k]) => !known.has(k))
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  if (count === undefined) return undefined;
  const unit: SanafeUnit = { name, count, values, other, path };
  if (typeof attrs.model === "string") unit.model = attrs.model;
  if (attrs.plugin !== undefined) unit.plugin = String(attrs.plugin);
  return unit;
}

const BUFFER_POSITIONS = ["dendrite", "soma", "axon_out"] as const;

function readCore(node: Obj, path: KeyPath, list: ProblemList): SanafeCore | undefined {
  const name = nameOf(node, path, list);
  const attrs = attributesOf(node, path, list);
  if (name === undefined || attrs === undefined) return undefined;
  const count = replicas(name, path, list);
  const at = [...path, "attributes"];
  const pos = attrs.buffer_position;
  if (pos === undefined)
    list.add(at, "missing required attribute `buffer_position` (dendrite, soma or axon_out)");
  else if (!BUFFER_POSITIONS.includes(pos as never))
    list.add(
      [...at, "buffer_position"],
      `buffer position "${String(pos)}" not supported; expected dendrite, soma or axon_out`,
    );
  const maxNeurons = num(attrs, "max_neurons_supported", at, list, true);
  if (maxNeurons === 0) list.add([...at, "max_neurons_supported"], "a core needs at least 1 neuron");
  const units = {} as Record<SanafeSection, SanafeUnit[]>;
  for (const sec of SANAFE_SECTIONS) {
    if (node[sec] === undefined || node[sec] === null) {
      list.add(path, `no ${sec} section defined; a SANA-FE core needs ${SANAFE_SECTIONS.join(", ")}`);
      units[sec] = [];
      continue;
    }
    units[sec] = items(node[sec], [...path, sec]).flatMap(
      ({ node: u, path: p }) => readUnit(sec, u, p, list) ?? [],
    );
  }
  if (count === undefined || maxNeurons === undefined || !BUFFER_POSITIONS.includes(pos as never))
    return undefined;
  return {
    name,
    count,
    bufferPosition: pos as SanafeCore["bufferPosition"],
    bufferInsideUnit: attrs.buffer_inside_unit === true || attrs.buffer_inside_unit === "true",
    maxNeurons,
    units,
    path,
  };
}

const HOP_KEYS = ["north", "east", "south", "west"].flatMap((d) => [`energy_${d}_hop`, `latency_${d}_hop`]);

function readTile(node: Obj, path: KeyPath, list: ProblemList): SanafeTile | undefined {
  const name = nameOf(node, path, list);
  const attrs = attributesOf(node, path, list);
  if (name === undefined || attrs === undefined) return undefined;
  const count = replicas(name, path, list);
  const hop: Record<string, number> = {};
  for (const k of HOP_KEYS) hop[k] = num(attrs, k, [...path, "attributes"], list) ?? 0;
  if (node.core === undefined || node.core === null) {
    list.add(path, "no core section defined; a SANA-FE tile needs `core:`");
    return undefined;
  }
  const cores = items(node.core, [...path, "core"]).flatMap(
    ({ node: c, path: p }) => readCore(c, p, list) ?? [],
  );
  return count === undefined ? undefined : { name, count, hop, cores, path };
}

function readSync(attrs: Obj, path: KeyPath, list: ProblemList): SanafeArch["sync"] {
  const model = attrs.sync_model ?? "fixed";
  const v = attrs.latency_sync;
  const seconds = (x: unknown, p: KeyPath): number | undefined => {
    const n = typeof x === "number" ? x : typeof x === "string" ? Number(x) : Number.NaN;
    if (Number.isFinite(n) && n >= 0) return n;
    list.add(p, `sync latency must be a number of seconds ≥ 0, found ${JSON.stringify(x)}`);
    return undefined;
  };
  if (model === "fixed")
    return [{ tiles: 0, seconds: v === undefined ? 0 : (seconds(v, [...path, "latency_sync"]) ?? 0) }];
  if (model !== "table") {
    list.add([...path, "sync_model"], `unknown sync_model "${String(model)}"; SANA-FE knows fixed and table`);
    return [];
  }
  if (v === undefined) {
    list.add(path, "attribute `latency_sync` required when the `table` sync model is chosen");
    return [];
  }
  let pairs: [number, unknown, KeyPath][];
  if (Array.isArray(v)) pairs = v.map((x, i) => [i, x, [...path, "latency_sync", i]]);
  else if (isObj(v)) pairs = Object.entries(v).map(([k, x]) => [Number(k), x, [...path, "latency_sync", k]]);
  else pairs = [[0, v, [...path, "latency_sync"]]];
  const out: SanafeArch["sync"] = [];
  for (const [tiles, x, p] of pairs) {
    if (!Number.isInteger(tiles) || tiles < 0)
      list.add(p, "a sync table key must be a whole number of tiles ≥ 0", "key");
    const s = seconds(x, p);
    if (s !== undefined && Number.isInteger(tiles) && tiles >= 0) out.push({ tiles, seconds: s });
  }
  if (out.length === 0 && pairs.length === 0) list.add([...path, "latency_sync"], "the sync table is empty");
  return out.sort((a, b) => a.tiles - b.tiles);
}

/** The checked architecture, or undefined with every problem added to `list` (positions in the arch file). */
export function readSanafeArch(data: Obj, list: ProblemList): SanafeArch | undefined {
  const arch = data.architecture;
  const path = ["architecture"];
  if (!isObj(arch)) {
    list.add(path, "`architecture:` must be a mapping with name, attributes and tile");
    return undefined;
  }
  const name = nameOf(arch, path, list);
  if (name?.includes("["))
    list.add([...path, "name"], "multiple architectures (a name range) are not supported");
  const attrs = attributesOf(arch, path, list);
  if (!attrs) return undefined;
  const at = [...path, "attributes"];
  const width = num(attrs, "width", at, list, true);
  const height = num(attrs, "height", at, list, true);
  for (const [k, v] of [
    ["width", width],
    ["height", height],
  ] as const)
    if (v !== undefined && (v < 1 || v > MAX_GRID_SIDE))
      list.add([...at, k], `${k} must be 1..${MAX_GRID_SIDE} tiles, found ${v}`);
  const linkBufferSize = num(attrs, "link_buffer_size", at, list, true);
  const sync = readSync(attrs, at, list);
  const used = new Set(["width", "height", "link_buffer_size", "sync_model", "latency_sync"]);
  const otherAttributes = Object.entries(attrs)
    .filter(([k]) => !used.has(k))
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  if (arch.tile === undefined || arch.tile === null) {
    list.add(path, "no tile section defined; a SANA-FE architecture needs `tile:`");
    return undefined;
  }
  const tiles = items(arch.tile, [...path, "tile"]).flatMap(
    ({ node, path: p }) => readTile(node, p, list) ?? [],
  );
  const tileCount = tiles.reduce((s, t) => s + t.count, 0);
  const cores = tiles.reduce((s, t) => s + t.count * t.cores.reduce((c, k) => c + k.count, 0), 0);
  if (cores > MAX_CORES_PER_CHIP)
    list.add([...path, "tile"], `${cores} cores; at most ${MAX_CORES_PER_CHIP} per chip are supported`);
  if (width !== undefined && height !== undefined && tileCount > width * height)
    list.add(
      [...path, "tile"],
      `${tileCount} tiles do not fit the ${width} × ${height} mesh; widen the mesh or remove tiles`,
    );
  if (
    list.problems.length > 0 ||
    name === undefined ||
    width === undefined ||
    height === undefined ||
    linkBufferSize === undefined
  )
    return undefined;
  const syncModel = attrs.sync_model === "table" ? "table" : "fixed";
  return { name, width, height, linkBufferSize, syncModel, sync, otherAttributes, tiles };
}
