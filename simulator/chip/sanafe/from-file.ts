// A SANA-FE network file → the ConventionNet (net.ts) on a profile: its groups in file order, every connection
// SANA-FE creates (dense: all pairs; sparse / neuron: the pairs listed; conv2d: every in-bounds kernel tap, zero
// weights included), each neuron on the core its `mappings:` names and each unit by the name it gives.

import { SpikegridError } from "../../../common/errors.js";
import type { Attrs, SanafeEdge } from "../../../compiler/importers/sanafe/network.js";
import {
  mappingsOf,
  type ParsedSanafe,
  parseSanafeFile,
  somasOf,
} from "../../../compiler/importers/sanafe/parsed.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
// the lookup alone: a direct run's start loads no profile schema (hw-profiles/lookups.ts)
import { barrierLatencyS } from "../../../hw-profiles/lookups.js";
import { messageTable } from "./messages.js";
import { type ConventionNet, type EventCost, eventCost, networkCosts, type SomaCost } from "./net.js";

/** Connections a file may expand to before the convention refuses it (a dense 2^13 × 2^13 layer is 2^26). */
export const MAX_SANAFE_CONNECTIONS = 2 ** 28;

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

/**
 * Every connection SANA-FE makes from one edge (dense: all pairs; sparse / neuron: the pairs listed; conv2d:
 * every in-bounds kernel tap), from global source `s0 + s` to `d0 + d`: counted into `postStart[src + 1]`
 * when `fill` is undefined, else written at `post[fill[src]++]`, with its weight × 64 in `weight` and its |weight|
 * × 64 added to `fanIn[dst]` when given. Inline loops, no callback per connection: a network has millions of them.
 */
