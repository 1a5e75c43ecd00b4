// Loading by name or path, and the problems a broken profile file reports (with positions and suggestions).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SpikegridError } from "../common/errors.js";
import { packagePath } from "../common/package-root.js";
import {
  formatProblem,
  isProfilePath,
  loadProfile,
  parseProfileText,
  profileNames,
  validateProfileFile,
} from "./index.js";

const fixture = (name: string) => packagePath("test", "fixtures", "profiles", name);
const tmp = mkdtempSync(join(tmpdir(), "spikegrid-profiles-"));
const loihiText = readFileSync(packagePath("hw-profiles", "loihi.yaml"), "utf8");

function problemsOf(text: string) {
  return parseProfileText(text, "mem.yaml").problems;
}

function thrown(f: () => unknown): SpikegridError {
  try {
    f();
  } catch (e) {
    if (e instanceof SpikegridError) return e;
    throw e;
  }
  throw new Error("expected a SpikegridError");
}

describe("loadProfile", () => {
  it("tells names from paths", () => {
    expect(isProfilePath("loihi")).toBe(false);
    expect(isProfilePath("generic-45nm")).toBe(false);
    expect(isProfilePath("./loihi")).toBe(true);
    expect(isProfilePath("my-chip.yml")).toBe(true);
    expect(isProfilePath("chip.JSON")).toBe(true);
  });

  it("loads a user's YAML file by path, anywhere a name works", () => {
    const file = join(tmp, "mychip.yaml");
    writeFileSync(file, loihiText.replace("name: loihi", "name: mychip"));
    const p = loadProfile(file);
    expect(p.name).toBe("mychip");
    expect(p.file).toBe(file);
    expect(p.costs.synopAC?.energyJ).toBe(2.36e-11);
    expect(validateProfileFile(file).problems).toEqual([]);
    expect(loadProfile(file)).toBe(p); // cached
  });

  it("loads JSON as well, with positions for its problems", () => {
    const data = parse(loihiText);
    const good = join(tmp, "mychip.json");
    writeFileSync(good, JSON.stringify(data, null, "\t"));
    expect(loadProfile(good).core.neurons).toBe(1024);
    data.core.neurons.value = "many";
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, JSON.stringify(data, null, 2));
    const [p] = validateProfileFile(bad).problems;
    expect(p).toMatchObject({ path: "core.neurons.value", line: expect.any(Number) });
    expect(readFileSync(bad, "utf8").split("\n")[p!.line! - 1]).toContain('"many"');
  });

  it("reloads a file that changed", () => {
    const file = join(tmp, "changing.yaml");
    writeFileSync(file, loihiText);
    expect(loadProfile(file).core.neurons).toBe(1024);
    writeFileSync(file, `${loihiText.replace("value: 1024\n", "value: 512\n")}\n# changed\n`);
    expect(loadProfile(file).core.neurons).toBe(512);
  });

  it("an unknown name is PROFILE_UNKNOWN listing the known names", () => {
    const e = thrown(() => loadProfile("loihi3"));
    expect(e.code).toBe("PROFILE_UNKNOWN");
    expect(e.message).toContain('did you mean "loihi');
    for (const n of profileNames()) expect(e.hint).toContain(n);
  });

  it("a missing file is FILE_NOT_FOUND", () => {
    expect(thrown(() => loadProfile(join(tmp, "nope.yaml"))).code).toBe("FILE_NOT_FOUND");
    expect(thrown(() => validateProfileFile("./nope/chip.yaml")).code).toBe("FILE_NOT_FOUND");
  });
});

