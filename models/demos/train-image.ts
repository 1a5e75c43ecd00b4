// Trains an MNIST Spikformer-family demo (Spikformer or FWformer, spikformer-mnist-tf.ts) on 7,500 training digits,
// keeping the epoch best on the 500-digit validation slice, and checks the checkpoint against the zoo builder on the
// held-out digits. Run through train.ts: node dist/models/demos/train.js spikformer-mnist | fwformer-mnist.

import * as tf from "@tensorflow/tfjs-core";
import { packagePath } from "../../common/package-root.js";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile, writeSafetensorsFile } from "../../compiler/importers/tensors/index.js";
import type { ImageDemo } from "./catalog.js";
import { accuracy, compileQuantized, floatLogits, quantizedLogits } from "./evaluate.js";
import { shiftImages } from "./image-augment.js";
import {
  loadMnistImages,
  loadMnistSequences,
  MNIST_SPLIT,
  MNIST_VALIDATION,
  mulberry32,
  splitValidation,
} from "./mnist-sequences.js";
import {
  buildImageDemo,
  imageParamsFromStateDict,
  imageStateDict,
  initImageParams,
  predictImages,
  SpikformerImageTf,
} from "./spikformer-mnist-tf.js";
import { type BnBatchStats, updateRunningStats } from "./spiking-lmuformer-tf.js";
import { arg, argText, logitAgreement, setCosineRate, shuffled, tfAccuracy } from "./train-util.js";

/** Digits `idx` of a split as images [b, 784] with one-hot labels, each shifted by up to ±`shift` pixels. */
function imageBatch(
  x: Float32Array,
  labels: Int32Array,
  idx: number[],
  shift: number,
  rand: () => number,
): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let out: Float32Array = new Float32Array(idx.length * 784);
  idx.forEach((n, i) => {
    out.set(x.subarray(n * 784, (n + 1) * 784), i * 784);
  });
  if (shift > 0) out = shiftImages(out, idx.length, 28, shift, rand);
  const y = tf.oneHot(
    tf.tensor1d(
      Int32Array.from(idx, (n) => labels[n]!),
      "int32",
    ),
    10,
  ) as tf.Tensor2D;
  return { x: tf.tensor2d(out, [idx.length, 784]), y };
}

/** Scales `grads` in place so their global L2 norm is at most `clip` (0 = no clipping); returns the norm before. */
function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): number {
  const norm = tf.tidy(
    () => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!,
  );
  if (clip > 0 && norm > clip)
    for (const k of Object.keys(grads)) {
      const g = grads[k]!;
      grads[k] = tf.mul(g, clip / norm);
      g.dispose();
    }
  return norm;
}

