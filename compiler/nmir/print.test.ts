// Tests of the text dump and the JSON summary.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "./arbitrary.js";
import { exampleNmir } from "./example.js";
import { printNmir, summarizeNmir } from "./print.js";

describe("printNmir", () => {
  it("dumps the example readably", () => {
    const text = printNmir(exampleNmir());
    expect(text.split("\n")[0]).toBe('NMIR module "example"  stage=quantized  format=v1  dt=1ms');
    expect(text).toMatch(/^ {2}l1 +\[2,4,4\] +lif +→ spike +state v:16s ref:1u$/m);
    expect(text).toContain(
      "dv=410  vth=1000  bias=0  vReset=0  decayBits=12  reset=subtract  fire=gt  refractory=1",
    );
    expect(text).toMatch(
      /conv1 +in → l1\.in +conv2d \[1,4,4\]→\[2,4,4\] k\[2,1,3,3\] s\[1,1\] p\[1,1\] d\[1,1\] g1 +w 8-bit int +exp 2\.\.3 per-channel +delay 0 +synapses 200 \(18 weights\)/,
    );
    expect(text).toMatch(/logits +← readout +scale 2\^-6/);
  });

  it("names every element of random modules and summarises them as JSON", () => {
    fc.assert(
      fc.property(nmirModuleArb(), (m) => {
        const text = printNmir(m);
        for (const x of [
          ...m.inputs,
          ...m.populations,
          ...m.projections,
          ...m.dynamicMatmuls,
          ...m.outputs,
        ]) {
          expect(text).toContain(`  ${x.id}`);
        }
        const s = JSON.parse(JSON.stringify(summarizeNmir(m)));
        expect(s.counts.populations).toBe(m.populations.length);
        expect(s.projections.map((p: { id: string }) => p.id)).toEqual(m.projections.map((p) => p.id));
      }),
      { numRuns: 100 },
    );
  });
});
