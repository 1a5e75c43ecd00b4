// The `network:` section of a SANA-FE SNN YAML as plain data: groups with per-neuron attributes (group
// defaults, then each neuron entry; ranges `a..b`) and connections (neuron edges, dense / sparse / conv2d).

import {
  attributeEntries,
  isMap,
  numberOf,
  rangeOf,
  type YamlFile,
  type YPath,
  type YValue,
} from "./yaml-read.js";

/** One attribute as written, with where it was written (for messages). */
export interface Attr {
  value: YValue;
  path: YPath;
}
export type Attrs = Map<string, Attr>;

export interface SanafeGroup {
  name: string;
  size: number;
  path: YPath;
  /** Per neuron: soma-visible attributes (shared and `soma:`-scoped), later entries winning. */
  neurons: Attrs[];
  /** Keys written under `dendrite:` scopes (the importer models no dendrite unit attributes). */
  dendriteKeys: Set<string>;
}

export interface Conv2dSpec {
  inputWidth: number;
  inputHeight: number;
  inputChannels: number;
  kernelWidth: number;
  kernelHeight: number;
  kernelCount: number;
  strideWidth: number;
  strideHeight: number;
}

/** One `edges:` entry. Weights are as written: per connection (sparse/neuron), row-major (src, dst) for
 * dense, `[ky][kx][c_in][c_out]` for conv2d. */
export interface SanafeEdge {
  kind: "neuron" | "dense" | "sparse" | "conv2d";
  src: string;
  dst: string;
  path: YPath;
  weights: Float64Array;
  /** neuron: one pair; sparse: every (source, target) pair. */
  pairs?: [number, number][];
  conv?: Conv2dSpec;
  /** Per-connection dendrite delays as written (all zero when absent). */
  delays?: Float64Array;
  /** Attribute names the importer does not model (reported). */
  ignored: string[];
}

export interface SanafeNetwork {
  name: string;
  groups: Map<string, SanafeGroup>;
  edges: SanafeEdge[];
}

const CONV_KEYS: Record<string, keyof Conv2dSpec> = {
  input_width: "inputWidth",
  input_height: "inputHeight",
  input_channels: "inputChannels",
  kernel_width: "kernelWidth",
  kernel_height: "kernelHeight",
  kernel_count: "kernelCount",
  stride_width: "strideWidth",
  stride_height: "strideHeight",
};

/** Neurons per group and per network the importer accepts (SANA-FE's own soma units hold 1024 to 4096). */
export const MAX_SANAFE_NEURONS = 2 ** 24;

/** Adds a neuron entry's attributes onto `into` (shared keys and the `soma:` scope; `dendrite:` keys noted). */
function mergeNeuronAttrs(into: Attrs, v: YValue, path: YPath, dendriteKeys: Set<string>): void {
  for (const [key, value, at] of attributeEntries(v, path)) {
    if (key === "soma" || key === "dendrite" || key === "synapse") {
      for (const [k, x, p] of attributeEntries(value, at)) {
        if (key === "soma") into.set(k, { value: x, path: p });
        else dendriteKeys.add(`${key}.${k}`);
      }
    } else into.set(key, { value, path: at });
  }
}

