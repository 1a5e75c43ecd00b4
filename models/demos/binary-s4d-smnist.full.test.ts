// The shipped causal Binary S4D sMNIST-28 checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float / 8-bit reference / loihi2 chip-model accuracy on held-out digits.

import { BINARY_S4D_SMNIST } from "./catalog.js";
import { describeS4Demo } from "./s4-smnist-checks.js";

describeS4Demo("binary-s4d-smnist", BINARY_S4D_SMNIST, { float: 0.94, quantized: 0.93, chip: 0.93 });
