// Unit tests of the README block parser, renderer and volatile-field mask.

import { describe, expect, it } from "vitest";
import { maskVolatile, parseConsoleBlocks, renderConsoleBlocks } from "./readme-blocks.js";

const README = [
  "intro",
  "```console",
  "$ echo one",
  "old output",
  "$ echo two",
  "```",
  "```sh",
  "$ not a console block",
  "```",
].join("\n");

describe("console blocks", () => {
  it("parses commands and their output, skipping other blocks", () => {
    const blocks = parseConsoleBlocks(README);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.stderr).toBe(false);
    expect(blocks[0]?.commands).toEqual([
      { command: "echo one", output: "old output\n" },
      { command: "echo two", output: "" },
    ]);
  });

  it("renders new output in place and keeps everything else", () => {
    const blocks = parseConsoleBlocks(README);
    const text = renderConsoleBlocks(README, blocks, [["one\n", "two\nthree\n"]]);
    expect(text).toBe(
      [
        "intro",
        "```console",
        "$ echo one",
        "one",
        "$ echo two",
        "two",
        "three",
        "```",
        "```sh",
        "$ not a console block",
        "```",
      ].join("\n"),
    );
  });

  it("shows standard error only for a block marked so", () => {
    const blocks = parseConsoleBlocks("<!-- console: stderr -->\n```console\n$ x\n```\n```console\n$ y\n```");
    expect(blocks.map((b) => b.stderr)).toEqual([true, false]);
  });

  it("refuses a block whose first line is not a command, and an unclosed block", () => {
    expect(() => parseConsoleBlocks("```console\noutput\n```")).toThrow(/must start with/);
    expect(() => parseConsoleBlocks("```console\n$ x\n")).toThrow(/never closed/);
  });

  it("masks durations and the clone's folder only", () => {
    expect(
      maskVolatile(
        "report: /tmp/clone/a.html\ndone in 3.3 s\n(8 point(s); 4.7 s, 2 worker(s))",
        "/tmp/clone",
      ),
    ).toBe("report: <repo>/a.html\ndone in <t> s\n(8 point(s); <t> s, 2 worker(s))");
    expect(maskVolatile("accuracy 98.4 %", "/x")).toBe("accuracy 98.4 %");
    // generated in another clone
    expect(maskVolatile("report: /work/main/spikegrid-demo/report.html  (open it)", "/tmp/ci/repo")).toBe(
      "report: <repo>/spikegrid-demo/report.html  (open it)",
    );
  });
});
