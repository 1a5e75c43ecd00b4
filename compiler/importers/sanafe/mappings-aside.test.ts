// `mappings:` read aside for the direct run against the whole file read by the YAML reader and parseMappings: on
// random files of one-line entries (quoting, spacing, ranges, unit names, blank lines, indentation) the same
// places and the same line for every entry; a file it does not take, or one parseMappings refuses, read whole —
// the same error, word for word.

import { describe, expect, it } from "vitest";
import { rng } from "../../mapping/math.js";
import { parseMappings } from "./mappings.js";
import { mappingsStart, placeAside, quickPlaceAside, splitMappings } from "./mappings-aside.js";
import { parseNetwork } from "./network.js";
import { mappingsOf, parseSanafeDirectFile, parseSanafeFile } from "./parsed.js";
import { YamlFile } from "./yaml-read.js";

const NETWORK = [
  "network:",
  "  name: aside",
  "  groups:",
  "  - name: in",
  "    neurons:",
  "    - 0: {spikes: [1, 0, 1]}",
  "    - 1: {spikes: [0, 1, 1]}",
  "  - name: a",
  "    attributes: {threshold: 2}",
  "    neurons: [0..5]",
  "  - name: b",
  "    neurons: [0..2]",
  "  edges:",
  `  - in -> a: {type: dense, weight: [${Array(12).fill(1).join(", ")}]}`,
  `  - a -> b: {type: dense, weight: [${Array(18).fill(2).join(", ")}]}`,
];

/** Seeded draws: a number in [0, 1), one of a list, a scalar written plain or in either quote. */
function draws(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const quote = (s: string) => pick([s, `'${s}'`, `"${s}"`]);
  return { r, pick, quote };
}

/** Addresses mapping every neuron once — a range or one neuron, with `whole` sometimes a group whole — in
 * shuffled order (processing order follows the entries). */
function addresses({ r, quote }: ReturnType<typeof draws>, whole: boolean): string[] {
  const entries: string[] = [];
  const groups: [string, number][] = [
    ["in", 2],
    ["a", 6],
    ["b", 3],
  ];
  for (const [g, size] of groups) {
    if (whole && r() < 0.25) {
      entries.push(quote(g));
      continue;
    }
    for (let n = 0; n < size; ) {
      const len = Math.min(size - n, 1 + Math.floor(r() * 3));
      entries.push(quote(len === 1 && r() < 0.7 ? `${g}.${n}` : `${g}.${n}..${n + len - 1}`));
      n += len;
    }
  }
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return entries;
}

/** Random entries mapping every neuron once, written in varied forms (spacing, unit names, blank lines). */
function randomFile(seed: number): string {
  const d = draws(seed);
  const { r, pick, quote } = d;
  const entries = addresses(d, true);
  const indent = pick(["", "  "]);
  const lines = entries.map((address) => {
    const pairs = [`core: ${quote(`${Math.floor(r() * 3)}.${Math.floor(r() * 2)}`)}`];
    if (r() < 0.3) pairs.push(`soma: ${quote(pick(["lif", "loihi_inputs"]))}`);
    if (r() < 0.2) pairs.push(`synapse: ${quote("syn")}`);
    if (r() < 0.2) pairs.unshift(`dendrite: ${quote("acc")}`);
    const sp = pick(["", " "]);
    return `${indent}-${pick([" ", "  "])}{${sp}${address}: {${sp}${pairs.join(pick([", ", ",  "]))}${sp}}${sp}}${pick(["", " "])}`;
  });
  if (r() < 0.5) lines.splice(1 + Math.floor(r() * (lines.length - 1)), 0, "");
  return [...NETWORK, "mappings:", ...lines, ""].join("\n");
}

