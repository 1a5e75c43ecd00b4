// Weights repeated across projections are written once (Projection.weights_from) and read back as one array;
// a file whose reference is broken is refused with the field named.

import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { decodeNmir, encodeNmir, NMIR_HEADER_BYTES } from "./codec.js";
import { createDense } from "./connectivity.js";
import { exampleNmir } from "./example.js";
import { createProjection } from "./factories.js";
import { weightSources } from "./shared-weights.js";
import type { NmirModule } from "./types.js";
import { moduleToWire } from "./wire-encode.js";

/** The example plus two more readout projections: one with fc2's values in another array, one with fc2's array. */
function withRepeats(): NmirModule {
  const m = exampleNmir();
  const fc2 = m.projections[2]!;
  const w = fc2.connectivity.weights as Int32Array;
  const dense = (weights: Int32Array) => createDense({ inSize: 32, outSize: 10, weights });
  m.projections.push(
    createProjection({
      id: "fc2b",
      src: "l1",
      dst: "readout",
      connectivity: dense(Int32Array.from(w)),
      weightBits: 8,
    }),
    createProjection({ id: "fc2c", src: "l1", dst: "readout", connectivity: dense(w), weightBits: 8 }),
  );
  return m;
}

/** A payload from a wire object, with a valid header and checksum. */
function fileOf(wire: Record<string, unknown>): Uint8Array {
  const type = protobuf
    .loadSync(packagePath("compiler", "nmir", "nmir.proto"))
    .lookupType("spikegrid.nmir.v1.Module");
  const payload = type.encode(wire).finish();
  const good = encodeNmir(exampleNmir());
  const out = new Uint8Array(NMIR_HEADER_BYTES + payload.length);
  out.set(good.subarray(0, 6));
  const view = new DataView(out.buffer);
  view.setUint32(6, payload.length, true);
  view.setUint32(10, crc32(payload), true);
  out.set(payload, NMIR_HEADER_BYTES);
  return out;
}

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("shared weights in .nmir files", () => {
  it("finds repeats by array and by value, never a different type, length or value", () => {
    const m = withRepeats();
    expect([...weightSources(m.projections)]).toEqual([0, 0, 0, 3, 3]);
    const other = withRepeats();
    (other.projections[3]!.connectivity.weights as Int32Array)[7]! += 1;
    expect([...weightSources(other.projections)]).toEqual([0, 0, 0, 0, 3]);
    const floats = withRepeats();
    floats.projections[3]!.connectivity.weights = new Float32Array(
      (floats.projections[2]!.connectivity.weights as Int32Array).buffer.slice(0),
    );
    expect(weightSources(floats.projections)[3]).toBe(0);
  });

  it("writes repeated weights once and reads them back as one array, equal to what was written", () => {
    const m = withRepeats();
    const bytes = encodeNmir(m);
    const plain = exampleNmir();
    // two 320-weight projections more cost about as much as their ids, not 2 × 320 values
    expect(bytes.length - encodeNmir(plain).length).toBeLessThan(200);
    const back = decodeNmir(bytes);
    expect(back).toStrictEqual(m);
    const [, , fc2, fc2b, fc2c] = back.projections.map((p) => p.connectivity.weights);
    expect(fc2b).toBe(fc2);
    expect(fc2c).toBe(fc2);
  });

  it("refuses a reference to a later projection or one that also carries values, naming the field", () => {
    const wire = moduleToWire(withRepeats()) as { projections: Record<string, unknown>[] };
    const forward = structuredClone(wire);
    forward.projections[3]!.weightsFrom = 5;
    expect(() => decodeNmir(fileOf(forward), "f.nmir")).toThrow(
      /"f\.nmir".*projections\[3\]\.weightsFrom: is 5: it must name an earlier projection \(1\.\.3\) or be 0/,
    );
    const both = moduleToWire(withRepeats()) as { projections: Record<string, unknown>[] };
    const own = moduleToWire(exampleNmir()) as { projections: Record<string, unknown>[] };
    both.projections[3]!.connectivity = own.projections[2]!.connectivity;
    expect(() => decodeNmir(fileOf(both), "b.nmir")).toThrow(
      /projections\[3\]\.connectivity\.dense\.weights: holds values although weightsFrom names another projection's/,
    );
  });
});
