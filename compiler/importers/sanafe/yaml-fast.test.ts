// The fast YAML reader against the `yaml` package (failsafe schema): wherever it reads a document, the values
// and every node's line are the package's; documents outside its subset or with errors are left to the package.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isCollection, LineCounter, parseDocument } from "yaml";
import { readFastYaml } from "./yaml-fast.js";
import type { YPath, YValue } from "./yaml-read.js";

function byPackage(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: "failsafe",
    uniqueKeys: true,
    lineCounter: lines,
    prettyErrors: false,
  });
  const line = (path: YPath) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { ok: doc.errors.length === 0, value: doc.errors.length ? undefined : doc.toJS(), line, doc };
}

/** Every path of a value, plus a missing key and index under each collection (to hit the ancestor rule). */
function paths(v: YValue, at: YPath = [], out: YPath[] = []): YPath[] {
  out.push(at);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      paths(x, [...at, i], out);
    });
    out.push([...at, v.length], [...at, String(Math.max(0, v.length - 1))]);
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
    out.push([...at, "no-such-key"], [...at, 0]);
  }
  return out;
}

/** The fast reader agrees with the package on `text`; returns whether it read it at all. */
function agrees(text: string): boolean {
  const fast = readFastYaml(text);
  const ref = byPackage(text);
  if (!fast) return false;
  expect(ref.ok, `the package refuses what the fast reader read:\n${text}`).toBe(true);
  expect(fast.root).toEqual(ref.value);
  expect(isCollection(ref.doc.contents)).toBe(true);
  for (const p of paths(fast.root)) expect([p, fast.line(p)]).toEqual([p, ref.line(p)]);
  return true;
}

/** A SANA-FE-style network generated from a seed: every construct the files use, comments in odd places. */
function network(seed: number): string {
  let a = seed;
  const rnd = (n: number) => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a % n;
  };
  const out = ["# generated", "network:", `  name: net ${seed}`, "  groups:"];
  for (let g = 0; g < 3; g++) {
    out.push(`  - name: ${g}`, "    # a comment before the attributes");
    out.push(`    attributes: {soma_hw_name: lif, threshold: ${rnd(300)}, log_u: true,`);
    out.push(`      reset: 0, leak_decay: 0.${rnd(1000)}}   # trailing comment`);
    out.push("    neurons:");
    for (let n = 0; n < 4; n++) out.push(`    - {${n}: {bias: ${rnd(9) - 4}}}`);
    out.push(`    - 4..${5 + rnd(4)}: {bias: '${rnd(5)}', "soma_hw_name": x}`);
  }
  out.push("  edges:", "  - 0 -> 1:", "      type: conv2d", `      input_width: ${rnd(8) + 2}`);
  out.push(`      weight: [${Array.from({ length: 6 }, () => rnd(400) - 200).join(", ")},`);
  out.push(`        ${rnd(9)}, -${rnd(9)}]`, "  - 1 -> 2: {type: dense, weight: []}", "  - 1.0 -> 2.3:");
  out.push("    - weight: -2", "    - synapse: {w: 1}", "  -", "  - 2.1 -> 0.0: {}");
  out.push("mappings:");
  for (let i = 0; i < 6; i++) out.push(`- {'${rnd(3)}.${i}': {core: '${rnd(2)}.${rnd(4)}'}}`);
  out.push("- 2.0..3:", "    core: 1.10", "    soma: ''", "extra:", "  key with spaces: a b #c:d");
  return `${out.join("\n")}\n`;
}

