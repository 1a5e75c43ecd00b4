// The text of a mapping file: indented for a mapping a user reads, compact for a large one (a system's
// ImageNet mapping, indented, is close to a JS string's 2^29 − 24 characters, which `map -o` and `simulate
// --mapping` must hold whole: spikformer-8-384 at 224×224 on spinnaker2-sandia 462 MB indented, 221 MB compact).

import { SpikegridError } from "../../common/errors.js";
import type { Mapping } from "./types.js";

/** Cores above which the file is written without indentation. */
export const MAPPING_INDENT_MAX_CORES = 10_000;

export function mappingJson(mapping: Mapping): string {
  const indent = mapping.cores.length <= MAPPING_INDENT_MAX_CORES ? 2 : undefined;
  try {
    return `${JSON.stringify(mapping, null, indent)}\n`;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new SpikegridError(
      "UNSUPPORTED",
      `the mapping of ${mapping.cores.length.toLocaleString("en-US")} cores and ${mapping.routes.length.toLocaleString("en-US")} routes is longer as JSON than a JS string holds (2^29 − 24 characters)`,
      { hint: "map a smaller model, or onto a profile with more neurons per core (fewer cores and routes)" },
    );
  }
}
