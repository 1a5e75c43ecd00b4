// `--set key=value` overrides for `zoo:NAME` networks, shared by every command that loads a network
// (compile, simulate, inspect, zoo show): the yargs option and the checked parse.

import { SpikegridError } from "../common/errors.js";
import { isZooRef } from "../models/zoo.js";

/** The yargs definition of `--set` (repeatable). */
export { zooSetOption } from "./zoo-set-option.js";

/** `--set key=value` pairs as an overrides object (values stay strings; the zoo checks keys and types). */
export function parseSets(v: unknown): Record<string, string> {
  const items = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const out: Record<string, string> = {};
  for (const item of items) {
    const s = String(item);
    const eq = s.indexOf("=");
    if (eq <= 0) {
      throw new SpikegridError("USAGE", `--set expects key=value, got "${s}"`, {
        hint: "for example --set depth=2",
      });
    }
    const key = s.slice(0, eq);
    if (key in out) throw new SpikegridError("USAGE", `--set gives "${key}" twice`);
    out[key] = s.slice(eq + 1);
  }
  return out;
}

/** The overrides for `file`: `--set` is refused on anything but a `zoo:NAME` network. */
export function zooOverrides(file: string, v: unknown): Record<string, string> {
  const sets = parseSets(v);
  if (Object.keys(sets).length > 0 && !isZooRef(file)) {
    throw new SpikegridError("USAGE", `--set configures zoo models; "${file}" is a file`, {
      hint: "a file's architecture is fixed; use zoo:NAME (spikegrid zoo list) to build a configurable model",
    });
  }
  return sets;
}
