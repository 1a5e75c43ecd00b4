// Benchmark: memory and speed of the chip simulator at scale — a zoo model compiled and mapped once onto a
// (system) profile, its files kept in a cache folder, then `simulate --engine chip` of one sample in a fresh
// process. One JSON line per run: {bench, model, image, system, steps, neurons, cores, loadPeakRssMB (reading
// the module and mapping), baseRssMB, peakRssMB,
// bytesPerNeuron, simulateS, stepsPerS, heapUsedMB, load}. bytesPerNeuron = (peak RSS while simulating − RSS
// once the module and mapping are loaded) / neurons: what simulating adds per neuron. On Linux the peak is reset
// once they are loaded (so reading the .nmir does not count); elsewhere it is the whole process's.
//
// Run: npx tsc -p tsconfig.json && node dist/bench/chip-scale.js [--model M] [--system P] [--image N]
//      [--steps T] [--cache DIR] [--json RUN.json] [--weights FILE]
// (defaults: spikformer-8-384, loihi2-hala-point, 32, 4, $TMPDIR/sg-chip-scale-M-P-N-T; --json writes the run
// JSON, byte for byte what `spikegrid simulate … --json` writes, to compare before/after a change; --weights: a
// checkpoint, e.g. seeded-checkpoint.js's with BatchNorm calibrated, instead of the silent seeded init)

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SpikegridError } from "../common/errors.js";
import { writeNpyFile } from "../compiler/importers/tensors/npy.js";
import { mappingJson, validateMapping } from "../compiler/mapping/index.js";
import { shapeSize, writeNmirFile } from "../compiler/nmir/index.js";
import { initWeights } from "../pipeline/init-weights.js";
import { openPipeline } from "../pipeline/pipeline.js";
import { IMAGE_SEED } from "./calibrated-seed.js";
import { runBench, runChild } from "./children.js";
import { naturalClip } from "./natural-image.js";

interface Args {
  model: string;
  system: string;
  image: number;
  steps: number;
  cache: string;
  json?: string;
  /** A checkpoint (e.g. from seeded-checkpoint.js, BatchNorm calibrated) instead of the plain seeded init. */
  weights?: string;
}

const MB = 1024 * 1024;
/** Peak RSS since the last `resetPeak` (Linux: VmHWM), else the process's peak. */
function rssPeak(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}

/** Starts the peak RSS again from the current RSS (Linux), so loading the module does not count. */
function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {}
}

/**
 * Compiles and maps the model (seeded-init weights as bench/systems.ts, or the --weights checkpoint) and writes
 * the cache's three files.
 */
async function prepare(a: Args): Promise<void> {
  mkdirSync(a.cache, { recursive: true });
  const input = join(a.cache, "image.npy");
  writeNpyFile(input, {
    dtype: "float32",
    shape: [a.steps, 3, a.image, a.image],
    data: naturalClip(a.image, 3, a.steps, IMAGE_SEED),
  });
  const p = await openPipeline({
    model: `zoo:${a.model}`,
    ...(a.image === 224 ? {} : { set: { imageSize: a.image } }),
    input,
    init: "keep",
    ...(a.weights ? { load: { weights: a.weights } } : {}),
    profile: a.system,
    calibrate: false,
    engine: "chip",
  });
  if (!a.weights) {
    const graph = p.data.graph!;
    initWeights(graph);
    graph.metadata.weights = "seeded-init";
  }
  writeNmirFile(join(a.cache, "m.nmir"), await p.compile());
  const { mapping } = await p.map();
  writeFileSync(join(a.cache, "mapping.json"), mappingJson(mapping));
}

/** `simulate m.nmir --engine chip --mapping mapping.json --input image.npy` in this process, measured. */
async function simulate(a: Args): Promise<void> {
  const file = join(a.cache, "m.nmir");
  const mappingFile = join(a.cache, "mapping.json");
  let p = await openPipeline({
    model: file,
    input: join(a.cache, "image.npy"),
    profile: a.system,
    engine: "chip",
    timing: "detailed",
  });
  const ir = await p.compile();
  const raw: unknown = JSON.parse(readFileSync(mappingFile, "utf8"));
  p = p.with({ mapping: validateMapping(raw, ir, p.profile!), mappingSource: mappingFile });
  const { mapping } = await p.map();
  // collect the decoding's garbage and give the sweeper time to hand its pages back, so the base is the live set
  for (let k = 0; k < 3; k++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 300));
  }
  const loadPeak = rssPeak();
  resetPeak();
  const base = process.memoryUsage().rss;
  const t0 = performance.now();
  const { sim } = await p.execute("chip");
  const seconds = (performance.now() - t0) / 1000;
  const peak = rssPeak();
  const heapUsed = process.memoryUsage().heapUsed;
  if (a.json) writeFileSync(a.json, `${JSON.stringify(p.runJson(ir, sim), null, 2)}\n`);
  const neurons = ir.populations.reduce((s, q) => s + shapeSize(q.shape), 0);
  console.log(
    JSON.stringify({
      bench: "chip-scale",
      model: a.model,
      image: a.image,
      system: a.system,
      steps: a.steps,
      neurons,
      cores: mapping.cores.length,
      loadPeakRssMB: Math.round(loadPeak / MB),
      baseRssMB: Math.round(base / MB),
      peakRssMB: Math.round(peak / MB),
      bytesPerNeuron: Math.round((peak - base) / neurons),
      simulateS: +seconds.toFixed(2),
      stepsPerS: +(a.steps / seconds).toPrecision(3),
      heapUsedMB: Math.round(heapUsed / MB),
      load: +loadavg()[0]!.toFixed(2),
    }),
  );
}

function parse(argv: string[]): { mode: string; a: Args } {
  let mode = "run";
  const a: Partial<Args> = { model: "spikformer-8-384", system: "loihi2-hala-point", image: 32, steps: 4 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case "--prepare":
      case "--simulate":
        mode = argv[i]!.slice(2);
        break;
      case "--model":
        a.model = v;
        i++;
        break;
      case "--system":
        a.system = v;
        i++;
        break;
      case "--image":
        a.image = Number(v);
        i++;
        break;
      case "--steps":
        a.steps = Number(v);
        i++;
        break;
      case "--cache":
        a.cache = v;
        i++;
        break;
      case "--json":
        a.json = v;
        i++;
        break;
      case "--weights":
        a.weights = v;
        i++;
        break;
      default:
        throw new SpikegridError("USAGE", `unknown argument ${argv[i]}`, {
          hint: "options: --model M, --system P, --image N, --steps T, --cache DIR, --json FILE, --weights FILE",
        });
    }
  }
  const w = a.weights ? `-${basename(a.weights).replace(/\.[^.]*$/, "")}` : "";
  a.cache ??= join(tmpdir(), `sg-chip-scale-${a.model}-${a.system}-${a.image}-${a.steps}${w}`);
  return { mode, a: a as Args };
}

/** Runs this file again in a child (its own peak RSS), with the same arguments and `--<mode>`. */
function child(mode: string, argv: string[]): Promise<void> {
  return runChild("chip-scale", `--${mode}`, fileURLToPath(import.meta.url), [`--${mode}`, ...argv], {
    execArgv: ["--expose-gc", "--max-old-space-size=7680", ...process.execArgv],
  });
}

const argv = process.argv.slice(2);
await runBench("chip-scale", async () => {
  const { mode, a } = parse(argv);
  if (mode === "prepare") await prepare(a);
  else if (mode === "simulate") await simulate(a);
  else {
    if (!existsSync(join(a.cache, "mapping.json"))) await child("prepare", argv);
    await child("simulate", argv);
  }
});
