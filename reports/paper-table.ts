// Paper tables (`spikegrid table`): one row per model — Params | FLOPs (dense) | SOPs | ACs | MACs | theoretical
// energy | chip energy | latency | accuracy — as markdown, CSV or LaTeX, every convention stated in a footnote.
// Rows come from pipeline runs (table/row.ts: a run JSON plus the float network's facts).

import { CALIBRATION_CONVENTION } from "../pipeline/calibrate-bn.js";
import { INIT_CONVENTION } from "../pipeline/init-weights.js";
import type { TableRow } from "./table/row.js";
import { formatSI } from "./terminal/table.js";

export type TableFormat = "md" | "csv" | "tex";
export const TABLE_FORMATS: readonly TableFormat[] = ["md", "csv", "tex"];

export type { TableRow } from "./table/row.js";

export interface PaperTableOptions {
  format: TableFormat;
  /** Add the NeuroBench columns (footprint, sparsities, dense, membrane updates). */
  neurobench?: boolean;
  /** Notes for every row (profile, chip availability). */
  notes?: string[];
  /** Show the Dataset / Profile column even when every row has the same one (rows that differ always do). */
  show?: { dataset?: boolean; profile?: boolean };
}

type Kind = "int" | "J" | "s" | "fraction" | "bytes" | "text";

interface Column {
  header: string;
  kind: Kind;
  /** Footnote id explaining the column. */
  note?: string;
  /** A number, or the text of a "text" column. */
  value(r: TableRow): number | string | undefined;
}

const perSample = (r: TableRow, f: (run: NonNullable<TableRow["run"]>) => number) =>
  r.run ? f(r.run) / r.run.run.batch : undefined;
const annMacs = (r: TableRow) => r.denseMacsPerStep * r.steps;
const acs = (r: TableRow) =>
  r.notCompiled ? 0 : perSample(r, (x) => x.counts.ac + (x.counts.matmulAc ?? 0));
const macs = (r: TableRow) =>
  r.notCompiled ? annMacs(r) : perSample(r, (x) => x.counts.mac + (x.counts.matmulMac ?? 0));

export const NOTES: Record<string, string> = {
  sample: "All figures per sample (totals over the T steps of one sample, averaged over the samples run).",
  params:
    "Params: learnable parameters of the float network as PyTorch counts them (weights, biases, BatchNorm γ/β, SSM arrays; not buffers or neuron constants).",
  flops:
    "FLOPs (dense) = 2 × dense MACs of the float network × T: every input × every weight each step, conv taps on padding excluded (the ANN FLOPs convention).",
  ops: "SOPs = ACs + MACs of the compiled integer network in the reference interpreter: one op per (event, synapse with a nonzero weight); an AC when the event is a spike, a MAC when it carries a graded payload; zero payloads are not events, bias is not an op (NeuroBench Effective_ACs / Effective_MACs); dynamic-matmul products included.",
  energy: "E theory = 0.9 pJ × ACs + 4.6 pJ × MACs (Horowitz 45 nm, the Spikformer-family convention).",
  chip: "E chip = Σ events × the profile's per-event energy + static power × simulated time; latency = simulated time per sample. ~ marks values resting on estimate-status profile numbers.",
  energySanafe:
    "E theory = 0.9 pJ × ACs + 4.6 pJ × MACs (Horowitz 45 nm) of spikegrid's own counts (nonzero-weight synapses only, the NeuroBench convention), not of this table's SANA-FE SOPs.",
  opsSanafe:
    "SOPs = ACs = synaptic events by SANA-FE's rules (convention sanafe): one per synapse a message reaches, zero weights included, counted in the step the message is sent; MACs 0.",
  chipSanafe:
    "E chip and latency by SANA-FE's rules (convention sanafe): synapse, dendrite and soma energy by the unit each neuron and connection names, every neuron accessed every step, one message per (firing neuron, destination core), hops by direction, no static power; latency = SANA-FE's detailed timing per sample.",
  accuracy: "Accuracy: argmax of the time-summed first output against the labels.",
  neurobench:
    "NeuroBench: footprint = 4 bytes × Params (float32 parameters); connection sparsity = zero weights / all weights of the float network; activation sparsity = 1 − events / neuron updates of the compiled network; Dense = every synapse every step (NeuroBench Dense); membrane updates = neuron updates with nonzero input (the only-with-input policy; NeuroBench's MembraneUpdates also counts pure leak). Effective ACs/MACs are the ACs and MACs columns.",
  ann: "Not compilable to the integer IR, so measured by the ANN convention: every dense MAC of the float network counts as a MAC (activation sparsity not exploited), no ACs.",
  init: `${INIT_CONVENTION}; ${CALIBRATION_CONVENTION}.`,
  untrained:
    "Weights untrained (a deterministic init, not a checkpoint): accuracy and activity are meaningless; pass a checkpoint (--weights) for the model's figures.",
  zeros:
    "Weights untrained: all zero (no checkpoint, --init zeros): the compiler drops zero synapses; the ops left are structural (compiler-made constant sources and start-of-sequence gates of look-ahead convolutions).",
};

