// Tests of verify/checkNmir: random valid modules pass, and each broken invariant is reported with a message
// that names the element (checked both on the example module and on random modules).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { nmirModuleArb } from "./arbitrary.js";
import { createConv2d, createDense } from "./connectivity.js";
import { exampleNmir } from "./example.js";
import { createProjection } from "./factories.js";
import { createProduct } from "./neuron-factories.js";
import type { NmirModule } from "./types.js";
import { checkNmir, projectionLabel, verify } from "./verify.js";

/** The problems of `m` as "where: message" lines. */
const lines = (m: NmirModule) => checkNmir(m).map((p) => `${p.where}: ${p.message}`);

describe("verify accepts valid modules", () => {
  it("accepts the example module", () => {
    expect(lines(exampleNmir())).toEqual([]);
    expect(() => verify(exampleNmir(), "quantized")).not.toThrow();
  });

  it("accepts random valid modules at their stage", () => {
    fc.assert(
      fc.property(nmirModuleArb(), (m) => {
        expect(lines(m)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

describe("verify rejects broken invariants, naming the element", () => {
  const broken = (mutate: (m: NmirModule) => void) => {
    const m = exampleNmir();
    mutate(m);
    return lines(m);
  };

  it("throws NMIR_INVALID with one detail per problem", () => {
    const m = exampleNmir();
    m.projections[2]!.connectivity.weights = new Float32Array(320);
    m.projections[1]!.port = "b";
    try {
      verify(m);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpikegridError);
      const err = e as SpikegridError;
      expect(err.code).toBe("NMIR_INVALID");
      expect(err.message).toBe('module "example" is not valid NMIR at stage "quantized": 2 problems');
      expect(err.details).toHaveLength(2);
    }
  });

  it("float weights at stage quantized", () => {
    const out = broken((m) => {
      m.projections[2]!.connectivity.weights = new Float32Array(320);
    });
    expect(out).toEqual([
      'projection "fc2" (l1 → readout.in): weight is a Float32Array; stage "quantized" requires Int32Array',
    ]);
  });

  it("a weight wider than weightBits, in the documented message form", () => {
    const out = broken((m) => {
      const w = m.projections[2]!.connectivity.weights;
      w[37] = 300;
      w[38] = -129;
    });
    expect(out).toEqual([
      'projection "fc2" (l1 → readout.in): weight[37] = 300 does not fit 8-bit signed [-128, 127] (and 1 more)',
    ]);
  });

  it("dangling port, src and dst", () => {
    expect(
      broken((m) => {
        m.projections[2]!.port = "b";
      }),
    ).toEqual([
      'projection "fc2" (l1 → readout.b): port "b" does not exist on population "readout" (li has "in")',
      'population "readout" (li): port "in" has no incoming projection',
    ]);
    const dangling = broken((m) => {
      m.projections[0]!.src = "nowhere";
    });
    expect(dangling[0]).toBe(
      'projection "conv1" (nowhere → l1.in): src "nowhere" is not an input, population or dynamic matmul',
    );
    expect(
      broken((m) => {
        m.projections[0]!.dst = "in";
      }),
    ).toContain('projection "conv1" (in → in.in): dst "in" is an input; projections target populations');
  });

  it("dense shape mismatch", () => {
    const out = broken((m) => {
      m.projections[2]!.connectivity = createDense({ inSize: 30, outSize: 10, weights: new Int32Array(300) });
    });
    expect(out).toEqual([
      'projection "fc2" (l1 → readout.in): dense reads 30 source neurons but the source has 32',
    ]);
  });

  it("conv output shape that is not PyTorch's", () => {
    const out = broken((m) => {
      const conv = createConv2d({
        inShape: [1, 4, 4],
        kernel: [2, 1, 3, 3],
        weights: new Int32Array(18),
        padding: 1,
      });
      conv.stride = [2, 2];
      m.projections[0]!.connectivity = conv;
    });
    expect(out).toEqual([
      'projection "conv1" (in → l1.in): conv2d output shape [2, 4, 4] does not match PyTorch\'s [2, 2, 2] for ' +
        "input [1, 4, 4], kernel [2, 1, 3, 3], stride [2, 2], padding [1, 1], dilation [1, 1]",
    ]);
  });

  it("a delay-0 cycle, named edge by edge", () => {
    const out = broken((m) => {
      m.projections.push(
        createProjection({
          id: "back",
          src: "readout",
          dst: "l1",
          connectivity: createDense({ inSize: 10, outSize: 32, weights: new Int32Array(320) }),
          weightBits: 8,
        }),
      );
    });
    expect(out).toEqual([
      'delay-0 cycle: l1 → readout → l1 (via projection "fc2", projection "back"); ' +
        "layer-sync order needs a delay ≥ 1 on one of these edges",
    ]);
    // The recurrent self-loop rec1 is fine at delay 1 but a cycle at delay 0.
    expect(
      broken((m) => {
        m.projections[1]!.delay = 0;
      }),
    ).toEqual([
      'delay-0 cycle: l1 → l1 (via projection "rec1"); layer-sync order needs a delay ≥ 1 on one of these edges',
    ]);
  });

  it("duplicate ids, bad parameter lengths, wrong output kind, stage mismatch, bad outputs", () => {
    expect(
      broken((m) => {
        m.outputs[0]!.id = "l1";
      }),
    ).toEqual(['module "example": id "l1" is used 2 times (population, output)']);
    expect(
      broken((m) => {
        const lif = m.populations[0]!.model;
        if (lif.kind === "lif") lif.vth = new Int32Array(3);
      }),
    ).toEqual(['population "l1" (lif): vth has 3 values; expected 1 or 32']);
    expect(
      broken((m) => {
        m.populations[0]!.output = { kind: "graded", bits: 8 };
      }),
    ).toEqual(['population "l1" (lif): output is graded 8-bit but a lif population emits spike']);
    expect(checkNmir(exampleNmir(), "lowered").map((p) => p.message)).toEqual([
      'declares stage "quantized" but is verified as "lowered"',
    ]);
    expect(
      broken((m) => {
        m.outputs[0]!.src = "gone";
      }),
    ).toEqual(['output "logits": src "gone" is not an input, population or dynamic matmul']);
  });

  it("parameters that do not fit their state width, and an unconnected product port", () => {
    const out = broken((m) => {
      const lif = m.populations[0]!.model;
      if (lif.kind === "lif") {
        lif.vth = Int32Array.of(40000);
        lif.dv = Int32Array.of(5000);
      }
      m.populations[1]!.model = createProduct({ outBits: 8 });
      m.projections[2]!.port = "a";
    });
    expect(out).toEqual([
      'population "l1" (lif): dv[0] = 5000 does not fit 12-bit decay [0, 4096]',
      'population "l1" (lif): vth[0] = 40000 does not fit 16-bit signed [-32768, 32767]',
      'population "readout" (product): port "b" has no incoming projection',
    ]);
  });
});

describe("verify rejects broken invariants in random modules", () => {
  const quantized = nmirModuleArb({ stage: "quantized" });
  it("a weight one past its declared width", () => {
    const arb = quantized.filter((m) => m.projections.some((p) => p.connectivity.weights.length > 0));
    fc.assert(
      fc.property(arb, (m) => {
        const p = m.projections.find((x) => x.connectivity.weights.length > 0)!;
        p.connectivity.weights[0] = 2 ** (p.weightBits - 1);
        const hit = checkNmir(m).find((x) => x.where === projectionLabel(p));
        expect(hit?.message).toMatch(new RegExp(`^weight\\[0\\] = ${2 ** (p.weightBits - 1)} does not fit`));
      }),
      { numRuns: 100 },
    );
  });

  it("a float weight array at stage quantized", () => {
    fc.assert(
      fc.property(quantized, (m) => {
        const p = m.projections[0]!;
        p.connectivity.weights = Float32Array.from(p.connectivity.weights);
        const msgs = checkNmir(m)
          .filter((x) => x.where === projectionLabel(p))
          .map((x) => x.message);
        expect(msgs).toContain('weight is a Float32Array; stage "quantized" requires Int32Array');
      }),
      { numRuns: 100 },
    );
  });

  it("a projection that points at a missing source", () => {
    fc.assert(
      fc.property(quantized, (m) => {
        const p = m.projections[m.projections.length - 1]!;
        p.src = "missing";
        const msgs = checkNmir(m)
          .filter((x) => x.where === projectionLabel(p))
          .map((x) => x.message);
        expect(msgs).toContain('src "missing" is not an input, population or dynamic matmul');
      }),
      { numRuns: 100 },
    );
  });

  it("a delay-0 self-loop on any population", () => {
    fc.assert(
      fc.property(nmirModuleArb(), fc.nat(), (m, i) => {
        const pop = m.populations[i % m.populations.length]!;
        m.projections.push(
          createProjection({
            id: "loop",
            src: pop.id,
            dst: pop.id,
            port: pop.model.kind === "product" ? "a" : "in",
            connectivity: {
              kind: "oneToOne",
              size: pop.shape.reduce((a, b) => a * b, 1),
              weights: Int32Array.of(1),
            },
            weightBits: 8,
          }),
        );
        const cycles = checkNmir(m).filter((x) => x.where === "delay-0 cycle");
        expect(cycles.map((x) => x.message).join("\n")).toContain('projection "loop"');
      }),
      { numRuns: 100 },
    );
  });
});
