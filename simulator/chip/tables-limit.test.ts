// The destination-row limit: a module whose dynamic-matmul operands would need more rows than the chip
// simulator can index is refused before any table is built (it used to fail with a RangeError after minutes).
import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { Layout } from "./layout.js";
import { checkMatmulOperandRows, DEST_ROW_LIMIT } from "./tables.js";

/** Only what the check reads: the matmuls' operands and the matmul's slices, one per core. */
function fixture(operand: number, cores: number) {
  const ir = { dynamicMatmuls: [{ id: "mm", a: "q", b: "k" }] } as unknown as NmirModule;
  const sizes = new Map([
    ["q", operand],
    ["k", operand],
    ["other", 10],
  ]);
  const slices = Array.from({ length: cores }, (_, slot) => ({ slot }));
  const layout = { slices: new Map([["mm", slices]]) } as unknown as Layout;
  return { ir, sizes, layout };
}

describe("checkMatmulOperandRows", () => {
  it("refuses operands whose rows pass DEST_ROW_LIMIT with RESOURCE_LIMIT, naming the operand and its cores", () => {
    // two operands of 150,528 neurons (196 tokens × 768) reaching 8,000 cores: 2.4 G rows
    const { ir, sizes, layout } = fixture(150_528, 8_000);
    let err: unknown;
    try {
      checkMatmulOperandRows(ir, sizes, layout);
    } catch (e) {
      err = e;
    }
    expect(isSpikegridError(err)).toBe(true);
    if (!isSpikegridError(err)) return;
    expect(err.code).toBe("RESOURCE_LIMIT");
    expect(err.message).toContain("2,408,448,000 destination rows");
    expect(err.message).toContain('"q": 8,000 cores');
    expect(err.hint).toContain("imageSize");
  });

  it("accepts operands at the limit", () => {
    const cores = 1_000;
    const operand = Math.floor(DEST_ROW_LIMIT / (2 * cores));
    const { ir, sizes, layout } = fixture(operand, cores);
    expect(() => checkMatmulOperandRows(ir, sizes, layout)).not.toThrow();
  });
});
