// validateMapping: checks a (possibly hand-edited) mapping file against the NMIR module and the profile.
// Every neuron on exactly one core, cores that exist with their real positions, no core over any limit
// (usage recomputed from the slices, never trusted from the file), and routing tables that carry every
// source core's events to every core holding one of its targets.

import type { ErrorDetail } from "../../common/errors.js";
import { SpikegridError } from "../../common/errors.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { encodingsOf } from "./encoding.js";
import { corePositions } from "./grid.js";
import { addUsage, limitsOf, nodeFacts, sliceUsage } from "./memory-models.js";
import { mapNodes, sourceSizes } from "./nodes.js";
import type { Bin } from "./pack.js";
import { capabilityMisfits } from "./partition.js";
import { trafficEdges } from "./traffic.js";
import { type Mapping, mappingSchema, type Usage } from "./types.js";

/** Problems of `raw` as a mapping of `ir` on `profile`; empty when valid. */
export function checkMapping(raw: unknown, ir: NmirModule, profile: ChipProfile): ErrorDetail[] {
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success)
    return parsed.error.issues.map((i) => ({ where: i.path.join(".") || "(root)", message: i.message }));
  const m = parsed.data as Mapping;
  const out: ErrorDetail[] = [];
  if (m.profile !== profile.name)
    out.push({
      where: "profile",
      message: `mapping is for "${m.profile}", checked against "${profile.name}"`,
    });
  const nodes = mapNodes(ir);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const positions = corePositions(profile);
  const seenCore = new Set<number>();
  const covered = new Map<string, Int32Array>();
  const inputIds = new Set(ir.inputs.map((i) => i.id));
  const sizes = sourceSizes(ir);
  const bins: Bin[] = [];
  m.cores.forEach((c, ci) => {
    const where = `cores.${ci}`;
    const pos = positions[c.index];
    if (!pos)
      out.push({
        where,
        message: `core ${c.index} does not exist (${profile.name} has ${positions.length})`,
      });
    else if (pos.x !== c.x || pos.y !== c.y || pos.tile !== c.tile)
      out.push({
        where,
        message: `core ${c.index} sits at tile ${pos.tile} (${pos.x}, ${pos.y}), not ${c.tile} (${c.x}, ${c.y})`,
      });
    if (seenCore.has(c.index)) out.push({ where, message: `core ${c.index} appears twice` });
    seenCore.add(c.index);
    let usage: Usage = {};
    for (const [si, s] of c.slices.entries()) {
      const node = byId.get(s.population);
      const sw = `${where}.slices.${si}`;
      if (!node) {
        out.push({ where: sw, message: `no population or dynamic matmul "${s.population}"` });
        continue;
      }
      if (s.start + s.count > node.size) {
        const last = s.start + s.count - 1;
        out.push({ where: sw, message: `neurons ${s.start}..${last} exceed ${s.population}'s ${node.size}` });
        continue;
      }
      const cov = covered.get(node.id) ?? new Int32Array(node.size);
      for (let i = s.start; i < s.start + s.count; i++) cov[i] = (cov[i] ?? 0) + 1;
      covered.set(node.id, cov);
      const facts = nodeFacts(node, profile, byId);
      usage = addUsage(usage, sliceUsage(node, facts, s.start, s.count, profile, inputIds, sizes));
    }
    const limits = limitsOf(profile, c.index);
    for (const [k, v] of Object.entries(usage)) {
      const l = limits[k];
      if (l !== undefined && v > l)
        out.push({ where, message: `core ${c.index} uses ${v} ${k}, its limit is ${l}` });
    }
    bins.push({ core: c.index, slices: c.slices.map((s) => ({ ...s, usage: {} })), usage, limits });
  });
  out.push(...encodingProblems(m, ir, profile));
  for (const n of nodes) {
    const cov = covered.get(n.id);
    for (const mf of capabilityMisfits(n, profile))
      out.push({ where: n.id, message: `${mf.limit}: ${mf.suggestion}` });
    if (!cov) {
      if (n.size > 0) out.push({ where: n.id, message: `none of its ${n.size} neurons is on a core` });
      continue;
    }
    const missing = cov.indexOf(0);
    const twice = cov.findIndex((x) => x > 1);
    if (missing >= 0) out.push({ where: n.id, message: `neuron ${missing} is on no core` });
    if (twice >= 0) out.push({ where: n.id, message: `neuron ${twice} is on ${cov[twice]} cores` });
  }
  if (out.length > 0) return out;
  for (const e of trafficEdges(ir, bins)) {
    const from = bins[e.from]?.core ?? -1;
    const to = bins[e.to]?.core ?? -1;
    const route = m.routes.find((r) => r.fromCore === from);
    if (!route?.toCores.includes(to))
      out.push({ where: "routes", message: `core ${from} feeds core ${to} but no route lists it` });
    else if (!reaches(m, profile, positions, from, to))
      out.push({
        where: "routingTables",
        message: `events of core ${from} never reach core ${to} through the tables`,
      });
  }
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
  m: Mapping,
  profile: ChipProfile,
  positions: ReturnType<typeof corePositions>,
  from: number,
  to: number,
): boolean {
  const src = positions[from];
  const dst = positions[to];
  if (!src || !dst) return false;
  const entry = (tile: number) => m.routingTables[String(tile)]?.find((e) => e.fromCore === from);
  if (profile.grid.routing === "point-to-point") return entry(dst.tile)?.out.includes("local") ?? false;
  const tileAt = new Map(positions.map((p) => [`${p.x},${p.y}`, p.tile]));
  const seen = new Set<string>();
  const queue: [number, number][] = [[src.x, src.y]];
  while (queue.length > 0) {
    const [x, y] = queue.shift() as [number, number];
    const key = `${x},${y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = entry(tileAt.get(key) ?? -1);
    if (!e) continue;
    for (const d of e.out) {
      if (d === "local" && x === dst.x && y === dst.y) return true;
      if (d === "E") queue.push([x + 1, y]);
      if (d === "W") queue.push([x - 1, y]);
      if (d === "S") queue.push([x, y + 1]);
      if (d === "N") queue.push([x, y - 1]);
    }
  }
  return false;
}

/** Throws SpikegridError("USAGE") listing every problem of a mapping file. */
export function validateMapping(raw: unknown, ir: NmirModule, profile: ChipProfile): Mapping {
  const problems = checkMapping(raw, ir, profile);
  if (problems.length > 0)
    throw new SpikegridError("USAGE", `invalid mapping: ${problems.length} problem(s)`, {
      details: problems,
    });
  return raw as Mapping;
}
