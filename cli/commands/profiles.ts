// `spikegrid profiles list | show | validate | import-sanafe`: browse the chip profiles and check a user's profile file.
// Thin: all loading and validation is hw-profiles' library API; this file only formats.

import chalk, { Chalk, type ChalkInstance } from "chalk";
import { formatChipGrid, formatSystemLinks } from "../../compiler/mapping/system-view.js";
import {
  type ChipProfile,
  COST_NAMES,
  coreLimits,
  invalidProfileError,
  listProfiles,
  loadProfile,
  type ProvenanceEntry,
  provenanceCounts,
  sanafeArchToProfileYaml,
  validateProfileFile,
} from "../../hw-profiles/index.js";
import { formatSI, renderTable } from "../../reports/terminal/table.js";
import type { CliCommand } from "../command.js";
import type { CliIo } from "../io.js";
import { checkOutputs, outFlag, writeOutputFile } from "../options.js";

const colours = (io: CliIo): ChalkInstance => new Chalk({ level: io.isTTY ? chalk.level : 0 });

function si(value: number, unit: string): string {
  return unit === "" || unit === "cycles" ? `${value}${unit ? ` ${unit}` : ""}` : formatSI(value, unit);
}

/** "a" or "a–b" over every core of one chip (Speck's cores differ). */
function perCoreRange(
  p: ChipProfile,
  pick: (i: number) => number | undefined,
  fmt: (v: number) => string,
): string {
  const values = Array.from({ length: p.grid.coresPerChip }, (_, i) => pick(i)).filter(
    (v) => v !== undefined,
  );
  if (values.length === 0) return "—";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
}

function timing(p: ChipProfile): string {
  const parts: string[] = [];
  if (p.clockHz !== undefined) parts.push(`${formatSI(p.clockHz, "Hz")} clock`);
  const b = p.barrier;
  if (b?.kind === "tick") parts.push(`${formatSI(b.periodS, "s")} tick`);
  if (b?.kind === "none") parts.push("asynchronous");
  if (b?.kind === "table") {
    const lo = b.points[0]!.latencyS;
    const hi = b.points[b.points.length - 1]!.latencyS;
    parts.push(`${lo === hi ? formatSI(lo, "s") : `${formatSI(lo, "s")}–${formatSI(hi, "s")}`} barrier`);
  }
  return parts.join(", ") || "—";
}

/** Plain-data summary of one profile; null (never 0) where the profile does not model a number. */
export function profileSummary(p: ChipProfile) {
  return {
    name: p.name,
    description: p.description,
    file: p.file,
    chips: p.grid.chips,
    coresPerChip: p.grid.coresPerChip,
    cores: p.grid.chips * p.grid.coresPerChip,
    neuronsPerCore: p.core.neurons,
    synapseMemoryBitsPerCore: p.core.synapseMemoryBits ?? null,
    weightBits: p.core.weightBits,
    synopACJ: p.costs.synopAC?.energyJ ?? null,
    synopMACJ: p.costs.synopMAC?.energyJ ?? null,
    clockHz: p.clockHz ?? null,
    tickS: p.barrier?.kind === "tick" ? p.barrier.periodS : null,
  };
}

