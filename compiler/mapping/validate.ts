// validateMapping: checks a (possibly hand-edited) mapping file against the NMIR module and the profile.
// Every neuron on exactly one core, cores that exist with their real positions, no core over any limit
// (usage recomputed from the slices, never trusted from the file), and routing tables that carry every
// source core's events to every core holding one of its targets.

import type { ErrorDetail } from "../../common/errors.js";
import { SpikegridError } from "../../common/errors.js";
import { PairHash } from "../../common/pair-hash.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { chipDelivery } from "./chip-tables.js";
import { encodingsOf } from "./encoding.js";
import { type CorePosition, corePositions } from "./grid.js";
import { checkMappable } from "./map-network.js";
import { addUsage, limitsOf, type NodeFacts, nodeFacts, runsUsage } from "./memory-models.js";
import { type MapNode, mapNodes, sourceSizes } from "./nodes.js";
import type { Bin } from "./pack.js";
import { capabilityMisfits } from "./partition.js";
import { runsByNode } from "./shared-weights.js";
import { TRAFFIC_PAIR_BUDGET, trafficOverBudget, visitTraffic } from "./traffic.js";
import { type Mapping, mappingSchema, type RoutingTableEntry, type Slice, type Usage } from "./types.js";

/**
 * Problems of `raw` as a mapping of `ir` on `profile`; empty when valid. Linear in the file and in the
 * module's synapses: counts are bounded by the chip before anything is parsed per entry, coverage is checked
 * on sorted slices, and core usage is recomputed only once every neuron sits on exactly one core.
 */
export function checkMapping(raw: unknown, ir: NmirModule, profile: ChipProfile): ErrorDetail[] {
  checkMappable(ir);
  const positions = corePositions(profile);
  const tooMany = countProblems(raw, profile, positions.length);
  if (tooMany.length > 0) return tooMany;
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success)
    return parsed.error.issues
      .slice(0, MAX_LISTED)
      .map((i) => ({ where: i.path.join(".") || "(root)", message: i.message }));
  const m = parsed.data as Mapping;
  const out: ErrorDetail[] = [];
  if (m.profile !== profile.name)
    out.push({
      where: "profile",
      message: `mapping is for "${m.profile}", checked against "${profile.name}"`,
    });
  const nodes = mapNodes(ir);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seenCore = new Set<number>();
  const runs = new Map<string, Run[]>();
  m.cores.forEach((c, ci) => {
    const where = `cores.${ci}`;
    const pos = positions[c.index];
    if (!pos)
      out.push({
        where: `${where}.index`,
        message: `core ${c.index} does not exist (${profile.name} has cores 0..${positions.length - 1})`,
      });
    else if (pos.x !== c.x || pos.y !== c.y || pos.tile !== c.tile)
      out.push({
        where,
        message: `core ${c.index} sits at tile ${pos.tile} (${pos.x}, ${pos.y}), not ${c.tile} (${c.x}, ${c.y})`,
      });
    const chip = Math.floor(c.index / profile.grid.coresPerChip);
    if (c.chip !== undefined && c.chip !== chip)
      out.push({ where: `${where}.chip`, message: `core ${c.index} is on chip ${chip}, not ${c.chip}` });
    if (seenCore.has(c.index))
      out.push({ where: `${where}.index`, message: `core ${c.index} appears twice` });
    seenCore.add(c.index);
    for (const [si, s] of c.slices.entries()) {
      const node = byId.get(s.population);
      const sw = `${where}.slices.${si}`;
      if (!node) {
        out.push({ where: `${sw}.population`, message: `no population or dynamic matmul "${s.population}"` });
        continue;
      }
      if (s.start + s.count > node.size) {
        const last = s.start + s.count - 1;
        out.push({ where: sw, message: `neurons ${s.start}..${last} exceed ${s.population}'s ${node.size}` });
        continue;
      }
      const list = runs.get(node.id);
      const run = { start: s.start, count: s.count, where: sw };
      if (list) list.push(run);
      else runs.set(node.id, [run]);
    }
  });
  out.push(...encodingProblems(m, ir, profile), ...routeShapeProblems(m, profile, positions.length));
  let covered = true;
  for (const n of nodes) {
    for (const mf of capabilityMisfits(n, profile))
      out.push({ where: n.id, message: `${mf.limit}: ${mf.suggestion}` });
    const problem = coverageProblem(n.size, runs.get(n.id) ?? []);
    if (problem) {
      covered = false;
      out.push({ where: n.id, message: problem });
    }
  }
  // Usage costs O(synapses of a slice): recomputed only when every neuron is on exactly one core, so the
  // total stays O(synapses of the module) whatever the file claims.
  if (!covered) return out;
  const bins = coreBins(m, ir, profile, byId);
  for (const [ci, b] of bins.entries()) {
    for (const [k, v] of Object.entries(b.usage)) {
      const l = b.limits[k];
      if (l !== undefined && v > l)
        out.push({ where: `cores.${ci}`, message: `core ${b.core} uses ${v} ${k}, its limit is ${l}` });
    }
  }
  if (out.length > 0) return out;
  out.push(...routeProblems(m, profile, positions, ir, bins));
  return out;
}

