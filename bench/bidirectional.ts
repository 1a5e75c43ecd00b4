// Benchmark: the bidirectional zoo models (binary-s4d-* / gsu-* on LRA) through the command line as a user runs
// them — compile → map → simulate --engine chip — per profile; one JSON line per (model, profile): each
// command's wall time, and success or the first error line (a named misfit). Inputs: one random clip of T steps
// (one-hot tokens for an embedding encoder, uniform pixels for a linear one), written beside the outputs.
//
// Run: npx tsc -p tsconfig.json && node dist/bench/bidirectional.js [MODEL…] [--profile P…] [--steps T]
// (default: every binary-s4d-* / gsu-* LRA model on loihi2, spinnaker2, generic-45nm; T = 32)

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeNpyFile } from "../compiler/importers/tensors/npy.js";
import { LRA_TASKS } from "../models/s4d-lra.js";

const PROFILES = ["loihi2", "spinnaker2", "generic-45nm"];
const MODELS = ["binary-s4d", "gsu"].flatMap((m) => LRA_TASKS.map((t) => `${m}-${t.task}`));
const CLI = fileURLToPath(new URL("../../bin/spikegrid.js", import.meta.url));

/** A seeded clip [1, T, F]: one-hot tokens (embedding encoder) or uniform values in [0, 1). */
function clip(model: string, T: number, path: string): void {
  const task = LRA_TASKS.find((t) => model.endsWith(`-${t.task}`))!;
  const F = task.config.inputFeatures;
  const data = new Float32Array(T * F);
  let seed = 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let t = 0; t < T; t++) {
    if (task.config.encoder === "embedding") data[t * F + Math.floor(rnd() * F)] = 1;
    else for (let f = 0; f < F; f++) data[t * F + f] = rnd();
  }
  writeNpyFile(path, { dtype: "float32", shape: [1, T, F], data });
}

/** One command: seconds, and the first error line when it failed. */
function run(args: string[]): { s: number; ok: boolean; error?: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const s = +((performance.now() - t0) / 1000).toFixed(2);
  if (r.status === 0) return { s, ok: true };
  // the error line and its first detail (a misfit names what, needed and available there)
  const lines = r.stderr.split("\n");
  const at = lines.findIndex((l) => l.startsWith("spikegrid: error"));
  const error = at < 0 ? r.stderr.trim() : lines.slice(at, at + 2).join(" | ");
  return { s, ok: false, error: error.slice(0, 400) };
}

function main(argv: string[]): void {
  const models: string[] = [];
  const profiles: string[] = [];
  let T = 32;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--profile") profiles.push(argv[++i]!);
    else if (argv[i] === "--steps") T = Number(argv[++i]);
    else models.push(argv[i]!);
  }
  const dir = mkdtempSync(join(tmpdir(), "spikegrid-bidir-"));
  try {
    for (const model of models.length ? models : MODELS) {
      const x = join(dir, `${model}.npy`);
      clip(model, T, x);
      for (const profile of profiles.length ? profiles : PROFILES) {
        const m = join(dir, "m.nmir");
        const row: Record<string, unknown> = { bench: "bidirectional", model, profile, steps: T };
        const steps: [string, string[]][] = [
          ["compile", ["compile", `zoo:${model}`, "--profile", profile, "-o", m]],
          ["map", ["map", m, "--profile", profile]],
          [
            "simulate",
            [
              "simulate",
              m,
              "--engine",
              "chip",
              "--profile",
              profile,
              "--input",
              x,
              "--json",
              join(dir, "run.json"),
            ],
          ],
        ];
        for (const [name, args] of steps) {
          const r = run(args);
          row[`${name}S`] = r.s;
          if (!r.ok) {
            row.failedAt = name;
            row.error = r.error;
            break;
          }
        }
        row.ok = row.failedAt === undefined;
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
