// A SANA-FE file's `mappings:` read aside (for the direct run, simulator/chip/sanafe/direct.ts): when it is the
// file's last section and every entry is one line of the fast reader's one-line form (`- {'5.0': {core: '0.0'}}`,
// yaml-fast-line.ts), each entry's place is made straight from its line — no YAML tree of ~10⁴ entries — and
// the rest of the file is read as before. Anything else, and any entry parseMappings would refuse, gives
// undefined: the caller then reads the whole file as before, so every value and every error stays the same.

import type { NeuronPlace, SanafePlacement } from "./mappings.js";
import type { SanafeNetwork } from "./network.js";
import { lineFlowEntry } from "./yaml-fast-line.js";
import { rangeOf, type YPath } from "./yaml-read.js";

export interface MappingsAside {
  /** The text before `mappings:` (the same lines as in the file). */
  head: string;
  /** Per entry, [address, key, value, …] as written. */
  entries: string[][];
  /** Per entry, its 1-based line. */
  lines: Int32Array;
}

const NL = 10;
const SP = 32;
const DASH = 45;
const OPEN = 123;
/** The characters the fast reader takes (yaml-fast.ts): anything else is the `yaml` package's to read. */
const OUTSIDE_FAST = /[^\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;

/** `text` split at a last `mappings:` section of one-line entries, or undefined. */
export function splitMappings(text: string): MappingsAside | undefined {
  const key = text.indexOf("\nmappings:") + 1;
  if (key <= 0) return undefined;
  let at = key + "mappings:".length;
  while (text.charCodeAt(at) === SP) at++;
  if (text.charCodeAt(at) !== NL) return undefined;
  if (OUTSIDE_FAST.test(text.slice(at))) return undefined;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < key; i = text.indexOf("\n", i + 1)) line++;
  const entries: string[][] = [];
  const lines: number[] = [];
  let indent = -1;
  // `at` is on the newline ending the previous line
  while (at < text.length) {
    at++;
    line++;
    const start = at;
    while (text.charCodeAt(at) === SP) at++;
    if (at >= text.length) break;
    if (text.charCodeAt(at) === NL) continue;
    // every entry `- {…}` at one indentation; anything else (a comment, another key, a nested line) is not ours
    if (indent < 0) indent = at - start;
    if (at - start !== indent || text.charCodeAt(at) !== DASH || text.charCodeAt(at + 1) !== SP)
      return undefined;
    at++;
    while (text.charCodeAt(at) === SP) at++;
    if (text.charCodeAt(at) !== OPEN) return undefined;
    const e = lineFlowEntry(text, at);
    if (!e) return undefined;
    entries.push(e.pairs);
    lines.push(line);
    at = e.end;
  }
  if (!entries.length) return undefined;
  return { head: text.slice(0, key), entries, lines: Int32Array.from(lines) };
}

/** The 1-based line of `path` (under `mappings`) in the file `aside` came from, as the fast reader gives it. */
export function asideLine(aside: MappingsAside, path: YPath): number {
  const i = path[1];
  const index = typeof i === "string" && i !== "" ? Number(i) : i;
  if (typeof index === "number" && Number.isInteger(index) && index >= 0 && index < aside.lines.length)
    return aside.lines[index]!;
  return aside.lines[0]!;
}

/** The places of `aside`'s entries on `net`, as parseMappings makes them; undefined where it would refuse one. */
export function placeAside(aside: MappingsAside, net: SanafeNetwork): SanafePlacement | undefined {
  const placed: SanafePlacement = new Map(
    [...net.groups].map(([n, g]) => [n, new Array<NeuronPlace>(g.size)]),
  );
  const cores = new Map<string, [number, number]>();
  const { entries } = aside;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const address = e[0]!;
    const dot = address.indexOf(".");
    const group = (dot < 0 ? address : address.slice(0, dot)).trim();
    const g = net.groups.get(group);
    if (!g) return undefined;
    const ids = dot < 0 ? ([0, g.size - 1] as [number, number]) : rangeOf(address.slice(dot + 1));
    if (!ids || ids[1] >= g.size) return undefined;
    const place: Partial<NeuronPlace> = { path: ["mappings", i, address] };
    for (let j = 1; j < e.length; j += 2) {
      const k = e[j]!;
      const v = e[j + 1]!;
      if (k === "core") {
        let tc = cores.get(v);
        if (!tc) {
          const m = /^\s*(\d+)\.(\d+)\s*$/.exec(v);
          if (!m) return undefined;
          tc = [Number(m[1]), Number(m[2])];
          cores.set(v, tc);
        }
        place.tile = tc[0];
        place.core = tc[1];
      } else if (k === "soma" || k === "synapse" || k === "dendrite") place[k] = v.trim();
      else return undefined;
    }
    if (place.tile === undefined) return undefined;
    const slots = placed.get(group)!;
    for (let n = ids[0]; n <= ids[1]; n++) {
      if (slots[n]) return undefined;
      slots[n] = place as NeuronPlace;
    }
  }
  for (const slots of placed.values()) for (let n = 0; n < slots.length; n++) if (!slots[n]) return undefined;
  return placed;
}
