// The HTML report in a real browser: headless Chromium (Debian `chromium`, driven by playwright-core) opens the
// page of a run with every section, with no console errors and every plot's <svg> present and non-empty, and
// writes a screenshot to dist/report-screenshot.png. Without Chromium: fails under CI=true, skips otherwise.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { renderReport } from "../../reports/renderers/index.js";
import { chipRun, referenceRun } from "./run-fixture.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const ci = process.env.CI === "true";
if (!present && !ci)
  console.warn(`skipping the HTML page test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

interface PlotInfo {
  kind: string;
  svgs: number;
  children: number;
  width: number;
  height: number;
  marks: number;
}

async function openPage(html: string, screenshot?: string) {
  const dir = packagePath("dist");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report-page.html");
  writeFileSync(file, html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    const plots = await page.$$eval("figure.plot", (figs) =>
      figs.map((f) => {
        const svg = f.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        return {
          kind: f.getAttribute("data-plot") ?? "",
          svgs: f.querySelectorAll("svg").length,
          children: svg ? svg.querySelectorAll("rect,line,polyline,text").length : 0,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: svg
            ? svg.querySelectorAll("rect.bar,rect.tile,line.link,polyline.series,g.spikes rect").length
            : 0,
        };
      }),
    );
    const estimates = await page.$$eval(
      "td.est",
      (tds) => tds.filter((t) => t.textContent?.startsWith("~")).length,
    );
    const legend = await page.$eval(".legend", (l) => l.textContent ?? "").catch(() => "");
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, requests, plots: plots as PlotInfo[], estimates, legend };
  } finally {
    await browser.close();
  }
}

describe.skipIf(!present && !ci)("HTML report in headless Chromium", () => {
  it("Chromium is installed (CI installs it with apt)", () => {
    expect(present, `no Chromium at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
  });

  it("opens with no console errors; every plot has a non-empty svg; estimates are marked; screenshot", async () => {
    const shot = packagePath("dist/report-screenshot.png");
    const r = await openPage(renderReport(chipRun(), "html"), shot);
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    const kinds = new Set(r.plots.map((p) => p.kind));
    for (const k of [
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
    ])
      expect(kinds, k).toContain(k);
    for (const p of r.plots) {
      expect(p.svgs, p.kind).toBe(1);
      expect(p.width, p.kind).toBeGreaterThan(100);
      expect(p.height, p.kind).toBeGreaterThan(40);
      expect(p.marks, `${p.kind}: data marks`).toBeGreaterThan(0);
    }
    expect(r.estimates).toBeGreaterThan(5);
    expect(r.legend).toContain("rests on an estimate-status profile value");
    expect(existsSync(shot)).toBe(true);
  }, 60_000);

  it("a reference-engine run (no chip sections) renders its plots without errors", async () => {
    const r = await openPage(renderReport(referenceRun(), "html"));
    expect(r.errors).toEqual([]);
    expect(r.plots.map((p) => p.kind)).toEqual([
      "layer-ops",
      "layer-energy",
      "firing-rates",
      "energy-split",
      "activity",
      "raster",
      "raster",
    ]);
    for (const p of r.plots) expect(p.marks, p.kind).toBeGreaterThan(0);
  }, 60_000);
});
