// The shared parse of a SANA-FE network file: the importer and the sanafe convention get one parse of the same
// text (taken once), any other text or file parses afresh, and the soma warnings reach every reader.

import { describe, expect, it } from "vitest";
import { twoLayerNet } from "../../../test/sanafe/small-files.js";
import { mappingsOf, parseSanafeFile, somasOf } from "./parsed.js";

describe("parseSanafeFile", () => {
  it("gives the next reader of the same file and text the same parse, once", () => {
    const text = twoLayerNet();
    const a = parseSanafeFile(text, "net.yaml");
    const b = parseSanafeFile(`${text}`, "net.yaml");
    expect(b).toBe(a);
    // taken: a third reader parses again
    expect(parseSanafeFile(text, "net.yaml")).not.toBe(a);
  });

  it("parses again for another file name or another text", () => {
    const text = twoLayerNet();
    const a = parseSanafeFile(text, "a.yaml");
    expect(parseSanafeFile(text, "b.yaml")).not.toBe(a);
    const c = parseSanafeFile(text, "c.yaml");
    expect(parseSanafeFile(twoLayerNet("0.0"), "c.yaml")).not.toBe(c);
  });

  it("reads mappings and somas once per parse and replays the soma warnings to each reader", () => {
    const p = parseSanafeFile(twoLayerNet(), "w.yaml");
    const placement = mappingsOf(p);
    expect(placement?.size).toBeGreaterThan(0);
    expect(mappingsOf(p)).toBe(placement);
    const w1: string[] = [];
    const w2: string[] = [];
    const somas = somasOf(p, w1);
    expect(somasOf(p, w2)).toBe(somas);
    expect(w2).toEqual(w1);
  });
});