function columns(rows: readonly TableRow[], o: PaperTableOptions): Column[] {
  // one convention per table: the CLI sets it for every row
  const sanafe = rows.some((r) => r.run?.run.convention === "sanafe");
  const opsNote = sanafe ? "opsSanafe" : "ops";
  const chipNote = sanafe ? "chipSanafe" : "chip";
  const differ = (f: (r: TableRow) => string | undefined) => new Set(rows.map(f)).size > 1;
  const cols: Column[] = [
    ...(o.show?.dataset || differ((r) => r.dataset)
      ? [{ header: "Dataset", kind: "text" as const, value: (r: TableRow) => r.dataset }]
      : []),
    ...(o.show?.profile || differ((r) => r.profile)
      ? [{ header: "Profile", kind: "text" as const, value: (r: TableRow) => r.profile }]
      : []),
    { header: "Params", kind: "int", note: "params", value: (r) => r.params },
    { header: "FLOPs (dense)", kind: "int", note: "flops", value: (r) => 2 * r.denseMacsPerStep * r.steps },
    {
      header: "SOPs",
      kind: "int",
      note: opsNote,
      value: (r) => ((a, m) => (a === undefined || m === undefined ? undefined : a + m))(acs(r), macs(r)),
    },
    { header: "ACs", kind: "int", note: opsNote, value: acs },
    { header: "MACs", kind: "int", note: opsNote, value: macs },
    {
      header: "E theory",
      kind: "J",
      note: sanafe ? "energySanafe" : "energy",
      value: (r) => (r.notCompiled ? 4.6e-12 * annMacs(r) : perSample(r, (x) => x.energy.theoretical.totalJ)),
    },
  ];
  // a row with a profile keeps the chip columns even when its module did not fit (the cells say so)
  if (rows.some((r) => r.chip || r.profile)) {
    cols.push(
      { header: "E chip", kind: "J", note: chipNote, value: (r) => r.chip?.energyJ },
      { header: "Latency", kind: "s", note: chipNote, value: (r) => r.chip?.latencyS },
    );
  }
  if (rows.some((r) => r.accuracy !== undefined))
    cols.push({ header: "Accuracy", kind: "fraction", note: "accuracy", value: (r) => r.accuracy });
  if (o.neurobench) {
    cols.push(
      { header: "Footprint", kind: "bytes", note: "neurobench", value: (r) => 4 * r.params },
      { header: "Conn. sparsity", kind: "fraction", note: "neurobench", value: (r) => r.connectionSparsity },
      {
        header: "Act. sparsity",
        kind: "fraction",
        note: "neurobench",
        value: (r) =>
          r.run && r.run.counts.neuronUpdates > 0
            ? 1 - (r.run.counts.spikes + r.run.counts.gradedEvents) / r.run.counts.neuronUpdates
            : undefined,
      },
      {
        header: "Dense",
        kind: "int",
        note: "neurobench",
        value: (r) => (r.notCompiled ? annMacs(r) : perSample(r, (x) => x.counts.dense)),
      },
      {
        header: "Membrane updates",
        kind: "int",
        note: "neurobench",
        value: (r) => perSample(r, (x) => x.counts.activeNeuronUpdates),
      },
    );
  }
  return cols;
}

const group = (n: number) => {
  const [i, f] = (Math.round(n * 100) / 100).toString().split(".");
  return `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${f ? `.${f}` : ""}`;
};

function human(v: number | string | undefined, kind: Kind): string {
  if (v === undefined) return "—";
  if (typeof v === "string") return v;
  switch (kind) {
    case "text":
      return String(v);
    case "int":
      return group(v);
    case "J":
    case "s":
      return formatSI(v, kind);
    case "bytes":
      return formatSI(v, "B");
    case "fraction":
      return `${Number((v * 100).toPrecision(4))} %`;
  }
}

/** A row's own footnote: its id is its text (rows with the same text share a letter). */
const TEXT_NOTE = "text:";

/**
 * Footnote ids of a row (beyond the column notes). Untrained weights are marked from the run JSON's
 * `model.weights` (else the network's record): seeded here for the run (init), kept at zero, or an init the
 * network came with. Why a row has no chip figures (not compiled, a misfit) or lacks one is the row's own note.
 */
