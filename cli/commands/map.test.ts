// `spikegrid map` on the compiled sinabs CNN: the grid view, the mapping file, JSON output, profiled traffic,
// and exit 2 with the explained misfit (truenorth, too small --max-cores, bad flags).

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { checkMapping } from "../../compiler/mapping/index.js";
import { readNmirFile } from "../../compiler/nmir/index.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

// The lead registers the command in index.ts; until then the test adds it.

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-map-"));
const model = join(dir, "cnn.nmir");

beforeAll(async () => {
  const r = await cli("compile", CNN, "-o", model, "--weight-bits", "8");
  expect(r.code).toBe(0);
}, 60_000);

describe("spikegrid map", () => {
  it("maps onto loihi, prints the grid and the fit summary, writes a valid mapping", async () => {
    const out = join(dir, "loihi.json");
    const r = await cli("map", model, "--profile", "loihi", "--placement", "anneal", "-o", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/core grid of loihi/);
    expect(r.out).toMatch(/legend:/);
    expect(r.out).toMatch(/fits on loihi: \d+ of 128 cores/);
    const mapping = JSON.parse(readFileSync(out, "utf8"));
    expect(mapping.placement).toBe("anneal");
    expect(checkMapping(mapping, readNmirFile(model), loadProfile("loihi"))).toEqual([]);
  });

  it("--json prints the mapping and the fit report", async () => {
    const r = await cli("map", model, "--profile", "generic-45nm", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.fit.fits).toBe(true);
    expect(j.mapping.cost.trafficSource).toBe("fan-out");
  });

  it("--input profiles traffic with the reference simulator", async () => {
    const x = new Float32Array(4 * 2 * 34 * 34);
    for (let i = 0; i < x.length; i++) x[i] = (i * 2654435761) % 97 < 12 ? 1 : 0;
    const input = join(dir, "in.npy");
    writeNpyFile(input, { shape: [4, 2, 34, 34], dtype: "float32", data: x });
    const r = await cli("map", model, "--profile", "loihi2", "--input", input, "--json");
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).mapping.cost.trafficSource).toBe("profiled");
  }, 60_000);

  it("exits 2 with the explained misfit on truenorth", async () => {
    const r = await cli("map", model, "--profile", "truenorth");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not fit on truenorth/);
    expect(r.err).toMatch(/inputAxons needs 512, available 256/);
    expect(r.err).toMatch(/it fits on: loihi/);
  });

  it("says how many cores are needed when --max-cores is too small", async () => {
    const r = await cli("map", model, "--profile", "loihi", "--max-cores", "2");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--max-cores 2 is too small: .* needs \d+ cores/);
  });

  it("rejects a bad --placement", async () => {
    const r = await cli("map", model, "--profile", "loihi", "--placement", "random");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--placement must be/);
  });
});