function parseGroup(f: YamlFile, g: YValue, path: YPath, total: { n: number }): SanafeGroup {
  if (!isMap(g)) f.fail(path, "a group must be a mapping with name:, neurons: and optional attributes:");
  const name = typeof g.name === "string" ? g.name.trim() : "";
  if (!name) f.fail(path, "the group has no name:", "give every group a name: (a word or a number)");
  if (name.includes("."))
    f.fail(
      [...path, "name"],
      `group name "${name}" contains "."`,
      "SANA-FE addresses neurons as group.neuron; rename the group",
    );
  const list = g.neurons;
  if (!Array.isArray(list))
    f.fail([...path, "neurons"], `group "${name}" needs neurons: as a list of ids or ranges (e.g. - 0..15)`);
  // SANA-FE sizes a group by counting the ids listed, then sets each listed neuron's attributes
  const entries: { ids: [number, number]; attrs: YValue; at: YPath }[] = [];
  list.forEach((item, i) => {
    const at = [...path, "neurons", i];
    const pairs: [string, YValue, YPath][] =
      typeof item === "string"
        ? [[item, null, at]]
        : isMap(item)
          ? Object.entries(item).map(([k, v]) => [k, v, [...at, k]])
          : [];
    if (!pairs.length) f.fail(at, "a neuron entry must be an id, a range a..b, or id: [attributes]");
    for (const [id, attrs, p] of pairs) {
      const r = rangeOf(id);
      if (!r)
        f.fail(p, `"${id}" is not a neuron id or range`, "write an id (3) or an inclusive range (0..15)");
      entries.push({ ids: r, attrs, at: p });
    }
  });
  const size = entries.reduce((a, e) => a + e.ids[1] - e.ids[0] + 1, 0);
  total.n += size;
  if (size > MAX_SANAFE_NEURONS || total.n > MAX_SANAFE_NEURONS)
    f.fail(
      [...path, "neurons"],
      `more than ${MAX_SANAFE_NEURONS} neurons (the importer's limit MAX_SANAFE_NEURONS)`,
      "split the network",
    );
  const dendriteKeys = new Set<string>();
  const defaults: Attrs = new Map();
  mergeNeuronAttrs(defaults, g.attributes ?? null, [...path, "attributes"], dendriteKeys);
  const neurons: (Attrs | undefined)[] = new Array(size);
  for (const e of entries) {
    if (e.ids[1] >= size)
      f.fail(
        e.at,
        `neuron ${e.ids[1]} is outside group "${name}" of ${size} neurons (a group's size is the number of ids it lists)`,
        `number the neurons 0..${size - 1}`,
      );
    const own: Attrs = new Map(defaults);
    mergeNeuronAttrs(own, e.attrs, e.at, dendriteKeys);
    for (let i = e.ids[0]; i <= e.ids[1]; i++) {
      if (neurons[i]) f.fail(e.at, `neuron ${name}.${i} is listed twice`, "list each neuron once");
      neurons[i] = own;
    }
  }
  return { name, size, path, neurons: neurons as Attrs[], dendriteKeys };
}

function numberList(f: YamlFile, v: YValue, path: YPath, what: string): Float64Array {
  const list = Array.isArray(v) ? v : [v];
  const out = new Float64Array(list.length);
  list.forEach((x, i) => {
    const n = numberOf(x);
    if (n === undefined)
      f.fail(Array.isArray(v) ? [...path, i] : path, `${what} must be numbers, found ${JSON.stringify(x)}`);
    out[i] = n;
  });
  return out;
}

/** Splits "a.3 -> b.1" / "a -> b" into addresses. */
function parseDescription(f: YamlFile, text: string, path: YPath) {
  const arrow = text.indexOf("->");
  if (arrow < 0)
    f.fail(path, `edge "${text}" has no "->"`, "write src -> dst (groups) or src.i -> dst.j (neurons)");
  const side = (s: string) => {
    const t = s.trim();
    const dot = t.indexOf(".");
    const group = dot < 0 ? t : t.slice(0, dot);
    const idText = dot < 0 ? undefined : t.slice(dot + 1);
    const id = idText === undefined ? undefined : rangeOf(idText);
    if (idText !== undefined && (!id || id[0] !== id[1]))
      f.fail(path, `"${t}" is not group.neuron`, "write a single neuron id after the dot");
    return { group, id: id?.[0] };
  };
  const src = side(text.slice(0, arrow));
  const dst = side(text.slice(arrow + 2));
  if ((src.id === undefined) !== (dst.id === undefined))
    f.fail(
      path,
      `edge "${text}" mixes a neuron and a group`,
      "connect neuron to neuron (a.0 -> b.1) or group to group (a -> b)",
    );
  return { src, dst };
}

