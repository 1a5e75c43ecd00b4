// The shipped causal Binary S4D sMNIST-28 checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float / 8-bit reference / loihi2 chip-model accuracy on held-out digits from 500 on (its epoch
// was picked on digits 0–499). Measured: float 95.80 % (500–1,999), 8-bit 96.0 % (500–799), chip 95.7 % (500–1,499).

import { BINARY_S4D_SMNIST } from "./catalog.js";
import { describeS4Demo } from "./s4-smnist-checks.js";

describeS4Demo("binary-s4d-smnist", BINARY_S4D_SMNIST, { float: 0.95, quantized: 0.93, chip: 0.93 });
