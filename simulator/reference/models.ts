// Neuron kernels of the reference interpreter: one typed-array update per NMIR model kind, exactly the update
// written in its doc comment (compiler/nmir/neuron-models.ts), at stage quantized (integer) or lowered (float).

import { assertNever } from "../../common/errors.js";
import type { NeuronModel } from "../../compiler/nmir/neuron-models.js";
import { FunctionKernel } from "./function-kernel.js";
import type { NeuronKernel } from "./kernel-parts.js";
import { LinearKernel, ProductKernel, ReadoutKernel, SpikingKernel, ThresholdKernel } from "./kernels.js";

export {
  emit,
  formatOvershoot,
  type NeuronKernel,
  type PopTally,
  SatCounter,
  type SatTally,
  type StateArray,
  saturationWarning,
} from "./kernel-parts.js";

export function createKernel(model: NeuronModel, n: number, quantized: boolean): NeuronKernel {
  switch (model.kind) {
    case "lif":
    case "cubaLif":
    case "if":
      return new SpikingKernel(model, n, quantized);
    case "li":
    case "cubaLi":
      return new ReadoutKernel(model, n, quantized);
    case "linear":
      return new LinearKernel(model, n, quantized);
    case "product":
      return new ProductKernel(model, n, quantized);
    case "threshold":
      return new ThresholdKernel(model, n);
    case "function":
      return new FunctionKernel(model, n, quantized);
    default:
      return assertNever(model, "neuron model");
  }
}
