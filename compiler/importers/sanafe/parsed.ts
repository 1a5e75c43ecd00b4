// A SANA-FE network file parsed once for two readers: `simulate --convention sanafe` reads the same file twice
// (the importer, then the convention's connection table), so the next reader of the same text takes the last
// parse — held weakly, so a run that never reads the file again does not keep the tree alive.

import { parseMappings, type SanafePlacement } from "./mappings.js";
import { asideLine, mappingsStart, placeAside, quickPlaceAside, splitMappings } from "./mappings-aside.js";
import { parseNetwork, type SanafeNetwork } from "./network.js";
import { readSomas, type Soma } from "./soma.js";
import { isMap, YamlFile } from "./yaml-read.js";

export interface ParsedSanafe {
  f: YamlFile;
  net: SanafeNetwork;
  /** Filled by the first reader that needs them (mappingsOf, somasOf). */
  placement?: { value: SanafePlacement | undefined };
  somas?: { value: Map<string, Soma>; warnings: string[] };
}

/** The file's `mappings:` (not checked against a chip), read once per parse. */
export function mappingsOf(p: ParsedSanafe): SanafePlacement | undefined {
  p.placement ??= { value: parseMappings(p.f, p.net) };
  return p.placement.value;
}

/** Every group's soma model, read once per parse; its warnings are added to `warnings` on every call. */
export function somasOf(p: ParsedSanafe, warnings: string[]): Map<string, Soma> {
  if (!p.somas) {
    const own: string[] = [];
    p.somas = { value: readSomas(p.f, p.net.groups.values(), own), warnings: own };
  }
  warnings.push(...p.somas.warnings);
  return p.somas.value;
}

let last: { file: string; text: string; parsed: WeakRef<ParsedSanafe> } | undefined;

/**
 * The YAML and the network of `text` (read from `file`). The next call with the same file and text gets the
 * same objects once (unless the garbage collector took them: then it parses again); nothing mutates them.
 */
export function parseSanafeFile(text: string, file: string): ParsedSanafe {
  // comparing the text (a memcmp) is far cheaper than parsing it again
  const kept = last && last.file === file && last.text === text ? last.parsed.deref() : undefined;
  last = undefined;
  if (kept) return kept;
  const f = YamlFile.parse(text, file, "IMPORT_FAILED");
  const parsed = { f, net: parseNetwork(f) };
  last = { file, text, parsed: new WeakRef(parsed) };
  return parsed;
}

let lastDirect: { file: string; text: string; parsed: WeakRef<ParsedSanafe> } | undefined;

/**
 * The direct run's parse of `text` (simulator/chip/sanafe/direct.ts): its `mappings:` read aside
 * (mappings-aside.ts) where it can be — the YAML of the rest, the network and the placement; the file's lines the
 * same — else `parseSanafeFile`'s. Its root has no `mappings` then: only readers that take the placement from
 * `mappingsOf` may have it, so it is kept apart from `parseSanafeFile`'s (the next call with the same file and text
 * gets it, once). Any problem on the aside path reads the whole file instead, so every error is the one that
 * read meets.
 */
export function parseSanafeDirectFile(text: string, file: string): ParsedSanafe {
  const kept =
    lastDirect && lastDirect.file === file && lastDirect.text === text
      ? lastDirect.parsed.deref()
      : undefined;
  lastDirect = undefined;
  if (kept) return kept;
  const start = mappingsStart(text);
  if (start) {
    let parsed: ParsedSanafe | undefined;
    try {
      const head = YamlFile.parseFast(text.slice(0, start.key), file);
      if (head && isMap(head.root) && !Object.hasOwn(head.root, "mappings")) {
        const net = parseNetwork(head);
        // SANA-FE's own one-line form, else any one-line entries
        const quick = quickPlaceAside(text, start, net);
        const aside = quick ? undefined : splitMappings(text);
        const placement = quick?.placement ?? (aside && placeAside(aside, net));
        const lines = quick ?? aside;
        if (placement && lines) {
          const f = head.withSection("mappings", (path) => asideLine(lines, path));
          parsed = { f, net, placement: { value: placement } };
        }
      }
    } catch {
      // the whole file, read below, says what is wrong with it
    }
    if (parsed) {
      lastDirect = { file, text, parsed: new WeakRef(parsed) };
      return parsed;
    }
  }
  const whole = parseSanafeFile(text, file);
  lastDirect = { file, text, parsed: new WeakRef(whole) };
  return whole;
}
