// Benchmark: the compile → map → simulate chain of the real CLI for every zoo model (ImageNet configurations
// excepted) on each profile; one child process per cell with a time budget, one JSON line per cell: status,
// seconds and peak RSS of each command, cores when it fits, else the misfit text (or the error line).
//
// Run: npx tsc -p tsconfig.json && node dist/bench/zoo-matrix.js [MODEL…] [--profile P…] [--timeout S]
// (default: every non-ImageNet zoo model × generic-45nm, loihi2, spinnaker2; 900 s per cell)

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeNpyFile } from "../compiler/importers/tensors/index.js";
import { loadZooModel, ZOO } from "../models/zoo.js";

const PROFILES = ["generic-45nm", "loihi2", "spinnaker2"];
/** Steps of the one input when the model declares no timesteps (sequence models: the first T frames). */
const DEFAULT_STEPS = 4;
const BIN = fileURLToPath(new URL("../../bin/spikegrid.js", import.meta.url));

interface Step {
  status: "ok" | "misfit" | "error" | "timeout" | "skipped";
  /** The command's exit code when it failed other than by a misfit (1 = an internal fault of the CLI). */
  exit?: number;
  s?: number;
  peakRssMB?: number;
  /** The first error line (misfit or fault), without the "spikegrid: " prefix. */
  message?: string;
}

/** One CLI command under /usr/bin/time (peak RSS), within `budgetS` seconds. */
function runCli(args: string[], budgetS: number): Step & { stdout: string } {
  if (budgetS <= 0) return { status: "timeout", stdout: "" };
  const t0 = Date.now();
  const r = spawnSync("/usr/bin/time", ["-f", "RSSKB %M", process.execPath, BIN, ...args], {
    encoding: "utf8",
    timeout: budgetS * 1000,
    maxBuffer: 64 * 2 ** 20,
  });
  const s = +((Date.now() - t0) / 1000).toFixed(1);
  const rss = /RSSKB (\d+)/.exec(r.stderr ?? "");
  const peakRssMB = rss ? Math.round(+rss[1]! / 1024) : undefined;
  if (r.error || r.signal) return { status: "timeout", s, peakRssMB, stdout: "" };
  const errLine = (r.stderr ?? "").split("\n").find((l) => l.startsWith("spikegrid:") || /error/i.test(l));
  const message = errLine?.replace(/^spikegrid: /, "");
  if (r.status === 0) return { status: "ok", s, peakRssMB, stdout: r.stdout };
  // a misfit is a user-level answer (exit 2) naming needed vs available; anything else is a fault
  const lines = (r.stderr ?? "").split("\n");
  const misfit = r.status === 2 && /does not fit|needs .* available/.test(r.stderr ?? "");
  const detail = misfit ? lines.find((l) => /needs .* available/.test(l)) : undefined;
  // what would fit: the hint map prints after the misfit ("hint: it fits on: …")
  const fitsOn = misfit ? lines.find((l) => /^hint: .*fits on/.test(l)) : undefined;
  return {
    status: misfit ? "misfit" : "error",
    ...(misfit ? {} : { exit: r.status ?? undefined }),
    s,
    peakRssMB,
    message: [detail ?? message ?? `exit ${r.status}`, fitsOn].filter(Boolean).join(" ").trim(),
    stdout: r.stdout,
  };
}

/** The one input: the graph's input shape over its declared timesteps (else DEFAULT_STEPS), values in [0, 1). */
function writeInput(model: string, path: string): number[] {
  const { graph } = loadZooModel(model);
  const input = [...graph.nodes.values()].find((n) => n.kind === "Input");
  if (input?.kind !== "Input") throw new Error(`zoo model ${model} has no Input node`);
  const steps = typeof graph.metadata.timesteps === "number" ? graph.metadata.timesteps : DEFAULT_STEPS;
  const shape = [steps, ...input.shape];
  const n = shape.reduce((a, b) => a * b, 1);
  let seed = 12345;
  const data = Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  });
  writeNpyFile(path, { dtype: "float32", shape, data });
  return shape;
}

/** One cell in this process: prints its JSON line. */
function runCell(model: string, profile: string, budgetS: number): void {
  const dir = mkdtempSync(join(tmpdir(), "zoo-matrix-"));
  const t0 = Date.now();
  const left = () => budgetS - (Date.now() - t0) / 1000;
  try {
    const nmir = join(dir, "m.nmir");
    const compile = runCli(["compile", `zoo:${model}`, "--profile", profile, "-o", nmir], left());
    const map: Step & { stdout?: string } =
      compile.status === "ok" ? runCli(["map", nmir, "--profile", profile], left()) : { status: "skipped" };
    let simulate: Step = { status: "skipped" };
    let inputShape: number[] | undefined;
    let run: Record<string, unknown> | undefined;
    if (map.status === "ok") {
      const x = join(dir, "x.npy");
      inputShape = writeInput(model, x);
      const json = join(dir, "run.json");
      const args = ["simulate", nmir, "--engine", "chip", "--profile", profile, "--input", x, "--json", json];
      simulate = runCli(args, left());
      if (simulate.status === "ok") run = JSON.parse(readFileSync(json, "utf8"));
    }
    // "fits on loihi2: 2 of 128 cores" (the core-grid header's "1 core(s) per tile" is not the count)
    const cores = /^fits on .*: ([\d,]+) of [\d,]+ cores/m.exec(map.stdout ?? "")?.[1]?.replace(/,/g, "");
    const strip = ({ stdout: _, ...s }: Step & { stdout?: string }) => s;
    console.log(
      JSON.stringify({
        bench: "zoo-matrix",
        model,
        profile,
        compile: strip(compile),
        map: strip(map),
        simulate: strip(simulate),
        ...(cores ? { cores: +cores } : {}),
        ...(inputShape ? { inputShape } : {}),
        ...(run ? { runKeys: Object.keys(run).length } : {}),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--cell") return runCell(argv[1]!, argv[2]!, +argv[3]!);
  const models: string[] = [];
  const profiles: string[] = [];
  let timeout = 900;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--profile") profiles.push(argv[++i]!);
    else if (argv[i] === "--timeout") timeout = +argv[++i]!;
    else models.push(argv[i]!);
  }
  const all = ZOO.filter((m) => !/ImageNet/.test(m.task)).map((m) => m.name);
  const self = fileURLToPath(import.meta.url);
  for (const model of models.length ? models : all)
    for (const profile of profiles.length ? profiles : PROFILES) {
      // sequential cells: the figures must not share the two cores with each other
      const r = spawnSync(process.execPath, [self, "--cell", model, profile, String(timeout)], {
        stdio: ["ignore", "inherit", "pipe"],
        encoding: "utf8",
      });
      // a cell that exits non-zero is a fault of this bench (the CLI's own failures are statuses in its line)
      if (r.status !== 0) {
        const error = (r.stderr ?? "").split("\n").find((l) => /Error|error/.test(l));
        console.log(
          JSON.stringify({ bench: "zoo-matrix", model, profile, cell: "crashed", exit: r.status, error }),
        );
      }
    }
}

await main(process.argv.slice(2));
