// Trains a demo checkpoint and checks it against the NetGraph it is shipped for:
//   node dist/models/demos/train.js spiking-lmuformer-smnist [--epochs 12] [--batch 32] [--lr 2e-3] [--seed 1] [--out FILE]
//   node dist/models/demos/train.js binary-s4d-smnist | gsu-smnist [...]: the S4 demos (train-s4.ts).
//   node dist/models/demos/train.js spikformer-mnist | fwformer-mnist [...] [--init FILE] [--checkpoint-dir DIR]: the
//   image demos (train-image.ts; --init continues from a checkpoint, --checkpoint-dir writes every epoch there;
//   --shift P, --clip N, --warmup B, --label-smoothing S regularise; --no-held-out skips the test split, --check
//   FILE only reads it for a trained file).
// The S4 and image trainers fit on the first 7,500 training digits and keep the epoch best on the last 500
// (MNIST_VALIDATION); the 2,000 test digits are read only after training.
// For the Spiking LMUFormer:
// 1. trains the tfjs model (spiking-lmuformer-tf.ts) on the 8,000 training digits (Adam, surrogate gradients);
// 2. writes the state_dict with the official key names as .safetensors (metadata: config, split, epochs, time);
// 3. loads it into the zoo builder with applyStateDict, runs runFloat (the whole-clip definition, and the stream)
//    on the 2,000 held-out digits and compares the logits with the tfjs eval forward; 4. compiles to 8-bit NMIR
//    and runs runReference (streaming, flushed with the look-ahead's zero steps) on the same digits.

import { register } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import { packagePath } from "../../common/package-root.js";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile, writeSafetensorsFile } from "../../compiler/importers/tensors/index.js";
import { buildSpikingLmuFormer } from "../lmuformer.js";
import {
  BINARY_S4D_SMNIST,
  FWFORMER_MNIST,
  GSU_SMNIST,
  SPIKFORMER_MNIST,
  SPIKING_LMUFORMER_SMNIST,
} from "./catalog.js";
import { accuracy, calibrationSet, compileQuantized, floatLogits, quantizedLogits } from "./evaluate.js";
import { loadMnistSequences, MNIST_SPLIT, mulberry32 } from "./mnist-sequences.js";
import {
  type BnBatchStats,
  initParams,
  predict,
  SpikingLmuFormerTf,
  toStateDict,
  updateRunningStats,
  useWasmBackend,
} from "./spiking-lmuformer-tf.js";
import { trainImageDemo } from "./train-image.js";
import { trainS4Smnist } from "./train-s4.js";
import { arg, gather, logitAgreement, setCosineRate, shuffled, tfAccuracy } from "./train-util.js";

/**
 * tfjs-core's Node bundle registers no gradients; its ESM gradient files import without ".js" suffixes, which
 * Node's resolver refuses. This hook adds the suffix for imports inside tfjs-core's dist only.
 */
