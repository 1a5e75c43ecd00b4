// The `mappings:` section of a SANA-FE SNN YAML: each neuron on one `tile.core`, with optional unit names.
// Checked here: every neuron mapped exactly once; against a chip (tile and core counts, unit names) when given.

import type { SanafeNetwork } from "./network.js";
import { attributeEntries, isMap, rangeOf, type YamlFile, type YPath, type YValue } from "./yaml-read.js";

export interface NeuronPlace {
  tile: number;
  core: number;
  soma?: string;
  synapse?: string;
  dendrite?: string;
  /** Where the mapping entry is, for messages. */
  path: YPath;
}

/** Per group, per neuron: where SANA-FE's file puts it. */
export type SanafePlacement = Map<string, NeuronPlace[]>;

/** What of a chip the check needs: cores per tile and the unit names of each section. */
export interface ChipShape {
  file: string;
  coresPerTile: number[];
  units: { soma: Set<string>; synapse: Set<string>; dendrite: Set<string> };
}

/** Parses `mappings:`; undefined when the file has none. Every neuron must be mapped exactly once. */
export function parseMappings(
  f: YamlFile,
  net: SanafeNetwork,
  chip?: ChipShape,
): SanafePlacement | undefined {
  const root = f.root;
  const list = isMap(root) ? root.mappings : undefined;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list))
    f.fail(["mappings"], "mappings: must be a list of - group.neuron: {core: tile.core}");
  const placed: SanafePlacement = new Map(
    [...net.groups].map(([n, g]) => [n, new Array<NeuronPlace>(g.size)]),
  );
  const cores = new Map<string, [number, number]>();
  list.forEach((item, i) => {
    const keys = isMap(item) ? Object.keys(item) : [];
    if (keys.length !== 1)
      f.fail(["mappings", i], "a mapping entry is one - group.neuron: {core: tile.core}");
    const address = keys[0]!;
    const info = (item as { [key: string]: YValue })[address];
    const p: YPath = ["mappings", i, address];
    const dot = address.indexOf(".");
    const group = (dot < 0 ? address : address.slice(0, dot)).trim();
    const g = net.groups.get(group);
    if (!g)
      f.fail(
        p,
        `mapping names group "${group}", which is not defined`,
        `defined groups: ${[...net.groups.keys()].join(", ")}`,
      );
    const ids = dot < 0 ? ([0, g.size - 1] as [number, number]) : rangeOf(address.slice(dot + 1));
    if (!ids) f.fail(p, `"${address}" is not group, group.neuron or group.a..b`);
    if (ids[1] >= g.size) f.fail(p, `neuron ${group}.${ids[1]} does not exist (the group has ${g.size})`);
    const place: Partial<NeuronPlace> = { path: p };
    const read = (k: string, v: YValue, parent: YPath) => {
      const kp = () => (parent === p ? [...p, k] : parent);
      if (typeof v !== "string") f.fail(kp(), `${k} must be a name or tile.core`);
      if (k === "core") {
        // a file names few cores for many neurons: each text is read once
        let tc = cores.get(v);
        if (!tc) {
          const m = /^\s*(\d+)\.(\d+)\s*$/.exec(v);
          if (!m) f.fail(kp(), `core "${v}" is not tile.core`, "write core: 0.1 for tile 0, core 1");
          tc = [Number(m[1]), Number(m[2])];
          cores.set(v, tc);
        }
        place.tile = tc[0];
        place.core = tc[1];
      } else if (k === "soma" || k === "synapse" || k === "dendrite") place[k] = v.trim();
      else
        f.fail(
          kp(),
          `unknown mapping key "${k}"`,
          "a mapping takes core, and optionally soma, synapse, dendrite unit names",
        );
    };
    // the usual entry is one map: its keys read in place, each key's path made only for a message
    if (isMap(info)) for (const k of Object.keys(info)) read(k, info[k]!, p);
    else for (const [k, v, parent] of attributeEntries(info, p)) read(k, v, parent);
    if (place.tile === undefined) f.fail(p, `mapping of "${address}" has no core:`, "give core: tile.core");
    if (chip) checkOnChip(f, chip, place as NeuronPlace, kpOf(p));
    const slots = placed.get(group)!;
    for (let n = ids[0]; n <= ids[1]; n++) {
      const before = slots[n];
      if (before)
        f.fail(
          p,
          `neuron ${group}.${n} is mapped twice (first at line ${f.line(before.path) ?? "?"})`,
          "map each neuron exactly once",
        );
      slots[n] = place as NeuronPlace;
    }
  });
  for (const [group, slots] of placed) {
    for (let n = 0; n < slots.length; n++)
      if (!slots[n])
        f.fail(
          ["mappings"],
          `neuron ${group}.${n} is not mapped`,
          `SANA-FE needs every neuron on a core: add - ${group}.${n}: {core: 0.0}`,
        );
  }
  return placed;
}

const kpOf = (p: YPath) => p;

function checkOnChip(f: YamlFile, chip: ChipShape, place: NeuronPlace, p: YPath): void {
  const tiles = chip.coresPerTile.length;
  if (place.tile >= tiles)
    f.fail(
      p,
      `core ${place.tile}.${place.core}: the chip ${chip.file} has tiles 0..${tiles - 1}`,
      "map onto a tile the chip has",
    );
  const cores = chip.coresPerTile[place.tile]!;
  if (place.core >= cores)
    f.fail(
      p,
      `core ${place.tile}.${place.core}: tile ${place.tile} of ${chip.file} has cores 0..${cores - 1}`,
    );
  for (const k of ["soma", "synapse", "dendrite"] as const) {
    const name = place[k];
    if (name !== undefined && !chip.units[k].has(name))
      f.fail(
        p,
        `unknown ${k} unit "${name}": ${chip.file} has ${[...chip.units[k]].slice(0, 8).join(", ")}${chip.units[k].size > 8 ? ", …" : ""}`,
        `name one of the chip's ${k} units`,
      );
  }
}

/** Neurons per SANA-FE core (tile.core → count), for capacity checks. */
export function neuronsPerCore(p: SanafePlacement): Map<string, number> {
  const out = new Map<string, number>();
  for (const slots of p.values())
    for (const s of slots) out.set(`${s.tile}.${s.core}`, (out.get(`${s.tile}.${s.core}`) ?? 0) + 1);
  return out;
}

/** Consecutive neurons of one group on one SANA-FE core; `at` is the mapping entry's `file:line`. */
export interface PlaceRun {
  tile: number;
  core: number;
  start: number;
  count: number;
  at: string;
}

/** The placement as runs per group (plain data kept in the graph's metadata for the mapping of a run). */
export function placementRuns(f: YamlFile, p: SanafePlacement): Record<string, PlaceRun[]> {
  const out: Record<string, PlaceRun[]> = {};
  for (const [group, slots] of p) {
    const runs: PlaceRun[] = [];
    let prev: NeuronPlace | undefined;
    slots.forEach((s, n) => {
      const last = runs[runs.length - 1];
      if (last && prev === s) last.count++;
      else runs.push({ tile: s.tile, core: s.core, start: n, count: 1, at: f.at(s.path) });
      prev = s;
    });
    out[group] = runs;
  }
  return out;
}
