// Tests of the text dump and the JSON summary.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "./arbitrary.js";
import { exampleNmir } from "./example.js";
import { METADATA_TEXT_LIMIT, metadataText, printNmir, summarizeNmir } from "./print.js";

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

  it("shows short metadata whole and long values by their start and what they are", () => {
    const plan = JSON.stringify({
      version: 1,
      lsb: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`p${i}`, i])),
    });
    const m = { ...exampleNmir(), metadata: { source: "here", "quant.plan": plan, note: "x".repeat(500) } };
    const lines = printNmir(m).split("\n");
    expect(lines[1]).toBe("metadata");
    expect(lines[2]).toMatch(/^ {2}source +here$/);
    const planLine = lines.find((l) => l.includes("quant.plan"))!;
    expect(planLine).toContain(
      `JSON object {version, lsb}, ${plan.length.toLocaleString("en-US")} characters`,
    );
    expect(planLine.length).toBeLessThan(250);
    expect(lines.find((l) => l.includes("note"))).toContain(
      "(500 characters; inspect --json shows it whole)",
    );
    expect(summarizeNmir(m).metadata).toEqual(m.metadata);
    expect(metadataText("y".repeat(METADATA_TEXT_LIMIT))).toBe("y".repeat(METADATA_TEXT_LIMIT));
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
