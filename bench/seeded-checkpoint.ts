// A checkpoint for a zoo model that ships none: its seeded PyTorch-default init with BatchNorm statistics
// calibrated at a small image size on the natural test image, written as a PyTorch-named .safetensors that
// `--weights` applies at any image size (every parameter of these models is image-size independent). Its
// metadata marks it seeded-init, so every run from it still says its activity is illustrative, not trained.
// Optionally writes the natural image clip as the .npy input the CLI runs take.
//
// Run: npx tsc -p tsconfig.json && node dist/bench/seeded-checkpoint.js MODEL -o FILE.safetensors
//      [--bn-image M] [--steps T] [--image-npy FILE.npy --image N]
// (defaults: --bn-image 64, --steps 4, --image 224; the image is bench/natural-image.ts, seed 1)

import { performance } from "node:perf_hooks";
import { checkOutputs } from "../cli/options.js";
import { SpikegridError } from "../common/errors.js";
import { graphStateDict } from "../compiler/importers/apply-state-dict.js";
import { writeNpyFile, writeSafetensorsFile } from "../compiler/importers/tensors/index.js";
import { CHECKPOINT_WEIGHTS_KEY } from "../compiler/passes/weights-provenance.js";
import { calibratedAt, IMAGE_SEED } from "./calibrated-seed.js";
import { runBench } from "./children.js";
import { naturalClip } from "./natural-image.js";

interface Args {
  model: string;
  out: string;
  bnImage: number;
  steps: number;
  imageNpy?: string;
  image: number;
}

function parse(argv: string[]): Args {
  const a: Partial<Args> & { bnImage: number; steps: number; image: number } = {
    bnImage: 64,
    steps: 4,
    image: 224,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    const whole = (flag: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new SpikegridError("USAGE", `${flag} ${v}: give a whole number of at least 1`);
      i++;
      return n;
    };
    if (argv[i] === "-o" || argv[i] === "--out") a.out = argv[++i];
    else if (argv[i] === "--bn-image") a.bnImage = whole("--bn-image");
    else if (argv[i] === "--steps") a.steps = whole("--steps");
    else if (argv[i] === "--image") a.image = whole("--image");
    else if (argv[i] === "--image-npy") a.imageNpy = argv[++i];
    else if (argv[i]!.startsWith("-")) throw new SpikegridError("USAGE", `unknown option ${argv[i]}`);
    else a.model = argv[i]!.replace(/^zoo:/, "");
  }
  if (!a.model || !a.out)
    throw new SpikegridError("USAGE", "give a zoo model and -o FILE.safetensors", {
      hint: "e.g. seeded-checkpoint.js spikformer-8-768 -o s768.safetensors --image-npy image.npy",
    });
  return a as Args;
}

async function main(argv: string[]): Promise<void> {
  const a = parse(argv);
  checkOutputs(
    [{ flag: "-o/--out", path: a.out }, ...(a.imageNpy ? [{ flag: "--image-npy", path: a.imageNpy }] : [])],
    [],
  );
  const t0 = performance.now();
  const { graph, bns } = await calibratedAt(a.model, a.bnImage, a.steps);
  const weights = `seeded PyTorch-default init, ${bns} BatchNorms calibrated at ${a.bnImage}×${a.bnImage} on the natural image (seed ${IMAGE_SEED}, ${a.steps} steps)`;
  writeSafetensorsFile(a.out, graphStateDict(graph), {
    [CHECKPOINT_WEIGHTS_KEY]: "seeded-init",
    "spikegrid.model": `zoo:${a.model}`,
    "spikegrid.init": weights,
  });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  process.stderr.write(`wrote ${a.out}: ${weights}, in ${s} s\n`);
  if (a.imageNpy) {
    writeNpyFile(a.imageNpy, {
      dtype: "float32",
      shape: [a.steps, 3, a.image, a.image],
      data: naturalClip(a.image, 3, a.steps, IMAGE_SEED),
    });
    process.stderr.write(`wrote ${a.imageNpy}: [${a.steps}, 3, ${a.image}, ${a.image}]\n`);
  }
}

await runBench("seeded-checkpoint", () => main(process.argv.slice(2)));