export async function trainImageDemo(name: string, demo: ImageDemo): Promise<void> {
  // --check FILE: only the held-out check of a trained file (the test split's one reading)
  const check = argText("check");
  if (check) return checkOnHeldOut(demo, check);
  const epochs = arg("epochs", demo.epochs);
  const seed = arg("seed", 1);
  const batch = arg("batch", 32);
  const recipe = demo.recipe ?? {};
  const lr = arg("lr", recipe.lr ?? 5e-3);
  const gamma = arg("bn-gamma", 2);
  // regularisation and stabilisers: off (0) unless the demo's recipe sets them (catalog.ts)
  const shift = arg("shift", recipe.shift ?? 0);
  const clip = arg("clip", recipe.clip ?? 0);
  const warmup = arg("warmup", recipe.warmup ?? 0);
  const smoothing = arg("label-smoothing", recipe.labelSmoothing ?? 0);
  const outIdx = process.argv.indexOf("--out");
  const out = outIdx > 0 ? process.argv[outIdx + 1]! : packagePath(demo.weights);
  // model selection sees only the validation slice of the training split; the test split is read after training
  const { fit: train, validation } = splitValidation(loadMnistSequences({ split: "train" }));
  const valN = validation.labels.length;
  const valAcc = () => tfAccuracy(predictImages(model, params, validation.x, valN), validation.labels, 10);
  const checkpoints = argText("checkpoint-dir");
  const model = new SpikformerImageTf(demo);
  // --init FILE continues from a checkpoint (official keys, BatchNorm running stats included) instead of seed init
  const initIdx = process.argv.indexOf("--init");
  const init = initIdx > 0 ? process.argv[initIdx + 1]! : undefined;
  const params = init
    ? imageParamsFromStateDict(demo, readSafetensorsFile(init).stateDict)
    : initImageParams(demo, seed, gamma);
  const trainable = [...params.values()].filter((v) => v.trainable);
  const opt = tf.train.adam(lr, 0.9, 0.999);
  const rand = mulberry32(seed + 1000);
  // its own stream, so --shift 0 shuffles exactly as before
  const shiftRand = mulberry32(seed + 2000);
  const t0 = performance.now();
  const limit = arg("max-batches", Number.POSITIVE_INFINITY);
  const batches = Math.min(limit, Math.floor(train.labels.length / batch));
  // a continued run keeps its starting point unless an epoch does better on the validation digits
  const startAcc = init ? valAcc() : -1;
  if (init) console.log(`init ${init}: validation ${(100 * startAcc).toFixed(2)}%`);
  let best = { acc: startAcc, sd: imageStateDict(demo, params), epoch: 0 };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lrAt = setCosineRate(opt, lr, epoch, epochs);
    const order = shuffled(train.labels.length, rand);
    let lossSum = 0;
    let normSum = 0;
    let clipped = 0;
    for (let b = 0; b < batches; b++) {
      const step = epoch * batches + b;
      if (step < warmup)
        (opt as unknown as { learningRate: number }).learningRate = (lrAt * (step + 1)) / warmup;
      else if (step === warmup) (opt as unknown as { learningRate: number }).learningRate = lrAt;
      const stats: BnBatchStats[] = [];
      const { x, y } = imageBatch(
        train.x,
        train.labels,
        order.slice(b * batch, (b + 1) * batch),
        shift,
        shiftRand,
      );
      const { value, grads } = tf.variableGrads(
        () =>
          tf.losses.softmaxCrossEntropy(y, model.logits(params, x, stats), undefined, smoothing) as tf.Scalar,
        trainable,
      );
      const norm = clipByGlobalNorm(grads, clip);
      normSum += norm;
      if (clip > 0 && norm > clip) clipped++;
      opt.applyGradients(grads as unknown as Record<string, tf.Variable>);
      updateRunningStats(params, stats);
      lossSum += (await value.data())[0]!;
      tf.dispose([value, x, y, ...Object.values(grads)]);
      if ((b + 1) % 50 === 0)
        console.log(
          `  batch ${b + 1}/${batches}: mean loss ${(lossSum / (b + 1)).toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
    }
    const acc = valAcc();
    const sd = imageStateDict(demo, params);
    if (acc >= best.acc) best = { acc, sd, epoch: epoch + 1 };
    // each epoch on disk, so a stopped run keeps what it trained
    if (checkpoints)
      writeSafetensorsFile(`${checkpoints}/${name}.epoch${epoch + 1}.safetensors`, sd, {
        epoch: String(epoch + 1),
        validationAccuracy: acc.toFixed(4),
      });
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, lr ${lrAt.toExponential(2)}, grad norm ${(normSum / batches).toFixed(3)} (${clipped} clipped), validation ${(100 * acc).toFixed(2)}%, ${secs.toFixed(0)} s`,
    );
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  writeSafetensorsFile(out, best.sd, {
    model: name,
    config: JSON.stringify(demo.config),
    task: `MNIST 28×28 in [0,1], the static image on each of T = ${demo.steps} steps, readout mean over the steps`,
    split: JSON.stringify(MNIST_SPLIT),
    selection: `best of the epochs on validation digits ${MNIST_VALIDATION.from}–${MNIST_VALIDATION.from + MNIST_VALIDATION.count - 1} of the training split (fit on the first ${MNIST_VALIDATION.from}); the test split unseen`,
    validationAccuracy: best.acc.toFixed(4),
    epochs: String(epochs),
    keptEpoch: String(best.epoch),
    seed: String(seed),
    lr: String(lr),
    shift: String(shift),
    clip: String(clip),
    warmupBatches: String(warmup),
    labelSmoothing: String(smoothing),
    batch: String(batch),
    ...(init
      ? {
          init: init.split("/").pop()!,
          initMetadata: JSON.stringify(readSafetensorsFile(init).metadata ?? {}),
        }
      : { bnGammaInit: String(gamma) }),
    trainSeconds: trainSeconds.toFixed(0),
  });
  console.log(`wrote ${out} (epoch ${best.epoch}, ${trainSeconds.toFixed(0)} s of training)`);
  model.dispose();
  // --no-held-out leaves the test split unread, for a run whose file may not be the one shipped
  if (!process.argv.includes("--no-held-out")) await checkOnHeldOut(demo, out);
}

/** The file against the zoo builder and the tfjs model on the 2,000 held-out digits, and 8-bit on 500 of them. */
async function checkOnHeldOut(demo: ImageDemo, out: string): Promise<void> {
  const model = new SpikformerImageTf(demo);
  const params = imageParamsFromStateDict(demo, readSafetensorsFile(out).stateDict);
  const graph = buildImageDemo(demo);
  const sd = readSafetensorsFile(out).stateDict;
  const report = applyStateDict(graph, sd);
  console.log(`applyStateDict: ${report.applied.length} applied, ${report.missing.length} missing`);
  const test = loadMnistImages({ split: "test", steps: demo.steps });
  const flat = loadMnistSequences({ split: "test" });
  const tfLogits = predictImages(model, params, flat.x, flat.labels.length);
  const t1 = performance.now();
  const fl = floatLogits(graph, test);
  const { worst, over } = logitAgreement(fl, tfLogits, 10);
  console.log(
    `runFloat vs tfjs on ${fl.length} held-out: max |Δlogit| ${worst.toExponential(2)}, ${over} above 1e-4; tfjs acc ${(100 * tfAccuracy(tfLogits, test.labels, 10)).toFixed(2)}%, float acc ${(100 * accuracy(fl, test.labels)).toFixed(2)}% (${((performance.now() - t1) / 1000).toFixed(0)} s)`,
  );
  const few = loadMnistImages({ split: "test", count: 500, steps: demo.steps });
  const ir = compileQuantized(graph, loadMnistImages({ split: "train", count: 64, steps: demo.steps }));
  console.log(
    `8-bit runReference acc on 500 held-out ${(100 * accuracy(quantizedLogits(ir, few), few.labels)).toFixed(2)}%`,
  );
  model.dispose();
}
