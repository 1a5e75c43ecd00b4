// The connection table read ahead (a direct run builds it while its profile loads): the same table the convention
// builds when it needs it, taken once; an over-budget file's error kept and thrown where the convention meets it.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSanafeFile } from "../../../compiler/importers/sanafe/parsed.js";
import { rng } from "../../../compiler/mapping/math.js";
import { parseProfileText } from "../../../hw-profiles/index.js";
import { connectionsOf, MAX_SANAFE_CONNECTIONS, prepareConnections } from "./connections.js";
import { type CountElsewhere, nonzeroMadeAhead, prepareMessageCounts } from "./counts-ahead.js";
import { conventionNetOf } from "./from-file.js";
import { messageCounts } from "./messages.js";
import { nonzeroTargetsByGroup } from "./nonzero-ops.js";

/** A conv2d edge of 64 × 64 taps over a 320 × 320 input: 4,096 weights in the file, 257² × 4,096 > 2^28
 * connections — refused by the budget before anything is allocated for them. */
function overBudget(): string {
  const weights = Array.from({ length: 4096 }, (_, i) => (i % 7) - 3).join(", ");
  return [
    "network:",
    "  name: big",
    "  groups:",
    "    - name: a",
    "      attributes: {threshold: 1}",
    `      neurons: [0..${320 * 320 - 1}]`,
    "    - name: b",
    "      attributes: {threshold: 1}",
    `      neurons: [0..${257 * 257 - 1}]`,
    "  edges:",
    "    - a -> b:",
    "        type: conv2d",
    "        input_width: 320",
    "        input_height: 320",
    "        input_channels: 1",
    "        kernel_width: 64",
    "        kernel_height: 64",
    "        kernel_count: 1",
    "        stride_width: 1",
    "        stride_height: 1",
    `        weight: [${weights}]`,
    "",
  ].join("\n");
}

/** Random conv2d edges (sizes, strides, channels, weights in 1/64 steps) and a dense edge into one group. */
function randomConvNet(seed: number): string {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const [iw, ih, cin, kw, kh, cout, sw, sh] = [
    int(3, 9),
    int(3, 9),
    int(1, 3),
    int(1, 3),
    int(1, 3),
    int(1, 3),
    int(1, 2),
    int(1, 2),
  ];
  const ow = Math.floor((iw - kw) / sw) + 1;
  const oh = Math.floor((ih - kh) / sh) + 1;
  const weights = (n: number) => Array.from({ length: n }, () => int(-300, 300) / 64).join(", ");
  return [
    "network:",
    "  name: conv",
    "  groups:",
    `    - {name: a, attributes: {threshold: 1}, neurons: [0..${iw * ih * cin - 1}]}`,
    `    - {name: b, attributes: {threshold: 1}, neurons: [0..${ow * oh * cout - 1}]}`,
    "    - {name: c, attributes: {threshold: 1}, neurons: [0..1]}",
    "  edges:",
    "    - a -> b:",
    "        type: conv2d",
    ...Object.entries({ iw, ih, cin, kw, kh, cout, sw, sh }).map(
      ([k, v]) =>
        `        ${{ iw: "input_width", ih: "input_height", cin: "input_channels", kw: "kernel_width", kh: "kernel_height", cout: "kernel_count", sw: "stride_width", sh: "stride_height" }[k]}: ${v}`,
    ),
    `        weight: [${weights(kw * kh * cin * cout)}]`,
    `    - c -> b: {type: dense, weight: [${weights(2 * ow * oh * cout)}]}`,
    "",
  ].join("\n");
}

describe("Σ|weight × 64| into each neuron", () => {
  it("is the sum over the connections into it, for conv2d edges (per output channel) and dense ones", () => {
    for (let seed = 1; seed <= 25; seed++) {
      const parsed = parseSanafeFile(randomConvNet(seed), "c.yaml");
      const c = connectionsOf(parsed, "c.yaml", true);
      const want = new Float64Array(c.fanIn64!.length);
      for (let r = 0; r < c.post.length; r++) want[c.post[r]!]! += Math.abs(c.weight64![r]!);
      expect(c.fanIn64).toEqual(want);
      expect(want.some((x) => x > 0)).toBe(true);
    }
  });
});

