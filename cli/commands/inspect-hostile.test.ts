// `spikegrid inspect` on hostile weight files (test/fuzz generators): a 300 k-key safetensors file prints
// its table instead of overflowing the stack; a .pth naming os.system says which globals it did not run.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pthMaliciousGlobal, safetensorsManyKeys } from "../../test/fuzz/hostile-tensors.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const dir = mkdtempSync(join(tmpdir(), "inspect-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join(""), err: io.stderr.join("") };
}

describe("inspect on hostile weight files", () => {
  it("a safetensors file with 300,000 keys: the table, no stack overflow", async () => {
    const file = join(dir, "many.safetensors");
    writeFileSync(file, safetensorsManyKeys(300_000));
    const t0 = performance.now();
    const r = await run("inspect", file);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("300000 tensors, 300,000 elements");
    expect(r.out).toMatch(/^layer\.299999\.weight +float32 +\[1\] +1$/m);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it("a .pth whose pickle calls os.system: read (nothing run), and the refused global named", async () => {
    const file = join(dir, "evil.pth");
    writeFileSync(file, pthMaliciousGlobal());
    const r = await run("inspect", file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^w +float32 +\[4\] +4$/m);
    const refused = r.out.split("\n").filter((l) => l.includes("os.system"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/not run|refused/);
  });
});
