// The shipped causal GSU sMNIST-28 checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float / 8-bit reference / loihi2 chip-model accuracy on held-out digits from 500 on (its epoch
// was picked on digits 0–499). Measured: float 97.13 % (500–1,999), 8-bit 97.0 % (500–799), chip 97.3 % (500–1,499).

import { GSU_SMNIST } from "./catalog.js";
import { describeS4Demo } from "./s4-smnist-checks.js";

describeS4Demo("gsu-smnist", GSU_SMNIST, { float: 0.95, quantized: 0.94, chip: 0.94 });
