// Benchmark: ImageNet-size Spikformers on multi-chip systems — compile, map and one 224×224 sample (T = 4) on
// the chip simulator, one child process per (model, system) so each peak RSS is its own. One JSON line per run:
// {bench, model, system, weights, fits, chipsUsed | chipsNeeded, chipsAvailable, cores, prepareS, compileS, mapS,
// simulateS, peakRssMB, energy {onChipJ, interChipJ, staticJ, totalJ}, latencyPerSampleS, spikes, busiestLink, load}.
//
// Run: npx tsc -p tsconfig.json && node dist/bench/systems.js [MODEL…] [--system P…] [--steps T] [--image N]
//      [--bn-image M | --weights FILE]
// (--image N: the models at N×N instead of 224×224, `--set imageSize=N`, with an N×N image; --bn-image M:
// BatchNorm calibrated on the same model built at M×M, fed the same generator's M×M image, then carried over;
// --weights FILE: a checkpoint, e.g. one seeded-checkpoint.js wrote with that calibration done once)
// (default: spikformer-8-384, -8-512, -10-512, -8-768 on loihi2-hala-point and spinnaker2-sandia)
//
// Input: bench/natural-image.ts, a seeded 1/f-spectrum image (seed 1), the same on every step. The zoo ships no
// checkpoint for these models: weights are the seeded PyTorch-default init (pipeline/init-weights.ts) with
// BatchNorm at its initial statistics (the network is silent past its stem), or with --bn-image M calibrated by
// the pipeline's BatchNorm calibration at M×M, where its float pass per BatchNorm level is cheap (at 224×224
// ~36 s per step each, hours per model); every parameter is image-size independent, so all are carried over.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SpikegridError } from "../common/errors.js";
import { writeNpyFile } from "../compiler/importers/tensors/npy.js";
import { MappingError } from "../compiler/mapping/index.js";
import { initWeights } from "../pipeline/init-weights.js";
import { openPipeline } from "../pipeline/pipeline.js";
import { calibratedAt, IMAGE_SEED } from "./calibrated-seed.js";
import { carryParameters } from "./carry-parameters.js";
import { runBench, runChild } from "./children.js";
import { naturalClip } from "./natural-image.js";

const MODELS = ["spikformer-8-384", "spikformer-8-512", "spikformer-10-512", "spikformer-8-768"];
const SYSTEMS = ["loihi2-hala-point", "spinnaker2-sandia"];