function addConnections(
  e: SanafeEdge,
  nSrc: number,
  nDst: number,
  s0: number,
  d0: number,
  postStart: Int32Array,
  fill?: Int32Array,
  post?: Int32Array,
  weight?: Int32Array,
  fanIn?: Float64Array,
): void {
  // the file's weights, one per connection (network.ts checks the count)
  const w = e.weights;
  if (e.kind === "neuron" || e.kind === "sparse") {
    (e.pairs ?? []).forEach(([s, d], k) => {
      if (!fill) postStart[s0 + s + 1]!++;
      else {
        const at = fill[s0 + s]!++;
        post![at] = d0 + d;
        if (weight) weight[at] = w[k]! * 64;
        if (weight && fanIn) fanIn[d0 + d]! += Math.abs(weight[at]!);
      }
    });
    return;
  }
  if (e.kind === "dense") {
    for (let s = 0; s < nSrc; s++) {
      if (!fill) postStart[s0 + s + 1]! += nDst;
      else
        for (let d = 0; d < nDst; d++) {
          const at = fill[s0 + s]!++;
          post![at] = d0 + d;
          if (weight) weight[at] = w[s * nDst + d]! * 64;
          if (weight && fanIn) fanIn[d0 + d]! += Math.abs(weight[at]!);
        }
    }
    return;
  }
  const c = e.conv!;
  const ow = Math.floor((c.inputWidth - c.kernelWidth) / c.strideWidth) + 1;
  const oh = Math.floor((c.inputHeight - c.kernelHeight) / c.strideHeight) + 1;
  if (!fill) {
    // counted by columns and rows: input x is reached by every (xo, kx) with xo·stride + kx = x, and so is y
    const cx = new Int32Array(c.inputWidth);
    const cy = new Int32Array(c.inputHeight);
    for (let xo = 0; xo < ow; xo++) for (let kx = 0; kx < c.kernelWidth; kx++) cx[xo * c.strideWidth + kx]!++;
    for (let yo = 0; yo < oh; yo++)
      for (let ky = 0; ky < c.kernelHeight; ky++) cy[yo * c.strideHeight + ky]!++;
    for (let ci = 0; ci < c.inputChannels; ci++)
      for (let y = 0; y < c.inputHeight; y++)
        for (let x = 0; x < c.inputWidth; x++) {
          const src = s0 + ci * c.inputWidth * c.inputHeight + y * c.inputWidth + x;
          postStart[src + 1]! += c.kernelCount * cy[y]! * cx[x]!;
        }
    return;
  }
  // source by source, each one's targets in ascending order (channel, row, column) as SANA-FE lists them:
  // written one after another, the weights read along c_out
  const { inputWidth: iw, inputHeight: ih, kernelWidth: kw, kernelHeight: kh, kernelCount: cout } = c;
  const { strideWidth: sw, strideHeight: sh, inputChannels: cin } = c;
  // a source's kernel taps in (row, column) order: the target's offset in an output channel, the weight's index
  // at c_out 0 (conv2d weights are [ky][kx][c_in][c_out])
  const tapTarget = new Int32Array(kh * kw);
  const tapWeight = new Int32Array(kh * kw);
  const plane = ow * oh;
  for (let ci = 0; ci < cin; ci++)
    for (let y = 0; y < ih; y++) {
      // output rows reaching input row y: yo·sh + ky = y with 0 ≤ ky < kh
      const yoFirst = Math.max(0, Math.ceil((y - kh + 1) / sh));
      const yoLast = Math.min(oh - 1, Math.floor(y / sh));
      for (let x = 0; x < iw; x++) {
        const xoFirst = Math.max(0, Math.ceil((x - kw + 1) / sw));
        const xoLast = Math.min(ow - 1, Math.floor(x / sw));
        let taps = 0;
        for (let yo = yoFirst; yo <= yoLast; yo++)
          for (let xo = xoFirst; xo <= xoLast; xo++, taps++) {
            tapTarget[taps] = yo * ow + xo;
            tapWeight[taps] = (((y - yo * sh) * kw + (x - xo * sw)) * cin + ci) * cout;
          }
        const src = s0 + ci * iw * ih + y * iw + x;
        let at = fill[src]!;
        for (let co = 0; co < cout; co++) {
          const base = d0 + co * plane;
          for (let j = 0; j < taps; j++, at++) {
            const dst = base + tapTarget[j]!;
            post![at] = dst;
            if (weight) {
              weight[at] = w[tapWeight[j]! + co]! * 64;
              if (fanIn) fanIn[dst]! += Math.abs(weight[at]!);
            }
          }
        }
        fill[src] = at;
      }
    }
}

