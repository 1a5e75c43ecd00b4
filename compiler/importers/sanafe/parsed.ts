// A SANA-FE network file parsed once for two readers: `simulate --convention sanafe` reads the same file twice
// (the importer, then the convention's connection table), so the next reader of the same text takes the last
// parse — held weakly, so a run that never reads the file again does not keep the tree alive.

import { parseMappings, type SanafePlacement } from "./mappings.js";
import { parseNetwork, type SanafeNetwork } from "./network.js";
import { readSomas, type Soma } from "./soma.js";
import { YamlFile } from "./yaml-read.js";

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