function parseEdge(f: YamlFile, net: SanafeNetwork, item: YValue, path: YPath): SanafeEdge {
  if (!isMap(item) || Object.keys(item).length !== 1)
    f.fail(path, "an edge must be one entry src -> dst: [attributes]");
  const [text, attrs] = Object.entries(item)[0]!;
  const at = [...path, text];
  const { src, dst } = parseDescription(f, text, at);
  for (const s of [src, dst]) {
    const g = net.groups.get(s.group);
    if (!g)
      f.fail(
        at,
        `edge "${text}" names group "${s.group}", which is not defined`,
        `defined groups: ${[...net.groups.keys()].join(", ")}`,
      );
    if (s.id !== undefined && s.id >= g.size)
      f.fail(at, `neuron ${s.group}.${s.id} does not exist (the group has ${g.size})`);
  }
  // flatten: shared keys, then `synapse:`/`dendrite:` scopes
  const flat = new Map<string, { value: YValue; path: YPath; scope: string }>();
  for (const [k, v, p] of attributeEntries(attrs, at)) {
    if (k === "synapse" || k === "dendrite" || k === "soma")
      for (const [k2, v2, p2] of attributeEntries(v, p))
        flat.set(`${k}.${k2}`, { value: v2, path: p2, scope: k });
    else flat.set(k, { value: v, path: p, scope: "" });
  }
  const get = (name: string) => flat.get(name) ?? flat.get(`synapse.${name}`);
  const weightAttr = get("weight") ?? get("w");
  const delayAttr =
    flat.get("delay") ?? flat.get("d") ?? flat.get("dendrite.delay") ?? flat.get("dendrite.d");
  const typeAttr = flat.get("type");
  const known = new Set([
    "type",
    "weight",
    "w",
    "synapse.weight",
    "synapse.w",
    "delay",
    "d",
    "dendrite.delay",
    "dendrite.d",
    "source_target_pairs",
    ...Object.keys(CONV_KEYS),
  ]);
  const ignored = [...flat.keys()].filter((k) => !known.has(k));
  const weightsOf = () =>
    weightAttr ? numberList(f, weightAttr.value, weightAttr.path, "weights") : undefined;
  const delaysOf = () => (delayAttr ? numberList(f, delayAttr.value, delayAttr.path, "delays") : undefined);
  if (src.id !== undefined) {
    const w = weightsOf() ?? new Float64Array([0]);
    const d = delaysOf();
    if (w.length !== 1 || (d && d.length !== 1))
      f.fail(weightAttr?.path ?? at, "a neuron-to-neuron edge takes one weight (and one delay)");
    const e: SanafeEdge = {
      kind: "neuron",
      src: src.group,
      dst: dst.group,
      path: at,
      weights: w,
      pairs: [[src.id, dst.id!]],
      ignored,
    };
    if (d) e.delays = d;
    return e;
  }
  const type = typeof typeAttr?.value === "string" ? typeAttr.value.trim() : "";
  if (type !== "dense" && type !== "sparse" && type !== "conv2d")
    f.fail(
      typeAttr?.path ?? at,
      type ? `unknown hyperedge type "${type}"` : `group edge "${text}" has no type:`,
      "type: dense, sparse or conv2d",
    );
  const nSrc = net.groups.get(src.group)!.size;
  const nDst = net.groups.get(dst.group)!.size;
  const e: SanafeEdge = {
    kind: type,
    src: src.group,
    dst: dst.group,
    path: at,
    weights: new Float64Array(),
    ignored,
  };
  let count: number;
  let layout: string;
  if (type === "dense") {
    count = nSrc * nDst;
    layout = `${nSrc} sources × ${nDst} targets, row-major by source`;
  } else if (type === "sparse") {
    const pairsAttr = flat.get("source_target_pairs");
    if (!pairsAttr || !Array.isArray(pairsAttr.value))
      f.fail(pairsAttr?.path ?? at, "a sparse edge needs source_target_pairs: [[src, dst], ...]");
    e.pairs = pairsAttr.value.map((pr, i) => {
      const p = [...pairsAttr.path, i];
      const a = Array.isArray(pr) && pr.length === 2 ? pr.map((x) => numberOf(x)) : [];
      if (a.length !== 2 || !a.every((x) => x !== undefined && Number.isInteger(x) && x >= 0))
        f.fail(p, "each source_target_pairs entry must be [source, target] neuron ids");
      if (a[0]! >= nSrc || a[1]! >= nDst)
        f.fail(p, `pair [${a[0]}, ${a[1]}] is outside ${src.group} (${nSrc}) or ${dst.group} (${nDst})`);
      return [a[0]!, a[1]!] as [number, number];
    });
    count = e.pairs.length;
    layout = `one per source_target_pairs entry (${count})`;
  } else {
    const spec = {} as Conv2dSpec;
    for (const [key, field] of Object.entries(CONV_KEYS)) {
      const a = flat.get(key);
      const v = a ? numberOf(a.value) : undefined;
      if (!a || v === undefined || !Number.isInteger(v) || v < 1)
        f.fail(a?.path ?? at, `conv2d needs ${key}: a whole number ≥ 1`);
      spec[field] = v;
    }
    const outW = Math.floor((spec.inputWidth - spec.kernelWidth) / spec.strideWidth) + 1;
    const outH = Math.floor((spec.inputHeight - spec.kernelHeight) / spec.strideHeight) + 1;
    const inSize = spec.inputWidth * spec.inputHeight * spec.inputChannels;
    const outSize = outW * outH * spec.kernelCount;
    if (spec.kernelWidth > spec.inputWidth || spec.kernelHeight > spec.inputHeight)
      f.fail(
        at,
        `conv2d kernel ${spec.kernelWidth}x${spec.kernelHeight} is larger than the input ${spec.inputWidth}x${spec.inputHeight} (no padding)`,
      );
    if (inSize !== nSrc)
      f.fail(
        at,
        `conv2d input ${spec.inputChannels}x${spec.inputHeight}x${spec.inputWidth} = ${inSize} neurons, but group "${src.group}" has ${nSrc}`,
        "make input_channels × input_height × input_width equal the source group's size",
      );
    if (outSize !== nDst)
      f.fail(
        at,
        `conv2d output ${spec.kernelCount}x${outH}x${outW} = ${outSize} neurons (no padding), but group "${dst.group}" has ${nDst}`,
        "make the target group kernel_count × output height × output width neurons",
      );
    e.conv = spec;
    count = spec.kernelHeight * spec.kernelWidth * spec.inputChannels * spec.kernelCount;
    layout = `kernel_height × kernel_width × input_channels × kernel_count = ${count}, channels-last`;
  }
  const w = weightsOf();
  if (!w)
    f.fail(at, `edge "${text}" has no weight list`, `give weight: [...] with ${count} entries (${layout})`);
  if (w.length !== count)
    f.fail(
      weightAttr!.path,
      `edge "${text}" has ${w.length} weights where ${count} are needed (${layout})`,
      "give one weight per connection",
    );
  e.weights = w;
  const d = delaysOf();
  if (d && d.length !== count)
    f.fail(delayAttr!.path, `edge "${text}" has ${d.length} delays where ${count} are needed (${layout})`);
  if (d) e.delays = d;
  return e;
}

