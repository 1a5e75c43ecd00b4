// A SANA-FE network file → the ConventionNet (net.ts) on a profile: its groups in file order, every connection
// SANA-FE creates (dense: all pairs; sparse / neuron: the pairs listed; conv2d: every in-bounds kernel tap, zero
// weights included), each neuron on the core its `mappings:` names and each unit by the name it gives.

import { SpikegridError } from "../../../common/errors.js";
import type { NeuronPlace } from "../../../compiler/importers/sanafe/mappings.js";
import type { Attrs } from "../../../compiler/importers/sanafe/network.js";
import {
  mappingsOf,
  type ParsedSanafe,
  parseSanafeFile,
  somasOf,
} from "../../../compiler/importers/sanafe/parsed.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
// the lookup alone: a direct run's start loads no profile schema (hw-profiles/lookups.ts)
import { barrierLatencyS } from "../../../hw-profiles/lookups.js";
import { connectionsOf } from "./connections.js";
import { countsMadeAhead } from "./counts-ahead.js";
import { messageTable } from "./messages.js";
import { type ConventionNet, type EventCost, eventCost, networkCosts, type SomaCost } from "./net.js";

export { MAX_SANAFE_CONNECTIONS } from "./connections.js";

const HINT = "name a unit the profile's units: section defines (spikegrid profiles show PROFILE lists them)";

/**
 * Whether unit `declared` (an arch file's name, possibly a replica range `base[a..b]`) is the unit a network
 * names: `base[i]` with a ≤ i ≤ b names one replica of the range (replicas share the costs).
 */
export function unitNamed(declared: string, name: string): boolean {
  if (declared === name) return true;
  const range = /^(.*)\[(\d+)\.\.(\d+)\]$/.exec(declared);
  const one = /^(.*)\[(\d+)\]$/.exec(name);
  if (!range || !one || range[1] !== one[1]) return false;
  const i = Number(one[2]);
  return i >= Number(range[2]) && i <= Number(range[3]);
}

/** Unit tables of a profile: its named units, else its generic costs as one default unit per section. */
function unitTables(profile: ChipProfile) {
  const c = profile.costs;
  const u = profile.units;
  const idle = eventCost(c.neuronUpdateIdle);
  const active = eventCost(c.neuronUpdateActive);
  const generic: SomaCost = {
    access: idle,
    update: { e: Math.max(0, active.e - idle.e), l: Math.max(0, active.l - idle.l) },
    spikeOut: eventCost(c.spikeOut),
  };
  const synapse = u?.synapse.length
    ? u.synapse.map((s) => ({ name: s.name, cost: eventCost(s.cost) }))
    : [{ name: "", cost: eventCost(c.synopAC) }];
  const dendrite = u?.dendrite.length
    ? u.dendrite.map((s) => ({ name: s.name, cost: eventCost(s.cost) }))
    : [{ name: "", cost: { e: 0, l: 0 } }];
  const soma = u?.soma.length
    ? u.soma.map((s) => ({
        name: s.name,
        input: s.model === "input",
        cost: { access: eventCost(s.access), update: eventCost(s.update), spikeOut: eventCost(s.spikeOut) },
      }))
    : [{ name: "", input: false, cost: generic }];
  return { synapse, dendrite, soma, named: u !== undefined };
}

const textAttr = (a: Attrs, key: string): string | undefined => {
  const v = a.get(key)?.value;
  return typeof v === "string" && v !== "" ? v : undefined;
};

/** `members` sorted by `order` (in place); most files map a core's neurons in order already: no sort then. */
function inOrder(members: Int32Array, order: Float64Array): Int32Array {
  for (let i = 1; i < members.length; i++)
    if (order[members[i]!]! < order[members[i - 1]!]!) return members.sort((a, b) => order[a]! - order[b]!);
  return members;
}

/** The convention's view of SANA-FE file `text` on `profile` (its own `mappings:` place every neuron). */
export function conventionNetFromSanafe(text: string, file: string, profile: ChipProfile): ConventionNet {
  return conventionNetOf(parseSanafeFile(text, file), file, profile);
}

/**
 * The convention's view of a parsed SANA-FE file; with `withWeights`, also every connection's weight × 64 at the
 * same position as its target in `post` (the direct run, direct-run.ts, integrates them; exact for the weights its
 * domain takes: multiples of 1/64 below 2^20) and every neuron's Σ|weight| × 64 over its inputs (`fanIn64`).
 */