/** Listed problems of one kind at most (a hostile file can have millions). */
const MAX_LISTED = 100;

interface Run {
  start: number;
  count: number;
  where: string;
}

/** Entry counts against the chip, before any per-entry work: more cores than the chip has is an error. */
function countProblems(raw: unknown, profile: ChipProfile, cores: number): ErrorDetail[] {
  if (raw === null || typeof raw !== "object") return [];
  const r = raw as Record<string, unknown>;
  const out: ErrorDetail[] = [];
  const over = (key: string, n: number, what: string) =>
    out.push({
      where: key,
      message: `lists ${n} ${what}; ${profile.name} has ${cores} cores (a mapping has at most one entry per core)`,
    });
  if (Array.isArray(r.cores) && r.cores.length > cores) over("cores", r.cores.length, "cores");
  if (Array.isArray(r.routes) && r.routes.length > cores) over("routes", r.routes.length, "routes");
  const tables = r.routingTables;
  if (tables !== null && typeof tables === "object") {
    const n = Object.keys(tables).length;
    if (n > cores) over("routingTables", n, "routing tables");
  }
  const chipTables = r.chipTables;
  if (chipTables !== null && typeof chipTables === "object") {
    const n = Object.keys(chipTables).length;
    if (n > cores) over("chipTables", n, "chip tables");
  }
  return out;
}

/** Routes name cores of the chip and paths stay on its grid (each listed once per route). */
function routeShapeProblems(m: Mapping, profile: ChipProfile, cores: number): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  // a system's grid: its chips side by side (grid.ts)
  const width = profile.grid.width * (profile.system?.chipsX ?? 1);
  const height = profile.grid.height * (profile.system?.chipsY ?? 1);
  const core = (where: string, c: number) => {
    if (c >= cores)
      out.push({ where, message: `core ${c} does not exist (${profile.name} has cores 0..${cores - 1})` });
  };
  for (const [ri, r] of m.routes.entries()) {
    if (out.length >= MAX_LISTED) break;
    core(`routes.${ri}.fromCore`, r.fromCore);
    const bad = r.toCores.findIndex((c) => c >= cores);
    if (bad >= 0) core(`routes.${ri}.toCores.${bad}`, r.toCores[bad]!);
    for (const [pi, path] of (r.path ?? []).entries()) {
      const off = path.findIndex(([x, y]) => x >= width || y >= height);
      if (off >= 0) {
        const [x, y] = path[off]!;
        out.push({
          where: `routes.${ri}.path.${pi}.${off}`,
          message: `tile (${x}, ${y}) is outside the ${width} × ${height} grid of ${profile.name}`,
        });
        break;
      }
    }
  }
  return out;
}

/** The first neuron on no core or on two, from the slices of one node sorted by start; undefined when exact. */
function coverageProblem(size: number, runs: Run[]): string | undefined {
  if (runs.length === 0) return size > 0 ? `none of its ${size} neurons is on a core` : undefined;
  runs.sort((a, b) => a.start - b.start);
  let next = 0;
  for (const r of runs) {
    if (r.start > next) return `neuron ${next} is on no core`;
    if (r.start < next) return `neuron ${r.start} is on 2 or more cores (again at ${r.where})`;
    next = r.start + r.count;
  }
  return next < size ? `neuron ${next} is on no core` : undefined;
}

