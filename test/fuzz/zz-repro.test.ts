import { it } from "vitest";
import { readTorchCheckpoint } from "../../compiler/importers/tensors/torch-zip.js";
import * as h from "../../test/fuzz/hostile-tensors.js";

it("repro", () => {
  for (const use of ["dict-key", "size", "storage-key"] as const) {
    const b = h.pthSharedRefs(use, Number(process.env.D ?? 22));
    const t0 = performance.now();
    try {
      readTorchCheckpoint(b, use);
      console.log(use, "ok");
    } catch (e) {
      console.log(use, String(e).slice(0, 200));
    }
    console.log(use, b.length, performance.now() - t0);
  }
});
