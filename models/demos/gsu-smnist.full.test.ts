// The shipped causal GSU sMNIST-28 checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float / 8-bit reference / loihi2 chip-model accuracy on held-out digits.

import { GSU_SMNIST } from "./catalog.js";
import { describeS4Demo } from "./s4-smnist-checks.js";

describeS4Demo("gsu-smnist", GSU_SMNIST, { float: 0.95, quantized: 0.94, chip: 0.94 });
