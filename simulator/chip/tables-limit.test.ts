// The destination-row limit: a module whose dynamic-matmul operands would need more rows than the chip
// simulator can index is refused before any table is built (it used to fail with a RangeError after minutes).
// Rows are exact: an operand neuron reaches only the cores whose output slices read it.
import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { Layout } from "./layout.js";
import { checkMatmulOperandRows, DEST_ROW_LIMIT } from "./tables.js";

/**
 * Only what the check reads: q (m × k) · kᵀ (n × k) with `rowsPerCore` output rows on each of `cores` cores,
 * so each core reads its rows of q (k neurons each) and, spanning whole rows, every neuron of kᵀ.
 */
function fixture(cores: number, rowsPerCore: number, k: number, n: number) {
  const m = cores * rowsPerCore;
  const dm = { id: "mm", a: "q", b: "kt", m, k, n, transposeB: true };
  const ir = { dynamicMatmuls: [dm] } as unknown as NmirModule;
  const sizes = new Map([
    ["q", m * k],
    ["kt", n * k],
    ["other", 10],
  ]);
  const per = rowsPerCore * n;
  const slices = Array.from({ length: cores }, (_, slot) => ({
    node: "mm",
    start: slot * per,
    count: per,
    slot,
  }));
  const layout = { slots: cores, slices: new Map([["mm", slices]]) } as unknown as Layout;
  return { ir, sizes, layout };
}

describe("checkMatmulOperandRows", () => {
  it("refuses operands whose exact rows pass DEST_ROW_LIMIT with RESOURCE_LIMIT, naming the operand", () => {
    // kᵀ: 1,000 × 1,000 neurons, each read by all 2,200 cores (2.2 G rows); q: 6,600 × 1,000 neurons, one core each
    const { ir, sizes, layout } = fixture(2_200, 3, 1_000, 1_000);
    let err: unknown;
    try {
      checkMatmulOperandRows(ir, sizes, layout);
    } catch (e) {
      err = e;
    }
    expect(isSpikegridError(err)).toBe(true);
    if (!isSpikegridError(err)) return;
    expect(err.code).toBe("RESOURCE_LIMIT");
    expect(err.message).toContain("2,206,600,000 counted so far");
    expect(err.message).toContain('"kt": 2,200,000,000 rows, up to 2,200 cores per neuron');
    expect(err.hint).toContain("imageSize");
  });

  it("accepts operands whose rows are at the limit (a broadcast to every core would have passed it)", () => {
    // each core reads its 3 rows of q and all of kᵀ: rows = 3·cores·k + cores·n·k = 2,146,000,000; sent to
    // every core, q alone would need 6,000 × 1,000 neurons × 2,000 cores = 12 G rows
    const k = 1_000;
    const cores = 2_000;
    const n = Math.floor(DEST_ROW_LIMIT / (k * cores)) - 3;
    const { ir, sizes, layout } = fixture(cores, 3, k, n);
    expect(() => checkMatmulOperandRows(ir, sizes, layout)).not.toThrow();
  });
});