describe("profile problems", () => {
  it("names a wrong type, a missing key and an unknown key, each with its line", () => {
    const file = fixture("bad-three.yaml");
    const { problems } = validateProfileFile(file);
    expect(problems.map((p) => p.path)).toEqual([
      "grid.multicastt",
      "core.neurons",
      "costs.synopAC.energy.value",
    ]);
    expect(problems.map((p) => p.line)).toEqual([13, 15, 25]);
    expect(problems[0]!.message).toContain('did you mean "multicast"');
    expect(problems[1]!.message).toMatch(/missing required key; expected a count/);
    expect(problems[2]!.message).toMatch(/expected a number, found the string "23.6 pJ"/);
    const e = thrown(() => loadProfile(file));
    expect(e.code).toBe("PROFILE_INVALID");
    expect(e.details).toHaveLength(3);
    expect(e.details[2]!.where).toBe(`${file}:25:21 costs.synopAC.energy.value`);
  });

  it("lists every problem of a badly broken file at once", () => {
    const text = validateProfileFile(fixture("bad-many.yaml")).problems.map(formatProblem).join("\n");
    expect(text).toMatch(
      /:8:10 grid\.width: expected a count .* found 2 \(every number needs its provenance/,
    );
    expect(text).toMatch(/grid\.coresPerTile\.source: unknown source "papr".*did you mean "paper"/);
    expect(text).toMatch(/grid\.routing: expected one of xy, point-to-point; found the string "yx"/);
    expect(text).toMatch(
      /grid\.chips\.status: expected one of published, derived, estimate; found the string "guess"/,
    );
    expect(text).toMatch(/core\.neurons\.value: expected an integer, found 1\.5/);
    expect(text).toMatch(
      /core\.memoryModel\.kind: expected one of dense, csr, .*; found the string "sparse"/,
    );
    expect(text).toMatch(/core\.weightBits: .*found the string "8 bit" \(write it as \{value: 8, unit: bit/);
    expect(text).toMatch(/costs\.synopAc: unknown key "synopAc" \(did you mean "synopAC"\?\)/);
    expect(text).toMatch(
      /costs\.hop\.energy\.unit: unknown unit; expected one of fJ, pJ, .*found the string "KB"/,
    );
    expect(text).toMatch(/costs\.hop\.energy\.source: unknown source "nowhere"/);
  });

  it("reports a missing sources map once, not once per number", () => {
    const problems = problemsOf(loihiText.replace(/^sources:\n( {2}.*\n)+/m, ""));
    expect(problems.map((p) => p.path)).toEqual(["sources"]);
    expect(problems[0]!.message).toMatch(/missing required key; expected a mapping/);
  });

  it("suggests the unit meant", () => {
    const [p] = problemsOf(loihiText.replace(/(value: 23\.6\s+unit:) pJ/, "$1 pj"));
    expect(p).toMatchObject({ path: "costs.synopAC.energy.unit" });
    expect(p!.message).toContain('did you mean "pJ"');
  });

  it("reports YAML syntax errors with their line", () => {
    const { problems } = validateProfileFile(fixture("syntax-error.yaml"));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ line: 1 });
    expect(problems[0]!.message).toMatch(/^YAML syntax error/);
    const dup = problemsOf(loihiText.replace("name: loihi", "name: loihi\nname: again"));
    expect(dup[0]).toMatchObject({ line: 5 });
    expect(dup[0]!.message).toMatch(/unique/);
  });

  it("reports an empty file and a file that is not a mapping", () => {
    expect(problemsOf("")[0]!.message).toMatch(
      /the file is empty; expected a mapping with keys name, description/,
    );
    expect(problemsOf("# only a comment\n")[0]!.message).toMatch(/empty/);
    expect(problemsOf("- a\n- b\n")[0]!.message).toMatch(
      /expected a mapping at the top level .* found a list of 2 items/,
    );
    expect(problemsOf("just text")[0]!.message).toMatch(/found the string "just text"/);
  });

  it("checks rules across fields", () => {
    const both = loihiText.replace(
      "  hopEW:\n",
      "  hop:\n    energy: {value: 1, unit: pJ, status: estimate, source: davies2018}\n  hopEW:\n",
    );
    expect(problemsOf(both).map((p) => p.path)).toEqual(["costs.hop"]);
    const mac = loihiText.replace(
      "costs:\n",
      "costs:\n  synopMAC:\n    energy: {value: 1, unit: pJ, status: estimate, source: davies2018}\n",
    );
    expect(problemsOf(mac)[0]!.message).toMatch(/MAC cost needs graded spikes/);
    const empty = loihiText.replace("costs:\n", "costs:\n  axonIn: {}\n");
    const axonLine = empty.split("\n").findIndex((l) => l.includes("axonIn")) + 1;
    expect(problemsOf(empty)[0]).toMatchObject({ path: "costs.axonIn", line: axonLine });
    const order = loihiText.replace("- tiles: 32", "- tiles: 1");
    expect(problemsOf(order)[0]!.message).toMatch(/increasing order/);
    const speck = readFileSync(packagePath("hw-profiles", "speck.yaml"), "utf8").replace(
      "cores: [7, 8]",
      "cores: [7, 9]",
    );
    const msgs = problemsOf(speck).map((p) => p.message);
    expect(msgs).toContain("core 9 does not exist; expected an index below 9 (cores per chip)");
    expect(msgs).toContain("core 8 appears 0 times; expected exactly once");
  });

  it("does not invent numbers for cycles without a clock", () => {
    const p = loadProfile("xylo");
    expect(p.costs.neuronUpdateIdle).toEqual({ latencyCycles: 22 });
    expect(p.provenance.get("costs.neuronUpdateIdle.latency")).toMatchObject({
      value: 22,
      unit: "cycles",
      status: "derived",
    });
  });
});