/** Connections one edge makes (checked against the budget before anything is allocated for them). */
function connectionCount(e: SanafeEdge, nSrc: number, nDst: number): number {
  if (e.kind === "neuron" || e.kind === "sparse") return e.pairs?.length ?? 0;
  if (e.kind === "dense") return nSrc * nDst;
  const c = e.conv!;
  const ow = Math.floor((c.inputWidth - c.kernelWidth) / c.strideWidth) + 1;
  const oh = Math.floor((c.inputHeight - c.kernelHeight) / c.strideHeight) + 1;
  return c.kernelCount * ow * oh * c.inputChannels * c.kernelHeight * c.kernelWidth;
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
  const unitIndex = new Map<string, number>();
  const pick = (
    list: { name: string }[],
    name: string | undefined,
    section: string,
    at: () => string,
    dflt = 0,
  ) => {
    if (name === undefined || !units.named) return dflt;
    // a file names few units for many neurons: each name is looked up once per section
    const memo = `${section}\u0000${name}`;
    const known = unitIndex.get(memo);
    if (known !== undefined) return known;
    const i = list.findIndex((u) => unitNamed(u.name, name));
    if (i < 0)
      throw new SpikegridError(
        "USAGE",
        `${at()}: ${section} unit "${name}" is not a unit of ${profile.name} (it has ${list.map((u) => u.name).join(", ")})`,
        { hint: HINT },
      );
    unitIndex.set(memo, i);
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
    g.neurons.forEach((a, i) => {
      const k = base + i;
      const p = places[i]!;
      // where the neuron is mapped, for messages only (finding the line is not free)
      const at = () => f.at(p.path);
      if (p.tile >= width * height || p.core >= coresPerTile)
        throw new SpikegridError(
          "USAGE",
          `${at()}: core ${p.tile}.${p.core} is not on ${profile.name} (${width * height} tiles of ${coresPerTile} cores)`,
          { hint: "map the neuron to a core the profile has" },
        );
      coreId[k] = p.tile * coresPerTile + p.core;
      tiles.set(coreId[k]!, p.tile);
      isInput[k] = soma.kind === "input" ? 1 : 0;
      hasBias[k] = soma.kind === "lif" && soma.bias[i] !== 0 ? 1 : 0;
      const somaName = p.soma ?? textAttr(a, "soma_hw_name");
      somaOf[k] = pick(units.soma, somaName, "soma", at, soma.kind === "input" ? firstInputSoma : 0);
      synapseOf[k] = pick(units.synapse, p.synapse ?? textAttr(a, "synapse_hw_name"), "synapse", at);
      dendriteOf[k] = pick(units.dendrite, p.dendrite ?? textAttr(a, "dendrite_hw_name"), "dendrite", at);
      // SANA-FE processes a core's neurons in the order the mapping entries map them
      order[k] = Number(p.path[1] ?? 0) * 2 ** 24 + i;
    });
  }
  // cores in SANA-FE's id order (tile by tile), each with its neurons in mapping order
  const ids = [...tiles.keys()].sort((a, b) => a - b);
  const slotOf = new Map(ids.map((id, s) => [id, s]));
  const coreOf = Int32Array.from(coreId, (id) => slotOf.get(id)!);
  const members: number[][] = ids.map(() => []);
  for (let k = 0; k < n; k++) members[coreOf[k]!]!.push(k);
  const cores: ConventionNet["cores"] = ids.map((id, s) => {
    const tile = tiles.get(id)!;
    return {
      id,
      tile,
      x: Math.floor(tile / height),
      y: tile % height,
      offset: id % coresPerTile,
      neurons: Int32Array.from(members[s]!.sort((a, b) => order[a]! - order[b]!)),
    };
  });

  // every connection, bucketed by source neuron
  let total = 0;
  const sizeOf = new Map(groups.map((g) => [g.id, g.size]));
  const groupOf = new Map(groups.map((g) => [g.id, g]));
  for (const e of net.edges) {
    const count = connectionCount(e, sizeOf.get(e.src)!, sizeOf.get(e.dst)!);
    total += count;
    groupOf.get(e.dst)!.connectionsIn += count;
  }
  if (total > MAX_SANAFE_CONNECTIONS)
    throw new SpikegridError(
      "USAGE",
      `${file}: ${total} connections exceed the sanafe convention's budget MAX_SANAFE_CONNECTIONS (${MAX_SANAFE_CONNECTIONS})`,
      { hint: "run the default convention, or split the network" },
    );
  const postStart = new Int32Array(n + 1);
  for (const e of net.edges)
    addConnections(
      e,
      sizeOf.get(e.src)!,
      sizeOf.get(e.dst)!,
      startOf.get(e.src)!,
      startOf.get(e.dst)!,
      postStart,
    );
  for (let k = 0; k < n; k++) postStart[k + 1]! += postStart[k]!;
  const fill = postStart.slice(0, n);
  const post = new Int32Array(total);
  const weight = withWeights ? new Int32Array(total) : undefined;
  const fanIn = withWeights ? new Float64Array(n) : undefined;
  for (const e of net.edges) {
    const [ns, nd] = [sizeOf.get(e.src)!, sizeOf.get(e.dst)!];
    addConnections(e, ns, nd, startOf.get(e.src)!, startOf.get(e.dst)!, postStart, fill, post, weight, fanIn);
  }

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
  const { msgStart, msgCore, msgSynapses, msgSynapseJ, msgDendriteJ, msgLatencyS } = messageTable(
    postStart,
    post,
    coreOf,
    ids.length,
    lookupJ,
    lookupDendriteJ,
    lookupS,
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
