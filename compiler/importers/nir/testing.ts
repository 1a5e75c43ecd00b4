// Test helpers for the NIR importer: fixture discovery and hand-made NIR/HDF5 files (plans written with
// h5wasm), so tests can produce what no exporter would write: NaN weights, unknown types, dangling edges.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedFixture } from "../../../test/shared-fixtures.js";
import { planToBytes } from "./write.js";
import type { Plan, PlanValue } from "./write-plan.js";

/** Where the shared NIR fixtures live (see fixtures/nir/README.md). */
export const NIR_FIXTURES = sharedFixture("nir");

export function fixturePaths(): string[] {
  const all = readdirSync(NIR_FIXTURES, { recursive: true, encoding: "utf8" });
  return all
    .filter((p) => p.endsWith(".nir"))
    .sort()
    .map((p) => join(NIR_FIXTURES, p));
}

export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(NIR_FIXTURES, rel)));
}

export const str = (value: string): PlanValue => ({ t: "str", value });
export const i64 = (values: number[], shape = [values.length]): PlanValue => ({ t: "int", values, shape });
export const f32 = (values: number[], shape = [values.length]): PlanValue => ({
  t: "float",
  array: { shape, data: Float32Array.from(values) },
});
export const f64 = (values: number[], shape = [values.length]): PlanValue => ({
  t: "float",
  array: { shape, data: Float64Array.from(values) },
});
export const group = (entries: Plan): PlanValue => ({ t: "group", entries });

/** A NIRGraph plan from node plans (each with its `type`) and edges. */
export function graphPlan(nodes: Record<string, Plan>, edges: [string, string][], metadata?: Plan): Plan {
  const g: Plan = {
    type: str("NIRGraph"),
    edges: { t: "strs", values: edges.flat(), shape: [edges.length, 2] },
    nodes: group(Object.fromEntries(Object.entries(nodes).map(([k, v]) => [k, group(v)]))),
  };
  if (metadata) g.metadata = group(metadata);
  return g;
}

/** A complete .nir file around a top-level graph plan. */
export function nirBytes(graph: Plan, version = "1.0.0"): Promise<Uint8Array> {
  return planToBytes({ version: str(version), node: group(graph) }, false);
}

/** input[n] → Linear(w) → output, the smallest useful NIR file; `w` is row-major [n, n]. */
export function tinyLinear(w: number[], n = 1): Plan {
  return graphPlan(
    {
      input: { type: str("Input"), shape: i64([n]) },
      lin: { type: str("Linear"), weight: f32(w, [n, n]) },
      output: { type: str("Output"), shape: i64([n]) },
    },
    [
      ["input", "lin"],
      ["lin", "output"],
    ],
  );
}
