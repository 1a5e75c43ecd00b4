// A SANA-FE network file parsed once per process: `simulate --convention sanafe` reads the same file twice (the
// importer, then the convention's connection table), so the last file's YAML and groups / edges are kept.

import { parseNetwork, type SanafeNetwork } from "./network.js";
import { YamlFile } from "./yaml-read.js";

export interface ParsedSanafe {
  f: YamlFile;
  net: SanafeNetwork;
}

let last: { file: string; text: string; parsed: ParsedSanafe } | undefined;

/** The YAML and the network of `text` (read from `file`); the same text again returns the same objects. */
export function parseSanafeFile(text: string, file: string): ParsedSanafe {
  // comparing the text (a memcmp) is far cheaper than parsing it again
  if (last && last.file === file && last.text === text) return last.parsed;
  const f = YamlFile.parse(text, file, "IMPORT_FAILED");
  const parsed = { f, net: parseNetwork(f) };
  last = { file, text, parsed };
  return parsed;
}
