// The weight widths the compiler accepts are 2..16: 1 bit (a signed mantissa of −1 and 0) is refused with the
// reason, by the library, `compile` and `explore`, before any work — it used to loop forever in pow2Exp.

import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";
import { pow2Exp, resolveQuantOptions, WEIGHT_BITS } from "./quant-plan.js";
import { lifChain, quantize } from "./quant-testing.js";

const LIF = sharedFixture("nir/01_lif/lif_norse.nir");

describe("weight bits 2..16", () => {
  it("the library refuses 1 bit with the reason, and pow2Exp refuses a zero-wide field instead of looping", () => {
    expect(WEIGHT_BITS).toMatchObject({ min: 2, max: 16 });
    let err: unknown;
    try {
      resolveQuantOptions({ weightBits: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpikegridError);
    expect((err as SpikegridError).code).toBe("USAGE");
    expect((err as SpikegridError).message).toMatch(
      /weightBits must be an integer in 2\.\.16, got 1 \(.*−1 and 0/,
    );
    expect(() => pow2Exp(1, 0)).toThrow(/maxInt/);
    // the narrowest accepted width compiles: ternary weights
    const { q } = quantize(lifChain(), { weightBits: 2 });
    expect(q.projections.every((p) => p.connectivity.weights.every((w) => w >= -2 && w <= 1))).toBe(true);
  });

  it("compile --weight-bits 1 exits 2 at once and writes nothing", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sg-wb1-")), "x.nmir");
    const r = await cli("compile", LIF, "--weight-bits", "1", "-o", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--weight-bits must be an integer in 2\.\.16, got 1 \(a signed 1-bit weight/);
    expect(existsSync(out)).toBe(false);
  }, 20_000);

  it("explore with a 1-bit point is refused before any point runs", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sg-wb1-")), "r.jsonl");
    const grid = ["--profiles", "loihi", "--weight-bits", "1,8", "--dataset", "mnist-rows", "--samples", "2"];
    const r = await cli("explore", "zoo:spiking-lmuformer-smnist", ...grid, "-o", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/weightBits must be an integer in 2\.\.16, got 1/);
    expect(existsSync(out)).toBe(false);
  }, 20_000);
});
