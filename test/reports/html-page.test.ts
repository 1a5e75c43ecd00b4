// The HTML report in a real browser: headless Chromium (Debian `chromium`, driven by playwright-core) opens the
// page of a run with every section, with no console errors and every plot's <svg> present and non-empty, and
// writes a screenshot to dist/report-screenshot.png; no plot's text (titles, legends, ticks) runs past its SVG;
// activity has two labelled axes; heat maps zoom to the tiles in use; the explore plots are titled, mark
// coincident points ×n and tick the bits tried (dist/explore-screenshot.png). Without Chromium: fails under
// CI=true, skips otherwise.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { exploreHtmlPage } from "../../explore/html.js";
import type { PointResult } from "../../explore/result.js";
import { renderReport } from "../../reports/renderers/index.js";
import { chipRun, referenceRun } from "./run-fixture.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const ci = process.env.CI === "true";
if (!present && !ci)
  console.warn(`skipping the HTML page test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

interface PlotInfo {
  kind: string;
  /** Texts drawn (partly) outside their SVG's box: cut off on the page. */
  clipped: string[];
  texts: string[];
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
    const plots = await page.$$eval("figure.plot, section.explore svg", (figs) =>
      figs.map((f) => {
        const svg = f.tagName.toLowerCase() === "svg" ? f : f.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        const texts = svg ? [...svg.querySelectorAll("text")] : [];
        return {
          kind: f.getAttribute("data-plot") ?? `explore: ${svg?.querySelector("title")?.textContent ?? ""}`,
          texts: texts.map((t) => t.textContent ?? ""),
          clipped: texts
            .filter((t) => {
              const r = t.getBoundingClientRect();
              return (
                box &&
                (r.left < box.left - 1 ||
                  r.right > box.right + 1 ||
                  r.top < box.top - 1 ||
                  r.bottom > box.bottom + 1)
              );
            })
            .map((t) => t.textContent ?? ""),
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
      expect(p.clipped, `${p.kind}: text cut off`).toEqual([]);
      expect(p.svgs, p.kind).toBe(1);
      expect(p.width, p.kind).toBeGreaterThan(100);
      expect(p.height, p.kind).toBeGreaterThan(40);
      expect(p.marks, `${p.kind}: data marks`).toBeGreaterThan(0);
    }
    const activity = r.plots.find((p) => p.kind === "activity")!;
    expect(activity.texts).toEqual(expect.arrayContaining(["spikes per step", "synaptic ops per step"]));
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
    for (const p of r.plots) {
      expect(p.marks, p.kind).toBeGreaterThan(0);
      expect(p.clipped, `${p.kind}: text cut off`).toEqual([]);
    }
  }, 60_000);
  it("heat maps of a few tiles on a big mesh zoom to them, with tile coordinates", async () => {
    const run = { ...chipRun(), grid: { width: 64, height: 64 } };
    const r = await openPage(renderReport(run, "html"));
    expect(r.errors).toEqual([]);
    for (const p of r.plots.filter((q) => q.kind.startsWith("grid-"))) {
      expect(p.clipped, p.kind).toEqual([]);
      // the 5 cores sit on tiles x 0..2, y 0..1: shown with one tile around, not 64 × 64 cells
      expect(p.texts, p.kind).toContain("tiles x 0–3, y 0–2 of the 64 × 64 mesh");
      expect(p.children, p.kind).toBeLessThan(120);
    }
  }, 60_000);

  it("the explore section: every plot titled, nothing cut off, coincident points ×n, ticks at the bits tried", async () => {
    const shot = packagePath("dist/explore-screenshot.png");
    const r = await openPage(exploreHtmlPage(overlappingSweep(), "explore"), shot);
    expect(r.errors).toEqual([]);
    const plots = r.plots.filter((p) => p.kind.startsWith("explore"));
    expect(plots).toHaveLength(3);
    for (const p of plots) {
      expect(p.clipped, `${p.kind}: text cut off`).toEqual([]);
      const title = p.kind.replace("explore: ", "");
      expect(title.length, "a title").toBeGreaterThan(5);
      expect(p.texts[0], `${p.kind}: the title is drawn`).toBe(title);
      expect(p.texts, `${p.kind}: coincident points marked`).toContain("×2");
    }
    const bits = plots.find((p) => /weight bits/.test(p.kind))!;
    expect(bits.texts.slice(1, 6)).toEqual(["2", "3", "4", "6", "8"]);
  }, 60_000);
});

/** A sweep where two core budgets give identical results at every weight width (what the demo's loihi sweep does). */
function overlappingSweep(): PointResult[] {
  const bits = [2, 3, 4, 6, 8];
  return [2, 4].flatMap((cores, c) =>
    bits.map((w, i) => ({
      grid: "g",
      gridSize: 10,
      index: c * bits.length + i,
      key: `loihi|cores=${cores}|w=${w}|s=auto|T=auto`,
      profile: "loihi",
      maxCores: cores,
      weightBits: w,
      stateBits: 16,
      timesteps: 28,
      samples: 64,
      fits: true,
      cores: { used: 2, needed: 2, available: cores },
      accuracy: [0.11, 0.8, 0.83, 0.94, 0.98][i]!,
      energy: { theoreticalJ: 1e-6 * (i + 1), chipJ: 3e-5 * (i + 1) },
      latency: { perSampleS: 2.4e-4 * (i + 1), perTimestepS: 1e-5 * (i + 1) },
    })),
  );
}
