// Cells of the report view: a raw number with its format, unit, JSON key path and estimate / over-budget flags,
// how people see it (formatCell), and the constructors the view's tables use.

import { formatSI } from "./terminal/table.js";

export type CellFormat = "count" | "si" | "percent" | "text";

export interface Cell {
  value: number | string | null;
  format: CellFormat;
  /** SI unit for format "si" (J, s, W, Hz, …). */
  unit?: string;
  /** Rests on an estimate-status profile value. */
  estimate?: boolean;
  /** Over a budget (a utilization above 1). */
  over?: boolean;
  /** Key path of the number in the run JSON (dots; array indices as numbers); absent when derived. */
  path?: string;
}

export interface ViewColumn {
  header: string;
  numeric: boolean;
}

export interface ViewTable {
  id: string;
  title: string;
  columns: ViewColumn[];
  rows: Cell[][];
}

export interface ReportView {
  title: string;
  /** One line: engine, mode, steps, batch, profile. */
  subtitle: string;
  tables: ViewTable[];
  hasEstimates: boolean;
  hasOver: boolean;
  warnings: string[];
  conventions: [string, string][];
}

/** Prefix of a number resting on an estimate (terminal, markdown, HTML), and the legend that explains it. */
export const ESTIMATE_MARK = "~";
export const ESTIMATE_LEGEND = `${ESTIMATE_MARK} rests on an estimate-status profile value (see the profile's sources)`;
export const OVER_LEGEND = "over budget: a utilization above 100 % (the mapping does not fit this limit)";

const COUNT_PREFIX = ["", " k", " M", " G", " T", " P"];

/** A count for people: exact below 10,000 (two decimals at most), else 4 significant digits and k/M/G/T. */
export function formatCount(v: number): string {
  if (Math.abs(v) < 10_000) return String(Number(v.toFixed(2)));
  const e = Math.min(COUNT_PREFIX.length - 1, Math.floor(Math.log10(Math.abs(v)) / 3));
  return `${Number((v / 10 ** (3 * e)).toPrecision(4))}${COUNT_PREFIX[e]}`;
}

/** The human text of a cell (no markers): counts below 10,000 in full, larger ones and SI units with prefixes. */
export function formatCell(c: Cell): string {
  const v = c.value;
  if (v === null) return "—";
  if (typeof v === "string") return v;
  switch (c.format) {
    case "count":
      return formatCount(v);
    case "si":
      return formatSI(v, c.unit ?? "");
    case "percent":
      return `${Number((v * 100).toPrecision(4))} %`;
    case "text":
      return String(v);
  }
}

const text = (value: string): Cell => ({ value, format: "text" });
const count = (value: number | undefined, path?: string): Cell =>
  value === undefined
    ? { value: null, format: "count" }
    : { value, format: "count", ...(path ? { path } : {}) };
const si = (value: number, unit: string, path?: string, estimate = false): Cell => ({
  value,
  format: "si",
  unit,
  ...(path ? { path } : {}),
  ...(estimate ? { estimate } : {}),
});
const pct = (value: number | null, path?: string, over = false): Cell => ({
  value,
  format: "percent",
  ...(path ? { path } : {}),
  ...(over ? { over } : {}),
});

export const cellHelpers = { text, count, si, pct };