/** Every core's usage recomputed from its slices (the file's own usage is never trusted). */
export function coreBins(
  m: { cores: readonly { index: number; slices: readonly Slice[] }[] },
  ir: NmirModule,
  profile: ChipProfile,
  byId: Map<string, MapNode>,
): Bin[] {
  const inputIds = new Set(ir.inputs.map((i) => i.id));
  const sizes = sourceSizes(ir);
  const facts = new Map<string, NodeFacts>();
  return m.cores.map((c) => {
    // a node's slices on one core together: a shared matrix is stored once per core (shared-weights.ts)
    let usage: Usage = {};
    for (const [id, list] of runsByNode(c.slices, (s) => s.population)) {
      const node = byId.get(id)!;
      let f = facts.get(node.id);
      if (!f) {
        f = nodeFacts(node, profile, byId);
        facts.set(node.id, f);
      }
      usage = addUsage(usage, runsUsage(node, f, list, profile, inputIds, sizes));
    }
    const slices = c.slices.map((s) => ({ ...s, usage: {} }));
    // a system's chips are identical: a core's limits are those of its number on its chip
    return { core: c.index, slices, usage, limits: limitsOf(profile, c.index % profile.grid.coresPerChip) };
  });
}

/**
 * Every traffic pair needs a route listing it and routing tables that carry it there. The pairs are checked
 * as the traffic is read, each once, in the order trafficEdges would list them (the same problems, in the same
 * order, and the same error past TRAFFIC_PAIR_BUDGET): the routes and the pairs seen are held in typed sets, not
 * as the edge list and a Set per route (gigabytes at 224×224 on a rack).
 */
function routeProblems(
  m: Mapping,
  profile: ChipProfile,
  positions: CorePosition[],
  ir: NmirModule,
  bins: Bin[],
  budget = TRAFFIC_PAIR_BUDGET,
): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  let listed = 0;
  for (const r of m.routes) listed += r.toCores.length;
  const routes = new PairHash(listed);
  for (const r of m.routes)
    for (const t of r.toCores) if (!routes.has(r.fromCore, t)) routes.add(r.fromCore, t, 0);
  // a system's file routes through per-chip tables (as the mapper writes it), or through per-tile tables when
  // it lists any (a hand-made file)
  const viaChips = profile.system && m.chipTables && Object.keys(m.routingTables).length === 0;
  const delivered = viaChips ? chipDelivery(m.chipTables!, profile) : undefined;
  const tables = new Map<number, Map<number, RoutingTableEntry["out"]>>();
  if (!viaChips)
    for (const [tile, entries] of Object.entries(m.routingTables)) {
      const byCore = new Map<number, RoutingTableEntry["out"]>();
      for (const e of entries) if (!byCore.has(e.fromCore)) byCore.set(e.fromCore, e.out);
      tables.set(Number(tile), byCore);
    }
  const tileAt = new Map(positions.map((p) => [`${p.x},${p.y}`, p.tile]));
  const seen = new PairHash();
  const sink = {
    reading: "",
    add(fromBin: number, toBin: number, w: number) {
      if (fromBin === toBin || w === 0) return;
      const from = bins[fromBin]?.core ?? -1;
      const to = bins[toBin]?.core ?? -1;
      // a pair's first events are checked; past the listed problems only counted
      if (seen.has(from, to)) return;
      if (seen.size >= budget) trafficOverBudget(ir, bins.length, budget, sink.reading);
      seen.add(from, to, 0);
      if (out.length >= MAX_LISTED) return;
      if (!routes.has(from, to))
        out.push({ where: "routes", message: `core ${from} feeds core ${to} but no route lists it` });
      else if (delivered) {
        if (!delivered(from).has(Math.floor(to / profile.grid.coresPerChip)))
          out.push({
            where: "chipTables",
            message: `events of core ${from} never reach the chip of core ${to} through the chip tables`,
          });
      } else if (!reaches(tables, tileAt, profile, positions, from, to))
        out.push({
          where: "routingTables",
          message: `events of core ${from} never reach core ${to} through the tables`,
        });
    },
  };
  visitTraffic(ir, bins, sink);
  return out;
}