/** Random entries in SANA-FE's own form only (`- {'g.n': {core: 't.c'}}`, a range or one neuron, quoted or not). */
function sanafeFormFile(seed: number): string {
  const d = draws(seed);
  const { r, pick, quote } = d;
  const entries = addresses(d, false);
  const indent = pick(["", "  "]);
  const lines = entries.map(
    (a) =>
      `${indent}- {${a}: {core: ${quote(`${Math.floor(r() * 12)}.${Math.floor(r() * 2)}`)}}}${pick(["", " "])}`,
  );
  if (r() < 0.5) lines.splice(1 + Math.floor(r() * (lines.length - 1)), 0, pick(["", "   "]));
  return [...NETWORK, "mappings:", ...lines, ...(r() < 0.5 ? [""] : [])].join("\n");
}

describe("SANA-FE's own mapping form, placed by one regular expression a line", () => {
  const quick = (text: string) => {
    const head = YamlFile.parse(text.slice(0, text.indexOf("mappings:")), "q.yaml", "IMPORT_FAILED");
    return quickPlaceAside(text, mappingsStart(text)!, parseNetwork(head));
  };
  const generic = (text: string) => {
    const aside = splitMappings(text)!;
    const head = YamlFile.parse(aside.head, "q.yaml", "IMPORT_FAILED");
    return { placement: placeAside(aside, parseNetwork(head)), lines: aside.lines };
  };

  it("gives the general aside reader's places and lines", () => {
    for (let seed = 1; seed <= 80; seed++) {
      const text = sanafeFormFile(seed);
      const got = quick(text);
      expect(got).toBeDefined();
      expect(got).toEqual(generic(text));
    }
    // numbers of more digits than a double holds exactly read as Number reads them
    const base = sanafeFormFile(5);
    // (summed digit by digit this tile would round to 4.334224628847635e22)
    const text = base.replace(
      /core: (['"]?)\d+\.\d+/,
      "core: $143342246288476359604951.0000000000000000000007",
    );
    expect(text).not.toBe(base);
    const got = quick(text);
    expect(
      [...got!.placement.values()]
        .flat()
        .some((p) => p.tile === Number("43342246288476359604951") && p.core === 7),
    ).toBe(true);
    expect(got).toEqual(generic(text));
  });

  it("leaves every other line, and every entry the reader refuses, to the general path", () => {
    const base = sanafeFormFile(3);
    const first = base.slice(base.indexOf("mappings:\n") + 10).split("\n")[0]!;
    for (const text of [
      base.replace(": {core: ", ":  {core: "), // spaced otherwise
      base.replace("}}", ", soma: lif}}"), // another key
      base.replace("{core: ", "{core: x"), // not tile.core
      `${base}\n- {in: {core: 0.0}}\n`, // a whole group (and then mapped twice)
      `${base}\n${first}\n`, // mapped twice
      base.replace(/\{'?"?in\.0(\.\.1)?'?"?:/, "{c.0:"), // no group c (and in.0 never mapped)
      base.replace("mappings:\n", "mappings:\n  - {a.0: {core: 0.0}}\n"), // another indentation
      base.replace(`${first}\n`, ""), // its neurons never mapped
      base.replace(first, first.replace("}}", "}} x")), // text after the entry
      base.replace(first, first.replace("}}", "}")), // a brace short
      base.replace(first, first.replace(/\{['"]?([^'":]+)['"]?:/, `{'$1":`)), // the address's quotes differ
      base.replace(first, first.replace(/core: ['"]?([\d.]+)['"]?\}/, `core: "$1'}`)), // the core's quotes differ
      base.replace(first, first.replace(/\{(['"]?)([^.]+)\./, "{$1$2.x")), // no neuron number
      base.replace(first, first.replace(/\{(['"]?)([^.]+)\.\d+(\.\.\d+)?/, "{$1$2.")), // an empty neuron number
      base.replace(first, first.replace("}}", "}]")), // another closing bracket
      // every neuron mapped, but one by an address with no neuron number
      [...NETWORK, "mappings:", "- {in.: {core: 0.0}}", "- {in.1: {core: 0.0}}", "- {a.0..5: {core: 0.1}}"]
        .concat("- {b.0..2: {core: 1.0}}")
        .join("\n"),
    ]) {
      expect(quick(text)).toBeUndefined();
      // the direct parse then reads it as before: the whole file's places, or its error
      const direct = () => mappingsOf(parseSanafeDirectFile(text, "q.yaml"));
      const whole = () => mappingsOf(parseSanafeFile(text, "q.yaml"));
      let want: unknown;
      try {
        want = whole();
      } catch (e) {
        want = e instanceof Error ? e.message : e;
      }
      let got: unknown;
      try {
        got = direct();
      } catch (e) {
        got = e instanceof Error ? e.message : e;
      }
      expect(got).toEqual(want);
    }
  });
});

describe("mappings read aside", () => {
  it("gives parseMappings' places and lines on random files of one-line entries", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const text = randomFile(seed);
      const whole = YamlFile.parse(text, "m.yaml", "IMPORT_FAILED");
      const want = parseMappings(whole, parseNetwork(whole))!;
      const direct = parseSanafeDirectFile(text, "m.yaml");
      // taken aside: its YAML holds no mappings section
      expect(splitMappings(text)).toBeDefined();
      expect(Object.hasOwn(direct.f.root as object, "mappings")).toBe(false);
      const got = mappingsOf(direct)!;
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [group, places] of want) {
        expect(got.get(group)).toEqual(places);
        for (const p of places) {
          expect(direct.f.line(p.path)).toBe(whole.line(p.path));
          expect(direct.f.line([...p.path, "core"])).toBe(whole.line([...p.path, "core"]));
        }
      }
      expect(direct.f.line(["mappings"])).toBe(whole.line(["mappings"]));
      expect(direct.f.line(["network", "groups", 1, "neurons"])).toBe(
        whole.line(["network", "groups", 1, "neurons"]),
      );
      expect(direct.net).toEqual(parseNetwork(whole));
    }
  });

  it("reads the whole file where the section is not one-line entries at its end", () => {
    const base = randomFile(7);
    for (const text of [
      base.replace("mappings:\n", "mappings:\n# placed by hand\n"),
      `${base}other: 1\n`,
      base.replace("mappings:", "mappings: # all of them"),
      base.replace(/\{core: /, "{\n    core: "),
      `${base.slice(base.indexOf("mappings:"))}${base.slice(0, base.indexOf("mappings:"))}`,
    ]) {
      expect(splitMappings(text)).toBeUndefined();
      const direct = parseSanafeDirectFile(text, "w.yaml");
      expect(Object.hasOwn(direct.f.root as object, "mappings")).toBe(true);
    }
  });

  it("refuses a bad section with the whole file's error", () => {
    const base = [...NETWORK, "mappings:"];
    const all = ["- {in: {core: 0.0}}", "- {a: {core: 0.1}}", "- {b: {core: 1.0}}"];
    const cases = [
      [...all, "- {a.2: {core: 1.1}}"], // mapped twice
      ["- {in: {core: 0.0}}", "- {a.0..4: {core: 0.1}}", "- {b: {core: 1.0}}"], // a.5 never mapped
      [...all.slice(0, 2), "- {c: {core: 1.0}}"], // no group c
      [...all.slice(0, 2), "- {b: {core: one}}"], // not tile.core
      [...all.slice(0, 2), "- {b: {soma: lif}}"], // no core
      [...all.slice(0, 2), "- {b: {core: 1.0, colour: red}}"], // unknown key
      [...all.slice(0, 2), "- {b.0..7: {core: 1.0}}"], // past the group's end
      [...all.slice(0, 2), "- {b: {core: 1.0, core: 1.1}}"], // a key twice
    ];
    const errorOf = (read: () => unknown) => {
      try {
        const parsed = read() as ReturnType<typeof parseSanafeFile>;
        mappingsOf(parsed);
        return "no error";
      } catch (e) {
        return String(e instanceof Error ? e.message : e);
      }
    };
    for (const lines of cases) {
      const text = [...base, ...lines, ""].join("\n");
      const want = errorOf(() => parseSanafeFile(text, "bad.yaml"));
      expect(want).toMatch(/^bad\.yaml:\d+: .*(mapp|group|core|key)/);
      expect(errorOf(() => parseSanafeDirectFile(text, "bad.yaml"))).toBe(want);
    }
  });
});