async function enableGradients(): Promise<void> {
  const hook = `export async function resolve(s, c, next) {
    try { return await next(s, c); } catch (e) {
      if (/^\\.\\.?\\//.test(s) && (c.parentURL ?? "").includes("/@tensorflow/tfjs-core/dist/")) return next(s + ".js", c);
      throw e;
    }
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
}

async function trainSpikingLmuFormerSmnist(): Promise<void> {
  const { config: cfg, steps, weights } = SPIKING_LMUFORMER_SMNIST;
  const epochs = arg("epochs", 12);
  const seed = arg("seed", 1);
  const batch = arg("batch", 32);
  const lr = arg("lr", 2e-3);
  const outIdx = process.argv.indexOf("--out");
  const out = outIdx > 0 ? process.argv[outIdx + 1]! : packagePath(weights);
  const train = loadMnistSequences({ split: "train", order: "row" });
  const test = loadMnistSequences({ split: "test", order: "row" });
  const model = new SpikingLmuFormerTf(cfg, steps);
  const params = initParams(cfg, seed);
  const trainable = [...params.values()].filter((v) => v.trainable);
  const opt = tf.train.adam(lr, 0.9, 0.999);
  const rand = mulberry32(seed + 1000);
  const t0 = performance.now();
  const batches = Math.floor(train.shape[0] / batch);
  for (let epoch = 0; epoch < epochs; epoch++) {
    setCosineRate(opt, lr, epoch, epochs);
    const order = shuffled(train.shape[0], rand);
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const stats: BnBatchStats[] = [];
      const { x, y } = gather(train, order.slice(b * batch, (b + 1) * batch));
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, model.logits(params, x, stats)) as tf.Scalar,
        trainable,
      );
      opt.applyGradients(grads as unknown as Record<string, tf.Variable>);
      updateRunningStats(params, stats);
      lossSum += (await value.data())[0]!;
      tf.dispose([value, x, y, ...Object.values(grads)]);
    }
    const probe = loadMnistSequences({ split: "test", count: 500 });
    const acc = tfAccuracy(predict(model, params, probe.x, probe.shape), probe.labels, 10);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, held-out[0:500] ${(100 * acc).toFixed(2)}%, ${secs.toFixed(0)} s`,
    );
  }
  const trainSeconds = (performance.now() - t0) / 1000;
  const sd = toStateDict(cfg, params);
  writeSafetensorsFile(out, sd, {
    model: "slmu_rnn_ms_conv1d",
    config: JSON.stringify(cfg),
    task: "sMNIST-28: 28 rows × 28 pixels in [0,1], readout mean over the 28 steps",
    split: JSON.stringify(MNIST_SPLIT),
    epochs: String(epochs),
    seed: String(seed),
    trainSeconds: trainSeconds.toFixed(0),
  });
  console.log(`wrote ${out} (${trainSeconds.toFixed(0)} s of training)`);

  // What the shipped file means to the builder: the same logits as the tfjs forward that was trained.
  const graph = buildSpikingLmuFormer(cfg);
  const report = applyStateDict(graph, readSafetensorsFile(out).stateDict);
  console.log(`applyStateDict: ${report.applied.length} applied, ${report.missing.length} missing`);
  const tfLogits = predict(model, params, test.x, test.shape);
  const t1 = performance.now();
  const fl = floatLogits(graph, test);
  const { worst, over } = logitAgreement(fl, tfLogits, 10);
  const floatAcc = accuracy(fl, test.labels);
  console.log(
    `runFloat vs tfjs on ${fl.length} held-out: max |Δlogit| ${worst.toExponential(2)}, ${over} above 1e-4; tfjs acc ${(100 * tfAccuracy(tfLogits, test.labels, 10)).toFixed(2)}%, float acc ${(100 * floatAcc).toFixed(2)}% (${((performance.now() - t1) / 1000).toFixed(0)} s)`,
  );
  const streamAcc = accuracy(floatLogits(graph, test, "stream"), test.labels);
  console.log(`runFloat streaming (flushed) acc ${(100 * streamAcc).toFixed(2)}%`);
  const t2 = performance.now();
  const ir = compileQuantized(graph, calibrationSet());
  const qAcc = accuracy(quantizedLogits(ir, test), test.labels);
  console.log(
    `8-bit runReference acc ${(100 * qAcc).toFixed(2)}% (float ${(100 * floatAcc).toFixed(2)}%, ${((performance.now() - t2) / 1000).toFixed(0)} s)`,
  );
  model.dispose();
}

const TRAINERS: Record<string, () => Promise<void>> = {
  "spiking-lmuformer-smnist": trainSpikingLmuFormerSmnist,
  "binary-s4d-smnist": () => trainS4Smnist(BINARY_S4D_SMNIST),
  "gsu-smnist": () => trainS4Smnist(GSU_SMNIST),
  "spikformer-mnist": () => trainImageDemo("spikformer-mnist", SPIKFORMER_MNIST),
  "fwformer-mnist": () => trainImageDemo("fwformer-mnist", FWFORMER_MNIST),
};

const name = process.argv[2] ?? "";
const trainer = TRAINERS[name];
if (!trainer) {
  console.error(`usage: node dist/models/demos/train.js <${Object.keys(TRAINERS).join("|")}> [--epochs N]`);
  process.exit(2);
}
await enableGradients();
await useWasmBackend();
await trainer();
