// Aligned plain-text tables for the terminal. Cells are strings; colour (chalk) is applied by callers
// and ignored when measuring widths.

export interface Column {
  header: string;
  align?: "left" | "right";
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes before measuring.
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(s: string): number {
  return s.replace(ANSI, "").length;
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(s)));
  return align === "right" ? fill + s : s + fill;
}

/** Renders rows under headers with two spaces between columns and a dashed rule under the header. */
export function renderTable(columns: Column[], rows: string[][]): string {
  // a loop, not Math.max(...rows): spreading hundreds of thousands of rows overflows the stack
  const widths = columns.map((c, i) => {
    let w = visibleLength(c.header);
    for (const r of rows) w = Math.max(w, visibleLength(r[i] ?? ""));
    return w;
  });
  const line = (cells: string[]) =>
    columns
      .map((c, i) => pad(cells[i] ?? "", widths[i] ?? 0, c.align ?? "left"))
      .join("  ")
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of rows) out.push(line(r));
  return out.join("\n");
}

const SI = [
  { exp: -15, prefix: "f" },
  { exp: -12, prefix: "p" },
  { exp: -9, prefix: "n" },
  { exp: -6, prefix: "µ" },
  { exp: -3, prefix: "m" },
  { exp: 0, prefix: "" },
  { exp: 3, prefix: "k" },
  { exp: 6, prefix: "M" },
  { exp: 9, prefix: "G" },
  { exp: 12, prefix: "T" },
];

/** Formats a value in SI units with 3 significant digits, e.g. `formatSI(2.36e-11, "J")` → "23.6 pJ". */
export function formatSI(value: number, unit: string): string {
  if (value === 0) return `0 ${unit}`;
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  const e = Math.floor(Math.log10(Math.abs(value)));
  let best = SI[0]!;
  for (const s of SI) if (s.exp <= e) best = s;
  const scaled = value / 10 ** best.exp;
  return `${Number(scaled.toPrecision(3))} ${best.prefix}${unit}`;
}