describe("the connection table read ahead", () => {
  it("is the table the convention builds, and the convention takes it (once)", () => {
    const { profile } = parseProfileText(readFileSync("test/sanafe/grid2x2.arch.yaml", "utf8"), "grid.yaml");
    expect(profile).toBeDefined();
    const text = readFileSync("test/sanafe/conv.yaml", "utf8");
    const fresh = conventionNetOf(parseSanafeFile(`${text}\n`, "conv.yaml"), "conv.yaml", profile!, true);
    const parsed = parseSanafeFile(text, "conv.yaml");
    prepareConnections(parsed, "conv.yaml", true);
    const ahead = connectionsOf(parsed, "conv.yaml", true);
    expect(ahead.post).toEqual(fresh.post);
    expect(ahead.weight64).toEqual(fresh.weight64);
    expect(ahead.fanIn64).toEqual(fresh.fanIn64);
    prepareConnections(parsed, "conv.yaml", true);
    // the message counts made ahead too (a direct run's read): the same net
    prepareMessageCounts(parsed, "conv.yaml");
    const net = conventionNetOf(parsed, "conv.yaml", profile!, true);
    expect(net).toEqual(fresh);
    // taken once: the next reader builds its own
    expect(connectionsOf(parsed, "conv.yaml", true).post).not.toBe(net.post);
    // prepared with weights, asked without: built anew, without weights
    prepareConnections(parsed, "conv.yaml", true);
    expect(connectionsOf(parsed, "conv.yaml", false).weight64).toBeUndefined();
  });

  it("hands the tables made ahead to another thread and takes them for the same connections only", () => {
    const { profile } = parseProfileText(readFileSync("test/sanafe/grid2x2.arch.yaml", "utf8"), "grid.yaml");
    const text = readFileSync("test/sanafe/conv.yaml", "utf8");
    const fresh = conventionNetOf(parseSanafeFile(`${text}\n`, "conv.yaml"), "conv.yaml", profile!, true);
    const parsed = parseSanafeFile(text, "conv.yaml");
    prepareConnections(parsed, "conv.yaml", true);
    // "another thread" here runs the call when it is taken, as the scheduling thread answers later
    const asked: string[] = [];
    const elsewhere: CountElsewhere = (call) => {
      asked.push(call.name);
      return () =>
        call.name === "messageCounts" ? messageCounts(...call.args) : nonzeroTargetsByGroup(...call.args);
    };
    prepareMessageCounts(parsed, "conv.yaml", elsewhere);
    expect(asked).toEqual(["messageCounts", "nonzeroTargetsByGroup"]);
    const net = conventionNetOf(parsed, "conv.yaml", profile!, true);
    expect(net).toEqual(fresh);
    const groupStart = Int32Array.from([...net.groups.map((g) => g.start), net.neurons]);
    // the net's connections are those read ahead: they get the table, once
    expect(nonzeroMadeAhead(parsed, net.postStart, net.weight64)).toEqual(
      nonzeroTargetsByGroup(net.postStart, net.post, net.weight64, groupStart),
    );
    expect(nonzeroMadeAhead(parsed, net.postStart, net.weight64)).toBeUndefined();
    // other connections (a copy) get nothing
    prepareConnections(parsed, "conv.yaml", true);
    prepareMessageCounts(parsed, "conv.yaml", elsewhere);
    const other = connectionsOf(parsed, "conv.yaml", true);
    expect(nonzeroMadeAhead(parsed, other.postStart.slice(), other.weight64!)).toBeUndefined();
    // where the other thread cannot take the work, the counts are made here and the nonzero table not at all
    prepareConnections(parsed, "conv.yaml", true);
    prepareMessageCounts(parsed, "conv.yaml", () => undefined);
    const again = conventionNetOf(parsed, "conv.yaml", profile!, true);
    expect(again).toEqual(fresh);
    expect(nonzeroMadeAhead(parsed, again.postStart, again.weight64)).toBeUndefined();
  });

  it("keeps an over-budget file's error for the convention to throw", () => {
    const parsed = parseSanafeFile(overBudget(), "big.yaml");
    expect(() => prepareConnections(parsed, "big.yaml", true)).not.toThrow();
    expect(() => connectionsOf(parsed, "big.yaml", true)).toThrow(
      `big.yaml: ${257 * 257 * 4096} connections exceed the sanafe convention's budget MAX_SANAFE_CONNECTIONS (${MAX_SANAFE_CONNECTIONS})`,
    );
    // and without reading ahead, the same error
    expect(() => connectionsOf(parsed, "big.yaml", true)).toThrow(/exceed the sanafe convention's budget/);
  });
});
