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
import { sharedFixture } from "../../test/shared-fixtures.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-sat-"));
const model = join(dir, "cnn6.nmir");
const events = join(dir, "events.npy");

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

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
        expect(l).toMatch(/saturated \d+ times? in [123] of 3 samples \(at most \d+ in one\)/);
        expect(l).toMatch(/--state-bits/);
      }
      const json = JSON.parse(readFileSync(run, "utf8")) as { warnings?: string[] };
      expect(json.warnings?.filter((w) => w.includes("saturated")).length).toBe(lines.length);
    },
    120_000,
  );

  it("folds counts across samples and keeps other warnings once", () => {
    const w = summarizeWarnings([
      ['population "a" saturated 2 times (values clamped)', "other"],
      [
        'population "a" saturated 1 time (values clamped)',
        "other",
        'projection "p" saturated 5 times (values clamped)',
      ],
    ]);
    expect(w).toEqual([
      "other",
      'population "a" saturated 3 times in 2 of 2 samples (at most 2 in one), values clamped: recompile with more --state-bits, or --calibrate on representative inputs',
      'projection "p" saturated 5 times in 1 of 2 samples (at most 5 in one), values clamped: recompile with --calibrate on representative inputs (or a smaller --input-range)',
    ]);
  });
});
