// `spikegrid profiles validate` refuses impossible sizes and widths (a core with 0 neurons, a 0-wide grid,
// 0- or 64-bit weights, …) with the key path and line; files are generated from the shipped loihi.yaml.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { packagePath } from "../../common/package-root.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const dir = mkdtempSync(join(tmpdir(), "sg-profile-bounds-"));
const loihi = readFileSync(packagePath("hw-profiles", "loihi.yaml"), "utf8");

/** loihi.yaml with one value replaced; the line of that value in the written file. */
function variant(path: string[], value: number): { file: string; line: number } {
  const doc = parseDocument(loihi);
  doc.setIn(path, value);
  const text = doc.toString();
  const file = join(dir, `${path.join("_")}_${value}.yaml`);
  writeFileSync(file, text);
  // the line as written (the edited node has no source range until the text is parsed again)
  const node = parseDocument(text).getIn(path, true) as { range?: [number, number, number] };
  const offset = node.range?.[0] ?? 0;
  return { file, line: text.slice(0, offset).split("\n").length };
}

const CASES: [string[], number, RegExp][] = [
  [["core", "neurons", "value"], 0, /≥ 1, found 0/],
  [["grid", "width", "value"], 0, /≥ 1, found 0/],
  [["grid", "height", "value"], 0, /≥ 1, found 0/],
  [["grid", "coresPerTile", "value"], 0, /≥ 1, found 0/],
  [["grid", "chips", "value"], 0, /≥ 1, found 0/],
  [["core", "weightBits", "value"], 0, /≥ 1, found 0/],
  [["core", "weightBits", "value"], 64, /at most 32, found 64/],
  [["core", "stateBits", "value"], 1, /≥ 2, found 1/],
  [["core", "stateBits", "value"], 33, /at most 32, found 33/],
  [["core", "inputAxons", "value"], 0, /≥ 1, found 0/],
  [["grid", "width", "value"], 100_000, /at most 4096, found 100000/],
];

describe("profiles validate: impossible sizes and widths", () => {
  for (const [path, value, why] of CASES) {
    it(`${path.join(".")} = ${value}: exit 2 with key path and line`, async () => {
      const { file, line } = variant(path, value);
      const r = await run("profiles", "validate", file);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${file}:${line}:`);
      expect(r.err).toContain(`${path.join(".")}: `);
      expect(r.err).toMatch(why);
    });
  }

  it("a mesh of more than 2^20 cores per chip is refused before any per-core rule runs", async () => {
    const doc = parseDocument(loihi);
    doc.setIn(["grid", "width", "value"], 4096);
    doc.setIn(["grid", "height", "value"], 4096);
    const file = join(dir, "huge-mesh.yaml");
    writeFileSync(file, doc.toString());
    const r = await run("profiles", "validate", file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /grid\.coresPerTile\.value: width × height × coresPerTile = 67108864 cores per chip/,
    );
  });

  it("still accepts the shipped profile", async () => {
    const file = join(dir, "loihi.yaml");
    writeFileSync(file, loihi);
    expect((await run("profiles", "validate", file)).code).toBe(0);
  });
});