function listProfilesCmd(args: Record<string, unknown>, io: CliIo): void {
  const profiles = listProfiles();
  if (args.json) {
    io.out(JSON.stringify(profiles.map(profileSummary), null, 2));
    return;
  }
  const c = colours(io);
  const energy = (p: ChipProfile, name: "synopAC" | "synopMAC"): string | undefined => {
    const e = p.costs[name]?.energyJ;
    if (e === undefined) return undefined;
    const text = `${name === "synopAC" ? "AC" : "MAC"} ${formatSI(e, "J")}`;
    return p.provenance.get(`costs.${name}.energy`)?.status === "estimate" ? c.yellow(`${text}*`) : text;
  };
  const rows = profiles.map((p) => [
    p.name,
    String(p.grid.chips * p.grid.coresPerChip),
    perCoreRange(p, (i) => coreLimits(p, i).neurons, String),
    perCoreRange(
      p,
      (i) => coreLimits(p, i).synapseMemoryBits,
      (v) => formatSI(v, "bit"),
    ),
    String(p.core.weightBits),
    [energy(p, "synopAC"), energy(p, "synopMAC")].filter(Boolean).join(" / ") || "—",
    timing(p),
  ]);
  const columns = [
    { header: "profile" },
    { header: "cores", align: "right" as const },
    { header: "neurons/core", align: "right" as const },
    { header: "synapse mem/core", align: "right" as const },
    { header: "weight bits", align: "right" as const },
    { header: "E synop" },
    { header: "clock / timestep" },
  ];
  io.out(renderTable(columns, rows));
  io.out(`${c.yellow("*")} estimate · — not modelled · details: spikegrid profiles show NAME`);
}

/** Every non-numeric setting (enums, booleans) of a profile, as key path → text. */
function settings(p: ChipProfile): [string, string][] {
  return [
    ["grid.routing", p.grid.routing],
    ["grid.multicast", String(p.grid.multicast)],
    ...(p.grid.unavailableTiles.length
      ? [
          ["grid.unavailableTiles", p.grid.unavailableTiles.map(([x, y]) => `[${x}, ${y}]`).join(" ")] as [
            string,
            string,
          ],
        ]
      : []),
    ["core.memoryModel.kind", p.core.memoryModel.kind],
    ["core.capabilities.gradedSpikes", String(p.core.capabilities.gradedSpikes)],
    ["core.capabilities.productNeurons", String(p.core.capabilities.productNeurons)],
    ["core.capabilities.functionNeurons", String(p.core.capabilities.functionNeurons ?? false)],
    ["core.capabilities.compartmentJoins", String(p.core.capabilities.compartmentJoins ?? false)],
    ["core.capabilities.dynamicMatmul", String(p.core.capabilities.dynamicMatmul)],
    ...(p.barrier ? [["barrier.kind", p.barrier.kind] as [string, string]] : []),
    ["timestep.semantics", p.timestep.semantics],
    ["timestep.updatePolicy", p.timestep.updatePolicy],
  ];
}

/** What the profile leaves out; consumers must treat these as unknown, not zero. */
function notModelled(p: ChipProfile): string[] {
  const out: string[] = COST_NAMES.filter((n) => !p.costs[n] && !(n === "hop" && p.costs.hopEW)).map(
    (n) => `costs.${n}`,
  );
  if (!p.barrier) out.push("barrier");
  if (p.clockHz === undefined) out.push("clock");
  if (p.staticPower.perCoreW === undefined && p.staticPower.perChipW === undefined) out.push("staticPower");
  return out;
}

/** Provenance entries in file order, without the hopEW/hopNS aliases of a single `hop`. */
function numbers(p: ChipProfile): [string, ProvenanceEntry][] {
  return [...p.provenance.entries()].filter(([k, e]) => k === e.keyPath);
}

