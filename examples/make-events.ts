// Writes examples/events.npy: 4 samples × 20 steps of random DVS-like events for the N-MNIST CNN of the
// README walkthrough ([4, 20, 2, 34, 34], each pixel on with probability 0.05, seeded so the file is stable).
// Usage: npx tsc -p tsconfig.json && node dist/examples/make-events.js

import { join } from "node:path";
import { packageRoot } from "../common/package-root.js";
import { writeNpyFile } from "../compiler/importers/tensors/index.js";
import { mulberry32 } from "../models/demos/mnist-sequences.js";

const SHAPE = [4, 20, 2, 34, 34];
const ON_PROBABILITY = 0.05;

const random = mulberry32(0);
const count = SHAPE.reduce((a, b) => a * b, 1);
const data = new Uint8Array(count);
for (let i = 0; i < count; i++) data[i] = random() < ON_PROBABILITY ? 1 : 0;
const path = join(packageRoot(), "examples", "events.npy");
writeNpyFile(path, { dtype: "uint8", shape: SHAPE, data });
console.log(`wrote ${path} (${SHAPE.join(" × ")} uint8 events)`);
