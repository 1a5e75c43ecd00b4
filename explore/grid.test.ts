import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../test/cli-run.js";
import { checkGridSpec, expandGrid, gridDataSpec, gridFingerprint, parseShard, shardPoints } from "./grid.js";
import { GRID_FILE_BYTES, loadGridFile } from "./grid-yaml.js";
import { tempDir } from "./test-helpers.js";

const base = {
  model: "zoo:spiking-lmuformer-smnist",
  profiles: ["loihi"],
  dataset: "mnist-rows",
  samples: 2,
};

describe("checkGridSpec", () => {
  it("names an unknown profile and lists the known ones", () => {
    const e = errorOf(() => checkGridSpec({ ...base, profiles: ["loihi", "loihii"] }));
    expect(e.code).toBe("USAGE");
    expect(e.describe()).toMatch(/--profiles: .*loihii/);
    expect(e.hint).toMatch(/loihi2/);
  });

  it("convention: sanafe is in the fingerprint, the default adds nothing; a core budget axis is refused", () => {
    const g = checkGridSpec(base);
    expect(gridFingerprint(checkGridSpec({ ...base, convention: "neurobench" }))).toBe(gridFingerprint(g));
    expect(gridFingerprint(checkGridSpec({ ...base, convention: "sanafe" }))).not.toBe(gridFingerprint(g));
    const e = errorOf(() => checkGridSpec({ ...base, convention: "sanafe", maxCores: [4, null] }));
    expect(e.code).toBe("USAGE");
    expect(e.describe()).toMatch(
      /--max-cores: --convention sanafe runs every point on the SANA-FE file's own/,
    );
    expect(errorOf(() => checkGridSpec({ ...base, convention: "loihi" })).describe()).toMatch(
      /--convention: .*"neurobench"/,
    );
    // without samples: the default refuses, sanafe runs on the file's recorded inputs as long as the longest point
    const { dataset: _d, samples: _s, ...noSamples } = base;
    expect(errorOf(() => checkGridSpec(noSamples)).describe()).toMatch(/no samples/);
    const spec = gridDataSpec(checkGridSpec({ ...noSamples, convention: "sanafe", timesteps: [4, 9] }));
    expect(spec).toMatchObject({ requireRecorded: true, recordedSteps: 9 });
    const auto = gridDataSpec(checkGridSpec({ ...noSamples, convention: "sanafe", timesteps: [4, null] }));
    expect(auto.recordedSteps).toBeUndefined();
  });

  it("refuses bits outside the compiler's limits, naming the flag", () => {
    const e = errorOf(() => checkGridSpec({ ...base, weightBits: [4, 17], stateBits: [1] }));
    const text = e.describe();
    expect(text).toMatch(/--weight-bits: weightBits must be an integer in 2\.\.16, got 17/);
    expect(text).toMatch(/--state-bits: stateBits must be an integer in 2\.\.32, got 1/);
  });

  it("needs a samples source and refuses two", () => {
    expect(errorOf(() => checkGridSpec({ model: "m", profiles: ["loihi"] })).describe()).toMatch(
      /no samples/,
    );
    expect(errorOf(() => checkGridSpec({ ...base, input: "x.npy" })).describe()).toMatch(/not both/);
  });

  it("refuses duplicate axis values", () => {
    expect(errorOf(() => checkGridSpec({ ...base, weightBits: [4, 4] })).describe()).toMatch(
      /"4" appears twice/,
    );
  });
});

