// The pass manager: table order, --dump-after, --stop-after, verification after every pass (a broken pass is
// reported by name), reports and diagnostics, and the size guard of generic projections.

import { describe, expect, it } from "vitest";
import {
  chain,
  createAffine,
  createGraph,
  createInput,
  createLIF,
  createOutput,
  createScale,
  createTranspose,
  ndarray,
  scalar,
} from "../graph/index.js";
import type { NmirPass, Pass } from "./pass.js";
import { compile, PASSES } from "./pipeline.js";

function net() {
  const g = createGraph();
  chain(g, [
    ["x", createInput([2])],
    ["fc", createAffine(ndarray([2, 2], [1, 0.5, -0.5, 1]), ndarray([2], [0.25, 0]))],
    [
      "l",
      createLIF({
        tau: scalar(2),
        r: scalar(1),
        vLeak: scalar(0),
        vThreshold: scalar(0.5),
        vReset: scalar(0),
      }),
    ],
    ["y", createOutput()],
  ]);
  return g;
}
const lowerOnly = PASSES.slice(0, PASSES.findIndex((p) => p.kind === "lower") + 1);

describe("compile", () => {
  it("runs graph passes, then lowerToNmir, then NMIR passes, reporting each", () => {
    const kinds = PASSES.map((p) => p.kind);
    expect(kinds.indexOf("lower")).toBe(kinds.lastIndexOf("lower"));
    expect(PASSES.slice(0, 9).map((p) => p.name)).toEqual([
      "flattenSubgraphs",
      "foldBatchNorm",
      "convertAnnToSnn",
      "lowerNonlinear",
      "lowerLmuMemory",
      "lowerDiagonalSsm",
      "lowerFixedTransforms",
      "insertRelays",
      "lowerToNmir",
    ]);
    const { ir, report } = compile(net(), { dt: 1, stopAfter: "lowerToNmir" });
    expect(ir.stage).toBe("lowered");
    expect(report.passes.map((p) => p.name)).toEqual(lowerOnly.map((p) => p.name));
    expect(report.passes.at(-1)!.result).toBe("1 populations, 1 projections");
  });

  it("--dump-after prints the graph (node table) or the NMIR (printNmir) after the named pass", () => {
    const dumps: [string, string][] = [];
    const dump = (pass: string, text: string) => dumps.push([pass, text]);
    compile(net(), { dt: 1, dumpAfter: "foldBatchNorm", dump, stopAfter: "lowerToNmir" });
    compile(net(), { dt: 1, dumpAfter: "lowerToNmir", dump, stopAfter: "lowerToNmir" });
    expect(dumps.map(([p]) => p)).toEqual(["foldBatchNorm", "lowerToNmir"]);
    expect(dumps[0]![1]).toMatch(/fc: Affine \[2\] → \[2\]/);
    expect(dumps[0]![1]).toMatch(/fc → l/);
    expect(dumps[1]![1]).toMatch(/NMIR module .* stage=lowered/);
    expect(() => compile(net(), { dumpAfter: "nope" })).toThrow(/--dump-after=nope: no such pass/);
    expect(() => compile(net(), { stopAfter: "foldBatchNorm" })).toThrow(
      /not the lower pass or an NMIR pass/,
    );
  });

  it("refuses a mis-ordered table and names the pass that breaks the module", () => {
    const [first, ...rest] = lowerOnly as [Pass, ...Pass[]];
    expect(() => compile(net(), {}, [...rest, first])).toThrow(/graph passes, then one lower pass/);
    const broken: NmirPass = {
      name: "dropProjections",
      kind: "nmir",
      run: (ir) => ({ ...ir, projections: [] }),
    };
    expect(() => compile(net(), { dt: 1 }, [...lowerOnly, broken])).toThrow(
      /pass "dropProjections" produced an invalid result/,
    );
    const noop: NmirPass = { name: "noop", kind: "nmir", run: (ir) => ir };
    expect(compile(net(), { dt: 1 }, [...lowerOnly, noop]).report.passes.at(-1)!.name).toBe("noop");
  });

  it("diagnostics name their pass; a missing dt is a warning", () => {
    const { diagnostics } = compile(net(), { stopAfter: "lowerToNmir" });
    expect(diagnostics).toContainEqual(expect.objectContaining({ pass: "lowerToNmir", level: "warning" }));
  });

  it("a generic projection above the work limit is refused, naming its path", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([4, 4])],
      ["t", createTranspose([1, 0])],
      // a per-element factor between transposes: not a selection, so it is composed from unit vectors
      [
        "s",
        createScale(
          ndarray(
            [4, 4],
            Float64Array.from({ length: 16 }, (_, i) => i + 1),
          ),
        ),
      ],
      ["t2", createTranspose([1, 0])],
      [
        "l",
        createLIF({
          tau: scalar(2),
          r: scalar(1),
          vLeak: scalar(0),
          vThreshold: scalar(0.5),
          vReset: scalar(0),
        }),
      ],
      ["y", createOutput()],
    ]);
    expect(() => compile(g, { dt: 1, maxComposeWork: 10, stopAfter: "lowerToNmir" })).toThrow(
      /composing the path x → t → s → t2 → l .* above the limit/,
    );
    expect(compile(g, { dt: 1, stopAfter: "lowerToNmir" }).ir.projections[0]!.connectivity.kind).toBe(
      "sparse",
    );
  });
});
