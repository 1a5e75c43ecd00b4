// Tests of `spikegrid inspect` through runCli: a valid .nmir, JSON output, and the user errors (exit 2).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNmirFile } from "../../compiler/nmir/codec.js";
import { exampleNmir } from "../../compiler/nmir/example.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const dir = mkdtempSync(join(tmpdir(), "inspect-"));
const good = join(dir, "example.nmir");

beforeAll(() => {
  writeNmirFile(good, exampleNmir());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join(""), err: io.stderr.join("") };
}

describe("spikegrid inspect", () => {
  it("dumps a .nmir file", async () => {
    const r = await run("inspect", good);
    expect(r.code).toBe(0);
    expect(r.out).toContain('NMIR module "example"');
    expect(r.out).toMatch(/^ {2}l1 /m);
    expect(r.out).toMatch(/^ {2}readout /m);
    expect(r.out).toContain("verify (quantized): ok");
  });

  it("prints a JSON summary with --json", async () => {
    const r = await run("inspect", good, "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.populations.map((p: { id: string }) => p.id)).toEqual(["l1", "readout"]);
    expect(s.counts).toMatchObject({ neurons: 42, projections: 3 });
    expect(s.problems).toEqual([]);
  });

  it("gives a one-line reason and exit 2 for a corrupt file", async () => {
    const bad = join(dir, "bad.nmir");
    writeFileSync(bad, "NMIR\u0001\u0000garbage");
    const r = await run("inspect", bad);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/^spikegrid: error \[NMIR_DECODE\]: ".*bad\.nmir" is truncated/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("gives exit 2 for a missing file and for an unknown format", async () => {
    const missing = await run("inspect", join(dir, "nope.nmir"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("[FILE_NOT_FOUND]");
    const other = await run("inspect", join(dir, "model.xyz"));
    expect(other.code).toBe(2);
    expect(other.err).toContain("[USAGE]");
    expect(other.err).toContain("inspect reads .nmir");
  });
});
