// Test helper: a tiny, independent float model of SANA-FE's semantics (as documented in README.md), run
// straight from the file's text with the plain `yaml` parser: spikes per step for every group.
// Only the subset the tests write: dense / sparse / conv2d / neuron edges, input trains, the LIF soma.

import { parse } from "yaml";

type Obj = Record<string, unknown>;
const entries = (v: unknown): [string, unknown][] =>
  v == null ? [] : Array.isArray(v) ? v.flatMap(entries) : Object.entries(v as Obj);

interface Neuron {
  a: Obj;
  v: number;
  u: number;
  buf: number;
  input: boolean;
}

/** spikes[group][t] = sorted neuron ids that fired at step t (0-based = SANA-FE step t + 1). */
export function sanafeSpikes(text: string, steps: number): Record<string, number[][]> {
  const net = (parse(text) as Obj).network as Obj;
  const groups = new Map<string, Neuron[]>();
  for (const g of net.groups as Obj[]) {
    const defaults = Object.fromEntries(
      entries(g.attributes).flatMap(([k, v]) => (k === "soma" ? entries(v) : [[k, v]])),
    );
    const list: Neuron[] = [];
    for (const item of g.neurons as unknown[]) {
      const [id, attrs] = typeof item === "object" ? Object.entries(item as Obj)[0]! : [String(item), null];
      const [a, b] = String(id).split("..").map(Number);
      const own = {
        ...defaults,
        ...Object.fromEntries(entries(attrs).flatMap(([k, v]) => (k === "soma" ? entries(v) : [[k, v]]))),
      };
      for (let i = a!; i <= (b ?? a!); i++) list[i] = { a: own, v: 0, u: 0, buf: 0, input: "spikes" in own };
    }
    groups.set(String(g.name), list);
  }
  // synapses: [srcGroup, srcId, dstGroup, dstId, w]
  const syn: [string, number, string, number, number][] = [];
  for (const e of net.edges as Obj[]) {
    const [desc, attrs] = Object.entries(e)[0]!;
    const [s, d] = desc.split("->").map((x) => x.trim());
    const at = Object.fromEntries(entries(attrs)) as Obj;
    const w = (at.weight ?? (at.synapse as Obj | undefined)?.weight) as number | number[];
    if (s!.includes(".")) {
      const [sg, si] = s!.split(".");
      const [dg, di] = d!.split(".");
      syn.push([sg!, Number(si), dg!, Number(di), w as number]);
      continue;
    }
    const ws = w as number[];
    const ns = groups.get(s!)!.length;
    const nd = groups.get(d!)!.length;
    if (at.type === "dense")
      for (let i = 0; i < ns; i++) for (let j = 0; j < nd; j++) syn.push([s!, i, d!, j, ws[i * nd + j]!]);
    if (at.type === "sparse")
      (at.source_target_pairs as number[][]).forEach(([i, j], k) => {
        syn.push([s!, i!, d!, j!, ws[k]!]);
      });
    if (at.type === "conv2d") {
      const [W, H, C, kw, kh, K, sw, sh] = [
        "input_width",
        "input_height",
        "input_channels",
        "kernel_width",
        "kernel_height",
        "kernel_count",
        "stride_width",
        "stride_height",
      ].map((k) => at[k] as number);
      const ow = Math.floor((W! - kw!) / sw!) + 1;
      const oh = Math.floor((H! - kh!) / sh!) + 1;
      for (let co = 0; co < K!; co++)
        for (let y = 0; y < oh; y++)
          for (let x = 0; x < ow; x++)
            for (let ci = 0; ci < C!; ci++)
              for (let fy = 0; fy < kh!; fy++)
                for (let fx = 0; fx < kw!; fx++)
                  syn.push([
                    s!,
                    ci * W! * H! + (y * sh! + fy) * W! + x * sw! + fx,
                    d!,
                    co * ow * oh + y * ow + x,
                    ws[((fy * kw! + fx) * C! + ci) * K! + co]!,
                  ]);
    }
  }
  const out: Record<string, number[][]> = Object.fromEntries([...groups.keys()].map((g) => [g, []]));
  const num = (a: Obj, k: string, d: number) => (a[k] === undefined ? d : Number(a[k]));
  for (let t = 0; t < steps; t++) {
    const fired: [string, number][] = [];
    for (const [g, list] of groups) {
      const now: number[] = [];
      list.forEach((n, i) => {
        if (n.input) {
          if ((n.a.spikes as number[])[t]) now.push(i);
          return;
        }
        // SANA-FE leaky_integrate_fire: leak, truncate to 1/64, + bias, u = u·input_decay + in, + u, compare, reset
        if (t > 0) {
          n.u *= num(n.a, "input_decay", 0);
          n.v *= num(n.a, "leak_decay", 1);
        }
        n.v = Math.trunc(n.v * 64) / 64;
        n.v += num(n.a, "bias", 0);
        n.u += n.buf;
        n.v += n.u;
        n.buf = 0;
        const th = num(n.a, "threshold", 0);
        if (n.v > th) {
          now.push(i);
          const mode = (n.a.reset_mode as string) ?? "hard";
          if (mode === "hard") n.v = num(n.a, "reset", 0);
          else if (mode === "soft") n.v -= th;
        }
        const rth = num(n.a, "reverse_threshold", 0);
        if (n.v < rth && n.a.reverse_reset_mode === "saturate") n.v = rth;
      });
      out[g]!.push(now);
      for (const i of now) fired.push([g, i]);
    }
    // messages of step t reach the somas at step t + 1
    for (const [g, i] of fired)
      for (const [sg, si, dg, di, w] of syn) if (sg === g && si === i) groups.get(dg)![di]!.buf += w;
  }
  return out;
}
