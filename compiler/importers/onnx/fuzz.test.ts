// Robustness of the ONNX importer on damaged input: empty files, every truncation, bit flips and random bytes
// must end in a SpikegridError (or, rarely, a still-valid model) quickly, never a raw exception or a hang.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { packagePath } from "../../../common/package-root.js";
import { importOnnx } from "./importer.js";

const FIXTURES = ["mlp", "cnn_bn", "conv1d_opset11", "attention", "gemm_transb0", "unsupported_lstm"].map(
  (name) => new Uint8Array(readFileSync(packagePath("test", "fixtures", "golden", "onnx", `${name}.onnx`))),
);
const TIME_LIMIT_MS = 2000;

/** Imports `bytes`; returns the error code, or "ok" for a model that still imports. Raw exceptions fail. */
function outcome(bytes: Uint8Array): string {
  const start = performance.now();
  try {
    importOnnx(bytes, "fuzz.onnx");
    return "ok";
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw new Error(`raw ${String(e)} for ${bytes.length} bytes`);
    // importOnnx wraps unexpected exceptions with this text: they mean a check is missing, so fail on them too
    if (e.message.includes("cannot import the ONNX model"))
      throw new Error(`unchecked failure: ${e.message}`);
    return e.code;
  } finally {
    expect(performance.now() - start).toBeLessThan(TIME_LIMIT_MS);
  }
}

describe("ONNX importer on damaged input", () => {
  it("an empty file is IMPORT_FAILED", () => {
    expect(outcome(new Uint8Array(0))).toBe("IMPORT_FAILED");
  });

  it("every truncation of the MLP and sampled truncations of the others fail cleanly", () => {
    const mlp = FIXTURES[0]!;
    const codes = new Set<string>();
    for (let n = 0; n < mlp.length; n++) codes.add(outcome(mlp.subarray(0, n)));
    for (const f of FIXTURES.slice(1))
      for (let n = 0; n < f.length; n += 7) codes.add(outcome(f.subarray(0, n)));
    expect(codes.has("IMPORT_FAILED")).toBe(true);
  });

  it("bit flips fail cleanly", () => {
    fc.assert(
      fc.property(
        fc.nat(FIXTURES.length - 1),
        fc.nat(),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 4 }),
        (which, at, bits) => {
          const bytes = FIXTURES[which]!.slice();
          bits.forEach((bit, k) => {
            const i = (at + k * 131) % bytes.length;
            bytes[i] = bytes[i]! ^ (1 << bit);
          });
          outcome(bytes);
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });

  it("random bytes (also behind a plausible ModelProto header) fail cleanly", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), (tail, header) => {
        const bytes = header
          ? Uint8Array.from([0x08, 0x07, 0x12, 0x07, ...new TextEncoder().encode("pytorch"), 0x3a, ...tail])
          : tail;
        expect(outcome(bytes)).not.toBe("ok");
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
