import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { describe, expect, it } from "vitest";
import { piscinaOptions } from "./pool.js";

const asyncStart = fileURLToPath(new URL("../test/fixtures/workers/async-start.cjs", import.meta.url));

describe("the sweep's thread pool", () => {
  it("lets a thread finish loading its library before any job is sent (no Atomics.wait pause)", async () => {
    // With piscina's default atomics ("sync") the thread blocks in Atomics.wait once up, so the import below
    // would only finish when a task arrives: the flag would stay 0 until the deadline.
    const loaded = new Int32Array(new SharedArrayBuffer(4));
    const pool = new Piscina({ ...piscinaOptions(1), filename: asyncStart, workerData: loaded.buffer });
    try {
      const deadline = Date.now() + 20_000;
      while (Atomics.load(loaded, 0) === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(Atomics.load(loaded, 0)).toBe(1);
      expect(await pool.run(7)).toBe(7);
    } finally {
      await pool.destroy();
    }
  });
});
