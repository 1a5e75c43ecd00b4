// Small SVG helpers for the HTML report: escaping, a document wrapper with an inline hatch pattern (the marking
// of estimate-based quantities), a perceptual colour ramp and number labels. No DOM, no scripts.

import { formatSI } from "../terminal/table.js";
import { formatCount } from "../view.js";

export const esc = (s: string | number): string =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The id of the hatch pattern every plot defines; fill a shape with `url(#…)` over its colour to mark estimates. */
export const HATCH = "est-hatch";

/** A short stable hash of a string (pattern ids must be unique within the page). */
function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** A complete <svg> with a title (accessible name), viewBox and its own hatch pattern. */
export function svgDoc(minWidth: number, height: number, title: string, body: string[]): string {
  // every plot draws its title in 13 px bold at x = 8: never narrower than that (≈ 7.8 px per character)
  const width = Math.ceil(Math.max(minWidth, 16 + 7.8 * title.length));
  const id = `${HATCH}-${hash(title + body.length)}`;
  const hatch = `<defs><pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="6" fill="#000" fill-opacity="0.35"/></pattern></defs>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    hatch,
    ...body.map((b) => b.replaceAll(`url(#${HATCH})`, `url(#${id})`)),
    "</svg>",
  ].join("\n");
}

/** Colours of the categorical series (AC, MAC, event kinds …), colour-blind safe (Okabe–Ito). */
export const SERIES = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#999999",
];

const RAMP: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Viridis-like colour for t in [0, 1] (clamped). */
export function ramp(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [RAMP[i]!, RAMP[i + 1]!];
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** A value label: SI with the unit when one is given, else a count. */
export function label(v: number, unit?: string): string {
  return unit ? formatSI(v, unit) : formatCount(v);
}

/** A <text> element. */
export function txt(
  x: number,
  y: number,
  s: string,
  opts: { anchor?: "start" | "middle" | "end"; size?: number; weight?: string; fill?: string } = {},
): string {
  const a = opts.anchor ?? "start";
  const size = opts.size ?? 11;
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${a}" font-size="${size}"${opts.weight ? ` font-weight="${opts.weight}"` : ""} fill="${opts.fill ?? "#222"}">${esc(s)}</text>`;
}

/** Layer ids can be long module paths: keep the tail. */
export function shortId(id: string, max = 28): string {
  return id.length <= max ? id : `…${id.slice(id.length - max + 1)}`;
}

/** A plot as the page embeds it: a figure with a kind, a title, the SVG and an optional caption. */
export interface Plot {
  kind: string;
  title: string;
  svg: string;
  caption?: string;
}
