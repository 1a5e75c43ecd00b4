// `spikegrid zoo list | show`: the model zoo's builders, their sources and measured sizes.
// Thin: models/zoo.ts builds; summarizeGraph counts; this file only formats.

import { type GraphSummary, summarizeGraph } from "../../compiler/graph/index.js";
import { untrainedWarning } from "../../compiler/passes/weights-provenance.js";
import { getZooModel, loadZooModel, mergeConfig, ZOO, type ZooModel } from "../../models/zoo.js";
import { renderTable } from "../../reports/terminal/table.js";
import type { CliCommand } from "../command.js";
import type { CliIo } from "../io.js";
import { parseSets, zooSetOption } from "../zoo-set.js";

const num = (n: number) => n.toLocaleString("en-US");
const sourceText = (m: ZooModel) => `${m.source.paper}; ${m.source.repo}`;

function listCmd(args: Record<string, unknown>, io: CliIo): void {
  const rows = ZOO.map((m) => ({
    name: m.name,
    task: m.task,
    params: summarizeGraph(m.build(), m.name).totals.params,
    source: sourceText(m),
  }));
  if (args.json) {
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  const columns = [
    { header: "name" },
    { header: "task" },
    { header: "params", align: "right" as const },
    { header: "source" },
  ];
  io.out(
    renderTable(
      columns,
      rows.map((r) => [r.name, r.task, num(r.params), r.source]),
    ),
  );
  io.out("details: spikegrid zoo show NAME [--set key=value]");
}

/** Block of a node id: `block.N.attn` / `block.N.mlp`, `head` for head_*, else the first path segment. */
function blockOf(id: string): string {
  const parts = id.split(".");
  if (parts[0] === "block" && parts.length >= 3) return parts.slice(0, 3).join(".");
  const first = parts[0]!;
  return first.startsWith("head") ? "head" : first;
}

function blocks(s: GraphSummary): { block: string; params: number; denseMacs: number }[] {
  const out = new Map<string, { block: string; params: number; denseMacs: number }>();
  for (const n of s.nodes) {
    if (!n.params && !n.denseMacs) continue;
    const b = blockOf(n.id);
    const row = out.get(b) ?? { block: b, params: 0, denseMacs: 0 };
    row.params += n.params;
    row.denseMacs += n.denseMacs;
    out.set(b, row);
  }
  return [...out.values()];
}

/** Whether the zoo ships trained weights for a model, and whether this configuration gets them. */
function weightsOf(m: ZooModel, weights: unknown, isDefault: boolean) {
  const shipped = m.weights ?? null;
  const applied = weights === "trained";
  const text = applied
    ? `weights: trained (${shipped}, shipped with the zoo and applied at this configuration)`
    : shipped
      ? `weights: NOT trained at this configuration — the zoo's ${shipped} fits the default settings only${isDefault ? "" : " (--set changed them)"}; ${untrainedWarning("default-zeros", "this configuration")}`
      : `weights: NOT trained — the zoo ships no checkpoint for ${m.name}; ${untrainedWarning(weights === "seeded-init" ? "seeded-init" : "default-zeros", "the model")}`;
  return { json: { trained: applied, shipped, provenance: weights }, text };
}

function showCmd(args: Record<string, unknown>, io: CliIo): void {
  const m = getZooModel(String(args.name));
  const overrides = parseSets(args.set);
  // as every command loads it: the shipped checkpoint applied when the settings are the trained ones
  const graph = loadZooModel(m.name, overrides).graph;
  const s = summarizeGraph(graph, m.name);
  const config = mergeConfig(m.name, m.defaults, overrides);
  const rows = blocks(s);
  const isDefault = Object.keys(overrides).length === 0;
  const weights = weightsOf(m, graph.metadata.weights, isDefault);
  if (args.json) {
    io.out(
      JSON.stringify(
        {
          name: m.name,
          task: m.task,
          source: m.source,
          config,
          params: { measured: s.totals.params, expected: isDefault ? m.params : null },
          weights: weights.json,
          denseMacsPerStep: s.totals.denseMacs,
          blocks: rows,
          metadata: graph.metadata,
          conventions: { params: s.conventions.params, denseMacs: s.conventions.denseMacs },
        },
        null,
        2,
      ),
    );
    return;
  }
  const out = [`${m.name} — ${m.task}`, `source: ${sourceText(m)}`, weights.text, ""];
  out.push(
    renderTable(
      [{ header: "setting" }, { header: "value" }],
      Object.entries(config).map(([k, v]) => [k, String(v)]),
    ),
  );
  for (const [k, v] of Object.entries(graph.metadata))
    if (k !== "model" && k !== "weights" && !(k in config)) out.push(`${k}: ${String(v)}`);
  out.push("");
  out.push(
    renderTable(
      [
        { header: "block" },
        { header: "params", align: "right" },
        { header: "dense MACs/step", align: "right" },
      ],
      [
        ...rows.map((r) => [r.block, num(r.params), num(r.denseMacs)]),
        ["total", num(s.totals.params), num(s.totals.denseMacs)],
      ],
    ),
  );
  out.push("");
  out.push(
    isDefault
      ? `params: ${num(s.totals.params)} measured, ${num(m.params)} expected (seed-models.md §5)${s.totals.params === m.params ? " ✓" : " ✗"}`
      : `params: ${num(s.totals.params)} measured (overridden configuration)`,
  );
  out.push(`params = ${s.conventions.params}`, `dense MACs = ${s.conventions.denseMacs}`);
  io.out(out.join("\n"));
}

const jsonOption = (what: string) => ({ type: "boolean" as const, describe: `print ${what} as JSON` });

export const zooCommand: CliCommand = {
  command: "zoo",
  describe: "list and show the built-in model zoo (use a model as zoo:NAME)",
  subcommands: [
    {
      command: "list",
      describe: "every zoo model with its task, measured parameter count and source",
      builder: (y) => y.option("json", jsonOption("an array of {name, task, params, source}")),
      handler: listCmd,
    },
    {
      command: "show <name>",
      describe: "a zoo model's configuration, per-block parameters and dense MACs per timestep",
      builder: (y) =>
        y
          .positional("name", { type: "string", describe: "a zoo model name (zoo: prefix optional)" })
          .option("set", zooSetOption)
          .option("json", jsonOption("the configuration and breakdown")),
      handler: showCmd,
    },
  ],
};