export function conventionNetOf(
  parsed: ParsedSanafe,
  file: string,
  profile: ChipProfile,
  withWeights: true,
): ConventionNet & { weight64: Int32Array; fanIn64: Float64Array };
export function conventionNetOf(parsed: ParsedSanafe, file: string, profile: ChipProfile): ConventionNet;
export function conventionNetOf(
  parsed: ParsedSanafe,
  file: string,
  profile: ChipProfile,
  withWeights = false,
): ConventionNet & { weight64?: Int32Array; fanIn64?: Float64Array } {
  const { f, net } = parsed;
  const placement = mappingsOf(parsed);
  if (!placement)
    throw new SpikegridError("USAGE", `${file}: --convention sanafe needs the file's mappings: section`, {
      hint: "add mappings: (every neuron on a tile.core), as SANA-FE itself requires",
    });
  const somas = somasOf(parsed, []);
  const units = unitTables(profile);
  const { height, width, coresPerTile } = profile.grid;

  const groups: ConventionNet["groups"] = [];
  let n = 0;
  for (const g of net.groups.values()) {
    const input = somas.get(g.name)!.kind === "input";
    groups.push({ id: g.name, start: n, size: g.size, input, connectionsIn: 0 });
    n += g.size;
  }
  const startOf = new Map(groups.map((g) => [g.id, g.start]));
  const coreId = new Int32Array(n);
  const somaOf = new Int32Array(n);
  const dendriteOf = new Int32Array(n);
  const synapseOf = new Int32Array(n);
  const hasBias = new Uint8Array(n);
  const isInput = new Uint8Array(n);
  const order = new Float64Array(n);
  const tiles = new Map<number, number>();
  // per section, each unit name's index: a file names few units for many neurons, each is looked up once
  const unitIndex = {
    soma: new Map<string, number>(),
    synapse: new Map<string, number>(),
    dendrite: new Map<string, number>(),
  };
  const pick = (
    list: { name: string }[],
    name: string | undefined,
    section: "soma" | "synapse" | "dendrite",
    p: NeuronPlace,
    dflt = 0,
  ) => {
    if (name === undefined || !units.named) return dflt;
    const memo = unitIndex[section];
    const known = memo.get(name);
    if (known !== undefined) return known;
    const i = list.findIndex((u) => unitNamed(u.name, name));
    if (i < 0)
      throw new SpikegridError(
        "USAGE",
        `${f.at(p.path)}: ${section} unit "${name}" is not a unit of ${profile.name} (it has ${list.map((u) => u.name).join(", ")})`,
        { hint: HINT },
      );
    memo.set(name, i);
    return i;
  };
  const firstInputSoma = Math.max(
    0,
    units.soma.findIndex((s) => s.input),
  );
  for (const g of net.groups.values()) {
    const base = startOf.get(g.name)!;
    const places = placement.get(g.name)!;
    const soma = somas.get(g.name)!;
    const input = soma.kind === "input" ? 1 : 0;
    const neurons = g.neurons;
    // a range's neurons share one attribute map: their units are looked up once (when their places name none)
    let shared: Attrs | undefined;
    for (let i = 0; i < neurons.length; i++) {
      const a = neurons[i]!;
      const k = base + i;
      const p = places[i]!;
      if (p.tile >= width * height || p.core >= coresPerTile)
        throw new SpikegridError(
          "USAGE",
          // where the neuron is mapped (finding the line is not free: only for the message)
          `${f.at(p.path)}: core ${p.tile}.${p.core} is not on ${profile.name} (${width * height} tiles of ${coresPerTile} cores)`,
          { hint: "map the neuron to a core the profile has" },
        );
      coreId[k] = p.tile * coresPerTile + p.core;
      if (i === 0 || coreId[k] !== coreId[k - 1]) tiles.set(coreId[k]!, p.tile);
      isInput[k] = input;
      hasBias[k] = soma.kind === "lif" && soma.bias[i] !== 0 ? 1 : 0;
      const unnamed = p.soma === undefined && p.synapse === undefined && p.dendrite === undefined;
      if (unnamed && a === shared) {
        somaOf[k] = somaOf[k - 1]!;
        synapseOf[k] = synapseOf[k - 1]!;
        dendriteOf[k] = dendriteOf[k - 1]!;
      } else {
        const somaName = p.soma ?? textAttr(a, "soma_hw_name");
        somaOf[k] = pick(units.soma, somaName, "soma", p, input ? firstInputSoma : 0);
        synapseOf[k] = pick(units.synapse, p.synapse ?? textAttr(a, "synapse_hw_name"), "synapse", p);
        dendriteOf[k] = pick(units.dendrite, p.dendrite ?? textAttr(a, "dendrite_hw_name"), "dendrite", p);
        shared = unnamed ? a : undefined;
      }
      // SANA-FE processes a core's neurons in the order the mapping entries map them
      order[k] = Number(p.path[1] ?? 0) * 2 ** 24 + i;
    }
  }
  // cores in SANA-FE's id order (tile by tile), each with its neurons in mapping order
  const ids = [...tiles.keys()].sort((a, b) => a - b);
  const slotOf = new Map(ids.map((id, s) => [id, s]));
  const coreOf = new Int32Array(n);
  for (let k = 0; k < n; k++)
    coreOf[k] = k > 0 && coreId[k] === coreId[k - 1] ? coreOf[k - 1]! : slotOf.get(coreId[k]!)!;
  // each core's neurons in global order (a counting sort: no array grows per neuron)
  const firstOf = new Int32Array(ids.length + 1);
  for (let k = 0; k < n; k++) firstOf[coreOf[k]! + 1]!++;
  for (let s = 0; s < ids.length; s++) firstOf[s + 1]! += firstOf[s]!;
  const byCore = new Int32Array(n);
  const fillAt = firstOf.slice(0, ids.length);
  for (let k = 0; k < n; k++) byCore[fillAt[coreOf[k]!]!++] = k;
  const cores: ConventionNet["cores"] = ids.map((id, s) => {
    const tile = tiles.get(id)!;
    return {
      id,
      tile,
      x: Math.floor(tile / height),
      y: tile % height,
      offset: id % coresPerTile,
      neurons: inOrder(byCore.slice(firstOf[s]!, firstOf[s + 1]!), order),
    };
  });

  // every connection, bucketed by source neuron (read ahead on a direct run: connections.ts)
  const {
    postStart,
    post,
    weight64: weight,
    fanIn64: fanIn,
    connectionsIn,
  } = connectionsOf(parsed, file, withWeights);
  for (const g of groups) g.connectionsIn = connectionsIn.get(g.id) ?? 0;

  // messages: per source neuron, one per destination core, with the look-ups it costs there
  const syn = units.synapse.map((u) => u.cost);
  const den = units.dendrite.map((u) => u.cost);
  // per target neuron, what one look-up of it costs (its synapse and dendrite units), flat for the loop below
  const lookupJ = new Float64Array(n);
  const lookupDendriteJ = new Float64Array(n);
  const lookupS = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    const sc: EventCost = syn[synapseOf[d]!]!;
    const dc: EventCost = den[dendriteOf[d]!]!;
    lookupJ[d] = sc.e + dc.e;
    lookupDendriteJ[d] = dc.e;
    lookupS[d] = sc.l + dc.l;
  }
  // the counts made ahead, where they are of these connections and these core slots
  const counted = countsMadeAhead(parsed, postStart, coreOf);
  const { msgStart, msgCore, msgSynapses, msgSynapseJ, msgDendriteJ, msgLatencyS } = messageTable(
    postStart,
    post,
    coreOf,
    ids.length,
    lookupJ,
    lookupDendriteJ,
    lookupS,
    counted,
  );
  const usedTiles = new Set(cores.map((c) => c.tile)).size;
  return {
    groups,
    neurons: n,
    cores,
    coreOf,
    soma: units.soma.map((s) => s.cost),
    somaOf,
    hasBias,
    isInput,
    postStart,
    post,
    msgStart,
    msgCore,
    msgSynapses,
    msgSynapseJ,
    msgDendriteJ,
    msgLatencyS,
    ...networkCosts(profile),
    syncS: barrierLatencyS(profile, usedTiles) ?? 0,
    gridWidth: width,
    gridHeight: height,
    coresPerTile,
    ...(weight ? { weight64: weight, fanIn64: fanIn } : {}),
  };
}
