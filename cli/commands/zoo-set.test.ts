// `--set key=value` on every command that loads a network: applied to zoo:NAME, refused elsewhere, checked.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../../common/errors.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";
import { parseSets, zooOverrides } from "../zoo-set.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const usage = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isSpikegridError(e) ? e.code : "other";
  }
  return "none";
};

describe("parseSets / zooOverrides", () => {
  it("parses repeated key=value and keeps '=' inside values", () => {
    expect(parseSets(["depth=2", "mixer=a=b"])).toEqual({ depth: "2", mixer: "a=b" });
    expect(parseSets(undefined)).toEqual({});
    expect(parseSets("dim=8")).toEqual({ dim: "8" });
  });
  it("rejects malformed pairs, repeated keys and --set on files", () => {
    expect(usage(() => parseSets(["depth"]))).toBe("USAGE");
    expect(usage(() => parseSets(["=2"]))).toBe("USAGE");
    expect(usage(() => parseSets(["depth=1", "depth=2"]))).toBe("USAGE");
    expect(usage(() => zooOverrides("net.nir", ["depth=2"]))).toBe("USAGE");
    expect(zooOverrides("net.nir", undefined)).toEqual({});
  });
});

describe("--set through the CLI", () => {
  it("inspect builds the zoo model with the overrides", async () => {
    const r = await run("inspect", "zoo:spikformer-4-384", "--set", "numClasses=100", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).totals.params).toBe(9_359_380); // CIFAR-100 head, seed-models.md §2.2
  });

  it("unknown keys and bad values are user errors naming the setting", async () => {
    const unknown = await run("inspect", "zoo:lmuformer", "--set", "width=3");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no setting "width"');
    const bad = await run("inspect", "zoo:lmuformer", "--set", "dim=wide");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"dim" must be a positive integer');
  });

  it("--set on a file is refused by inspect, compile and simulate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zoo-set-"));
    const file = join(dir, "net.nir");
    writeFileSync(file, "not read");
    for (const argv of [
      ["inspect", file, "--set", "depth=2"],
      ["compile", file, "-o", join(dir, "x.nmir"), "--set", "depth=2"],
      ["simulate", file, "--engine", "float", "--out", join(dir, "y.npy"), "--set", "depth=2"],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv[0]).toBe(2);
      expect(r.err, argv[0]).toContain("--set configures zoo models");
    }
  });

  it("compile applies the overrides to the zoo model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zoo-set-"));
    const out = join(dir, "m.nmir");
    const r = await run(
      "compile",
      "zoo:spiking-lmuformer-psmnist",
      "-o",
      out,
      "--set",
      "hidden=4",
      "--set",
      "memory=3",
      "--set",
      "theta=8",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const shown = await run("inspect", out, "--json");
    expect(shown.out).toContain("lmu");
  });
});
