// Shared by the mapper's tests: the sinabs N-MNIST CNN compiled to 8-bit NMIR, its conv-only prefix, and a
// generous custom profile on which every generated module fits.

import "../importers/register-all.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { sharedFixture } from "../../test/shared-fixtures.js";
import { importFile } from "../importers/registry.js";
import type { NmirModule } from "../nmir/index.js";
import { compile } from "../passes/pipeline.js";
import type { QuantCompileOptions } from "../passes/quant-plan.js";

export const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");

export async function cnnIr(): Promise<NmirModule> {
  const { graph } = await importFile(CNN);
  const opts: QuantCompileOptions = { weightBits: 8 };
  return compile(graph, opts).ir;
}

/** The CNN up to its last convolution (populations 1, 3, 6), read out at population 6. */
export function convPrefix(ir: NmirModule): NmirModule {
  const keep = new Set(["1", "3", "6"]);
  return {
    ...ir,
    populations: ir.populations.filter((p) => keep.has(p.id)),
    projections: ir.projections.filter((p) => keep.has(p.dst)),
    outputs: [{ id: "out", src: "6", scaleExp: 0 }],
  };
}

export function generousProfile(): ChipProfile {
  const g = loadProfile("generic-45nm");
  return {
    ...g,
    name: "generous",
    grid: { ...g.grid, width: 32, height: 32, coresPerChip: 1024 },
    core: {
      ...g.core,
      neurons: 1 << 20,
      synapseMemoryBits: 2 ** 40,
      inputAxons: 1 << 20,
      outputRoutes: 1 << 20,
    },
  };
}
