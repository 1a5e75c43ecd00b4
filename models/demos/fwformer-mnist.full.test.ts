// The shipped MNIST FWformer (2D-FFT mixer) checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float and loihi2 chip-model accuracy on 1,000 held-out digits. Measured 93.0 % float (short of
// the 95 % asked for: 3 epochs only) and 93.4 % on the chip model; the floors hold those.

import { FWFORMER_MNIST } from "./catalog.js";
import { describeImageDemo } from "./image-demo-checks.js";

describeImageDemo("fwformer-mnist", FWFORMER_MNIST, { float: 0.92, chip: 0.93 });