function showProfile(args: Record<string, unknown>, io: CliIo): void {
  const p = loadProfile(String(args.profile));
  if (args.json) {
    const { provenance, ...rest } = p;
    const entries = numbers(p).map(([, e]) => e);
    io.out(JSON.stringify({ profile: rest, provenance: entries, notModelled: notModelled(p) }, null, 2));
    return;
  }
  const c = colours(io);
  const out: string[] = [`${c.bold(p.name)} — ${p.description}`, `file: ${p.file}`, ""];
  out.push(renderTable([{ header: "setting" }, { header: "value" }], settings(p)), "");
  if (p.system) out.push(formatChipGrid(p), ...formatSystemLinks(p), "");
  const notes = new Map<string, number>();
  const rows = numbers(p).map(([key, e]) => {
    const est = e.status === "estimate";
    const mark = (s: string) => (est ? c.yellow(s) : s);
    let ref = "";
    if (e.note) {
      if (!notes.has(e.note)) notes.set(e.note, notes.size + 1);
      ref = `[${notes.get(e.note)}]`;
    }
    const normal = si(e.value, e.unit);
    return [
      key,
      mark(e.original),
      normal === e.original ? "" : normal,
      mark(est ? "(estimate)" : e.status),
      e.sourceKey,
      ref,
    ];
  });
  const columns = ["number", "value", "SI", "status", "source", "note"].map((header) => ({ header }));
  out.push(renderTable(columns, rows), "");
  const absent = notModelled(p);
  if (absent.length) out.push(`not modelled (unknown, never zero): ${absent.join(", ")}`, "");
  out.push("sources:");
  for (const [key, citation] of Object.entries(p.sources)) out.push(`  ${key}: ${citation}`);
  if (notes.size) {
    out.push("", "notes:");
    for (const [text, i] of notes) out.push(`  [${i}] ${text}`);
  }
  if (p.notes?.length) {
    out.push("", "conversion notes (not expressed by the profile's numbers):");
    for (const n of p.notes) out.push(`  - ${n}`);
  }
  io.out(out.join("\n"));
}

function importSanafeCmd(args: Record<string, unknown>, io: CliIo): void {
  const file = String(args.file);
  const out = outFlag(args);
  checkOutputs([{ flag: "-o/--out", path: out }], [file]);
  const { yaml, notes, profile } = sanafeArchToProfileYaml(file);
  if (out === undefined) io.out(yaml);
  else {
    writeOutputFile("-o/--out", out, yaml);
    const counts = provenanceCounts(profile);
    io.err(`wrote ${out}: profile ${profile.name} (${counts.numbers} numbers, ${counts.estimate} estimates)`);
  }
  io.err(`conversion notes (${notes.length}, also in the profile's notes:):`);
  for (const n of notes) io.err(`  - ${n}`);
}

function validateCmd(args: Record<string, unknown>, io: CliIo): void {
  const file = String(args.file);
  const r = validateProfileFile(file);
  if (!r.profile) throw invalidProfileError(file, r.problems);
  const counts = provenanceCounts(r.profile);
  io.out(`ok: ${file} is a valid profile (${counts.numbers} numbers, ${counts.estimate} estimates)`);
}

const jsonOption = (what: string) => ({ type: "boolean" as const, describe: `print ${what} as JSON` });

export const profilesCommand: CliCommand = {
  command: "profiles",
  describe: "list, show and validate chip profiles",
  subcommands: [
    {
      command: "list",
      describe: "the built-in chip profiles with their main limits and costs",
      builder: (y) => y.option("json", jsonOption("an array of profile summaries")),
      handler: listProfilesCmd,
    },
    {
      command: "show <profile>",
      describe: "every number of a profile with its unit, status and source",
      builder: (y) =>
        y
          .positional("profile", {
            type: "string",
            describe: "a built-in profile name or a path to a profile file",
          })
          .option("json", jsonOption("the profile and its provenance")),
      handler: showProfile,
    },
    {
      command: "import-sanafe <file>",
      describe:
        "convert a SANA-FE architecture file into a spikegrid profile (YAML, with provenance and notes)",
      builder: (y) =>
        y
          .positional("file", {
            type: "string",
            describe: "a SANA-FE arch .yaml (top-level `architecture:`)",
          })
          .option("out", {
            alias: "o",
            type: "string",
            describe: "write the profile here (default: stdout)",
          }),
      handler: importSanafeCmd,
    },
    {
      command: "validate <file>",
      describe: "check a profile file and list every problem (exit code 2 if any)",
      builder: (y) => y.positional("file", { type: "string", describe: "a .yaml/.yml/.json profile file" }),
      handler: validateCmd,
    },
  ],
};
