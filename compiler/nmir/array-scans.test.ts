// checkArray with its remembered scans (min/max first, the full scan only when something is out of range)
// gives the messages of the plain per-value scan it replaced, for every array type, stage and range.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArrayScans } from "./array-scans.js";
import type { Stage } from "./types.js";
import { type ArraySpec, checkArray } from "./verify-parts.js";

/** The scan verify made before: every value looked at in one loop over the array. */
function previousCheck(
  arr: Int32Array | Float32Array | Float64Array,
  spec: ArraySpec,
  stage: Stage,
): string[] {
  const out: string[] = [];
  if (!spec.lengths.includes(arr.length))
    out.push(`${spec.name} has ${arr.length} values; expected ${[...new Set(spec.lengths)].join(" or ")}`);
  if (!(arr instanceof Int32Array)) {
    let bad = -1;
    for (let i = 0; i < arr.length && bad < 0; i++) if (!Number.isFinite(arr[i]!)) bad = i;
    if (bad >= 0) out.push(`${spec.name}[${bad}] = ${arr[bad]} is not finite`);
    if (stage === "quantized")
      out.push(`${spec.name} is a ${spec.float}; stage "quantized" requires Int32Array`);
    return out;
  }
  if (stage !== "quantized") return out;
  let first = -1;
  let count = 0;
  for (let i = 0; i < arr.length; i++) {
    if (arr[i]! < spec.lo || arr[i]! > spec.hi) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first >= 0)
    out.push(
      `${spec.name}[${first}] = ${arr[first]} does not fit ${spec.range} [${spec.lo}, ${spec.hi}]${count > 1 ? ` (and ${count - 1} more)` : ""}`,
    );
  return out;
}

const values = fc.array(
  fc.oneof(
    fc.integer({ min: -300, max: 300 }),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, 2 ** 31 - 1),
  ),
  { maxLength: 40 },
);

describe("verify's array scans", () => {
  it("give the messages of the per-value scan, with one ArrayScans shared across specs and stages", () => {
    fc.assert(
      fc.property(
        values,
        fc.constantFrom("int", "f32", "f64"),
        fc.integer({ min: 2, max: 10 }),
        (xs, type, bits) => {
          const arr =
            type === "int"
              ? Int32Array.from(xs, (x) => (Number.isFinite(x) ? x : 7))
              : type === "f32"
                ? Float32Array.from(xs)
                : Float64Array.from(xs);
          const scans = new ArrayScans();
          for (const b of [bits, 16, bits]) {
            const spec: ArraySpec = {
              name: "weight",
              float: type === "f64" ? "Float64Array" : "Float32Array",
              lengths: [1, arr.length],
              lo: -(2 ** (b - 1)),
              hi: 2 ** (b - 1) - 1,
              range: `${b}-bit signed`,
            };
            for (const stage of ["lowered", "quantized"] as const)
              expect(checkArray(arr, spec, stage, scans)).toEqual(previousCheck(arr, spec, stage));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
