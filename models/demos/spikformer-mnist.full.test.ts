// The shipped MNIST Spikformer checkpoint (models/README.md "Trained demos"): key fit, zoo default, tfjs =
// runFloat, float and loihi2 chip-model accuracy on 1,000 held-out digits (the 95 % / 93 %). The
// file is its run's last epoch (3 of 3): no epoch was picked on held-out digits (models/README.md).

import { SPIKFORMER_MNIST } from "./catalog.js";
import { describeImageDemo } from "./image-demo-checks.js";

describeImageDemo("spikformer-mnist", SPIKFORMER_MNIST, { float: 0.95, chip: 0.93 });
