// The direct run's command line read before the CLI parser loads: only the plain form is taken, everything else
// (other flags, spellings, repeats, odd values) is left to the parser and its messages.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";
import { directArgv } from "./simulate-direct.js";

const PLAIN = ["simulate", "net.yaml", "--engine", "chip", "--profile", "p.yaml", "--convention", "sanafe"];

describe("directArgv", () => {
  it("takes a plain direct run, flags in any order, --timesteps as a number", () => {
    expect(directArgv([...PLAIN, "--json", "r.json", "--timesteps", "1000"])).toEqual({
      file: "net.yaml",
      engine: "chip",
      profile: "p.yaml",
      convention: "sanafe",
      json: "r.json",
      timesteps: 1000,
    });
    expect(
      directArgv(["simulate", "--json", "r.json", "--timing", "detailed", ...PLAIN.slice(2), "N.YML"]),
    ).toMatchObject({ file: "N.YML", timing: "detailed" });
  });

  it.each([
    ["no --json", PLAIN],
    ["another command", ["compile", ...PLAIN.slice(1), "--json", "r.json"]],
    ["not a .yaml file", ["simulate", "net.nir", ...PLAIN.slice(2), "--json", "r.json"]],
    ["two files", [...PLAIN, "other.yaml", "--json", "r.json"]],
    ["--help", [...PLAIN, "--json", "r.json", "--help"]],
    ["--debug", [...PLAIN, "--json", "r.json", "--debug"]],
    ["another flag", [...PLAIN, "--json", "r.json", "--input", "x.npy"]],
    ["--no-direct", [...PLAIN, "--json", "r.json", "--no-direct"]],
    ["a repeated flag", [...PLAIN, "--json", "r.json", "--json", "s.json"]],
    ["--flag=value", [...PLAIN, "--json=r.json"]],
    ["a short flag", [...PLAIN, "--json", "r.json", "-o", "x.npy"]],
    ["a flag without its value", [...PLAIN, "--json"]],
    ["an empty value", [...PLAIN, "--json", ""]],
    ["a value that looks like a flag", [...PLAIN, "--json", "-r.json"]],
    ["another engine", ["simulate", "net.yaml", "--engine", "float", "--json", "r.json"]],
    ["another convention", [...PLAIN.slice(0, 6), "--convention", "neurobench", "--json", "r.json"]],
    ["simple timing", [...PLAIN, "--json", "r.json", "--timing", "simple"]],
    ["zero steps", [...PLAIN, "--json", "r.json", "--timesteps", "0"]],
    ["a fraction of steps", [...PLAIN, "--json", "r.json", "--timesteps", "1.5"]],
    ["steps in exponent form", [...PLAIN, "--json", "r.json", "--timesteps", "1e3"]],
    ["too many steps", [...PLAIN, "--json", "r.json", "--timesteps", "9999999"]],
    ["an inherited property name", [...PLAIN, "--json", "r.json", "--toString", "x"]],
  ])("leaves %s to the parser", (_what, argv) => {
    expect(directArgv(argv)).toBeUndefined();
  });
});

describe("a plain direct run the direct path declines", () => {
  it("runs the compiled chip once, with one note saying why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "direct-declined-"));
    try {
      // a weight off the 1/64 grid: SANA-FE's model in 1/64 units cannot stand in for the compiled chip
      const text = readFileSync("test/sanafe/neurons.yaml", "utf8").replace(
        "in.0 -> a.0: {weight: 2}",
        "in.0 -> a.0: {weight: 2.3}",
      );
      const net = join(dir, "net.yaml");
      const json = join(dir, "run.json");
      writeFileSync(net, text);
      const argv = ["simulate", net, "--engine", "chip", "--profile", "test/sanafe/grid2x2.arch.yaml"];
      const r = await cli(...argv, "--convention", "sanafe", "--json", json, "--timesteps", "20");
      expect(r.code, r.err).toBe(0);
      expect(r.err.match(/ran the compiled chip, not SANA-FE's model directly: a weight/g)).toHaveLength(1);
      expect(JSON.parse(readFileSync(json, "utf8")).run.path).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a plain direct run with a bad profile", () => {
  it("reports the profile (read beside the network file), before any problem of the file, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "direct-bad-profile-"));
    try {
      const good = join(dir, "net.yaml");
      const bad = join(dir, "bad.yaml");
      writeFileSync(good, readFileSync("test/sanafe/neurons.yaml", "utf8"));
      // an edge to a group the file lacks: an error of the file itself
      writeFileSync(
        bad,
        readFileSync("test/sanafe/neurons.yaml", "utf8").replace("in.0 -> a.0", "in.0 -> zz.0"),
      );
      const json = join(dir, "run.json");
      for (const net of [good, bad]) {
        const argv = ["simulate", net, "--engine", "chip", "--profile", join(dir, "none.arch.yaml")];
        const r = await cli(...argv, "--convention", "sanafe", "--json", json, "--timesteps", "5");
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/none\.arch\.yaml/);
        expect(r.err).not.toMatch(/zz/);
      }
      const r = await cli(
        ...["simulate", bad, "--engine", "chip", "--profile", "test/sanafe/grid2x2.arch.yaml"],
        ...["--convention", "sanafe", "--json", json, "--timesteps", "5"],
      );
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/zz/);
      expect(() => readFileSync(json)).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a direct run's placement errors", () => {
  it("name the mapping entry's line, as when the whole file is read, and write nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "direct-bad-place-"));
    try {
      const text = readFileSync("test/sanafe/neurons.yaml", "utf8");
      const json = join(dir, "run.json");
      for (const [edit, want] of [
        // a core the 2 × 2 chip lacks (tile 9), and a soma unit it does not have: line 46 holds the entry
        [
          (t: string) => t.replace("a.3..5: {core: '1.1'}", "a.3..5: {core: '9.1'}"),
          /net\.yaml:46: core 9\.1 is not on/,
        ],
        [
          (t: string) => t.replace("a.3..5: {core: '1.1'}", "a.3..5: {core: '1.1', soma: nope}"),
          /net\.yaml:46: soma unit "nope" is not a unit of/,
        ],
        // a neuron mapped twice (the file read whole: its error at its line)
        [
          (t: string) => t.replace("  - b: {core: '2.0'}", "  - b: {core: '2.0'}\n  - a.4: {core: '2.0'}"),
          /net\.yaml:48: neuron a\.4 is mapped twice/,
        ],
      ] as const) {
        const file = join(dir, "net.yaml");
        writeFileSync(file, edit(text));
        const r = await cli(
          ...["simulate", file, "--engine", "chip", "--profile", "test/sanafe/grid2x2.arch.yaml"],
          ...["--convention", "sanafe", "--json", json, "--timesteps", "5"],
        );
        expect(r.code).toBe(2);
        expect(r.err).toMatch(want);
        expect(() => readFileSync(json)).toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
