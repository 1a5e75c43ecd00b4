// An output that fails to write after the work (disk full) is the machine's state, not a fault: exit 2 with
// one line naming the flag, the file and the cause — not exit 1 "internal error … a bug in spikegrid".
// /dev/full (Linux) fails every write with ENOSPC; written in place, never renamed over.

import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const LIF = sharedFixture("nir/01_lif/lif_norse.nir");
const FULL = "/dev/full";
const hasFull = existsSync(FULL) && statSync(FULL).isCharacterDevice();
const dir = mkdtempSync(join(tmpdir(), "sg-write-failure-"));
const model = join(dir, "lif.nmir");
const spikes = join(dir, "spikes.npy");

function diskFull(r: Awaited<ReturnType<typeof cli>>, flag: string) {
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${flag} ${FULL} could not be written: no space left on the device`);
  expect(r.err).not.toMatch(/internal error|a bug in spikegrid|at .*\.[jt]s:\d+/);
  // still the device: the write went to it, nothing replaced it
  expect(statSync(FULL).isCharacterDevice()).toBe(true);
}

describe.skipIf(!hasFull)("a full disk when the output is written", () => {
  beforeAll(async () => {
    expect((await cli("compile", LIF, "--dt", "1e-4", "-o", model)).code).toBe(0);
    writeNpyFile(spikes, { dtype: "float32", shape: [2, 5, 1], data: new Float32Array(10).fill(1) });
  }, 60_000);

  it("simulate --engine chip --json", async () => {
    const args = ["--profile", "loihi", "--input", spikes, "--json", FULL];
    diskFull(await cli("simulate", model, "--engine", "chip", ...args), "--json");
  }, 60_000);

  it("simulate --engine reference --json", async () => {
    diskFull(
      await cli("simulate", model, "--engine", "reference", "--input", spikes, "--json", FULL),
      "--json",
    );
  }, 60_000);

  it("map -o", async () => {
    diskFull(await cli("map", model, "--profile", "loihi", "-o", FULL), "-o/--out");
  }, 60_000);
});

describe.skipIf(!hasFull)("compile -o onto a device or a symlink", () => {
  it("writes through /dev/full (exit 2) and leaves it a device", async () => {
    const r = await cli("compile", LIF, "--dt", "1e-4", "-o", FULL);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/internal error|a bug in spikegrid/);
    expect(statSync(FULL).isCharacterDevice()).toBe(true);
  }, 60_000);

  it("writes a symlink's target and keeps the link", async () => {
    const target = join(dir, "real.nmir");
    const link = join(dir, "link.nmir");
    writeFileSync(target, "old");
    symlinkSync(target, link);
    expect((await cli("compile", LIF, "--dt", "1e-4", "-o", link)).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).length).toBeGreaterThan(3);
  }, 60_000);
});