describe("fast YAML reader", () => {
  it("reads generated SANA-FE networks exactly as the yaml package does, lines included", () => {
    for (let seed = 1; seed <= 40; seed++) expect(agrees(network(seed)), network(seed)).toBe(true);
  });

  it("reads the checked-in SANA-FE networks and arch files exactly as the yaml package does", () => {
    const dir = join(import.meta.dirname, "../../../test/sanafe");
    const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(agrees(readFileSync(join(dir, f), "utf8")), f).toBe(true);
  });

  it("agrees or leaves the document to the package on tricky snippets", () => {
    const snippets = [
      "a:\nb: 1\n",
      "a:   # c\n  # x\n  b: 1\n",
      "- \n- a\n",
      "k:\n- a\n- b\nz: 1\n",
      "x:\n  - a\n  # c\n  - b\n",
      "a: 'it''s'\n",
      'a: "x y"\n',
      "a: b#c\n",
      "a: -1\nb: -x\n",
      "'q k': v\n",
      "a: {b: c:d, e: 'f'}\n",
      "a: {b : c}\n",
      "a: [x, y:z]\n",
      "a:\n  b:\n    c: [1, [2, 3], {d: e}]\n",
      "- - a\n",
      "- a: 1\n  b: 2\n- c: 3\n",
      "a: b\n  c\n",
      "- a\n  b\n",
      "a: 1\n a2: 2\n",
      "a: [1,\n2]\n",
      "a: [1, 2,]\n",
      "a: {b: }\n",
      "a: [b: c]\n",
      "a: x: y\n",
      "a: 1\na: 2\n",
      "a: &x 1\nb: *x\n",
      "a: !tag 1\n",
      "a: |\n  text\n",
      "a: >\n  text\n",
      "---\na: 1\n",
      "a: 1\n...\n",
      "%YAML 1.2\n---\na: 1\n",
      "a:\tb\n",
      "a: 1\r\nb: 2\r\n",
      "\ufeffa: 1\n",
      'a: "x\\ty"\n',
      "a: 'x\n  y'\n",
      "? a\n: b\n",
      "a: @b\n",
      "a: `b`\n",
      "[1, 2]\n",
      "{a: 1}\n",
      "plain\n",
      "",
      "# only a comment\n",
      "a: {b: {c: {d: [e, f]}}}\n",
      "a:\n- b\n -c\n",
      "a:\n  - b\n - c\n",
      "a: [1, 2] x\n",
      "a: {b: 1}}\n",
      "a: [1 # c\n  , 2]\n",
      "__proto__: 1\n",
      "a: {__proto__: 1}\n",
      "a: -\n",
      "a: ? b\n",
      "a: b # c: d\n",
      "a #b: c\n",
      "a: [-1, -x, +2, .5, 1e3]\n",
      "a: [  ]\nb: {  }\n",
      "a: {'1': x, \"2\": y}\n",
      // one-line flow maps as sequence items (the reader's one-pass line, yaml-fast-line.ts)
      "- {a: {b: c}}\n- {'5.0': {core: '0.0', soma: x}}\n",
      "- {a: {b: c}} # c\n- {a: {b: c}}   \n- {a: b, c: d}\n- {a: {}}\n- {}\n",
      "- {a: {b: -1}}\n- {a: {b: -x}}\n- {a: +.5, b: -.}\n- {1: {bias: -6}}\n",
      "- {a: {b: 'it''s'}}\n- {a: {b: c d}}\n- {a: 'x\\y'}\n- {a: \"x y\"}\n",
      "- {a: {b: c}, a: 1}\n",
      "- {a: {b: {c: d}}}\n- {a: {b: [1]}}\n",
      "- {a: {b: c}\n  }\n",
      "- {'a' : b}\n",
      "- {a:b}\n- {'a':b}\n",
      "- {__proto__: 1}\n",
      "- {a: {b: c}}x\n",
      "- {a: {b: c}}",
      "k:\n  - {a: 1}\n  - {b: {c: 2}}\nz: {d: e}\n",
    ];
    let read = 0;
    for (const s of snippets) if (agrees(s)) read++;
    // most of these are the subset; the rest must have been left to the package
    expect(read).toBeGreaterThan(20);
  });

  it("reads number lists over lines (the weight lists' own loop) as the package does", () => {
    let a = 7;
    const rnd = (n: number) => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a % n;
    };
    const item = () =>
      [`${rnd(500) - 250}`, `+${rnd(9)}`, `${rnd(99)}.${rnd(99)}`, `-${rnd(9)}.`, "0"][rnd(5)]!;
    for (let t = 0; t < 30; t++) {
      const lines = Array.from({ length: 1 + rnd(4) }, () =>
        Array.from({ length: 1 + rnd(6) }, item).join([", ", ",", " , "][rnd(3)]!),
      );
      const text = `e:\n  weight: [${lines.join(",\n    ")}${rnd(2) ? " " : ""}]\n  w2: [${item()}]\n`;
      expect(agrees(text), text).toBe(true);
    }
    // anything else in a list leaves it to the general loop, which reads it or leaves it to the package
    const others = [
      "a: [1, x]\n",
      "a: [1 2]\n",
      "a: [1: 2]\n",
      "a: [1, [2]]\n",
      "a: [1, {b: 2}]\n",
      "a: [1, -]\n",
      "a: [1, .5]\n",
      "a: [1, 1e3]\n",
      "a: [1, 0x1f]\n",
      "a: [1, 2.3.4]\n",
      "a: [1, 'x']\n",
      "a: [1,\n  # c\n  2]\n",
      "a: [1 # c\n  , 2]\n",
      "a: [1, 2,\n]\n",
      "a: [1,\n2]\n",
      "a: [1\n  , 2]\n",
    ];
    for (const s of others) agrees(s);
    expect(agrees("a: [1, x]\n")).toBe(true);
    expect(agrees("a: [1,\n  # c\n  2]\n")).toBe(true);
  });

  it("keeps a map keyed by large neuron ids as the package does (its keys, values and order)", () => {
    const text = "- {1023: {bias: 0}}\n- {7: a, 4000000000: b, x: c, 12: d}\n- 99:\n    k: {512: v}\n";
    expect(agrees(text)).toBe(true);
    const root = readFastYaml(text)!.root as { [k: string]: YValue }[];
    expect(Object.keys(root[1]!)).toEqual(["7", "12", "4000000000", "x"]);
    expect(Object.keys(root[0]!)).toEqual(["1023"]);
  });

  it("never reads a document the package rejects", () => {
    const broken = ["a: [1,\n2]\n", "a: x: y\n", "a: 1\na: 2\n", "a: {b: 1}}\n", "a: [1, 2] x\n"];
    for (const s of broken) {
      expect(byPackage(s).ok, s).toBe(false);
      expect(readFastYaml(s), s).toBeUndefined();
    }
  });
});
