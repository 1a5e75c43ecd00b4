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

/** Where a last `mappings:` section starts: its key's index, the line break ending its line, and that line's
 * number; undefined where the section is not the file's last or holds characters the fast reader does not take. */
export function mappingsStart(text: string): { key: number; at: number; line: number } | undefined {
  const key = text.indexOf("\nmappings:") + 1;
  if (key <= 0) return undefined;
  let at = key + "mappings:".length;
  while (text.charCodeAt(at) === SP) at++;
  if (text.charCodeAt(at) !== NL) return undefined;
  if (OUTSIDE_FAST.test(text.slice(at))) return undefined;
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < key; i = text.indexOf("\n", i + 1)) line++;
  return { key, at, line };
}

/** `text` split at a last `mappings:` section of one-line entries, or undefined. */
export function splitMappings(text: string): MappingsAside | undefined {
  const start = mappingsStart(text);
  if (!start) return undefined;
  let { at, line } = start;
  const entries: string[][] = [];
  const lines: number[] = [];
  let indent = -1;
  // `at` is on the newline ending the previous line
  while (at < text.length) {
    at++;
    line++;
    const begin = at;
    while (text.charCodeAt(at) === SP) at++;
    if (at >= text.length) break;
    if (text.charCodeAt(at) === NL) continue;
    // every entry `- {…}` at one indentation; anything else (a comment, another key, a nested line) is not ours
    if (indent < 0) indent = at - begin;
    if (at - begin !== indent || text.charCodeAt(at) !== DASH || text.charCodeAt(at + 1) !== SP)
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
  return { head: text.slice(0, start.key), entries, lines: Int32Array.from(lines) };
}

/**
 * SANA-FE's own form of the section — every entry `- {'g.n': {core: 't.c'}}` or `- {'g.a..b': …}`, quoted or
 * not, spaced exactly so, at one indentation — placed straight from one regular expression a line (its code
 * compiled natively by the engine: the section is read once, before any of its JS is optimized), with no entry
 * arrays; the same places and lines as splitMappings + placeAside. Any other line, and anything placeAside would
 * refuse, gives undefined (the caller then takes that path).
 */
export function quickPlaceAside(
  text: string,
  start: { at: number; line: number },
  net: SanafeNetwork,
): { placement: SanafePlacement; lines: Int32Array } | undefined {
  const placed: SanafePlacement = new Map(
    [...net.groups].map(([n, g]) => [n, new Array<NeuronPlace>(g.size)]),
  );
  const entry =
    / *- \{(['"]?)([A-Za-z0-9_]+)\.((\d+)(?:\.\.(\d+))?)\1: \{core: (['"]?)(\d+)\.(\d+)\6\}\} *(?:\n|$)/y;
  const lines: number[] = [];
  let { at, line } = start;
  let indent = -1;
  let group = "";
  let slots: NeuronPlace[] | undefined;
  for (at++, line++; at < text.length; line++) {
    let i = at;
    while (text.charCodeAt(i) === SP) i++;
    // blank lines between entries
    if (text.charCodeAt(i) === NL || i >= text.length) {
      at = i + 1;
      continue;
    }
    if (indent < 0) indent = i - at;
    entry.lastIndex = at;
    const m = i - at === indent ? entry.exec(text) : null;
    if (!m) return undefined;
    at = entry.lastIndex;
    if (m[2] !== group) {
      group = m[2]!;
      slots = placed.get(group);
    }
    const g = net.groups.get(group);
    const first = Number(m[4]);
    const last = m[5] === undefined ? first : Number(m[5]);
    if (!slots || !g || last < first || last >= g.size) return undefined;
    const place: NeuronPlace = {
      path: ["mappings", lines.length, `${group}.${m[3]}`],
      tile: Number(m[7]),
      core: Number(m[8]),
    };
    for (let n = first; n <= last; n++) {
      if (slots[n]) return undefined;
      slots[n] = place;
    }
    lines.push(line);
  }
  if (!lines.length) return undefined;
  for (const s of placed.values()) for (let n = 0; n < s.length; n++) if (!s[n]) return undefined;
  return { placement: placed, lines: Int32Array.from(lines) };
}

/** The 1-based line of `path` (under `mappings`) in the file `aside` came from, as the fast reader gives it. */
export function asideLine(aside: Pick<MappingsAside, "lines">, path: YPath): number {
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