/** The file's encodings must be the ones the profile needs: every graded population read over the mesh of a
 * binary-spike chip as bit planes of its payload width, nothing else (the chip simulator prices them). */
function encodingProblems(m: Mapping, ir: NmirModule, profile: ChipProfile): ErrorDetail[] {
  const want = encodingsOf(ir, profile);
  const have = m.encodings ?? {};
  const out: ErrorDetail[] = [];
  for (const [id, e] of Object.entries(want)) {
    const h = have[id];
    if (!h)
      out.push({
        where: `encodings.${id}`,
        message: `${profile.name} sends only binary spikes: ${id}'s graded ${e.bits}-bit events need {"kind": "bitplanes", "bits": ${e.bits}}`,
      });
    else if (h.bits !== e.bits)
      out.push({ where: `encodings.${id}`, message: `${id} emits ${e.bits}-bit payloads, not ${h.bits}` });
  }
  for (const id of Object.keys(have))
    if (!want[id])
      out.push({
        where: `encodings.${id}`,
        message: `${id} is not a graded population read on a binary-spike chip: its events travel as they are`,
      });
  return out;
}

/** Follow the routing tables from the source's tile; true when a "local" entry is found at the destination. */
function reaches(
  tables: Map<number, Map<number, RoutingTableEntry["out"]>>,
  tileAt: Map<string, number>,
  profile: ChipProfile,
  positions: CorePosition[],
  from: number,
  to: number,
): boolean {
  const src = positions[from];
  const dst = positions[to];
  if (!src || !dst) return false;
  const entry = (tile: number) => tables.get(tile)?.get(from);
  if (profile.grid.routing === "point-to-point") return entry(dst.tile)?.includes("local") ?? false;
  const seen = new Set<string>();
  const queue: [number, number][] = [[src.x, src.y]];
  for (let qi = 0; qi < queue.length; qi++) {
    const [x, y] = queue[qi]!;
    const key = `${x},${y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const out = entry(tileAt.get(key) ?? -1);
    if (!out) continue;
    for (const d of out) {
      if (d === "local" && x === dst.x && y === dst.y) return true;
      if (d === "E") queue.push([x + 1, y]);
      if (d === "W") queue.push([x - 1, y]);
      if (d === "S") queue.push([x, y + 1]);
      if (d === "N") queue.push([x, y - 1]);
    }
  }
  return false;
}

/** Mappings validateMapping passed, with the module and profile they passed against. */
const passed = new WeakMap<object, { ir: NmirModule; profile: ChipProfile }>();

/** Throws SpikegridError("USAGE") listing every problem of a mapping file. */
export function validateMapping(raw: unknown, ir: NmirModule, profile: ChipProfile): Mapping {
  const problems = checkMapping(raw, ir, profile);
  if (problems.length > 0)
    throw new SpikegridError("USAGE", `invalid mapping: ${problems.length} problem(s)`, {
      details: problems,
    });
  if (typeof raw === "object" && raw !== null) passed.set(raw, { ir, profile });
  return raw as Mapping;
}

/**
 * Records that `mapping` is the mapper's own result for this module and profile object (map-network.ts): the
 * simulator that loads it next skips the check, whose traffic edges alone are millions of pairs on a large
 * system (spikformer-10-512 at 224×224 on spinnaker2-sandia: ~4 GB and ~90 s). A file is always checked.
 */
export function markMapped(mapping: Mapping, ir: NmirModule, profile: ChipProfile): void {
  passed.set(mapping, { ir, profile });
}

/** Whether validatedMapping would pass `raw` against this module and profile object without checking it. */
export function alreadyValidated(raw: unknown, ir: NmirModule, profile: ChipProfile): boolean {
  const p = typeof raw === "object" && raw !== null ? passed.get(raw) : undefined;
  return p !== undefined && p.ir === ir && p.profile === profile;
}

/**
 * validateMapping, unless this very mapping object already passed it against this module and profile object
 * (a loaded mapping is checked once, not again by every simulator that loads it: at 224×224 a check takes
 * over a minute). A mapping edited after it passed must be validated again with validateMapping.
 */
export function validatedMapping(raw: unknown, ir: NmirModule, profile: ChipProfile): Mapping {
  return alreadyValidated(raw, ir, profile) ? (raw as Mapping) : validateMapping(raw, ir, profile);
}
