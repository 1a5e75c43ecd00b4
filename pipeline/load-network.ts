// Loads the network a command names: a checkpoint file through the importer registry, optionally with a
// state_dict applied on top (`--weights`): the load stage of the pipeline, used by every command.

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { type ApplyReport, applyStateDict } from "../compiler/importers/apply-state-dict.js";
import { applyRockpoolConvention, type NirConvention } from "../compiler/importers/nir/conventions.js";
import "../compiler/importers/register-all.js";
import { importFile } from "../compiler/importers/registry.js";
import { CHECKPOINT_WEIGHTS_KEY } from "../compiler/passes/weights-provenance.js";
import { isZooRef, loadZooModel } from "../models/zoo.js";
import { readStateDictFile } from "./state-dict-files.js";

export interface LoadedNetwork {
  graph: NetGraph;
  format: string;
  formatVersion?: string;
  warnings: string[];
  weights?: ApplyReport;
}

export interface LoadNetworkOptions {
  resetMode?: "value" | "subtract";
  weights?: string;
  /** Read NIR neurons with a producer's discretisation (needs `dt`). */
  nirConvention?: NirConvention;
  dt?: number;
  /** `--set key=value` configuration overrides for zoo models. */
  overrides?: Record<string, unknown>;
}

/** A network file through the importers, or `zoo:NAME` built by the model zoo (with `--set` overrides). */
export async function loadNetwork(file: string, opts: LoadNetworkOptions = {}): Promise<LoadedNetwork> {
  if (!isZooRef(file) && Object.keys(opts.overrides ?? {}).length > 0)
    throw new SpikegridError("USAGE", `--set configures zoo models; "${file}" is a file`);
  const zoo = isZooRef(file) ? loadZooModel(file, opts.overrides ?? {}) : undefined;
  const imported = zoo ?? (await importFile(file, opts.resetMode ? { resetMode: opts.resetMode } : {}));
  const loaded: LoadedNetwork = {
    graph: imported.graph,
    format: imported.format,
    warnings: [...imported.warnings],
  };
  if (imported.formatVersion !== undefined) loaded.formatVersion = imported.formatVersion;
  if (opts.nirConvention === "rockpool") {
    if (imported.format !== "nir")
      throw new SpikegridError("USAGE", "--nir-convention applies to .nir files only");
    loaded.warnings.push(...applyRockpoolConvention(imported.graph, opts.dt ?? Number.NaN));
  }
  if (opts.weights) {
    const { stateDict, warnings, metadata } = readStateDictFile(opts.weights);
    loaded.warnings.push(...warnings);
    loaded.weights = applyStateDict(imported.graph, stateDict, {
      source: opts.weights,
      ignore: zoo?.ignoredKeys ?? [],
    });
    // a checkpoint replaces a zoo builder's default weights; one written from a seeded init says so itself
    if (loaded.weights.applied.length > 0 && zoo)
      imported.graph.metadata.weights =
        metadata?.[CHECKPOINT_WEIGHTS_KEY] === "seeded-init" ? "seeded-init" : "trained";
    if (loaded.weights.absentZeroBiases.length) {
      loaded.warnings.push(
        `${opts.weights} has no bias for ${loaded.weights.absentZeroBiases.join(", ")} (kept at zero)`,
      );
    }
  }
  return loaded;
}
