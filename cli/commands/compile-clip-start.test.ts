// `spikegrid compile --clip-start gate|free|auto`: with --profile loihi (no product neurons) auto compiles
// zoo:spiking-lmuformer without "<id>.gate" populations, says so in a note, and the mapping no longer needs
// product neurons; --clip-start gate keeps the gates (and the misfit); a bad value exits 2.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MappingError, mapNetwork } from "../../compiler/mapping/index.js";
import { type NmirModule, readNmirFile } from "../../compiler/nmir/index.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const dir = mkdtempSync(join(tmpdir(), "sg-clip-"));
const SMALL = ["--set", "dim=16", "--set", "inChannels=8", "--set", "numClasses=5", "--set", "theta=8"];

async function compileZoo(name: string, ...flags: string[]) {
  const out = join(dir, `${name}.nmir`);
  const io = bufferIo();
  const code = await runCli(["compile", "zoo:spiking-lmuformer", ...SMALL, "-o", out, ...flags], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n"), file: out };
}

const gates = (ir: NmirModule) => ir.populations.filter((p) => p.id.endsWith(".gate")).map((p) => p.id);

/** The limits mapNetwork reports as misfits on loihi (none when it maps). */
function loihiMisfits(ir: NmirModule): string[] {
  try {
    mapNetwork(ir, loadProfile("loihi"), { suggestProfiles: false });
    return [];
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    return e.fit.misfits.map((m) => m.limit);
  }
}

describe("compile --clip-start", () => {
  it("auto with --profile loihi: no gates, a note naming them, and no productNeurons misfit", async () => {
    const r = await compileZoo("auto", "--profile", "loihi");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/clip start "free" \(auto: profile "loihi" has no product neurons for gates\)/);
    expect(r.out).toMatch(/patch_embed\.proj_lif \(frame 0 at step 1\)/);
    const ir = readNmirFile(r.file);
    expect(gates(ir)).toEqual([]);
    expect(ir.metadata.clipStart).toBe("free");
    expect(loihiMisfits(ir)).not.toContain("productNeurons");
  });

  it("--clip-start gate keeps the gates, which loihi then refuses for product neurons", async () => {
    const r = await compileZoo("gate", "--profile", "loihi", "--clip-start", "gate");
    expect(r.code).toBe(0);
    const ir = readNmirFile(r.file);
    expect(gates(ir).length).toBeGreaterThan(0);
    expect(ir.metadata.clipStart).toBe("gate");
    expect(loihiMisfits(ir)).toContain("productNeurons");
  });

  it("auto without a profile, or with loihi2, gates; --clip-start free drops them anyway", async () => {
    for (const flags of [[], ["--profile", "loihi2"]]) {
      const ir = readNmirFile((await compileZoo(`auto-${flags.length}`, ...flags)).file);
      expect(gates(ir).length, flags.join(" ")).toBeGreaterThan(0);
    }
    const free = readNmirFile((await compileZoo("free", "--clip-start", "free")).file);
    expect(gates(free)).toEqual([]);
  });

  it("a value other than gate, free or auto exits 2 naming the flag", async () => {
    const r = await compileZoo("bad", "--clip-start", "open");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--clip-start must be gate or free or auto/);
  });
});