function rowNotes(r: TableRow): string[] {
  const weights = r.run?.model.weights ?? r.weights;
  const zeros = r.zeroWeights || (weights === "default-zeros" && !r.initialised);
  const untrained = weights === "seeded-init" && !r.initialised;
  const own = [
    ...(r.notCompiled ? [`not compiled${r.profile ? ` for ${r.profile}` : ""}: ${r.notCompiled}`] : []),
    ...(r.misfit ? [`does not fit ${r.profile ?? "the chip"} (no chip figures): ${r.misfit}`] : []),
    ...(r.chipNote ? [r.chipNote] : []),
  ];
  return [
    ...(r.notCompiled ? ["ann"] : []),
    ...(r.initialised ? ["init"] : []),
    ...(zeros ? ["zeros"] : []),
    ...(untrained ? ["untrained"] : []),
    ...own.map((t) => `${TEXT_NOTE}${t}`),
  ];
}

const texEscape = (s: string) =>
  s
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([%&_#$^{}])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}");

/** The table in the chosen format, footnotes lettered in order of first use. */
export function paperTable(rows: readonly TableRow[], o: PaperTableOptions): string {
  const cols = columns(rows, o);
  const ids: string[] = ["sample"];
  const mark = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
    return String.fromCharCode(97 + ids.indexOf(id));
  };
  const headerMarks = cols.map((c) => (c.note ? mark(c.note) : ""));
  const rowMarks = rows.map((r) => rowNotes(r).map(mark));
  const texts: Record<string, string> = { ...NOTES };
  for (const id of ids) if (id.startsWith(TEXT_NOTE)) texts[id] = id.slice(TEXT_NOTE.length);
  const inputs = [...new Set(rows.map((r) => r.inputs))];
  const extra = [...inputs.map((t) => `Inputs: ${t}.`), ...(o.notes ?? [])];
  extra.forEach((t, i) => {
    texts[`extra${i}`] = t;
    mark(`extra${i}`);
  });
  const footnotes = ids.map((id, i) => ({ letter: String.fromCharCode(97 + i), text: texts[id] ?? id }));
  const isChip = (c: Column) => c.note === "chip" || c.note === "chipSanafe";
  // a misfit row's chip cells say so (its footnote names the limits), rather than a bare dash
  const chipCell = (r: TableRow, c: Column, s: string) =>
    isChip(c) && r.misfit ? "misfit" : c.note === "chip" && r.chip?.estimate && s !== "—" ? `~${s}` : s;

  if (o.format === "csv") {
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [["Model", ...cols.map((c) => c.header), "Notes"].map(q).join(",")];
    rows.forEach((r, i) => {
      lines.push(
        [q(r.model), ...cols.map((c) => q(String(c.value(r) ?? ""))), q(rowMarks[i]!.join(" "))].join(","),
      );
    });
    for (const f of footnotes) lines.push(`# [${f.letter}] ${f.text}`);
    return `${lines.join("\n")}\n`;
  }
  if (o.format === "tex") {
    const sup = (m: string) => (m ? `\\textsuperscript{${m}}` : "");
    const lines = [
      "\\begin{table}[t]",
      "\\centering",
      `\\begin{tabular}{l${"r".repeat(cols.length)}}`,
      "\\toprule",
      `Model & ${cols.map((c, i) => `${texEscape(c.header)}${sup(headerMarks[i]!)}`).join(" & ")} \\\\`,
      "\\midrule",
      ...rows.map(
        (r, i) =>
          `${texEscape(r.model)}${sup(rowMarks[i]!.join(","))} & ${cols
            .map((c) => texEscape(chipCell(r, c, human(c.value(r), c.kind))).replace(/µ/g, "$\\mu$"))
            .join(" & ")} \\\\`,
      ),
      "\\bottomrule",
      "\\end{tabular}",
      "\\par\\smallskip\\footnotesize",
      ...footnotes.map((f) => `\\textsuperscript{${f.letter}}\\,${texEscape(f.text)}\\\\`),
      "\\end{table}",
    ];
    return `${lines.join("\n")}\n`;
  }
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    `| Model | ${cols.map((c, i) => `${c.header}${headerMarks[i] ? ` [${headerMarks[i]}]` : ""}`).join(" | ")} |`,
    `| --- | ${cols.map((c) => (c.kind === "text" ? "---" : "---:")).join(" | ")} |`,
    ...rows.map(
      (r, i) =>
        `| ${cell(r.model)}${rowMarks[i]!.length ? ` [${rowMarks[i]!.join(",")}]` : ""} | ${cols.map((c) => cell(chipCell(r, c, human(c.value(r), c.kind)))).join(" | ")} |`,
    ),
    "",
    ...footnotes.map((f) => `[${f.letter}] ${f.text}`),
  ];
  return `${lines.join("\n")}\n`;
}