/** Parses `network:` (groups first, so edges can name them). */
export function parseNetwork(f: YamlFile): SanafeNetwork {
  const root = f.root;
  const section = isMap(root) ? root.network : undefined;
  if (!isMap(section))
    f.fail(
      [],
      "not a SANA-FE network: no top-level network: mapping",
      "a SANA-FE SNN file has network: {groups, edges} and mappings:",
    );
  const groupsV = section.groups;
  if (!Array.isArray(groupsV)) f.fail(["network"], "network: has no groups: list");
  const net: SanafeNetwork = {
    name: typeof section.name === "string" ? section.name : "sanafe",
    groups: new Map(),
    edges: [],
  };
  const total = { n: 0 };
  groupsV.forEach((g, i) => {
    const group = parseGroup(f, g, ["network", "groups", i], total);
    if (net.groups.has(group.name)) f.fail(group.path, `group "${group.name}" is defined twice`);
    net.groups.set(group.name, group);
  });
  const edgesV = section.edges ?? [];
  if (!Array.isArray(edgesV))
    f.fail(["network", "edges"], "edges: must be a list of src -> dst: [attributes]");
  edgesV.forEach((e, i) => {
    net.edges.push(parseEdge(f, net, e, ["network", "edges", i]));
  });
  return net;
}