describe("expandGrid", () => {
  it("orders points profiles → cores → weight bits → state bits → timesteps with stable keys", () => {
    const g = checkGridSpec({
      ...base,
      profiles: ["loihi", "xylo"],
      maxCores: [8, null],
      weightBits: [2, 4],
    });
    const pts = expandGrid(g);
    expect(pts.map((p) => p.key)).toEqual([
      "loihi|cores=8|w=2|s=auto|T=auto",
      "loihi|cores=8|w=4|s=auto|T=auto",
      "loihi|cores=auto|w=2|s=auto|T=auto",
      "loihi|cores=auto|w=4|s=auto|T=auto",
      "xylo|cores=8|w=2|s=auto|T=auto",
      "xylo|cores=8|w=4|s=auto|T=auto",
      "xylo|cores=auto|w=2|s=auto|T=auto",
      "xylo|cores=auto|w=4|s=auto|T=auto",
    ]);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(gridFingerprint(g)).toBe(gridFingerprint(checkGridSpec({ ...g })));
    expect(gridFingerprint(g)).not.toBe(gridFingerprint(checkGridSpec({ ...g, samples: 3 })));
  });

  it("shards round robin: the shards partition the grid", () => {
    const pts = expandGrid(checkGridSpec({ ...base, weightBits: [2, 3, 4, 5, 6, 7, 8] }));
    const parts = [1, 2, 3].map((i) => shardPoints(pts, parseShard(`${i}/3`)).map((p) => p.index));
    expect(parts).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
    expect(() => parseShard("0/3")).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard("4/3")).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard("a")).toThrow(/i\/n/);
  });
});

describe("grid files", () => {
  it("reads YAML with single values and auto", () => {
    const f = join(tempDir(), "grid.yaml");
    writeFileSync(
      f,
      "model: zoo:spiking-lmuformer-smnist\nprofiles: [loihi2]\nmaxCores: [4, auto]\nweightBits: 8\ndataset: mnist-rows\nsamples: 2\n",
    );
    const g = loadGridFile(f);
    expect(g.maxCores).toEqual([4, null]);
    expect(g.weightBits).toEqual([8]);
  });

  it("points at the line of a bad value, an unknown key and a YAML syntax error", () => {
    const dir = tempDir();
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "model: m\nprofiles:\n  - loihi\n  - nochip\nweightBits: [4, 40]\ndataset: mnist-rows\nsamples: 2\n",
    );
    const text = errorOf(() => loadGridFile(bad)).describe();
    expect(text).toContain(`${bad}:4:5 (profiles.1)`);
    expect(text).toContain(`${bad}:5:17 (weightBits.1)`);
    const unknown = join(dir, "unknown.yaml");
    writeFileSync(unknown, "model: m\nprofiles: [loihi]\nweightbits: [4]\ndataset: mnist-rows\nsamples: 2\n");
    expect(errorOf(() => loadGridFile(unknown)).describe()).toMatch(
      /unknown\.yaml.*weightbits|Unrecognized key.*weightbits/,
    );
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "model: m\nprofiles: [loihi\nweightBits: 4\n");
    const b = errorOf(() => loadGridFile(broken));
    expect(b.message).toMatch(/not valid YAML/);
    expect(b.describe()).toMatch(new RegExp(`${broken.replace(/[.]/g, "\\.")}:\\d+:\\d+`));
  });

  it("refuses a YAML alias bomb (exit 2) at the line of the alias, without expanding it", () => {
    // ten anchors, each a list of ten aliases of the one before: 10^10 values once expanded
    const rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      rows.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const f = join(tempDir(), "bomb.yaml");
    writeFileSync(f, `${rows.join("\n")}\nmodel: m\nprofiles: [loihi]\nbomb: *a9\n`);
    const t0 = performance.now();
    const e = errorOf(() => loadGridFile(f));
    expect(e.code).toBe("USAGE");
    expect(e.describe()).toContain(`${f}:13:7: aliases expand too far (*a9 stands for`);
    expect(e.describe()).toMatch(/at most 1000 alias expansions/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it("refuses a grid file over its byte budget before reading it", () => {
    const f = join(tempDir(), "huge.yaml");
    writeFileSync(f, `model: m\n# ${"x".repeat(GRID_FILE_BYTES)}\n`);
    expect(errorOf(() => loadGridFile(f)).message).toMatch(/exceed the grid file budget of 1,048,576 bytes/);
  });

  it("lets flags override file keys", () => {
    const f = join(tempDir(), "grid.yaml");
    writeFileSync(f, "model: m\nprofiles: [loihi]\ndataset: mnist-rows\nsamples: 2\n");
    expect(loadGridFile(f, { weightBits: [3] }).weightBits).toEqual([3]);
    expect(errorOf(() => loadGridFile(f, { weightBits: [30] })).describe()).toMatch(/--weight-bits \(flag\)/);
  });
});
