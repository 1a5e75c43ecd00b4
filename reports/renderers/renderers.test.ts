// The renderers carry the same numbers: for each run, every number of the report view appears as the raw value
// in the CSV, formatted (with the estimate mark where due) in markdown and HTML, with the raw value and key
// path as HTML data attributes, and at its key path in the JSON rendering.

import { describe, expect, it } from "vitest";
import { chipRun, referenceRun } from "../../test/reports/run-fixture.js";
import type { RunJson } from "../run-json.js";
import { type Cell, ESTIMATE_MARK, formatCell, reportView, valueAt } from "../view.js";
import { rendererRegistry, renderReport } from "./index.js";

interface Parsed {
  value: string;
  path: string;
  estimate: string;
  over: string;
}

/** Minimal RFC 4180 line parser (quoted fields with doubled quotes). */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Markdown tables by title → rows of cell texts. */
function mdTables(md: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const block of md.split(/^### /m).slice(1)) {
    const [title, ...rest] = block.split("\n");
    const rows = rest
      .filter((l) => l.startsWith("|"))
      .slice(2)
      .map((l) =>
        l
          .slice(2, -2)
          .split(/(?<!\\) \| /)
          .map((c) => c.replace(/\\\|/g, "|")),
      );
    out.set(title!, rows);
  }
  return out;
}

/** HTML tables by id → rows of {value, path, text} per td. */
function htmlTables(html: string): Map<string, { value?: string; path?: string; text: string }[][]> {
  const out = new Map<string, { value?: string; path?: string; text: string }[][]>();
  for (const m of html.matchAll(/<table data-table="([^"]+)">([\s\S]*?)<\/table>/g)) {
    const rows = [...m[2]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .filter((r) => r[1]!.includes("<td"))
      .map((r) =>
        [...r[1]!.matchAll(/<td([^>]*)>([\s\S]*?)<\/td>/g)].map((td) => ({
          ...(/data-value="([^"]*)"/.exec(td[1]!) ? { value: /data-value="([^"]*)"/.exec(td[1]!)![1]! } : {}),
          ...(/data-path="([^"]*)"/.exec(td[1]!) ? { path: /data-path="([^"]*)"/.exec(td[1]!)![1]! } : {}),
          text: td[2]!
            .replace(/<sup>est<\/sup>/, "")
            .replace(/ !$/, "")
            .replace(/&amp;/g, "&")
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">")
            .replace(/&quot;/g, '"'),
        })),
      );
    out.set(m[1]!, rows);
  }
  return out;
}

function checkSameNumbers(run: RunJson): number {
  const view = reportView(run);
  const csv = renderReport(run, "csv").trimEnd().split("\n").slice(1).map(csvLine);
  const md = mdTables(renderReport(run, "md"));
  const html = htmlTables(renderReport(run, "html"));
  const json = JSON.parse(renderReport(run, "json")) as unknown;
  let k = 0;
  let numbers = 0;
  for (const t of view.tables) {
    const mdRows = md.get(t.title)!;
    const htmlRows = html.get(t.id)!;
    expect(mdRows, t.title).toHaveLength(t.rows.length);
    expect(htmlRows, t.id).toHaveLength(t.rows.length);
    t.rows.forEach((row, r) => {
      row.forEach((c: Cell, i) => {
        const where = `${t.id} row ${r} column ${t.columns[i]!.header}`;
        const mark = c.estimate ? ESTIMATE_MARK : "";
        const mdText = mdRows[r]![i]!.replace(/^\*\*(.*) \(over\)\*\*$/, "$1");
        const h = htmlRows[r]![i]!;
        if (i === 0 || c.value === null) {
          expect(mdText, where).toBe(`${mark}${formatCell(c)}`);
          return;
        }
        const [table, , column, value, , estimate, over, path] = csv[k++]!;
        const p: Parsed = { value: value!, path: path!, estimate: estimate!, over: over! };
        expect([table, column], where).toEqual([t.id, t.columns[i]!.header]);
        expect(p.estimate === "true", where).toBe(c.estimate === true);
        expect(p.over === "true", where).toBe(c.over === true);
        const raw = typeof c.value === "number" ? Number(p.value) : p.value;
        expect(raw, where).toEqual(c.value);
        const shown = `${mark}${formatCell({ ...c, value: raw })}`;
        expect(mdText, where).toBe(shown);
        expect(h.text, where).toBe(shown);
        if (typeof c.value === "number") {
          expect(Number(h.value), where).toEqual(raw);
          numbers++;
        }
        expect(h.path ?? "", where).toBe(p.path);
        if (p.path) expect(valueAt(json, p.path), where).toEqual(raw);
      });
    });
  }
  expect(k).toBe(csv.length);
  return numbers;
}

describe("renderers", () => {
  it("registers terminal, md, csv, json and html", () => {
    expect(rendererRegistry.names().sort()).toEqual(["csv", "html", "json", "md", "terminal"]);
  });

  it("markdown, CSV, JSON and HTML carry the same numbers (reference run)", () => {
    expect(checkSameNumbers(referenceRun())).toBeGreaterThan(30);
  });

  it("markdown, CSV, JSON and HTML carry the same numbers (run with every chip section)", () => {
    const run = chipRun();
    expect(checkSameNumbers(run)).toBeGreaterThan(100);
    const v = reportView(run);
    expect(v.hasEstimates).toBe(true);
    expect(v.hasOver).toBe(true);
  });

  it("a changed number in one rendering is caught", () => {
    const run = chipRun();
    const csv = renderReport(run, "csv");
    const tampered = { ...run, counts: { ...run.counts, ac: run.counts.ac + 1 } };
    expect(renderReport(tampered, "csv")).not.toBe(csv);
    const html = htmlTables(renderReport(run, "html")).get("summary")!;
    expect(Number(html[0]![1]!.value)).toBe(run.counts.ac);
  });

  it("terminal output marks estimates and over-budget numbers, with a legend", () => {
    const run = chipRun();
    const plain = renderReport(run, "terminal");
    expect(plain).toMatch(new RegExp(`Energy, chip\\s+${ESTIMATE_MARK}\\d`));
    expect(plain).toContain("rests on an estimate-status profile value");
    expect(plain).toMatch(/125 % !/);
    const coloured = renderReport(run, "terminal", { colour: true });
    expect(coloured).toContain("\u001b[33m~"); // yellow estimate mark
    expect(coloured).toContain("\u001b[31m"); // red over budget
    expect(renderReport(referenceRun(), "terminal")).not.toContain("estimate-status");
  });

  it("HTML is self-contained: no scripts, no external URLs, one svg per plot, estimates marked", () => {
    const html = renderReport(chipRun(), "html");
    expect(html).not.toMatch(/<script|<link |src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const kinds = [...html.matchAll(/data-plot="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(kinds)).toEqual(
      new Set([
        "layer-ops",
        "layer-energy",
        "firing-rates",
        "energy-split",
        "grid-utilization",
        "grid-energy",
        "grid-traffic",
        "activity",
        "streaming-accuracy",
        "raster",
      ]),
    );
    expect(html).toContain('class="est"');
    expect(html).toContain("<sup>est</sup>");
    expect(html).toMatch(/url\(#est-hatch-/);
    expect(html).toContain('class="over"');
  });
});
