// The shipped MNIST FWformer (2D-FFT mixer) checkpoint (models/README.md "Trained demos"): key fit, zoo default,
// tfjs = runFloat, float accuracy on all 2,000 held-out digits (95.30 % when first read) and loihi2 chip-model
// accuracy on the first 1,000. Fit on 7,500 training digits, its epoch picked on the validation slice: no held-out
// digit chose anything, so every range is clean.

import { FWFORMER_MNIST } from "./catalog.js";
import { describeImageDemo } from "./image-demo-checks.js";

describeImageDemo("fwformer-mnist", FWFORMER_MNIST, {
  float: 0.95,
  chip: 0.93,
  floatDigits: { first: 0, count: 2000 },
  selectedOnValidation: true,
});
