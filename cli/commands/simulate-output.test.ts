// Saturation warnings of a batch: one summary per population (total, samples affected, most in one sample, the
// compile flag that fixes it) instead of one line per population per sample, in the terminal and the run JSON.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { readNmirFile } from "../../compiler/nmir/index.js";
import { summarizeWarnings } from "../../pipeline/warnings.js";
import { runReference } from "../../simulator/reference/index.js";
import { SatCounter, saturationWarning } from "../../simulator/reference/models.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-sat-"));
const model = join(dir, "cnn6.nmir");
const events = join(dir, "events.npy");

/** Dense random events [3, 6, 2, 34, 34]: a 6-bit state clamps in every sample. */
function denseEvents(): Float32Array {
  const x = new Float32Array(3 * 6 * 2 * 34 * 34);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = s % 10 < 3 ? 1 : 0;
  }
  return x;
}

beforeAll(async () => {
  const c = await cli(
    "compile",
    CNN,
    "--reset-mode",
    "subtract",
    "--input-event",
    "spike",
    "--state-bits",
    "6",
    "-o",
    model,
  );
  expect(c.code).toBe(0);
  writeNpyFile(events, { dtype: "float32", shape: [3, 6, 2, 34, 34], data: denseEvents() });
}, 120_000);

describe("saturation warnings", () => {
  it("the runners' wording is the one summarizeWarnings folds", () => {
    const ir = readNmirFile(model);
    const one = new Float64Array(6 * 2 * 34 * 34).fill(1);
    const r = runReference(
      ir,
      { [ir.inputs[0]!.id]: { shape: [6, 2, 34, 34], data: one } },
      { timesteps: 6 },
    );
    const sat = r.warnings.filter((w) => w.includes("saturated"));
    expect(sat.length).toBeGreaterThan(0);
    expect(summarizeWarnings([sat]).every((w) => /, values clamped: recompile with/.test(w))).toBe(true);
  });

  it.each(["reference", "chip"])(
    "--engine %s prints one line per population for the whole batch",
    async (engine) => {
      const run = join(dir, `${engine}.json`);
      const r = await cli(
        "simulate",
        model,
        "--engine",
        engine,
        ...(engine === "chip" ? ["--profile", "loihi"] : []),
        "--input",
        events,
        "--json",
        run,
      );
      expect(r.code).toBe(0);
      const lines = r.err.split("\n").filter((l) => l.includes("saturated"));
      const ids = lines.map((l) => /population "([^"]+)"/.exec(l)?.[1]);
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(lines.length);
      for (const l of lines) {
        expect(l).toMatch(
          /saturated \d+ times? in [123] of 3 samples \(at most \d+ in one\), largest overshoot [\d.,]+× the limit/,
        );
        expect(l).toMatch(/--state-bits/);
      }
      const json = JSON.parse(readFileSync(run, "utf8")) as { warnings?: string[] };
      expect(json.warnings?.filter((w) => w.includes("saturated")).length).toBe(lines.length);
    },
    120_000,
  );

  it("folds counts across samples, keeps the largest overshoot, and keeps other warnings once", () => {
    const w = summarizeWarnings([
      ['population "a" saturated 2 times (values clamped, at most 1.50× the limit)', "other"],
      [
        'population "a" saturated 1 time (values clamped, at most 2.25× the limit)',
        "other",
        'projection "p" saturated 5 times (values clamped, at most 1,024× the limit)',
      ],
    ]);
    expect(w).toEqual([
      "other",
      'population "a" saturated 3 times in 2 of 2 samples (at most 2 in one), largest overshoot 2.25× the limit, values clamped: recompile with more --state-bits, or --calibrate on representative inputs',
      'projection "p" saturated 5 times in 1 of 2 samples (at most 5 in one), largest overshoot 1,024× the limit, values clamped: recompile with --calibrate on representative inputs (or a smaller --input-range)',
    ]);
  });

  it("the overshoot is how far past its limit the worst clamp went", () => {
    const c = new SatCounter();
    const t = { saturations: 0, overshoot: 0 };
    expect(c.sat(5, -8, 7)).toBe(5);
    expect(c.sat(21, -8, 7)).toBe(7);
    expect(c.sat(-12, -8, 7)).toBe(-8);
    c.drainInto(t);
    expect(t).toEqual({ saturations: 2, overshoot: 3 });
    c.sat(-20, -8, 7);
    c.drainInto(t);
    expect(t).toEqual({ saturations: 3, overshoot: 3 });
    expect(saturationWarning("population", "x", t)).toBe(
      'population "x" saturated 3 times (values clamped, at most 3.00× the limit)',
    );
  });
});
