// The compiler's graph utilities live here, not in the float reference: no compiler source imports
// simulator/float except the two passes that evaluate the float semantics on purpose (documented in
// compiler/README.md), and test support.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Files that run the float reference by design: the composed projection's kernels, ANN calibration. */
const EVALUATES_FLOAT = new Set([
  "compiler/passes/lower/compose.ts",
  "compiler/passes/convert-ann/calibrate.ts",
  "compiler/passes/nonlinear-agreement.ts",
]);
const isTestSupport = (f: string) => /\.test\.ts$|\/testing\.ts$|\/test-eval\.ts$/.test(f);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("compiler layering", () => {
  it("no compiler source imports simulator/float (flatten, schedule, SSM, LMU, transforms are compiler/graph's)", () => {
    const offenders = sources("compiler")
      .filter((f) => !isTestSupport(f) && !EVALUATES_FLOAT.has(f))
      .filter((f) => /from "(\.\.\/)+simulator\/float\//.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