const seconds = (t0: number, t1: number) => +((t1 - t0) / 1000).toFixed(2);
const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** One run in this process: prints its JSON line (a misfit or a compile refusal is a result too). */
async function runOne(
  model: string,
  system: string,
  steps: number,
  image: number,
  input: string,
  bnImage: number,
  weights: string,
) {
  const line: Record<string, unknown> = {
    bench: "systems",
    model,
    image,
    system,
    steps,
    load: loadavg()[0]!.toFixed(2),
  };
  const print = () => console.log(JSON.stringify({ ...line, peakRssMB: rssMB() }));
  const t0 = performance.now();
  const p = await openPipeline({
    model: `zoo:${model}`,
    ...(image === 224 ? {} : { set: { imageSize: image } }),
    input,
    init: "keep",
    ...(weights ? { load: { weights } } : {}),
    profile: system,
    calibrate: false,
    engine: "chip",
    timing: "detailed",
    perStepCounts: false,
  });
  const graph = p.data.graph!;
  const stage = (s: string) => process.stderr.write(`${model} on ${system}: ${s} (${rssMB()} MB)\n`);
  if (weights) {
    line.weights = `${weights} (${graph.metadata.weights})`;
  } else if (bnImage) {
    const tc = performance.now();
    const small = await calibratedAt(model, bnImage, steps);
    // weights included: they are the same seeded values (same node order), carried so nothing depends on it
    carryParameters(small.graph, graph);
    line.bnCalibrateS = seconds(tc, performance.now());
    line.weights = `seeded-init, BatchNorm calibrated at ${bnImage}×${bnImage} (${small.bns} BatchNorms, natural image seed ${IMAGE_SEED}, ${steps} steps)`;
    stage(`BatchNorm calibrated at ${bnImage}×${bnImage} in ${line.bnCalibrateS} s`);
  } else {
    initWeights(graph);
    line.weights = "seeded-init, BatchNorm at its initial statistics";
  }
  if (!weights) graph.metadata.weights = "seeded-init";
  const t1 = performance.now();
  line.prepareS = seconds(t0, t1);
  stage(`prepared in ${line.prepareS} s`);
  let ir: Awaited<ReturnType<typeof p.compile>>;
  try {
    ir = await p.compile();
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    line.fits = false;
    line.stage = "compile";
    line.reason = (e as Error).message.split("\n")[0];
    line.compileS = seconds(t1, performance.now());
    return print();
  }
  const t2 = performance.now();
  line.compileS = seconds(t1, t2);
  stage(`compiled in ${line.compileS} s`);
  line.neurons = ir.populations.reduce((s, q) => s + q.shape.reduce((a, b) => a * b, 1), 0);
  try {
    const { mapping, fit } = await p.map();
    line.fits = true;
    line.cores = mapping.cores.length;
    line.chipsUsed = fit?.chipsUsed;
    line.chipsAvailable = fit?.chipsAvailable;
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    line.fits = false;
    line.stage = "map";
    if (e instanceof MappingError) {
      line.chipsNeeded = e.fit.chipsNeeded;
      line.chipsAvailable = e.fit.chipsAvailable;
      line.coresNeeded = e.fit.coresNeeded;
    }
    line.reason = e.message.split("\n")[0];
    line.mapS = seconds(t2, performance.now());
    return print();
  }
  const t3 = performance.now();
  line.mapS = seconds(t2, t3);
  stage(`mapped in ${line.mapS} s`);
  let run: Awaited<ReturnType<typeof p.simulate>>;
  try {
    run = await p.simulate("chip");
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    line.stage = "simulate";
    line.reason = e.message.split("\n")[0];
    line.simulateS = seconds(t3, performance.now());
    return print();
  }
  line.simulateS = seconds(t3, performance.now());
  const sys = run.system;
  const e = run.energy?.chip;
  line.energy = {
    onChipJ: sys?.energy.onChipJ,
    interChipJ: sys?.energy.interChipJ,
    staticJ: sys?.energy.staticJ,
    totalJ: e?.totalJ,
  };
  line.latencyPerSampleS = run.latency?.perSampleS;
  // activity: seeded weights with BatchNorm at its initial statistics can leave the deep layers silent, and a
  // silent network's energy and latency are the stem's, static power's and the host's alone (bench/README)
  line.spikes = run.counts?.spikes;
  const layers = run.perLayer ?? [];
  const spiking = layers.filter((r) => (r.spikes ?? 0) > 0);
  line.lastSpikingLayer = spiking.at(-1)?.id;
  line.spikingLayers = `${spiking.length}/${layers.length}`;
  line.crossings = sys?.crossings;
  const top = sys?.links[0];
  if (top) line.busiestLink = { fromChip: top.fromChip, toChip: top.toChip, packets: top.packets };
  print();
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--one")
    return runOne(argv[1]!, argv[2]!, Number(argv[3]), Number(argv[4]), argv[5]!, Number(argv[6]), argv[7]!);
  const models: string[] = [];
  const systems: string[] = [];
  let steps = 4;
  let image = 224;
  let bnImage = 0;
  let weights = "";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--system") systems.push(argv[++i]!);
    else if (argv[i] === "--steps") steps = Number(argv[++i]);
    else if (argv[i] === "--image") image = Number(argv[++i]);
    else if (argv[i] === "--bn-image") bnImage = Number(argv[++i]);
    else if (argv[i] === "--weights") weights = argv[++i] ?? "";
    else if (argv[i]!.startsWith("--"))
      throw new SpikegridError("USAGE", `unknown option ${argv[i]}`, {
        hint: "options: --system P, --steps T, --image N, --bn-image M, --weights FILE (bench/systems.ts)",
      });
    else models.push(argv[i]!);
  }
  const bad = (
    [
      ["--steps", steps, 1],
      ["--image", image, 1],
      ["--bn-image", bnImage, 0],
    ] as const
  ).find(([, v, min]) => !Number.isInteger(v) || v < min);
  if (bad)
    throw new SpikegridError("USAGE", `${bad[0]} ${bad[1]}: give a whole number of at least ${bad[2]}`, {
      hint: "e.g. --image 224 --steps 4 --bn-image 64",
    });
  if (weights && bnImage)
    throw new SpikegridError("USAGE", "--weights and --bn-image both set the parameters: give one", {
      hint: "a checkpoint from bench/seeded-checkpoint.js already holds the calibrated BatchNorm statistics",
    });
  if (weights && !existsSync(weights))
    throw new SpikegridError("USAGE", `--weights ${weights}: no such file`);
  const dir = mkdtempSync(join(tmpdir(), "sg-systems-"));
  // the input image is the script's own: gone when it ends, however it ends
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const input = join(dir, "image.npy");
  writeNpyFile(input, {
    dtype: "float32",
    shape: [steps, 3, image, image],
    data: naturalClip(image, 3, steps, IMAGE_SEED),
  });
  const self = fileURLToPath(import.meta.url);
  for (const model of models.length ? models : MODELS)
    for (const system of systems.length ? systems : SYSTEMS) {
      // sequential children: the figures must not share two cores with each other
      await runChild(
        "systems",
        `${model} on ${system}`,
        self,
        ["--one", model, system, String(steps), String(image), input, String(bnImage), weights],
        { execArgv: ["--max-old-space-size=7680", ...process.execArgv] },
      );
    }
}

await runBench("systems", () => main(process.argv.slice(2)));
