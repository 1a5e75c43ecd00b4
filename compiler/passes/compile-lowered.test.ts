// compileLowered: the NMIR passes on an already-lowered module equal a whole compile of the graph (so a caller
// that quantizes one network many times may lower it once), and the lowered module is left as it was.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { loadZooModel } from "../../models/zoo.js";
import { printNmir } from "../nmir/index.js";
import { compile, compileLowered } from "./pipeline.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { buildRandomNet, randomNetArb } from "./random-net.js";

const quiet = { dump: () => {} };

describe("compileLowered", () => {
  it("equals compile(graph) for random networks and weight widths, and does not modify its input", () => {
    fc.assert(
      fc.property(randomNetArb, fc.constantFrom(2, 4, 8), fc.boolean(), (net, weightBits, perChannel) => {
        const { g } = buildRandomNet(net);
        const options: QuantCompileOptions = {
          ...quiet,
          weightBits,
          perChannel,
        };
        const lowered = compile(g, { ...quiet, stopAfter: "lowerToNmir" }).ir;
        const before = printNmir(lowered);
        const whole = compile(g, options);
        const fromLowered = compileLowered(lowered, options);
        expect(fromLowered.ir).toEqual(whole.ir);
        expect(fromLowered.report.passes.map((p) => p.name)).toEqual([
          "planScales",
          "quantizeNeurons",
          "quantizeWeights",
          "shareSums",
          "lowerAttention",
          "markUnsupported",
        ]);
        expect(printNmir(lowered)).toBe(before);
        // twice from the same lowered module: the same result again
        expect(compileLowered(lowered, options).ir).toEqual(whole.ir);
      }),
      { numRuns: 25 },
    );
  });

  it("equals compile(graph) on the trained demo model for loihi (free clip start) and loihi2", () => {
    const { graph } = loadZooModel("zoo:spiking-lmuformer-smnist");
    for (const name of ["loihi", "loihi2"]) {
      const profile = loadProfile(name);
      const lowered = compile(graph, {
        ...quiet,
        profile,
        stopAfter: "lowerToNmir",
      } as QuantCompileOptions).ir;
      for (const weightBits of [3, 8]) {
        const options: QuantCompileOptions = { ...quiet, profile, weightBits };
        expect(compileLowered(lowered, options).ir).toEqual(compile(graph, options).ir);
      }
    }
  });

  it("refuses a module that is not at stage lowered", () => {
    const { graph } = loadZooModel("zoo:spiking-lmuformer-smnist");
    const quantized = compile(graph, { ...quiet, profile: loadProfile("loihi") } as QuantCompileOptions).ir;
    expect(() => compileLowered(quantized, quiet)).toThrow(/stage "lowered", got "quantized"/);
  });
});
