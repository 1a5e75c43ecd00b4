// `spikegrid profiles list | show | validate` through runCli, as a user would call them.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

beforeAll(() => {
  // Until the lead adds the command to the table, register it here (once).
});

describe("spikegrid profiles", () => {
  it("list prints every profile with its main numbers", async () => {
    const { code, out } = await run("profiles", "list");
    expect(code).toBe(0);
    for (const name of ["loihi", "loihi2", "truenorth", "spinnaker2", "speck", "xylo", "generic-45nm"]) {
      expect(out).toContain(name);
    }
    const loihi = out.split("\n").find((l) => l.startsWith("loihi "))!;
    expect(loihi).toMatch(/128\s+1024\s+1\.05 Mbit\s+9\s+AC 23\.6 pJ\s+113 ns–465 ns barrier/);
    expect(out).toMatch(/generic-45nm .*AC 900 fJ \/ MAC 4\.6 pJ/);
    expect(out).toMatch(/truenorth .*1 ms tick/);
    expect(out).toMatch(/loihi2 .*AC 11\.8 pJ\*/); // estimate marker
  });

  it("list --json gives an array, null where a number is not modelled", async () => {
    const { code, out } = await run("profiles", "list", "--json");
    expect(code).toBe(0);
    const rows = JSON.parse(out);
    expect(rows).toHaveLength(13);
    const loihi = rows.find((r: { name: string }) => r.name === "loihi");
    // a system lists all its chips' cores
    expect(rows.find((r: { name: string }) => r.name === "loihi2-kapoho-point")).toMatchObject({
      chips: 8,
      coresPerChip: 128,
      cores: 1024,
    });
    expect(loihi).toMatchObject({
      cores: 128,
      neuronsPerCore: 1024,
      synopACJ: 2.36e-11,
      synopMACJ: null,
      clockHz: null,
    });
  });

  it("show lists every number with unit, status and source, estimates tagged", async () => {
    const { code, out } = await run("profiles", "show", "loihi2");
    expect(code).toBe(0);
    expect(out).toMatch(/costs\.synopAC\.energy\s+11\.8 pJ\s+\(estimate\)\s+refNotes\s+\[\d+\]/);
    expect(out).toMatch(/core\.synapseMemory\s+192 KiB\s+1\.57 Mbit\s+published\s+intelBrief/);
    expect(out).toMatch(/timestep\.semantics\s+pipelined/);
    expect(out).toContain("not modelled (unknown, never zero): costs.synopMAC");
    expect(out).toMatch(/refNotes: spikegrid design reference/);
    expect(out).toMatch(/Loihi 1 Table 2 value x 0\.5/);
  });

  it("show --json carries the profile and its provenance", async () => {
    const { code, out } = await run("profiles", "show", "loihi", "--json");
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.profile.costs.synopAC.energyJ).toBe(2.36e-11);
    const e = j.provenance.find((p: { keyPath: string }) => p.keyPath === "costs.synopAC.energy");
    expect(e).toMatchObject({ status: "published", sourceKey: "davies2018", original: "23.6 pJ" });
    expect(j.notModelled).toContain("costs.synopMAC");
  });

  it("show accepts a file path as well as a name", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "spikegrid-cli-")), "mine.yml");
    writeFileSync(
      file,
      readFileSync(packagePath("hw-profiles", "speck.yaml"), "utf8").replace("name: speck", "name: mine"),
    );
    const { code, out } = await run("profiles", "show", file);
    expect(code).toBe(0);
    expect(out).toMatch(/^mine — /);
  });

  it("validate says ok with counts for a good file", async () => {
    const { code, out } = await run("profiles", "validate", packagePath("hw-profiles", "loihi2.yaml"));
    expect(code).toBe(0);
    expect(out).toMatch(/^ok: .*loihi2\.yaml is a valid profile \(\d+ numbers, \d+ estimates\)$/);
  });

  it("validate lists every problem and exits 2", async () => {
    const file = packagePath("test", "fixtures", "profiles", "bad-three.yaml");
    const { code, err } = await run("profiles", "validate", file);
    expect(code).toBe(2);
    expect(err).toContain("[PROFILE_INVALID]");
    expect(err).toContain(":13:3 grid.multicastt: unknown key");
    expect(err).toContain(":15:1 core.neurons: missing required key");
    expect(err).toContain(":25:21 costs.synopAC.energy.value: expected a number");
  });

  it("unknown names and missing files exit 2 with their codes", async () => {
    const unknown = await run("profiles", "show", "truenorht");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/PROFILE_UNKNOWN.*did you mean "truenorth"/);
    expect(unknown.err).toContain("known profiles: loihi, loihi-sanafe, loihi2, truenorth");
    const missing = await run("profiles", "validate", "no/such/file.yaml");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("[FILE_NOT_FOUND]");
  });
});
